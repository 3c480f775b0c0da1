import { describe, expect, it } from 'vitest';
import { resolveRuleOptions, RuleOptionsError } from '../../src/engine/options.js';
import rule from '../../src/rules/apim-007-sku-allow-list.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const DEFAULT_LIST = ['Developer', 'Premium', 'Isolated'];

function onTier(name: string, capacity = 1) {
  return apimService({ sku: { name, capacity }, ...(name === 'Premium' ? {} : { zones: null }) });
}

ruleTester.run(rule, {
  pass: [
    { name: 'PremiumV2 allowed by a custom list', resources: [apimV2Service('PremiumV2')], options: { allowedSkus: ['PremiumV2'] }, reason: 'is on the PremiumV2 tier, which is allowed.' },
    { name: 'Premium (default list)', resources: [onTier('Premium')], reason: "Service 'apim-test' is on the Premium tier, which is allowed." },
    { name: 'Developer (default list)', resources: [onTier('Developer')] },
    { name: 'Isolated (default list)', resources: [onTier('Isolated')] },
    { name: 'tier in lower case "premium"', resources: [onTier('premium')], reason: 'is on the premium tier, which is allowed.' },
    { name: 'StandardV2 allowed by a custom list', resources: [onTier('StandardV2')], options: { allowedSkus: ['Premium', 'StandardV2'] } },
    { name: 'custom list written in another casing', resources: [onTier('BasicV2')], options: { allowedSkus: ['basicv2'] } },
  ],
  fail: [
    {
      name: 'BasicV2 (not in the default list)',
      resources: [apimV2Service('BasicV2')],
      reason: "Service 'apim-test' is on the BasicV2 tier, which is not in the allowed SKUs (Developer, Premium, Isolated).",
      evidence: [{ path: 'sku.name', actual: 'BasicV2', expected: DEFAULT_LIST }],
    },
    {
      name: 'StandardV2 (not in the default list)',
      resources: [apimV2Service('StandardV2')],
      evidence: [{ path: 'sku.name', actual: 'StandardV2', expected: DEFAULT_LIST }],
    },
    {
      name: 'Standard (not in the default list)',
      resources: [onTier('Standard')],
      reason: "Service 'apim-test' is on the Standard tier, which is not in the allowed SKUs (Developer, Premium, Isolated).",
      evidence: [{ path: 'sku.name', actual: 'Standard', expected: DEFAULT_LIST }],
    },
    {
      name: 'Basic',
      resources: [onTier('Basic')],
      evidence: [{ path: 'sku.name', actual: 'Basic' }],
    },
    {
      name: 'Consumption',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, zones: null, properties: { customProperties: undefined } })],
      reason: 'is on the Consumption tier',
      evidence: [{ path: 'sku.name', actual: 'Consumption' }],
    },
    {
      name: 'PremiumV2 is not "Premium"',
      resources: [onTier('PremiumV2')],
      evidence: [{ path: 'sku.name', actual: 'PremiumV2' }],
    },
    {
      name: 'Premium outside a custom list',
      resources: [onTier('Premium')],
      options: { allowedSkus: ['StandardV2', 'PremiumV2'] },
      reason: 'not in the allowed SKUs (StandardV2, PremiumV2).',
      evidence: [{ path: 'sku.name', actual: 'Premium', expected: ['StandardV2', 'PremiumV2'] }],
    },
  ],
  notApplicable: [
    {
      name: 'sku block absent (export did not project it)',
      resources: [apimService({ top: { sku: undefined } })],
      reason: "Service 'apim-test' does not report its tier (sku.name), so it cannot be compared with the allowed SKUs.",
    },
    {
      name: 'sku.name empty',
      resources: [apimService({ sku: { name: '' } })],
      reason: 'does not report its tier',
    },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
  ],
});

describe('APIM-007 options', () => {
  it('defaults allowedSkus to Developer, Premium, Isolated', () => {
    expect(resolveRuleOptions(rule, undefined)).toEqual({ allowedSkus: DEFAULT_LIST });
  });
  it('rejects an empty allow-list, naming the option', () => {
    expect(() => resolveRuleOptions(rule, { allowedSkus: [] })).toThrow(RuleOptionsError);
    expect(() => resolveRuleOptions(rule, { allowedSkus: [] })).toThrow(/option `allowedSkus`/);
  });
  it('rejects a list with a blank name', () => {
    expect(() => resolveRuleOptions(rule, { allowedSkus: ['Premium', ' '] })).toThrow(/option `allowedSkus\.1`/);
  });
});
