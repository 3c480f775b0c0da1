import rule from '../../src/rules/apim-018-client-certificates.js';
import { apimService, apimV2Service, serviceId } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

function consumption(enableClientCertificate: unknown, skuName = 'Consumption') {
  return apimService({ sku: { name: skuName, capacity: 0 }, zones: null, properties: { enableClientCertificate } });
}

ruleTester.run(rule, {
  pass: [
    { name: 'enableClientCertificate true', resources: [consumption(true)], reason: "Service 'apim-test' requests client certificates from callers." },
    { name: 'string "True"', resources: [consumption('True')] },
    { name: 'tier name in lower case ("consumption")', resources: [consumption(true, 'consumption')] },
  ],
  fail: [
    {
      name: 'enableClientCertificate false',
      resources: [consumption(false)],
      reason: "Service 'apim-test' does not request client certificates, so policies cannot authenticate callers by certificate.",
      evidence: [{ path: 'properties.enableClientCertificate', actual: false, expected: true }],
    },
    {
      name: 'enableClientCertificate absent (platform default false)',
      resources: [consumption(undefined)],
      evidence: [{ path: 'properties.enableClientCertificate', actual: undefined, expected: true, note: 'absent — platform default: false' }],
    },
    {
      name: 'enableClientCertificate null',
      resources: [consumption(null)],
      evidence: [{ path: 'properties.enableClientCertificate', actual: undefined, note: 'absent' }],
    },
    {
      name: 'string "FALSE"',
      resources: [consumption('FALSE')],
      evidence: [{ path: 'properties.enableClientCertificate', actual: 'FALSE', expected: true }],
    },
  ],
  notApplicable: [
    {
      name: 'BasicV2 with enableClientCertificate false',
      resources: [apimV2Service('BasicV2', { properties: { enableClientCertificate: false } })],
      reason: "Service 'apim-test' is on the BasicV2 tier; properties.enableClientCertificate is meant for the Consumption tier only",
    },
    { name: 'StandardV2 tier', resources: [apimV2Service('StandardV2')], reason: 'is on the StandardV2 tier; properties.enableClientCertificate is meant for the Consumption tier only' },
    { name: 'PremiumV2 tier', resources: [apimV2Service('PremiumV2', { properties: { enableClientCertificate: true } })], reason: 'is on the PremiumV2 tier' },
    {
      name: 'Premium tier (fixture)',
      resources: [apimService()],
      reason: "Service 'apim-test' is on the Premium tier; properties.enableClientCertificate is meant for the Consumption tier only",
    },
    { name: 'Developer tier with the property false (ARM rejects changing it)', resources: [consumption(false, 'Developer')], reason: 'Developer tier' },
    { name: 'sku absent', resources: [apimService({ top: { sku: undefined } })], reason: 'unknown tier' },
  ],
  error: [{ name: 'service with null properties', resources: [{ ...apimService({ sku: { name: 'Consumption' } }), properties: null }], reason: 'properties is null' }],
  fix: [
    {
      name: 'Consumption service with the switch off',
      resources: [consumption(false)],
      summary: "Make service 'apim-test' request a client certificate from every caller.",
      request: { method: 'PATCH', path: serviceId('apim-test'), apiVersion: '2024-05-01', body: { properties: { enableClientCertificate: true } } },
      changes: [{ path: 'properties.enableClientCertificate', before: false, after: true }],
      preconditions: [
        { description: 'No other operation is running', satisfied: true },
        { description: 'Callers present a client certificate when the gateway asks', satisfied: false, detail: /confirm with the API owners .* before applying/ },
      ],
    },
    {
      name: 'switch absent',
      resources: [consumption(undefined)],
      changes: [{ path: 'properties.enableClientCertificate', before: undefined, after: true }],
    },
  ],
});
