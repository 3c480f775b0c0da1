import rule from '../../src/rules/apim-013-platform-version.js';
import { apimService } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

function onPlatform(platformVersion: unknown) {
  return apimService({ properties: { platformVersion } });
}

ruleTester.run(rule, {
  pass: [
    { name: 'stv2', resources: [onPlatform('stv2')], reason: "Service 'apim-test' runs on the stv2 compute platform." },
    { name: 'stv2.1', resources: [onPlatform('stv2.1')], reason: 'runs on the stv2.1 compute platform.' },
    { name: 'stv2 in upper case', resources: [onPlatform('STV2')] },
    { name: 'Developer tier on stv2', resources: [apimService({ sku: { name: 'Developer', capacity: 1 }, zones: null })] },
  ],
  fail: [
    {
      name: 'stv1',
      resources: [onPlatform('stv1')],
      reason: "Service 'apim-test' runs on the stv1 compute platform, which was retired on 31 August 2024; migrate it to stv2.",
      evidence: [{ path: 'properties.platformVersion', actual: 'stv1', expected: 'stv2 or stv2.1' }],
    },
    {
      name: 'stv1 in upper case',
      resources: [onPlatform('STV1')],
      evidence: [{ path: 'properties.platformVersion', actual: 'STV1' }],
    },
    {
      name: 'stv1 on a VNet-injected Developer service',
      resources: [apimService({ sku: { name: 'Developer', capacity: 1 }, zones: null, properties: { platformVersion: 'stv1', virtualNetworkType: 'Internal' } })],
      evidence: [{ path: 'properties.platformVersion', actual: 'stv1' }],
    },
  ],
  notApplicable: [
    {
      name: 'mtv1 (Consumption multi-tenant)',
      resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, zones: null, properties: { platformVersion: 'mtv1', customProperties: undefined } })],
      reason: "Service 'apim-test' runs on mtv1, the multi-tenant Consumption platform",
    },
    { name: 'mtv1 in upper case', resources: [onPlatform('MTV1')], reason: 'runs on mtv1' },
    {
      name: 'platformVersion absent',
      resources: [onPlatform(undefined)],
      reason: "Service 'apim-test': the platform version is not reported (properties.platformVersion is absent), so it cannot be told whether the service is on stv1.",
    },
    { name: 'platformVersion null', resources: [onPlatform(null)], reason: 'properties.platformVersion is absent' },
    { name: 'platformVersion empty', resources: [onPlatform('  ')], reason: 'the platform version is not reported' },
    { name: 'platformVersion "undetermined"', resources: [onPlatform('undetermined')], reason: 'properties.platformVersion is "undetermined"' },
    { name: 'platformVersion "Undetermined" in another casing', resources: [onPlatform('Undetermined')], reason: 'is "Undetermined"' },
    { name: 'platformVersion not a string', resources: [onPlatform(2)], reason: 'not reported as text (properties.platformVersion is 2).' },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
  ],
});
