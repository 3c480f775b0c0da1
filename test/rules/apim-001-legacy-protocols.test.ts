import rule from '../../src/rules/apim-001-legacy-protocols.js';
import { apimService, apimV2Service, GATEWAY, hardenedCustomProperties, serviceId } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const TLS10 = `${GATEWAY}.Security.Protocols.Tls10`;
const BACKEND_SSL30 = `${GATEWAY}.Security.Backend.Protocols.Ssl30`;
const PROTOCOL_KEYS = ['Protocols.Tls10', 'Protocols.Tls11', 'Protocols.Ssl30', 'Backend.Protocols.Tls10', 'Backend.Protocols.Tls11', 'Backend.Protocols.Ssl30'].map(
  (key) => `${GATEWAY}.Security.${key}`,
);
const HTTP2 = `${GATEWAY}.Protocols.Server.Http2`;
const RSA_CBC = `${GATEWAY}.Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA`;
const path = (key: string): string => `properties.customProperties['${key}']`;

/** A 2017 service whose map holds only Http2, one cipher and client TLS 1.1 (the other protocol keys are absent, so enabled). */
const legacyPartialMap = apimService({
  properties: { createdAtUtc: '2017-06-01T00:00:00Z', customProperties: { [HTTP2]: 'True', [RSA_CBC]: 'False', [PROTOCOL_KEYS[1] ?? '']: 'true' } },
});

function withFlags(changes: Record<string, string | undefined>, extra: { createdAtUtc?: string | undefined; systemData?: unknown } = {}) {
  const customProperties: Record<string, string> = { ...hardenedCustomProperties() };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) Reflect.deleteProperty(customProperties, key);
    else customProperties[key] = value;
  }
  return apimService({
    properties: { customProperties, ...('createdAtUtc' in extra ? { createdAtUtc: extra.createdAtUtc } : {}) },
    ...('systemData' in extra ? { top: { systemData: extra.systemData } } : {}),
  });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2 with every protocol flag "False"', resources: [apimV2Service('BasicV2')], reason: 'Only TLS 1.2' },
    { name: 'PremiumV2 with every protocol flag "False"', resources: [apimV2Service('PremiumV2')], reason: 'Only TLS 1.2' },
    { name: 'all six protocol flags "False"', resources: [withFlags({})], reason: 'Only TLS 1.2' },
    { name: 'flags in lower case "false"', resources: [withFlags({ [TLS10]: 'false' })] },
    { name: 'flag absent on a service created after 2018-04-01', resources: [withFlags({ [TLS10]: undefined })] },
    {
      name: 'flag absent, no createdAtUtc, systemData says 2019',
      resources: [withFlags({ [TLS10]: undefined }, { createdAtUtc: undefined, systemData: { createdAt: '2019-01-01T00:00:00Z' } })],
    },
  ],
  fail: [
    {
      name: 'StandardV2 with client TLS 1.0 enabled',
      resources: [apimV2Service('StandardV2', { properties: { customProperties: { ...hardenedCustomProperties(), [TLS10]: 'True' } } })],
      reason: 'client TLS 1.0',
      evidence: [{ path: path(TLS10), actual: 'True', expected: 'False' }],
    },
    {
      name: 'BasicV2 with backend SSL 3.0 enabled',
      resources: [apimV2Service('BasicV2', { properties: { customProperties: { ...hardenedCustomProperties(), [BACKEND_SSL30]: 'True' } } })],
      evidence: [{ path: path(BACKEND_SSL30), actual: 'True' }],
    },
    {
      name: 'client TLS 1.0 enabled ("True")',
      resources: [withFlags({ [TLS10]: 'True' })],
      reason: 'client TLS 1.0',
      evidence: [{ path: `properties.customProperties['${TLS10}']`, actual: 'True', expected: 'False' }],
    },
    {
      name: 'backend SSL 3.0 enabled in upper case "TRUE"',
      resources: [withFlags({ [BACKEND_SSL30]: 'TRUE' })],
      reason: 'backend SSL 3.0',
      evidence: [{ path: `properties.customProperties['${BACKEND_SSL30}']`, actual: 'TRUE' }],
    },
    {
      name: 'flag absent on a service created on 2018-04-01 (legacy default enabled)',
      resources: [withFlags({ [TLS10]: undefined }, { createdAtUtc: '2018-04-01T23:59:00Z' })],
      evidence: [{ path: `properties.customProperties['${TLS10}']`, actual: undefined, note: 'platform default: enabled' }],
    },
    {
      name: 'flag absent and no creation date anywhere',
      resources: [withFlags({ [TLS10]: undefined }, { createdAtUtc: undefined, systemData: null })],
      evidence: [{ actual: undefined, note: 'creation date is unknown' }],
    },
    {
      name: 'whole customProperties map missing on a 2017 service',
      resources: [apimService({ properties: { customProperties: undefined, createdAtUtc: '2017-06-01T00:00:00Z' } })],
      reason: 'client TLS 1.0, client TLS 1.1, client SSL 3.0, backend TLS 1.0',
      evidence: [{ path: `properties.customProperties['${BACKEND_SSL30}']`, actual: undefined }],
    },
  ],
  notApplicable: [
    {
      name: 'Consumption tier',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } })],
      reason: 'Consumption tier',
    },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
  ],
  fix: [
    {
      name: 'TLS 1.0 on: the whole map is re-sent, Http2 and cipher settings kept',
      resources: [withFlags({ [TLS10]: 'True' })],
      summary: `Disable client TLS 1.0 on service 'apim-test' by sending the whole customProperties map (15 keys) with that switch set to "False".`,
      request: {
        method: 'PATCH',
        path: serviceId('apim-test'),
        apiVersion: '2024-05-01',
        body: { properties: { customProperties: hardenedCustomProperties() } },
      },
      changes: [{ path: path(TLS10), before: 'True', after: 'False' }],
      preconditions: [{ description: 'No other operation is running', satisfied: true }],
    },
    {
      name: 'legacy service: absent protocol keys are added as "False", existing keys kept',
      resources: [legacyPartialMap],
      request: {
        body: {
          properties: {
            customProperties: { [HTTP2]: 'True', [RSA_CBC]: 'False', ...Object.fromEntries(PROTOCOL_KEYS.map((key) => [key, 'False'])) },
          },
        },
      },
      changes: PROTOCOL_KEYS.map((key, index) => ({ path: path(key), before: index === 1 ? 'true' : undefined, after: 'False' })),
    },
    {
      name: 'a key written in lower case is set in place, not added twice',
      resources: [withFlags({ [TLS10]: undefined, [TLS10.toLowerCase()]: 'TRUE' })],
      request: { body: { properties: { customProperties: { ...withoutKey(hardenedCustomProperties(), TLS10), [TLS10.toLowerCase()]: 'False' } } } },
      changes: [{ path: path(TLS10.toLowerCase()), before: 'TRUE', after: 'False' }],
    },
    {
      name: 'service in the middle of an update: precondition unsatisfied',
      resources: [apimService({ properties: { provisioningState: 'Updating', customProperties: { ...hardenedCustomProperties(), [BACKEND_SSL30]: 'True' } } })],
      changes: [{ path: path(BACKEND_SSL30), before: 'True', after: 'False' }],
      preconditions: [{ description: 'No other operation is running', satisfied: false, detail: 'provisioningState "Updating"' }],
    },
  ],
});

function withoutKey(map: Record<string, string>, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([name]) => name !== key));
}
