import rule from '../../src/rules/apim-001-legacy-protocols.js';
import { apimService, GATEWAY, hardenedCustomProperties } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const TLS10 = `${GATEWAY}.Security.Protocols.Tls10`;
const BACKEND_SSL30 = `${GATEWAY}.Security.Backend.Protocols.Ssl30`;

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
});
