import rule from '../../src/rules/apim-016-service-name.js';
import { apimService, apimV2Service, serviceId } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

function named(name: string) {
  return apimService({ name });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2 service', resources: [apimV2Service('BasicV2', { name: 'apim-basic-v2' })], reason: "The name of service 'apim-basic-v2' meets the Azure naming rules." },
    { name: 'PremiumV2 service', resources: [apimV2Service('PremiumV2', { name: 'apim-premium-v2' })] },
    { name: 'fixture name "apim-test"', resources: [apimService()], reason: "The name of service 'apim-test' meets the Azure naming rules." },
    { name: 'one letter', resources: [named('a')] },
    { name: 'exactly 50 characters', resources: [named(`a${'b1-'.repeat(16)}c`)] },
    { name: 'upper case and digits', resources: [named('APIM-Contoso-01')] },
    { name: 'required prefix present', resources: [named('apim-payments')], options: { requiredPrefix: 'apim' }, reason: "starts with 'apim'" },
    { name: 'required prefix compared case-insensitively', resources: [named('APIM-payments')], options: { requiredPrefix: 'apim-' } },
    {
      name: 'name blank, taken from the resource id',
      resources: [apimService({ top: { name: '' } })],
      reason: "The name of service 'apim-test' meets",
    },
  ],
  fail: [
    {
      name: 'StandardV2 service whose name ends with a hyphen',
      resources: [apimV2Service('StandardV2', { name: 'apim-standard-' })],
      evidence: [{ path: 'name', actual: 'apim-standard-' }],
    },
    {
      name: '51 characters',
      resources: [named(`a${'b'.repeat(50)}`)],
      reason: 'it has 51 characters, more than 50',
      evidence: [{ path: 'name', actual: `a${'b'.repeat(50)}`, expected: '1–50 characters matching ^[a-zA-Z]([A-Za-z0-9-]*[a-zA-Z0-9]){0,49}$', note: '51 characters' }],
    },
    {
      name: 'starts with a digit',
      resources: [named('1apim')],
      reason: "The name of service '1apim' does not meet the naming rules: it does not start with a letter.",
      evidence: [{ path: 'name', actual: '1apim' }],
    },
    { name: 'ends with a hyphen', resources: [named('apim-')], reason: 'it ends with a hyphen', evidence: [{ path: 'name', actual: 'apim-' }] },
    {
      name: 'contains an underscore and a dot',
      resources: [named('apim_test.prod')],
      reason: "characters other than letters, digits and hyphens ('_', '.')",
      evidence: [{ path: 'name', actual: 'apim_test.prod' }],
    },
    {
      name: 'long name ending in a hyphen is judged quickly (no catastrophic backtracking)',
      resources: [named(`a${'1'.repeat(48)}-`)],
      reason: 'it ends with a hyphen',
      evidence: [{ path: 'name', note: '50 characters' }],
    },
    {
      name: 'required prefix missing',
      resources: [named('contoso-gateway')],
      options: { requiredPrefix: 'apim' },
      reason: "it does not start with the required prefix 'apim'",
      evidence: [{ path: 'name', actual: 'contoso-gateway', expected: "starts with 'apim'", note: 'requiredPrefix' }],
    },
    {
      name: 'invalid name and prefix missing: evidence for both',
      resources: [named('9-gateway')],
      options: { requiredPrefix: 'apim' },
      reason: "it does not start with a letter; it does not start with the required prefix 'apim'",
      evidence: [
        { path: 'name', expected: '1–50 characters matching ^[a-zA-Z]([A-Za-z0-9-]*[a-zA-Z0-9]){0,49}$' },
        { path: 'name', expected: "starts with 'apim'" },
      ],
    },
  ],
  notApplicable: [
    {
      name: 'no name and an id without a name',
      resources: [apimService({ top: { name: '', id: serviceId('') } })],
      reason: 'The service entry has no name and its resource id does not end with one, so the name cannot be checked.',
    },
  ],
  error: [{ name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' }],
});
