import rule from '../../src/rules/apim-009-zone-units.js';
import { apimService, apimV2Service, type Raw, serviceId } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

/** One `properties.additionalLocations` entry; `capacity: 'absent'` leaves the unit count out. */
function region(location: string, zones: string[] | null, capacity: number | string): Raw {
  return { location, sku: capacity === 'absent' ? { name: 'Premium' } : { name: 'Premium', capacity }, zones, disableGateway: false };
}

function premium(capacity: number, zones: string[] | null, additionalLocations: unknown[] | null = null) {
  return apimService({ sku: { name: 'Premium', capacity }, zones, properties: { additionalLocations } });
}

ruleTester.run(rule, {
  pass: [
    { name: 'three zones and three units', resources: [premium(3, ['1', '2', '3'])], reason: "primary region 'West Europe' has 3 units for 3 zones" },
    { name: 'two zones and four units', resources: [premium(4, ['1', '2'])] },
    { name: 'one zone and one unit (zonal)', resources: [premium(1, ['3'])], reason: '1 unit for 1 zone' },
    {
      name: 'every region has a unit per zone (PSRule apim-M)',
      resources: [premium(3, ['1', '2', '3'], [region('East US', ['1', '2', '3'], 3)])],
    },
    {
      name: 'additional location without zones is skipped (PSRule apim-P)',
      resources: [premium(2, ['1', '2'], [region('East US', null, 1)])],
    },
    {
      name: 'zones only in an additional location, enough units there',
      resources: [premium(1, null, [region('North Europe', ['1', '2'], 2)])],
      reason: "additional location 'North Europe' has 2 units for 2 zones",
    },
    { name: 'unit count given as a numeric string', resources: [premium(3, ['1', '2', '3'], [region('East US', ['1', '2'], '2')])] },
    { name: 'tier name in upper case ("PREMIUM")', resources: [apimService({ sku: { name: 'PREMIUM', capacity: 3 } })] },
  ],
  fail: [
    {
      name: 'two zones and one unit (PSRule apim-E)',
      resources: [premium(1, ['1', '2'])],
      reason: "Service 'apim-test' has fewer units than zones in primary region 'West Europe' (2 zones, 1 unit).",
      evidence: [{ path: 'sku.capacity', actual: 1, expected: 'at least 2 units', note: 'zones 1, 2' }],
    },
    {
      name: 'three zones and two units',
      resources: [premium(2, ['1', '2', '3'])],
      evidence: [{ path: 'sku.capacity', actual: 2, expected: 'at least 3 units' }],
    },
    {
      name: 'additional location with three zones and two units (PSRule apim-F)',
      resources: [premium(2, ['1', '2'], [region('East US', ['1', '2', '3'], 2)])],
      reason: "additional location 'East US' (3 zones, 2 units)",
      evidence: [{ path: 'properties.additionalLocations[0].sku.capacity', actual: 2, expected: 'at least 3 units' }],
    },
    {
      name: 'first of two additional locations is short (PSRule checks only the last)',
      resources: [premium(3, ['1', '2', '3'], [region('Norway East', ['1', '2', '3'], 1), region('East US', ['1', '2', '3'], 3)])],
      reason: "additional location 'Norway East' (3 zones, 1 unit)",
      evidence: [{ path: 'properties.additionalLocations[0].sku.capacity', actual: 1, expected: 'at least 3 units' }],
    },
    {
      name: 'primary and additional location both short',
      resources: [premium(1, ['1', '2', '3'], [region('Antarctica South', ['1', '2'], 1)])],
      reason: "primary region 'West Europe' (3 zones, 1 unit); additional location 'Antarctica South' (2 zones, 1 unit)",
      evidence: [
        { path: 'sku.capacity', actual: 1 },
        { path: 'properties.additionalLocations[0].sku.capacity', actual: 1 },
      ],
    },
    {
      name: 'unit count absent in an additional location with zones',
      resources: [premium(3, ['1', '2', '3'], [region('East US', ['1', '2'], 'absent')])],
      reason: 'no readable unit count',
      evidence: [{ path: 'properties.additionalLocations[0].sku.capacity', actual: undefined, expected: 'at least 2 units', note: 'absent' }],
    },
    {
      name: 'unit count absent on the primary',
      resources: [apimService({ sku: { name: 'Premium' } })],
      evidence: [{ path: 'sku.capacity', actual: undefined, expected: 'at least 3 units', note: 'absent' }],
    },
  ],
  notApplicable: [
    {
      name: 'BasicV2 tier',
      resources: [apimV2Service('BasicV2')],
      reason: "Service 'apim-test' is on the BasicV2 tier; the v2 tiers do not let availability zones be chosen or viewed per unit",
    },
    {
      name: 'StandardV2 tier listing zones',
      resources: [apimV2Service('StandardV2', { zones: ['1', '2'] })],
      reason: 'is on the StandardV2 tier; the v2 tiers do not let availability zones be chosen or viewed per unit',
    },
    {
      name: 'PremiumV2 with fewer units than listed zones is not judged',
      resources: [apimV2Service('PremiumV2', { zones: ['1', '2', '3'] })],
      reason: 'is on the PremiumV2 tier; the v2 tiers do not let availability zones be chosen or viewed per unit, so there are no zones to give units to (zone redundancy is checked by APIM-008).',
    },
    {
      name: 'no zones anywhere (PSRule apim-K)',
      resources: [premium(1, null, [region('East US', null, 1)])],
      reason: "Service 'apim-test' has no availability zones configured in any region",
    },
    { name: 'empty zones arrays everywhere', resources: [premium(1, [], [region('East US 2', [], 1)])], reason: 'APIM-008' },
    { name: 'Developer tier', resources: [apimService({ sku: { name: 'Developer', capacity: 1 } })], reason: "Service 'apim-test' is on the Developer tier; only the Premium tier supports spreading units over availability zones." },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
    {
      name: 'additional location entry is a string',
      resources: [premium(3, ['1', '2', '3'], ['eastus'])],
      reason: 'properties.additionalLocations[0] is not an object',
    },
  ],
  fix: [
    {
      name: 'two zones and one unit: two units',
      resources: [premium(1, ['1', '2'])],
      summary: "Give service 'apim-test' one unit per zone in primary region 'West Europe' (2 units).",
      request: { method: 'PATCH', path: serviceId('apim-test'), apiVersion: '2024-05-01', body: { sku: { name: 'Premium', capacity: 2 } } },
      changes: [{ path: 'sku.capacity', before: 1, after: 2 }],
      preconditions: [{ description: 'No other operation is running', satisfied: true }],
    },
    {
      name: 'first of two additional locations short: whole array re-sent, only its capacity changed',
      resources: [premium(3, ['1', '2', '3'], [region('East US', ['1', '2', '3'], 2), region('North Europe', ['1', '2'], 2)])],
      request: {
        body: { properties: { additionalLocations: [region('East US', ['1', '2', '3'], 3), region('North Europe', ['1', '2'], 2)] } },
      },
      changes: [{ path: 'properties.additionalLocations[0].sku.capacity', before: 2, after: 3 }],
    },
    {
      name: 'primary and additional location short, capacity absent in the additional one',
      resources: [premium(2, ['1', '2', '3'], [region('East US', ['1', '2'], 'absent')])],
      request: { body: { sku: { name: 'Premium', capacity: 3 }, properties: { additionalLocations: [region('East US', ['1', '2'], 2)] } } },
      changes: [
        { path: 'sku.capacity', before: 2, after: 3 },
        { path: 'properties.additionalLocations[0].sku.capacity', before: undefined, after: 2 },
      ],
    },
  ],
});
