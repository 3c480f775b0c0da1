import rule from '../../src/rules/apim-005-private-endpoint.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';
import { privateEndpointConnection as connection } from './child-fixtures.js';

const status = (index: number): string => `properties.privateEndpointConnections[${index}].properties.privateLinkServiceConnectionState.status`;

function service(properties: Record<string, unknown>) {
  return apimService({ properties });
}

const SUBNET = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-apim';
/** virtualNetworkType with a subnet: injection on classic tiers and PremiumV2 Internal, outbound integration for External on v2. */
const vnet = (mode: string) => ({ virtualNetworkType: mode, virtualNetworkConfiguration: { subnetResourceId: SUBNET } });

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
    {
      name: 'StandardV2 with an approved private endpoint',
      resources: [apimV2Service('StandardV2', { properties: { privateEndpointConnections: [connection('pe-weu', 'Approved')] } })],
      reason: "is reachable through an approved private endpoint connection: 'pe-weu'.",
    },
    {
      name: 'PremiumV2 with an approved private endpoint and outbound integration',
      resources: [apimV2Service('PremiumV2', { properties: { ...vnet('External'), privateEndpointConnections: [connection('pe-weu', 'Approved')] } })],
      reason: "is reachable through an approved private endpoint connection: 'pe-weu'.",
    },
    {
      name: 'PremiumV2 injected (Internal + subnet) without a private endpoint',
      resources: [apimV2Service('PremiumV2', { properties: vnet('Internal') })],
      reason: 'is injected into a virtual network in Internal mode, the alternative to an inbound private endpoint.',
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
      name: 'StandardV2 without a private endpoint',
      resources: [apimV2Service('StandardV2')],
      reason: "Service 'apim-test' has no private endpoint connection and is not injected into a virtual network.",
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'None', expected: 'an approved private endpoint (StandardV2 has no VNet injection)' }],
    },
    {
      name: 'StandardV2 External + subnet is outbound integration, not injection',
      resources: [apimV2Service('StandardV2', { properties: vnet('External') })],
      reason:
        'has no private endpoint connection and is not injected into a virtual network (virtualNetworkType "External" on the StandardV2 tier is outbound VNet integration, which leaves the gateway public).',
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'External', note: 'outbound VNet integration, which leaves the gateway public' }],
    },
    {
      name: 'StandardV2 Internal (not a Standard v2 feature) with a pending endpoint',
      resources: [apimV2Service('StandardV2', { properties: { ...vnet('Internal'), privateEndpointConnections: [connection('pe-new', 'Pending')] } })],
      reason: 'virtualNetworkType "Internal" has no effect on the StandardV2 tier, which has no VNet injection',
      evidence: [{ path: status(0), actual: 'Pending' }],
    },
    {
      name: 'PremiumV2 External + subnet is outbound integration, not injection',
      resources: [apimV2Service('PremiumV2', { properties: vnet('External') })],
      reason: 'virtualNetworkType "External" on the PremiumV2 tier is outbound VNet integration',
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'External', expected: 'Internal (VNet injection), or an approved private endpoint' }],
    },
  ],
  notApplicable: [
    {
      name: 'Consumption tier',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } })],
      reason: "Service 'apim-test' is on the Consumption tier, which supports neither inbound private endpoints nor VNet injection.",
    },
    {
      name: 'BasicV2 tier: neither private endpoints nor injection',
      resources: [apimV2Service('BasicV2')],
      reason: "Service 'apim-test' is on the BasicV2 tier, which supports neither inbound private endpoints nor VNet injection; isolating it needs a tier change (StandardV2 or PremiumV2).",
    },
    {
      name: 'BasicV2 in lower case with a VNet type it cannot use',
      resources: [apimService({ sku: { name: 'basicv2', capacity: 1 }, properties: vnet('External') })],
      reason: 'is on the BasicV2 tier',
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
