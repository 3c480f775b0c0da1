import { describe, expect, it } from 'vitest';
import { resolveRuleOptions, RuleOptionsError } from '../../src/engine/options.js';
import rule from '../../src/rules/apim-002-weak-ciphers.js';
import { apimService, apimV2Service, GATEWAY, hardenedCustomProperties, serviceId } from '../support/fixtures.js';
import { planAfterReread, ruleTester } from '../support/rule-tester.js';

const CIPHERS = `${GATEWAY}.Security.Ciphers`;
const TRIPLE_DES = `${CIPHERS}.TripleDes168`;
const RSA_128_CBC = `${CIPHERS}.TLS_RSA_WITH_AES_128_CBC_SHA`;
const RSA_256_CBC = `${CIPHERS}.TLS_RSA_WITH_AES_256_CBC_SHA`;
const RSA_128_GCM = `${CIPHERS}.TLS_RSA_WITH_AES_128_GCM_SHA256`;
const ECDHE_RSA_256_CBC = `${CIPHERS}.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA`;
const ECDSA_128_CBC = `${CIPHERS}.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA`;
const ECDSA_256_CBC = `${CIPHERS}.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA`;

const path = (key: string): string => `properties.customProperties['${key}']`;

function withFlags(changes: Record<string, string | boolean | undefined>, extra: { createdAtUtc?: string | undefined; systemData?: unknown } = {}) {
  const merged: Record<string, string | boolean | undefined> = { ...hardenedCustomProperties(), ...changes };
  const customProperties = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  return apimService({
    properties: { customProperties, ...('createdAtUtc' in extra ? { createdAtUtc: extra.createdAtUtc } : {}) },
    ...('systemData' in extra ? { top: { systemData: extra.systemData } } : {}),
  });
}

/** The hardened map with one key rewritten in another casing, as some exports write it. */
function withKeyCasing(from: string, to: string) {
  const customProperties = Object.fromEntries(
    Object.entries(hardenedCustomProperties()).map(([key, value]) => [key === from ? to : key, value]),
  );
  return apimService({ properties: { customProperties } });
}

ruleTester.run(rule, {
  pass: [
    { name: 'all eight cipher flags "False"', resources: [withFlags({})], reason: "Service 'apim-test' has all 8 checked weak cipher suites disabled." },
    { name: 'cipher flag in lower case "false"', resources: [withFlags({ [RSA_128_CBC]: 'false' })] },
    { name: 'cipher flag as a JSON boolean false', resources: [withFlags({ [RSA_128_CBC]: false })] },
    { name: 'cipher key written in lower case', resources: [withKeyCasing(RSA_256_CBC, RSA_256_CBC.toLowerCase())] },
    { name: 'TripleDes168 absent on a service created after 2018-04-01', resources: [withFlags({ [TRIPLE_DES]: undefined })] },
    {
      name: 'TripleDes168 absent, no createdAtUtc, systemData says 2019',
      resources: [withFlags({ [TRIPLE_DES]: undefined }, { createdAtUtc: undefined, systemData: { createdAt: '2019-01-01T00:00:00Z' } })],
    },
    { name: 'ECDSA CBC suites enabled but not checked by default', resources: [withFlags({ [ECDSA_128_CBC]: 'True', [ECDSA_256_CBC]: 'True' })] },
    {
      name: 'includeEcdsaCbc with both ECDSA CBC suites "False"',
      resources: [withFlags({ [ECDSA_128_CBC]: 'False', [ECDSA_256_CBC]: 'False' })],
      options: { includeEcdsaCbc: true },
      reason: 'all 10 checked weak cipher suites disabled',
    },
  ],
  fail: [
    {
      name: 'TLS_RSA_WITH_AES_128_CBC_SHA enabled ("True")',
      resources: [withFlags({ [RSA_128_CBC]: 'True' })],
      reason: "Service 'apim-test' allows weak cipher suites: TLS_RSA_WITH_AES_128_CBC_SHA.",
      evidence: [{ path: path(RSA_128_CBC), actual: 'True', expected: 'False' }],
    },
    {
      name: 'TripleDes168 enabled in upper case "TRUE"',
      resources: [withFlags({ [TRIPLE_DES]: 'TRUE' })],
      reason: 'TripleDes168',
      evidence: [{ path: path(TRIPLE_DES), actual: 'TRUE', expected: 'False' }],
    },
    {
      name: 'two suites enabled: both named, in catalog order',
      resources: [withFlags({ [RSA_128_GCM]: 'true', [ECDHE_RSA_256_CBC]: 'True' })],
      reason: 'weak cipher suites: TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_GCM_SHA256.',
      evidence: [
        { path: path(ECDHE_RSA_256_CBC), actual: 'True' },
        { path: path(RSA_128_GCM), actual: 'true' },
      ],
    },
    {
      name: 'non-3DES cipher key absent on a modern service (platform default enabled)',
      resources: [withFlags({ [RSA_256_CBC]: undefined })],
      reason: '(1 of them because the key is absent and the platform default applies).',
      evidence: [{ path: path(RSA_256_CBC), actual: undefined, expected: 'False', note: 'absent — platform default: enabled' }],
    },
    {
      name: 'cipher key misspelt (PSRule fixture apim-L): the real key is absent',
      resources: [withFlags({ [RSA_128_CBC]: undefined, [`${CIPHERS}.TLS_iRSA_WITH_AES_128_CBC_SHA`]: 'False' })],
      reason: 'TLS_RSA_WITH_AES_128_CBC_SHA',
      evidence: [{ path: path(RSA_128_CBC), actual: undefined, note: 'platform default: enabled' }],
    },
    {
      name: 'TripleDes168 absent on a service created on 2018-04-01 (legacy default enabled)',
      resources: [withFlags({ [TRIPLE_DES]: undefined }, { createdAtUtc: '2018-04-01T12:00:00Z' })],
      reason: 'TripleDes168',
      evidence: [{ path: path(TRIPLE_DES), actual: undefined, note: 'on or before 2018-04-01' }],
    },
    {
      name: 'TripleDes168 absent and no creation date anywhere',
      resources: [withFlags({ [TRIPLE_DES]: undefined }, { createdAtUtc: undefined, systemData: null })],
      evidence: [{ path: path(TRIPLE_DES), actual: undefined, note: 'creation date is unknown' }],
    },
    {
      name: 'only some cipher keys set (PSRule fixture apim-B)',
      resources: [
        apimService({
          properties: { customProperties: { [TRIPLE_DES]: 'False', [RSA_256_CBC]: 'False' } },
        }),
      ],
      reason: 'TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA256, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA256, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_128_GCM_SHA256 (6 of them',
      evidence: [{ path: path(RSA_128_GCM), actual: undefined, note: 'absent — platform default: enabled' }],
    },
    {
      name: 'whole customProperties map missing on a modern service',
      resources: [apimService({ properties: { customProperties: undefined } })],
      reason: '(7 of them because the key is absent',
      evidence: [{ path: path(RSA_128_CBC), actual: undefined }],
    },
    {
      name: 'customProperties null on a 2017 service: all eight fail',
      resources: [apimService({ properties: { customProperties: null, createdAtUtc: '2017-06-01T00:00:00Z' } })],
      reason: '(8 of them because the key is absent',
      evidence: [{ path: path(TRIPLE_DES), actual: undefined, note: 'on or before 2018-04-01' }],
    },
    {
      name: 'includeEcdsaCbc with an ECDSA CBC suite enabled',
      resources: [withFlags({ [ECDSA_128_CBC]: 'True', [ECDSA_256_CBC]: 'False' })],
      options: { includeEcdsaCbc: true },
      reason: 'weak cipher suites: TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA.',
      evidence: [{ path: path(ECDSA_128_CBC), actual: 'True', expected: 'False' }],
    },
    {
      name: 'includeEcdsaCbc with the ECDSA keys absent (platform default enabled)',
      resources: [withFlags({})],
      options: { includeEcdsaCbc: true },
      reason: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA (2 of them',
      evidence: [
        { path: path(ECDSA_128_CBC), actual: undefined, note: 'absent — platform default: enabled' },
        { path: path(ECDSA_256_CBC), actual: undefined, note: 'absent — platform default: enabled' },
      ],
    },
  ],
  notApplicable: [
    {
      name: 'Consumption tier',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } })],
      reason: 'Consumption tier',
    },
    {
      name: 'BasicV2 tier, even with a weak suite reported enabled',
      resources: [apimV2Service('BasicV2', { properties: { customProperties: { ...hardenedCustomProperties(), [RSA_128_CBC]: 'True' } } })],
      reason: "Service 'apim-test' is on the BasicV2 tier; the v2 tiers do not support changes to the default cipher configuration, so there are no cipher suites to disable.",
    },
    {
      name: 'StandardV2 tier without customProperties',
      resources: [apimV2Service('StandardV2', { properties: { customProperties: undefined } })],
      reason: 'is on the StandardV2 tier; the v2 tiers do not support changes to the default cipher configuration',
    },
    {
      name: 'PremiumV2 tier written in lower case',
      resources: [apimService({ sku: { name: 'premiumv2', capacity: 1 }, zones: null })],
      reason: 'is on the PremiumV2 tier; the v2 tiers do not support changes',
    },
    {
      name: 'Consumption tier written in lower case',
      resources: [apimService({ sku: { name: 'consumption', capacity: 0 }, properties: { customProperties: undefined } })],
      reason: 'customProperties are not supported',
    },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
  ],
  fix: [
    {
      name: 'absent cipher keys (default enabled) are added as "False", protocol keys and Http2 kept',
      resources: [withFlags({ [ECDHE_RSA_256_CBC]: undefined, [RSA_128_GCM]: undefined })],
      summary: 'Disable 2 weak cipher suites',
      request: {
        method: 'PATCH',
        path: serviceId('apim-test'),
        apiVersion: '2024-05-01',
        body: { properties: { customProperties: hardenedCustomProperties() } },
      },
      changes: [
        { path: path(ECDHE_RSA_256_CBC), before: undefined, after: 'False' },
        { path: path(RSA_128_GCM), before: undefined, after: 'False' },
      ],
      preconditions: [{ description: 'No other operation is running', satisfied: true }],
    },
    {
      name: 'cipher on as a JSON boolean is set to the string "False"',
      resources: [withFlags({ [RSA_128_CBC]: true })],
      request: { body: { properties: { customProperties: hardenedCustomProperties() } } },
      changes: [{ path: path(RSA_128_CBC), before: true, after: 'False' }],
    },
    {
      name: 'includeEcdsaCbc: the absent ECDSA CBC suites are added too',
      resources: [withFlags({ [TRIPLE_DES]: 'True' })],
      options: { includeEcdsaCbc: true },
      request: { body: { properties: { customProperties: { ...hardenedCustomProperties(), [ECDSA_128_CBC]: 'False', [ECDSA_256_CBC]: 'False' } } } },
      changes: [
        { path: path(TRIPLE_DES), before: 'True', after: 'False' },
        { path: path(ECDSA_128_CBC), before: undefined, after: 'False' },
        { path: path(ECDSA_256_CBC), before: undefined, after: 'False' },
      ],
    },
  ],
});

describe('APIM-002 fix on the v2 tiers', () => {
  it('plans nothing when the service is re-read on a v2 tier, whose cipher configuration cannot be changed', () => {
    const weak = { properties: { customProperties: { ...hardenedCustomProperties(), [RSA_128_CBC]: 'True' } } };
    expect(planAfterReread(rule, [apimService(weak)], [apimService(weak)])).toBeDefined();
    expect(planAfterReread(rule, [apimService(weak)], [apimV2Service('StandardV2', weak)])).toBeUndefined();
  });
});

describe('APIM-002 options', () => {
  it('defaults includeEcdsaCbc to false', () => {
    expect(resolveRuleOptions(rule, undefined)).toEqual({ includeEcdsaCbc: false });
  });
  it('rejects a string flag, naming the option', () => {
    expect(() => resolveRuleOptions(rule, { includeEcdsaCbc: 'true' })).toThrow(RuleOptionsError);
    expect(() => resolveRuleOptions(rule, { includeEcdsaCbc: 'true' })).toThrow(/option `includeEcdsaCbc`/);
  });
});
