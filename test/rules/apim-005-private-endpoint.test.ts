import rule from '../../src/rules/apim-005-private-endpoint.js';
import { apimService } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';
import { privateEndpointConnection as connection } from './child-fixtures.js';

const status = (index: number): string => `properties.privateEndpointConnections[${index}].properties.privateLinkServiceConnectionState.status`;

function service(properties: Record<string, unknown>) {
  return apimService({ properties });
}

ruleTester.run(rule, {
  pass: [
    {
      name: 'one approved private endpoint connection',
      resources: [service({ privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
      reason: "Service 'apim-test' is reachable through an approved private endpoint connection: 'pe-weu'.",
    },
    {
      name: 'approved status in lower case',
      resources: [service({ privateEndpointConnections: [connection('pe-weu', 'approved')] })],
    },
    {
      name: 'one approved and one pending connection',
      resources: [service({ privateEndpointConnections: [connection('pe-new', 'Pending'), connection('pe-weu', 'Approved')] })],
      reason: "through an approved private endpoint connection: 'pe-weu'.",
    },
    {
      name: 'two approved connections',
      resources: [service({ privateEndpointConnections: [connection('pe-weu', 'Approved'), connection('pe-neu', 'Approved')] })],
      reason: "2 approved private endpoint connections: 'pe-weu', 'pe-neu'.",
    },
    {
      name: 'no private endpoint, injected in Internal mode',
      resources: [service({ virtualNetworkType: 'Internal', privateEndpointConnections: null })],
      reason: 'is injected into a virtual network in Internal mode, the alternative to an inbound private endpoint.',
    },
    {
      name: 'no private endpoint, injected in External mode',
      resources: [service({ virtualNetworkType: 'External' })],
      reason: 'in External mode',
    },
    {
      name: 'VNet type in lower case "internal"',
      resources: [service({ virtualNetworkType: 'internal' })],
      reason: 'in internal mode',
    },
  ],
  fail: [
    {
      name: 'no connections (null) and virtualNetworkType "None"',
      resources: [service({ virtualNetworkType: 'None', privateEndpointConnections: null })],
      reason: "Service 'apim-test' has no private endpoint connection and is not injected into a virtual network.",
      evidence: [
        { path: 'properties.virtualNetworkType', actual: 'None', expected: 'External or Internal (VNet injection), or an approved private endpoint' },
        { path: 'properties.privateEndpointConnections', actual: null, expected: 'at least one connection with status Approved', note: 'no private endpoint connections' },
      ],
    },
    {
      name: 'connections and virtualNetworkType both absent',
      resources: [service({ virtualNetworkType: undefined, privateEndpointConnections: undefined })],
      evidence: [
        { path: 'properties.virtualNetworkType', actual: undefined, note: 'absent — platform default: None' },
        { path: 'properties.privateEndpointConnections', actual: undefined, note: 'absent — no private endpoint connections' },
      ],
    },
    {
      name: 'empty connection list',
      resources: [service({ privateEndpointConnections: [] })],
      evidence: [{ path: 'properties.privateEndpointConnections', actual: [] }],
    },
    {
      name: 'pending and rejected connections only: both listed',
      resources: [service({ privateEndpointConnections: [connection('pe-new', 'Pending'), connection('pe-old', 'Rejected')] })],
      reason: "has no approved private endpoint connection and is not injected into a virtual network; connections not approved: 'pe-new' (Pending), 'pe-old' (Rejected).",
      evidence: [
        { path: status(0), actual: 'Pending', expected: 'Approved', note: "'pe-new' is not approved" },
        { path: status(1), actual: 'Rejected', expected: 'Approved', note: "'pe-old' is not approved" },
      ],
    },
    {
      name: 'disconnected connection without a name is labelled by its private endpoint',
      resources: [service({ privateEndpointConnections: [{ ...connection('pe-gone', 'Disconnected'), name: undefined }] })],
      reason: "'pe-gone' (Disconnected)",
      evidence: [{ path: status(0), actual: 'Disconnected' }],
    },
    {
      name: 'connection entry without properties',
      resources: [service({ privateEndpointConnections: [{ name: 'pe-broken' }] })],
      reason: "'pe-broken' (no status)",
      evidence: [{ path: status(0), actual: undefined, expected: 'Approved' }],
    },
    {
      name: 'unknown virtualNetworkType value is not injection',
      resources: [service({ virtualNetworkType: 'Hybrid' })],
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'Hybrid' }],
    },
    {
      name: 'Basic v2 tier without a private endpoint',
      resources: [apimService({ sku: { name: 'BasicV2', capacity: 1 }, zones: null })],
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'None' }],
    },
  ],
  notApplicable: [
    {
      name: 'Consumption tier',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } })],
      reason: "Service 'apim-test' is on the Consumption tier, which supports neither inbound private endpoints nor VNet injection.",
    },
    {
      name: 'Consumption tier in lower case',
      resources: [apimService({ sku: { name: 'consumption' } })],
      reason: 'Consumption tier',
    },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
  ],
});
