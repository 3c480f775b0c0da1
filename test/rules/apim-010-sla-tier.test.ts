import rule from '../../src/rules/apim-010-sla-tier.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

function tier(name: string, capacity = 1) {
  return apimService({ sku: { name, capacity }, zones: null });
}

const eastUs = { location: 'East US', sku: { name: 'Premium', capacity: 1 }, zones: null };

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2 tier: an SLA, no percentage stated', resources: [apimV2Service('BasicV2')], reason: /^Service 'apim-test' is on the BasicV2 tier, which has an SLA\.$/ },
    { name: 'StandardV2 tier: an SLA, no percentage stated', resources: [apimV2Service('StandardV2')], reason: /^Service 'apim-test' is on the StandardV2 tier, which has an SLA\.$/ },
    { name: 'PremiumV2 tier in lower case: an SLA, no percentage stated', resources: [tier('premiumv2')], reason: /^Service 'apim-test' is on the PremiumV2 tier, which has an SLA\.$/ },
    {
      name: 'single-region Premium: 99.95 %',
      resources: [apimService()],
      reason: "Service 'apim-test' is on the Premium tier in a single region, which has an SLA of 99.95 % (99.99 % needs an additional region).",
    },
    {
      name: 'Premium with one additional location: 99.99 %',
      resources: [apimService({ properties: { additionalLocations: [eastUs] } })],
      reason: 'in 2 regions, which has an SLA of 99.99 %',
    },
    { name: 'Premium with empty additionalLocations: 99.95 %', resources: [apimService({ properties: { additionalLocations: [] } })], reason: 'single region' },
    { name: 'Standard tier: 99.95 %', resources: [tier('Standard')], reason: "Service 'apim-test' is on the Standard tier, which has an SLA of 99.95 %." },
    { name: 'Basic tier', resources: [tier('Basic')], reason: 'Basic tier' },
    { name: 'Consumption tier: 99.95 %', resources: [tier('Consumption', 0)], reason: 'Consumption tier, which has an SLA of 99.95 %' },
    { name: 'requirePremium and Premium', resources: [apimService({ sku: { name: 'premium', capacity: 1 } })], options: { requirePremium: true } },
  ],
  fail: [
    {
      name: 'requirePremium and StandardV2',
      resources: [apimV2Service('StandardV2')],
      options: { requirePremium: true },
      reason: 'is on the StandardV2 tier; the configuration requires Premium',
      evidence: [{ path: 'sku.name', actual: 'StandardV2', expected: 'Premium' }],
    },
    {
      name: 'Developer tier has no SLA',
      resources: [tier('Developer')],
      reason: "Service 'apim-test' is on the Developer tier, which has no SLA and is not meant for production.",
      evidence: [{ path: 'sku.name', actual: 'Developer', expected: 'a tier with an SLA (not Developer)' }],
    },
    {
      name: 'Developer in lower case ("developer")',
      resources: [tier('developer')],
      evidence: [{ path: 'sku.name', actual: 'developer' }],
    },
    {
      name: 'requirePremium and Developer',
      resources: [tier('Developer')],
      options: { requirePremium: true },
      evidence: [{ path: 'sku.name', actual: 'Developer', expected: 'Premium' }],
    },
    {
      name: 'requirePremium and Standard',
      resources: [tier('Standard')],
      options: { requirePremium: true },
      reason: 'is on the Standard tier; the configuration requires Premium',
      evidence: [{ path: 'sku.name', actual: 'Standard', expected: 'Premium', note: 'requirePremium' }],
    },
    {
      name: 'requirePremium and Premium v2 (APRL flags everything but "Premium")',
      resources: [tier('PremiumV2')],
      options: { requirePremium: true },
      evidence: [{ path: 'sku.name', actual: 'PremiumV2', expected: 'Premium' }],
    },
  ],
  notApplicable: [
    { name: 'sku absent', resources: [apimService({ top: { sku: undefined } })], reason: "Service 'apim-test' has no sku.name, so its tier and SLA cannot be told." },
    { name: 'sku.name blank', resources: [apimService({ sku: { name: ' ', capacity: 1 } })], reason: 'no sku.name' },
  ],
  error: [{ name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' }],
});
