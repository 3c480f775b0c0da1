import { describe, expect, it } from 'vitest';
import { resolveRuleOptions, RuleOptionsError } from '../../src/engine/options.js';
import rule from '../../src/rules/apim-006-virtual-network.js';
import { apimService } from '../support/fixtures.js';
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
      reason: "Service 'apim-test' is on the Standard tier; VNet injection is checked only for Developer, Premium.",
    },
    {
      name: 'Consumption tier',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } })],
      reason: 'is on the Consumption tier',
    },
    {
      name: 'StandardV2 tier',
      resources: [service({}, { name: 'StandardV2', capacity: 1 })],
      reason: 'is on the StandardV2 tier',
    },
    {
      name: 'Premium isolated by an approved private endpoint instead',
      resources: [service({ privateEndpointConnections: [approvedConnection('pe-weu')] })],
      reason: "is isolated by an approved inbound private endpoint ('pe-weu') instead of VNet injection; the two are alternatives (see APIM-005).",
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
  it('defaults skus to Developer and Premium (Azure Policy evaluatedSkuNames)', () => {
    expect(resolveRuleOptions(rule, undefined)).toEqual({ skus: ['Developer', 'Premium'] });
  });
  it('rejects an empty list, naming the option', () => {
    expect(() => resolveRuleOptions(rule, { skus: [] })).toThrow(RuleOptionsError);
    expect(() => resolveRuleOptions(rule, { skus: [] })).toThrow(/option `skus`/);
  });
});
