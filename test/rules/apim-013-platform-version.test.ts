import rule from '../../src/rules/apim-013-platform-version.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
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
      name: 'BasicV2 tier',
      resources: [apimV2Service('BasicV2')],
      reason: "Service 'apim-test' is on the BasicV2 tier; stv1 and stv2 are compute platforms of the classic tiers, unrelated to the v2 tiers, so there is no stv1 to migrate from.",
    },
    { name: 'StandardV2 tier without a platform version', resources: [apimV2Service('StandardV2', { properties: { platformVersion: undefined } })], reason: 'is on the StandardV2 tier; stv1 and stv2' },
    { name: 'PremiumV2 reporting stv1 is judged by tier, not by value', resources: [apimV2Service('PremiumV2', { properties: { platformVersion: 'stv1' } })], reason: 'is on the PremiumV2 tier' },
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
