import { describe, expect, it } from 'vitest';
import { resolveRuleOptions, RuleOptionsError } from '../../src/engine/options.js';
import rule from '../../src/rules/apim-014-min-api-version.js';
import { apimService, apimV2Service, serviceId } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const PATH = 'properties.apiVersionConstraint.minApiVersion';

function withConstraint(apiVersionConstraint: unknown) {
  return apimService({ properties: { apiVersionConstraint } });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2 with minApiVersion 2021-08-01', resources: [apimV2Service('BasicV2')], reason: 'rejects control-plane calls older than API version 2021-08-01.' },
    { name: 'PremiumV2 with a newer minApiVersion', resources: [apimV2Service('PremiumV2', { properties: { apiVersionConstraint: { minApiVersion: '2024-05-01' } } })], reason: 'older than API version 2024-05-01' },
    {
      name: 'minApiVersion 2021-08-01 (the default minimum)',
      resources: [withConstraint({ minApiVersion: '2021-08-01' })],
      reason: "Service 'apim-test' rejects control-plane calls older than API version 2021-08-01.",
    },
    { name: 'newer GA version', resources: [withConstraint({ minApiVersion: '2024-05-01' })] },
    { name: 'newer preview version (PSRule fixture apim-D/J)', resources: [withConstraint({ minApiVersion: '2021-12-01-preview' })] },
    { name: 'preview of the minimum date itself', resources: [withConstraint({ minApiVersion: '2021-08-01-preview' })] },
    { name: '"-Preview" suffix in another casing', resources: [withConstraint({ minApiVersion: '2022-04-01-Preview' })] },
    { name: 'surrounding spaces are ignored', resources: [withConstraint({ minApiVersion: ' 2022-08-01 ' })] },
    {
      name: 'older version accepted by a lower configured minimum',
      resources: [withConstraint({ minApiVersion: '2019-12-01' })],
      options: { minimumApiVersion: '2019-12-01' },
    },
  ],
  fail: [
    {
      name: 'StandardV2 without apiVersionConstraint',
      resources: [apimV2Service('StandardV2', { properties: { apiVersionConstraint: undefined } })],
      reason: 'enforces no minimum control-plane API version',
      evidence: [{ path: PATH, actual: undefined, note: 'absent — no minimum' }],
    },
    {
      name: 'apiVersionConstraint absent',
      resources: [withConstraint(undefined)],
      reason:
        "Service 'apim-test' enforces no minimum control-plane API version (properties.apiVersionConstraint.minApiVersion is not set).",
      evidence: [{ path: PATH, actual: undefined, expected: '2021-08-01 or later', note: 'absent — no minimum' }],
    },
    { name: 'apiVersionConstraint null', resources: [withConstraint(null)], evidence: [{ path: PATH, actual: undefined }] },
    { name: 'apiVersionConstraint empty object', resources: [withConstraint({})], evidence: [{ path: PATH, actual: undefined, note: 'absent' }] },
    { name: 'minApiVersion null', resources: [withConstraint({ minApiVersion: null })], evidence: [{ path: PATH, actual: undefined }] },
    { name: 'minApiVersion empty string', resources: [withConstraint({ minApiVersion: '' })], evidence: [{ path: PATH, actual: undefined }] },
    {
      name: 'older preview version (PSRule fixture apim-C/E)',
      resources: [withConstraint({ minApiVersion: '2021-04-01-preview' })],
      reason: "Service 'apim-test' accepts control-plane calls from API version 2021-04-01-preview, older than 2021-08-01.",
      evidence: [{ path: PATH, actual: '2021-04-01-preview', expected: '2021-08-01 or later' }],
    },
    {
      name: 'one day before the minimum',
      resources: [withConstraint({ minApiVersion: '2021-07-31' })],
      evidence: [{ path: PATH, actual: '2021-07-31' }],
    },
    {
      name: 'valid version below a raised configured minimum',
      resources: [withConstraint({ minApiVersion: '2021-08-01' })],
      options: { minimumApiVersion: '2023-03-01' },
      reason: 'older than 2023-03-01.',
      evidence: [{ path: PATH, actual: '2021-08-01', expected: '2023-03-01 or later' }],
    },
    {
      name: 'unparsable value',
      resources: [withConstraint({ minApiVersion: 'latest' })],
      reason: 'has minApiVersion "latest", which is not an API version (yyyy-mm-dd, optionally with -preview).',
      evidence: [{ path: PATH, actual: 'latest', note: 'not an API version' }],
    },
    {
      name: 'impossible calendar date',
      resources: [withConstraint({ minApiVersion: '2021-02-30' })],
      reason: 'is not an API version',
      evidence: [{ path: PATH, actual: '2021-02-30' }],
    },
    {
      name: 'unknown suffix',
      resources: [withConstraint({ minApiVersion: '2022-08-01-beta' })],
      evidence: [{ path: PATH, actual: '2022-08-01-beta', note: 'not an API version' }],
    },
    {
      name: 'value is a number',
      resources: [withConstraint({ minApiVersion: 20210801 })],
      reason: 'has minApiVersion 20210801, which is not an API version',
      evidence: [{ path: PATH, actual: 20210801 }],
    },
  ],
  notApplicable: [
    {
      name: 'Consumption tier',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, zones: null, properties: { apiVersionConstraint: undefined, customProperties: undefined } })],
      reason: "Service 'apim-test' is on the Consumption tier, which the minimum API version check (Azure Policy 549814b6) does not cover.",
    },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
  ],
  fix: [
    {
      name: 'apiVersionConstraint absent: the default minimum is set',
      resources: [apimService({ properties: { apiVersionConstraint: undefined } })],
      summary: "Make service 'apim-test' reject control-plane calls with API versions older than 2021-08-01.",
      request: {
        method: 'PATCH',
        path: serviceId('apim-test'),
        apiVersion: '2024-05-01',
        body: { properties: { apiVersionConstraint: { minApiVersion: '2021-08-01' } } },
      },
      changes: [{ path: PATH, before: undefined, after: '2021-08-01' }],
      preconditions: [{ description: 'No other operation is running', satisfied: true }],
    },
    {
      name: 'older preview version raised to a configured minimum',
      resources: [withConstraint({ minApiVersion: '2019-12-01-preview' })],
      options: { minimumApiVersion: '2022-08-01' },
      request: { body: { properties: { apiVersionConstraint: { minApiVersion: '2022-08-01' } } } },
      changes: [{ path: PATH, before: '2019-12-01-preview', after: '2022-08-01' }],
    },
    {
      name: 'unparsable value is replaced',
      resources: [withConstraint({ minApiVersion: 'latest' })],
      changes: [{ path: PATH, before: 'latest', after: '2021-08-01' }],
    },
  ],
});

describe('APIM-014 options', () => {
  it('defaults minimumApiVersion to 2021-08-01', () => {
    expect(resolveRuleOptions(rule, undefined)).toEqual({ minimumApiVersion: '2021-08-01' });
  });
  it('rejects a value that is not a date, naming the option', () => {
    expect(() => resolveRuleOptions(rule, { minimumApiVersion: '2021-08-01-preview' })).toThrow(RuleOptionsError);
    expect(() => resolveRuleOptions(rule, { minimumApiVersion: 'latest' })).toThrow(/option `minimumApiVersion`: expected a date in yyyy-mm-dd form/);
  });
  it('rejects an impossible date', () => {
    expect(() => resolveRuleOptions(rule, { minimumApiVersion: '2021-13-01' })).toThrow(/real calendar date/);
  });
});
