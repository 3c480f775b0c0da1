import rule from '../../src/rules/apim-004-public-network-access.js';
import { apimService, apimV2Service, serviceId } from '../support/fixtures.js';
import { describe, expect, it } from 'vitest';
import { planAfterReread, ruleTester } from '../support/rule-tester.js';
import { privateEndpointConnection as connection } from './child-fixtures.js';

const STATUS_0 = 'properties.privateEndpointConnections[0].properties.privateLinkServiceConnectionState.status';
const STATUS_1 = 'properties.privateEndpointConnections[1].properties.privateLinkServiceConnectionState.status';

function service(properties: Record<string, unknown>) {
  return apimService({ properties });
}

const SUBNET = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-apim';
/** virtualNetworkType with a subnet: injection on classic tiers and PremiumV2 Internal, outbound integration for External on v2. */
const vnet = (mode: string) => ({ virtualNetworkType: mode, virtualNetworkConfiguration: { subnetResourceId: SUBNET } });

ruleTester.run(rule, {
  pass: [
    {
      name: 'public access "Disabled" with an approved private endpoint',
      resources: [service({ publicNetworkAccess: 'Disabled', privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
      reason: "Service 'apim-test' has public network access disabled; private endpoints are the only way in.",
    },
    {
      name: 'public access "disabled" in lower case',
      resources: [service({ publicNetworkAccess: 'disabled', privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
    },
    {
      name: 'public access "Disabled" and no connection listed',
      resources: [service({ publicNetworkAccess: 'Disabled', privateEndpointConnections: null })],
    },
    {
      name: 'StandardV2 with public access "Disabled" behind an approved private endpoint',
      resources: [apimV2Service('StandardV2', { properties: { publicNetworkAccess: 'Disabled', privateEndpointConnections: [connection('pe-weu', 'Approved')] } })],
      reason: 'has public network access disabled',
    },
    {
      name: 'PremiumV2 (lower-case tier) with public access "Disabled" behind an approved private endpoint',
      resources: [apimService({ sku: { name: 'premiumv2', capacity: 1 }, properties: { publicNetworkAccess: 'Disabled', privateEndpointConnections: [connection('pe-weu', 'Approved')] } })],
      reason: 'has public network access disabled',
    },
  ],
  fail: [
    {
      name: 'public access "Enabled" with an approved private endpoint',
      resources: [service({ publicNetworkAccess: 'Enabled', privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
      reason:
        "Service 'apim-test' still accepts traffic from the internet (publicNetworkAccess is \"Enabled\") although an approved private endpoint connection ('pe-weu') can carry it.",
      evidence: [
        { path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'Disabled' },
        { path: STATUS_0, actual: 'Approved', expected: 'Approved', note: "'pe-weu' is approved" },
      ],
    },
    {
      name: 'public access absent (default Enabled) with an approved private endpoint',
      resources: [service({ publicNetworkAccess: undefined, privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
      reason: 'publicNetworkAccess is absent, which means Enabled',
      evidence: [{ path: 'properties.publicNetworkAccess', actual: undefined, expected: 'Disabled', note: 'absent — platform default: Enabled' }],
    },
    {
      name: 'public access null with an approved private endpoint',
      resources: [service({ publicNetworkAccess: null, privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
      evidence: [{ path: 'properties.publicNetworkAccess', actual: undefined, note: 'platform default: Enabled' }],
    },
    {
      name: 'approved status in lower case, virtualNetworkType "None"',
      resources: [service({ virtualNetworkType: 'None', privateEndpointConnections: [connection('pe-weu', 'approved')] })],
      evidence: [{ path: STATUS_0, actual: 'approved' }],
    },
    {
      name: 'virtualNetworkType absent with an approved private endpoint',
      resources: [service({ virtualNetworkType: undefined, privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
      evidence: [{ path: 'properties.publicNetworkAccess', actual: 'Enabled' }],
    },
    {
      name: 'one pending and one approved connection: only the approved one is evidence',
      resources: [service({ privateEndpointConnections: [connection('pe-new', 'Pending'), connection('pe-weu', 'Approved')] })],
      reason: "an approved private endpoint connection ('pe-weu') can carry it.",
      evidence: [{ path: STATUS_1, actual: 'Approved' }],
    },
    {
      name: 'two approved connections are both named',
      resources: [service({ privateEndpointConnections: [connection('pe-weu', 'Approved'), connection('pe-neu', 'Approved')] })],
      reason: "2 approved private endpoint connections ('pe-weu', 'pe-neu')",
      evidence: [
        { path: STATUS_0, actual: 'Approved' },
        { path: STATUS_1, actual: 'Approved' },
      ],
    },
    {
      name: 'StandardV2 with public access "Enabled" and an approved private endpoint',
      resources: [apimV2Service('StandardV2', { properties: { privateEndpointConnections: [connection('pe-weu', 'Approved')] } })],
      reason: "still accepts traffic from the internet (publicNetworkAccess is \"Enabled\") although an approved private endpoint connection ('pe-weu') can carry it.",
      evidence: [{ path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'Disabled' }],
    },
    {
      name: 'StandardV2 External + subnet is outbound integration, not injection: still judged',
      resources: [apimV2Service('StandardV2', { properties: { ...vnet('External'), privateEndpointConnections: [connection('pe-weu', 'Approved')] } })],
      reason: 'virtualNetworkType "External" on the StandardV2 tier is outbound VNet integration, which leaves the gateway public.',
      evidence: [{ path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'Disabled' }],
    },
    {
      name: 'PremiumV2 External + subnet is outbound integration, not injection: still judged',
      resources: [apimV2Service('PremiumV2', { properties: { ...vnet('External'), privateEndpointConnections: [connection('pe-weu', 'Approved')] } })],
      reason: 'virtualNetworkType "External" on the PremiumV2 tier is outbound VNet integration, which leaves the gateway public.',
      evidence: [{ path: 'properties.publicNetworkAccess', actual: 'Enabled', expected: 'Disabled' }],
    },
  ],
  notApplicable: [
    {
      name: 'Consumption tier',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } })],
      reason: "Service 'apim-test' is on the Consumption tier, which supports neither inbound private endpoints nor the publicNetworkAccess switch.",
    },
    {
      name: 'BasicV2 tier: no inbound private endpoints',
      resources: [apimV2Service('BasicV2', { properties: { privateEndpointConnections: [connection('pe-weu', 'Approved')] } })],
      reason: "Service 'apim-test' is on the BasicV2 tier, which has no inbound private endpoints, so public network access cannot be disabled (a tier change is needed, see APIM-005).",
    },
    {
      name: 'PremiumV2 injected into a VNet (Internal + subnet)',
      resources: [apimV2Service('PremiumV2', { properties: vnet('Internal') })],
      reason: 'is injected into a virtual network in Internal mode',
    },
    {
      name: 'StandardV2 External integration without an approved endpoint: the no-endpoint reason, not "injected"',
      resources: [apimV2Service('StandardV2', { properties: vnet('External') })],
      reason: /^Service 'apim-test' has no approved private endpoint connection/,
    },
    {
      name: 'injected into a VNet in Internal mode',
      resources: [service({ virtualNetworkType: 'Internal', privateEndpointConnections: null })],
      reason: 'is injected into a virtual network in Internal mode, so public access is governed by the VNet mode',
    },
    {
      name: 'injected into a VNet in "external" mode (lower case)',
      resources: [service({ virtualNetworkType: 'external' })],
      reason: 'in external mode',
    },
    {
      name: 'no private endpoint connections (null)',
      resources: [service({ privateEndpointConnections: null })],
      reason:
        "Service 'apim-test' has no approved private endpoint connection, so disabling public network access would cut off every caller; add one first (see APIM-005).",
    },
    {
      name: 'private endpoint connections absent',
      resources: [service({ privateEndpointConnections: undefined })],
      reason: 'would cut off every caller',
    },
    {
      name: 'empty connection list',
      resources: [service({ privateEndpointConnections: [] })],
      reason: 'see APIM-005',
    },
    {
      name: 'only pending and rejected connections are listed',
      resources: [service({ privateEndpointConnections: [connection('pe-new', 'Pending'), connection('pe-old', 'Rejected')] })],
      reason: "Connections not approved: 'pe-new' (Pending), 'pe-old' (Rejected).",
    },
    {
      name: 'connection without a status or name is named by its private endpoint',
      resources: [service({ privateEndpointConnections: [{ ...connection('pe-odd', null), name: undefined }] })],
      reason: "Connections not approved: 'pe-odd' (no status).",
    },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
  ],
  fix: [
    {
      name: 'approved private endpoint: public access is disabled',
      resources: [service({ publicNetworkAccess: 'Enabled', privateEndpointConnections: [connection('pe-new', 'Pending'), connection('pe-weu', 'Approved')] })],
      summary: "Disable public network access on service 'apim-test', leaving private endpoints as the only way in.",
      request: { method: 'PATCH', path: serviceId('apim-test'), apiVersion: '2024-05-01', body: { properties: { publicNetworkAccess: 'Disabled' } } },
      changes: [{ path: 'properties.publicNetworkAccess', before: 'Enabled', after: 'Disabled' }],
      preconditions: [
        { description: 'An approved private endpoint connection exists', satisfied: true, detail: "an approved private endpoint connection ('pe-weu')" },
        { description: 'No other operation is running', satisfied: true },
      ],
    },
    {
      name: 'public access absent (default Enabled)',
      resources: [service({ publicNetworkAccess: undefined, privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
      changes: [{ path: 'properties.publicNetworkAccess', before: undefined, after: 'Disabled' }],
    },
    {
      name: 're-read finds the endpoint pending again: precondition unsatisfied',
      resources: [service({ privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
      reread: [service({ privateEndpointConnections: [connection('pe-weu', 'Pending')] })],
      preconditions: [
        {
          description: 'An approved private endpoint connection exists',
          satisfied: false,
          detail: "Disabling public access needs an approved private endpoint; service 'apim-test' has none ('pe-weu' (Pending)). Approve the endpoint first.",
        },
      ],
    },
    {
      name: 'StandardV2 External integration with an approved endpoint: public access is disabled',
      resources: [apimV2Service('StandardV2', { properties: { ...vnet('External'), privateEndpointConnections: [connection('pe-weu', 'Approved')] } })],
      request: { method: 'PATCH', body: { properties: { publicNetworkAccess: 'Disabled' } } },
      changes: [{ path: 'properties.publicNetworkAccess', before: 'Enabled', after: 'Disabled' }],
    },
    {
      name: 're-read finds no connection at all: precondition unsatisfied',
      resources: [service({ privateEndpointConnections: [connection('pe-weu', 'Approved')] })],
      reread: [service({ privateEndpointConnections: [] })],
      preconditions: [{ description: 'An approved private endpoint connection exists', satisfied: false, detail: 'has none. Add one first (APIM-005).' }],
    },
  ],
});

describe('APIM-004 fix on the v2 tiers', () => {
  const withEndpoint = { properties: { privateEndpointConnections: [connection('pe-weu', 'Approved')] } };
  it('plans nothing when the service is re-read on BasicV2, which has no private endpoints', () => {
    expect(planAfterReread(rule, [apimService(withEndpoint)], [apimV2Service('StandardV2', withEndpoint)])).toBeDefined();
    expect(planAfterReread(rule, [apimService(withEndpoint)], [apimV2Service('BasicV2', withEndpoint)])).toBeUndefined();
  });
  it('plans nothing when the service is re-read as an injected PremiumV2', () => {
    expect(planAfterReread(rule, [apimService(withEndpoint)], [apimV2Service('PremiumV2', { properties: { ...withEndpoint.properties, ...vnet('Internal') } })])).toBeUndefined();
  });
});
