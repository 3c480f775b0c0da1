import rule from '../../src/rules/apim-012-regional-gateways.js';
import { apimService, apimV2Service, type Raw, serviceId } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

/** An additional location; `disableGateway: 'absent'` leaves the flag out. */
function region(location: string, disableGateway: unknown): Raw {
  const entry: Raw = { location, sku: { name: 'Premium', capacity: 1 }, zones: null };
  if (disableGateway !== 'absent') entry['disableGateway'] = disableGateway;
  return entry;
}

/** `primaryDisableGateway: 'absent'` removes `properties.disableGateway` of the primary. */
function withLocations(additionalLocations: Raw[], primaryDisableGateway: unknown = false) {
  return apimService({ properties: { additionalLocations, disableGateway: primaryDisableGateway === 'absent' ? undefined : primaryDisableGateway } });
}

ruleTester.run(rule, {
  pass: [
    {
      name: 'gateway enabled in the primary and one additional region (PSRule apim-M)',
      resources: [withLocations([region('East US', false)])],
      reason: "Service 'apim-test' has the gateway enabled in both regions.",
    },
    { name: 'disableGateway absent in the additional region', resources: [withLocations([region('East US', 'absent')])] },
    { name: 'disableGateway null in the additional region', resources: [withLocations([region('East US', null)])] },
    { name: 'string "False" in the additional region', resources: [withLocations([region('East US', 'False')])] },
    { name: 'primary disableGateway absent', resources: [withLocations([region('East US', false)], 'absent')] },
    { name: 'three regions all enabled', resources: [withLocations([region('East US', false), region('North Europe', 'false')])], reason: 'all 3 regions' },
  ],
  fail: [
    {
      name: 'additional region with disableGateway true (PSRule apim-F)',
      resources: [withLocations([region('East US', true)])],
      reason: "Service 'apim-test' has the gateway disabled in additional location 'East US'; that region takes no API traffic.",
      evidence: [{ path: 'properties.additionalLocations[0].disableGateway', actual: true, expected: false }],
    },
    {
      name: 'string "TRUE" in upper case',
      resources: [withLocations([region('East US', 'TRUE')])],
      evidence: [{ path: 'properties.additionalLocations[0].disableGateway', actual: 'TRUE', expected: false }],
    },
    {
      name: 'both additional regions disabled (PSRule apim-I/J, not asserted upstream)',
      resources: [withLocations([region('Antarctica South', true), region('Norway East', true)])],
      reason: "additional location 'Antarctica South', additional location 'Norway East'; those regions take",
      evidence: [
        { path: 'properties.additionalLocations[0].disableGateway', actual: true },
        { path: 'properties.additionalLocations[1].disableGateway', actual: true },
      ],
    },
    {
      name: 'only the second of two regions disabled',
      resources: [withLocations([region('East US', false), region('North Europe', 'true')])],
      reason: "disabled in additional location 'North Europe';",
      evidence: [{ path: 'properties.additionalLocations[1].disableGateway', actual: 'true', expected: false }],
    },
    {
      name: 'primary gateway disabled',
      resources: [withLocations([region('East US', false)], true)],
      reason: "disabled in primary region 'West Europe'",
      evidence: [{ path: 'properties.disableGateway', actual: true, expected: false, note: "primary region 'West Europe' takes no traffic" }],
    },
  ],
  notApplicable: [
    { name: 'BasicV2 tier', resources: [apimV2Service('BasicV2')], reason: "Service 'apim-test' is on the BasicV2 tier; the v2 tiers have no multi-region deployment" },
    { name: 'StandardV2 tier', resources: [apimV2Service('StandardV2')], reason: 'is on the StandardV2 tier; the v2 tiers have no multi-region deployment' },
    {
      name: 'PremiumV2 with a disabled gateway is not judged',
      resources: [apimV2Service('PremiumV2', { properties: { disableGateway: true } })],
      reason: 'is on the PremiumV2 tier; the v2 tiers have no multi-region deployment, so there are no regional gateways to check.',
    },
    {
      name: 'single region (additionalLocations null)',
      resources: [apimService()],
      reason: "Service 'apim-test' runs in one region only (no properties.additionalLocations), so it has no regional gateways to check.",
    },
    { name: 'additionalLocations empty, primary disabled', resources: [withLocations([], true)], reason: 'one region only' },
    { name: 'additionalLocations absent', resources: [apimService({ properties: { additionalLocations: undefined } })], reason: 'one region only' },
    { name: 'Developer tier', resources: [apimService({ sku: { name: 'Developer', capacity: 1 } })], reason: "Service 'apim-test' is on the Developer tier; only the Premium tier supports regional gateways." },
  ],
  error: [{ name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' }],
  fix: [
    {
      name: 'second of two additional regions disabled: the whole array is re-sent',
      resources: [withLocations([region('East US', false), region('North Europe', true)])],
      summary: "Enable the gateway of service 'apim-test' in additional location 'North Europe', re-sending the whole additionalLocations array.",
      request: {
        method: 'PATCH',
        path: serviceId('apim-test'),
        apiVersion: '2024-05-01',
        body: { properties: { additionalLocations: [region('East US', false), region('North Europe', false)] } },
      },
      changes: [{ path: 'properties.additionalLocations[1].disableGateway', before: true, after: false }],
      preconditions: [{ description: 'No other operation is running', satisfied: true }],
    },
    {
      name: 'primary gateway disabled: properties.disableGateway only',
      resources: [withLocations([region('East US', 'absent')], true)],
      request: { body: { properties: { disableGateway: false } } },
      changes: [{ path: 'properties.disableGateway', before: true, after: false }],
    },
    {
      name: 'string "TRUE" in an additional region',
      resources: [withLocations([region('East US', 'TRUE')])],
      request: { body: { properties: { additionalLocations: [region('East US', false)] } } },
      changes: [{ path: 'properties.additionalLocations[0].disableGateway', before: 'TRUE', after: false }],
    },
  ],
});
