import rule from '../../src/rules/apim-011-multi-region.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const eastUs = { location: 'East US', sku: { name: 'Premium', capacity: 1 }, zones: null, disableGateway: false };
const northEurope = { location: 'North Europe', sku: { name: 'Premium', capacity: 3 }, zones: ['1', '2', '3'], disableGateway: true };

ruleTester.run(rule, {
  pass: [
    {
      name: 'one additional location',
      resources: [apimService({ properties: { additionalLocations: [eastUs] } })],
      reason: "Service 'apim-test' runs in 2 regions: 'West Europe' (primary), 'East US'.",
    },
    {
      name: 'two additional locations (PSRule apim-I/J, upstream expects fail)',
      resources: [apimService({ location: 'australiaeast', properties: { additionalLocations: [eastUs, northEurope] } })],
      reason: "'East US', 'North Europe'",
    },
    {
      name: 'additional location with its gateway disabled still counts (APIM-012 checks gateways)',
      resources: [apimService({ properties: { additionalLocations: [northEurope] } })],
    },
    { name: 'tier name in lower case ("premium")', resources: [apimService({ sku: { name: 'premium', capacity: 1 }, properties: { additionalLocations: [eastUs] } })] },
  ],
  fail: [
    {
      name: 'additionalLocations null (fixture default)',
      resources: [apimService()],
      reason: "Service 'apim-test' runs only in its primary region 'West Europe' (properties.additionalLocations is null).",
      evidence: [{ path: 'properties.additionalLocations', actual: null, expected: 'at least 1 additional location', note: 'null' }],
    },
    {
      name: 'additionalLocations absent',
      resources: [apimService({ properties: { additionalLocations: undefined } })],
      evidence: [{ path: 'properties.additionalLocations', actual: undefined, note: 'absent' }],
    },
    {
      name: 'additionalLocations empty',
      resources: [apimService({ properties: { additionalLocations: [] } })],
      reason: 'is empty',
      evidence: [{ path: 'properties.additionalLocations', actual: [], note: 'empty' }],
    },
    {
      name: 'additionalLocations not an array',
      resources: [apimService({ properties: { additionalLocations: { location: 'East US' } } })],
      reason: 'is not an array',
      evidence: [{ path: 'properties.additionalLocations', actual: { location: 'East US' } }],
    },
  ],
  notApplicable: [
    { name: 'BasicV2 tier', resources: [apimV2Service('BasicV2')], reason: "Service 'apim-test' is on the BasicV2 tier; multi-region deployment is not available on the v2 tiers" },
    { name: 'StandardV2 tier (v2 reason)', resources: [apimV2Service('StandardV2', { properties: { additionalLocations: [] } })], reason: 'is on the StandardV2 tier; multi-region deployment is not available' },
    {
      name: 'PremiumV2 single-region is not judged',
      resources: [apimV2Service('PremiumV2')],
      reason: "Service 'apim-test' is on the PremiumV2 tier; multi-region deployment is not available on the v2 tiers, Premium v2 included.",
    },
    { name: 'Developer tier', resources: [apimService({ sku: { name: 'Developer', capacity: 1 } })], reason: "Service 'apim-test' is on the Developer tier; only the Premium tier supports multi-region deployment." },
    { name: 'Standard v2 tier', resources: [apimService({ sku: { name: 'StandardV2', capacity: 1 } })], reason: 'StandardV2' },
    { name: 'Consumption tier', resources: [apimService({ sku: { name: 'Consumption', capacity: 0 } })], reason: 'Consumption' },
  ],
  error: [{ name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' }],
});
