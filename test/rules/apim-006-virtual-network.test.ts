import { describe, expect, it } from 'vitest';
import { resolveRuleOptions, RuleOptionsError } from '../../src/engine/options.js';
import rule from '../../src/rules/apim-006-virtual-network.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const SUBNET = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-apim';
const SUBNET_PATH = 'properties.virtualNetworkConfiguration.subnetResourceId';

function approvedConnection(name: string) {
  return { name, properties: { privateLinkServiceConnectionState: { status: 'Approved' } } };
}

function service(properties: Record<string, unknown>, sku?: { name: string; capacity?: number }) {
  return apimService({ properties, ...(sku === undefined ? {} : { sku }) });
}

const injected = (mode: string) => ({ virtualNetworkType: mode, virtualNetworkConfiguration: { subnetResourceId: SUBNET } });

ruleTester.run(rule, {
  pass: [
    {
      name: 'Premium injected in Internal mode',
      resources: [service(injected('Internal'))],
      reason: "Service 'apim-test' is injected into a virtual network in Internal mode.",
    },
    { name: 'Premium injected in External mode', resources: [service(injected('External'))], reason: 'in External mode' },
    { name: 'Developer injected, type in lower case', resources: [service(injected('internal'), { name: 'Developer', capacity: 1 })], reason: 'in internal mode' },
    { name: 'tier name in lower case "premium"', resources: [service(injected('External'), { name: 'premium', capacity: 1 })] },
    { name: 'injected without a subnet in the export', resources: [service({ virtualNetworkType: 'Internal', virtualNetworkConfiguration: null })] },
    {
      name: 'PremiumV2 injected (Internal + subnet)',
      resources: [apimV2Service('PremiumV2', { properties: injected('Internal') })],
      reason: "Service 'apim-test' is injected into a virtual network in Internal mode.",
    },
    {
      name: 'Standard tier added to the option skus and injected',
      resources: [service(injected('External'), { name: 'Standard', capacity: 1 })],
      options: { skus: ['Standard'] },
    },
  ],
  fail: [
    {
      name: 'Premium with virtualNetworkType "None"',
      resources: [service({ virtualNetworkType: 'None' })],
      reason: "Service 'apim-test' is not injected into a virtual network: virtualNetworkType is \"None\".",
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'None', expected: 'External or Internal' }],
    },
    {
      name: 'Premium with virtualNetworkType absent',
      resources: [service({ virtualNetworkType: undefined })],
      reason: 'virtualNetworkType is absent, which means None.',
      evidence: [{ path: 'properties.virtualNetworkType', actual: undefined, expected: 'External or Internal', note: 'absent — platform default: None' }],
    },
    {
      name: 'virtualNetworkType null',
      resources: [service({ virtualNetworkType: null })],
      evidence: [{ path: 'properties.virtualNetworkType', actual: undefined, note: 'platform default: None' }],
    },
    {
      name: 'Developer tier with "none" in lower case',
      resources: [service({ virtualNetworkType: 'none' }, { name: 'Developer', capacity: 1 })],
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'none' }],
    },
    {
      name: 'leftover subnet configuration while virtualNetworkType is "None"',
      resources: [service({ virtualNetworkType: 'None', virtualNetworkConfiguration: { subnetResourceId: SUBNET } })],
      evidence: [
        { path: 'properties.virtualNetworkType', actual: 'None' },
        { path: SUBNET_PATH, actual: SUBNET, note: 'a subnet is configured, but the service is not injected into it' },
      ],
    },
    {
      name: 'pending private endpoint does not count as isolation',
      resources: [service({ privateEndpointConnections: [{ name: 'pe-new', properties: { privateLinkServiceConnectionState: { status: 'Pending' } } }] })],
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'None' }],
    },
    {
      name: 'PremiumV2 not in a virtual network: a new service is needed',
      resources: [apimV2Service('PremiumV2')],
      reason:
        "Service 'apim-test' is not injected into a virtual network: virtualNetworkType is \"None\". On PremiumV2, VNet injection can be chosen only when a service is created, so this needs a new service.",
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'None', expected: 'Internal (VNet injection)' }],
    },
    {
      name: 'PremiumV2 External + subnet is outbound integration, not injection',
      resources: [apimV2Service('PremiumV2', { properties: injected('External') })],
      reason: 'virtualNetworkType "External" on the PremiumV2 tier is outbound VNet integration, which leaves the gateway public.',
      evidence: [
        { path: 'properties.virtualNetworkType', actual: 'External', expected: 'Internal (VNet injection)', note: 'outbound VNet integration' },
        { path: SUBNET_PATH, actual: SUBNET, note: 'the subnet carries outbound VNet integration only; the service is not injected into it' },
      ],
    },
    {
      name: 'Basic tier when the option skus includes it',
      resources: [service({}, { name: 'Basic', capacity: 1 })],
      options: { skus: ['Developer', 'Premium', 'basic'] },
      evidence: [{ path: 'properties.virtualNetworkType', actual: 'None' }],
    },
  ],
  notApplicable: [
    {
      name: 'Standard tier (not evaluated by default)',
      resources: [service({}, { name: 'Standard', capacity: 1 })],
      reason: "Service 'apim-test' is on the Standard tier; VNet injection is checked only for Developer, Premium, PremiumV2.",
    },
    {
      name: 'Consumption tier',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } })],
      reason: 'is on the Consumption tier',
    },
    {
      name: 'StandardV2 tier',
      resources: [apimV2Service('StandardV2')],
      reason: "Service 'apim-test' is on the StandardV2 tier, which has no VNet injection (only outbound VNet integration); only PremiumV2 among the v2 tiers can be injected.",
    },
    {
      name: 'StandardV2 with External integration, even when the option skus lists it',
      resources: [apimV2Service('StandardV2', { properties: injected('External') })],
      options: { skus: ['StandardV2'] },
      reason: 'is on the StandardV2 tier, which has no VNet injection',
    },
    {
      name: 'BasicV2 tier',
      resources: [apimService({ sku: { name: 'basicv2', capacity: 1 }, zones: null })],
      reason: "Service 'apim-test' is on the BasicV2 tier, which has no VNet injection (nor VNet integration)",
    },
    {
      name: 'PremiumV2 with an approved private endpoint and public access enabled is not called isolated',
      resources: [apimV2Service('PremiumV2', { properties: { privateEndpointConnections: [approvedConnection('pe-weu')] } })],
      reason:
        /^(?!.*isolated).*has an approved inbound private endpoint \('pe-weu'\) instead of VNet injection; .*still accepts public traffic \(publicNetworkAccess is "Enabled"\), which APIM-004 checks\.$/,
    },
    {
      name: 'Premium with an approved private endpoint and public access enabled is not called isolated',
      resources: [service({ privateEndpointConnections: [approvedConnection('pe-weu')] })],
      reason:
        /^(?!.*isolated)Service 'apim-test' has an approved inbound private endpoint \('pe-weu'\) instead of VNet injection; VNet injection and inbound private endpoints are alternatives \(see APIM-005\)\. Its gateway still accepts public traffic/,
    },
    {
      name: 'publicNetworkAccess absent (Enabled by default): not called isolated',
      resources: [service({ publicNetworkAccess: undefined, privateEndpointConnections: [approvedConnection('pe-weu')] })],
      reason: /^(?!.*isolated).*publicNetworkAccess is absent, which means Enabled/,
    },
    {
      name: 'Premium with an approved private endpoint and public access disabled is isolated',
      resources: [service({ publicNetworkAccess: 'Disabled', privateEndpointConnections: [approvedConnection('pe-weu')] })],
      reason: "is isolated by an approved inbound private endpoint ('pe-weu') with public network access disabled, instead of VNet injection",
    },
    {
      name: 'tier not reported',
      resources: [apimService({ top: { sku: undefined } })],
      reason: 'does not report its tier (sku.name)',
    },
    {
      name: 'Premium excluded by the option skus',
      resources: [service({})],
      options: { skus: ['Developer'] },
      reason: 'checked only for Developer.',
    },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
  ],
});

describe('APIM-006 options', () => {
  it('defaults skus to Developer and Premium (Azure Policy evaluatedSkuNames) and PremiumV2', () => {
    expect(resolveRuleOptions(rule, undefined)).toEqual({ skus: ['Developer', 'Premium', 'PremiumV2'] });
  });
  it('rejects an empty list, naming the option', () => {
    expect(() => resolveRuleOptions(rule, { skus: [] })).toThrow(RuleOptionsError);
    expect(() => resolveRuleOptions(rule, { skus: [] })).toThrow(/option `skus`/);
  });
});
