import rule from '../../src/rules/apim-008-zone-redundancy.js';
import { apimService, serviceId, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

/** One `properties.additionalLocations` entry as ARM returns it. */
function region(location: string, zones: string[] | null, capacity: number | 'absent' = zones?.length ?? 1): Raw {
  return { location, sku: capacity === 'absent' ? { name: 'Premium' } : { name: 'Premium', capacity }, zones, disableGateway: false };
}

/** A v2 service as ARM returns it from api-version 2025-03-01-preview (zoneRedundant) or older (absent). */
function v2(tier: string, zoneRedundant?: unknown): Raw {
  return apimService({ sku: { name: tier, capacity: 1 }, zones: null, properties: zoneRedundant === undefined ? {} : { zoneRedundant } });
}

function withLocations(...additionalLocations: unknown[]) {
  return apimService({ properties: { additionalLocations } });
}

ruleTester.run(rule, {
  pass: [
    { name: 'West Europe with zones 1-3 and three units', resources: [apimService()], reason: "primary region 'West Europe' has 3 zones and 3 units" },
    { name: 'two zones and two units', resources: [apimService({ zones: ['1', '2'], sku: { name: 'Premium', capacity: 2 } })] },
    { name: 'more units than zones', resources: [apimService({ zones: ['1', '2'], sku: { name: 'Premium', capacity: 4 } })] },
    { name: 'location given as a key ("westeurope")', resources: [apimService({ location: 'westeurope' })] },
    { name: 'Premium v2 created zone redundant', resources: [v2('PremiumV2', true)], reason: "Service 'apim-test' (PremiumV2) was created zone redundant (properties.zoneRedundant is true)." },
    { name: 'Standard v2 created zone redundant, tier in lower case', resources: [v2('standardv2', 'true')], reason: 'was created zone redundant' },
    {
      name: 'zoneRedundantRegions adds a region missing from the data file',
      resources: [apimService({ location: 'Antarctica North' })],
      options: { zoneRedundantRegions: ['Antarctica North'] },
      reason: "primary region 'Antarctica North' has 3 zones and 3 units",
    },
    { name: 'tier name in lower case ("premium")', resources: [apimService({ sku: { name: 'premium', capacity: 3 } })] },
    {
      name: 'primary region without zone support and without zones',
      resources: [apimService({ location: 'Antarctica North', zones: null, sku: { name: 'Premium', capacity: 1 } })],
      reason: "primary region 'Antarctica North' does not support availability zones",
    },
    {
      name: 'zones in a region missing from the list pass with a note (PSRule apim-E)',
      resources: [apimService({ location: 'antarcticanorth', zones: ['1', '2'], sku: { name: 'Premium', capacity: 1 } })],
    },
    { name: 'additional location East US with three zones and three units', resources: [withLocations(region('East US', ['1', '2', '3']))] },
    {
      name: 'additional location without zone support and without zones',
      resources: [withLocations(region('Antarctica South', null))],
      reason: "additional location 'Antarctica South' does not support availability zones",
    },
    {
      name: 'every region three zones and three units (PSRule apim-J, upstream expects fail)',
      resources: [
        apimService({
          location: 'australiaeast',
          properties: { additionalLocations: [region('Antarctica South', ['1', '2', '3']), region('Norway East', ['1', '2', '3'])] },
        }),
      ],
    },
    {
      name: 'zoneRedundantRegions without West Europe: no zones needed there',
      resources: [apimService({ zones: null })],
      options: { zoneRedundantRegions: ['East US'] },
      reason: "primary region 'West Europe' does not support availability zones",
    },
  ],
  fail: [
    {
      name: 'zones null in West Europe (automatic zone support cannot be shown)',
      resources: [apimService({ zones: null })],
      reason: "Service 'apim-test' is not zone redundant in primary region 'West Europe' (no zones shown; automatic zone support, if any, cannot be verified).",
      evidence: [{ path: 'zones', actual: undefined, expected: 'at least 2 zones', note: /best effort, per Learn\) but ARM does not show it/ }],
    },
    {
      name: 'Standard v2 created without zone redundancy',
      resources: [v2('StandardV2', false)],
      reason: "Service 'apim-test' (StandardV2) is not zone redundant (properties.zoneRedundant is false)",
      evidence: [{ path: 'properties.zoneRedundant', actual: false, expected: true }],
      noFix: 'cannot be made zone redundant after creation',
    },
    {
      name: 'Premium v2 created without zone redundancy (string "False")',
      resources: [v2('PremiumV2', 'False')],
      evidence: [{ path: 'properties.zoneRedundant', actual: 'False', expected: true }],
      noFix: 'no fix planned',
    },
    {
      name: 'zones key missing in West Europe',
      resources: [apimService({ top: { zones: undefined } })],
      evidence: [{ path: 'zones', actual: undefined, expected: 'at least 2 zones' }],
    },
    {
      name: 'empty zones array',
      resources: [apimService({ zones: [] })],
      evidence: [{ path: 'zones', actual: [], expected: 'at least 2 zones', note: 'empty' }],
    },
    {
      name: 'a single zone is zonal, not zone redundant',
      resources: [apimService({ zones: ['2'], sku: { name: 'Premium', capacity: 1 } })],
      reason: 'only zone 2',
      evidence: [{ path: 'zones', actual: ['2'], expected: 'at least 2 zones' }],
    },
    {
      name: 'three zones but only two units (PSRule apim-F additional region shape)',
      resources: [apimService({ sku: { name: 'Premium', capacity: 2 } })],
      reason: "primary region 'West Europe' (3 zones but 2 units)",
      evidence: [{ path: 'sku.capacity', actual: 2, expected: 'at least 3 units' }],
    },
    {
      name: 'three zones and one unit',
      resources: [apimService({ location: 'Australia East', sku: { name: 'Premium', capacity: 1 } })],
      evidence: [{ path: 'sku.capacity', actual: 1, expected: 'at least 3 units', note: 'need one unit each' }],
    },
    {
      name: 'additional location East US with zones null',
      resources: [withLocations(region('East US', null))],
      reason: "additional location 'East US' (no zones shown; automatic zone support, if any, cannot be verified)",
      evidence: [{ path: 'properties.additionalLocations[0].zones', actual: undefined, expected: 'at least 2 zones' }],
    },
    {
      name: 'second additional location has fewer units than zones (PSRule apim-I)',
      resources: [
        apimService({
          location: 'australiaeast',
          properties: { additionalLocations: [region('Antarctica South', ['1', '2', '3']), region('Norway East', ['1', '2', '3'], 2)] },
        }),
      ],
      reason: "additional location 'Norway East' (3 zones but 2 units)",
      evidence: [{ path: 'properties.additionalLocations[1].sku.capacity', actual: 2, expected: 'at least 3 units' }],
    },
    {
      name: 'additional location without a unit count',
      resources: [withLocations(region('North Europe', ['1', '2'], 'absent'))],
      reason: 'no readable unit count',
      evidence: [{ path: 'properties.additionalLocations[0].sku.capacity', actual: undefined, expected: 'at least 2 units', note: 'absent' }],
    },
    {
      name: 'primary and additional location both fail, evidence for each',
      resources: [apimService({ zones: null, properties: { additionalLocations: [region('eastus2', ['1'])] } })],
      reason: "primary region 'West Europe' (no zones shown; automatic zone support, if any, cannot be verified); additional location 'eastus2' (only zone 1)",
      evidence: [
        { path: 'zones', actual: undefined },
        { path: 'properties.additionalLocations[0].zones', actual: ['1'] },
      ],
    },
    {
      name: 'zoneRedundantRegions adds Antarctica North',
      resources: [apimService({ location: 'Antarctica North', zones: null })],
      options: { zoneRedundantRegions: ['antarcticanorth'] },
      evidence: [{ path: 'zones', actual: undefined, expected: 'at least 2 zones' }],
    },
  ],
  notApplicable: [
    {
      name: 'Developer tier (PSRule apim-A)',
      resources: [apimService({ sku: { name: 'Developer', capacity: 1 }, zones: null })],
      reason: "Service 'apim-test' is on the Developer tier; only the Premium tier supports zone redundancy.",
    },
    { name: 'Standard tier', resources: [apimService({ sku: { name: 'Standard', capacity: 1 }, zones: null })], reason: 'Standard' },
    { name: 'Consumption tier', resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, zones: null })], reason: 'Consumption' },
    { name: 'Basic v2 tier (no availability zones)', resources: [v2('BasicV2', false)], reason: "Service 'apim-test' is on the BasicV2 tier, which has no availability zones." },
    { name: 'Basic v2 tier even with zoneRedundant true', resources: [v2('basicv2', true)], reason: 'which has no availability zones' },
    { name: 'sku absent', resources: [apimService({ top: { sku: undefined } })], reason: "Service 'apim-test' does not report its tier (sku.name); only the Premium tier supports zone redundancy." },
  ],
  notChecked: [
    {
      name: 'Standard v2 read without properties.zoneRedundant (api-version before 2025-03-01-preview)',
      resources: [v2('StandardV2')],
      reason: "Service 'apim-test' (StandardV2): properties.zoneRedundant is absent, so zone redundancy cannot be shown",
    },
    {
      name: 'Premium v2 with zones listed but no zoneRedundant: zones are not read on v2',
      resources: [apimService({ sku: { name: 'PremiumV2', capacity: 3 }, zones: ['1', '2', '3'] })],
      reason: 'properties.zoneRedundant is absent',
    },
    { name: 'Premium v2 with zoneRedundant null', resources: [v2('PremiumV2', null)], reason: 'properties.zoneRedundant is absent' },
    { name: 'Premium v2 with zoneRedundant "maybe"', resources: [v2('PremiumV2', 'maybe')], reason: 'is "maybe", which is neither true nor false' },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
    {
      name: 'additional location entry is null',
      resources: [withLocations(null)],
      reason: 'properties.additionalLocations[0] is null',
    },
    {
      name: 'additional location without a location',
      resources: [withLocations({ sku: { name: 'Premium', capacity: 2 }, zones: ['1', '2'] })],
      reason: 'additional location #1 (no location) has no location',
    },
  ],
  fix: [
    {
      name: 'no zones and three units: zones 1-3, units unchanged',
      resources: [apimService({ zones: null })],
      summary: "Make service 'apim-test' zone redundant in primary region 'West Europe' (zones 1, 2, 3 with 3 units).",
      request: { method: 'PATCH', path: serviceId('apim-test'), apiVersion: '2024-05-01', body: { zones: ['1', '2', '3'] } },
      changes: [{ path: 'zones', before: undefined, after: ['1', '2', '3'] }],
      preconditions: [
        { description: 'The service runs on the stv2 platform', satisfied: true },
        { description: 'Every region being changed supports availability zones', satisfied: true, detail: "'West Europe' is in the zone-capable region list." },
        { description: 'No other operation is running', satisfied: true },
        { description: 'Nothing depends on the current public IP address', satisfied: false, detail: "gives service 'apim-test' a new public IP address (today 20.0.0.1)" },
        { description: 'A VNet-injected service is given a new Standard public IP address', satisfied: true, detail: 'virtualNetworkType "None"' },
      ],
    },
    {
      name: 'VNet-injected service: a new public IP resource is needed first',
      resources: [apimService({ zones: null, properties: { virtualNetworkType: 'External', virtualNetworkConfiguration: { subnetResourceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/apim' } } })],
      request: { body: { zones: ['1', '2', '3'] } },
      preconditions: [
        { description: 'A VNet-injected service is given a new Standard public IP address', satisfied: false, detail: 'virtualNetworkType "External"): ARM needs a new Standard SKU public IP address in properties.publicIpAddressId' },
      ],
    },
    {
      name: 'a single zone and one unit: three zones and three units',
      resources: [apimService({ zones: ['2'], sku: { name: 'Premium', capacity: 1 } })],
      request: { body: { zones: ['1', '2', '3'], sku: { name: 'Premium', capacity: 3 } } },
      changes: [
        { path: 'zones', before: ['2'], after: ['1', '2', '3'] },
        { path: 'sku.capacity', before: 1, after: 3 },
      ],
    },
    {
      name: 'no zones and two units: two zones, no extra units',
      resources: [apimService({ zones: null, sku: { name: 'Premium', capacity: 2 } })],
      request: { body: { zones: ['1', '2'] } },
      changes: [{ path: 'zones', before: undefined, after: ['1', '2'] }],
    },
    {
      name: 'zone 3 and four units: zone 3 kept, units spread over two zones',
      resources: [apimService({ zones: ['3'], sku: { name: 'Premium', capacity: 4 } })],
      request: { body: { zones: ['1', '3'] } },
      changes: [{ path: 'zones', before: ['3'], after: ['1', '3'] }],
    },
    {
      name: 'three zones and two units: one unit per zone',
      resources: [apimService({ sku: { name: 'Premium', capacity: 2 } })],
      request: { body: { sku: { name: 'Premium', capacity: 3 } } },
      changes: [{ path: 'sku.capacity', before: 2, after: 3 }],
    },
    {
      name: 'additional location short of units: the whole additionalLocations array is re-sent',
      resources: [
        apimService({
          location: 'australiaeast',
          properties: { additionalLocations: [region('Antarctica South', ['1', '2', '3']), region('Norway East', ['1', '2', '3'], 2)] },
        }),
      ],
      request: {
        body: {
          properties: {
            additionalLocations: [region('Antarctica South', ['1', '2', '3']), { ...region('Norway East', ['1', '2', '3']), sku: { name: 'Premium', capacity: 3 } }],
          },
        },
      },
      changes: [{ path: 'properties.additionalLocations[1].sku.capacity', before: 2, after: 3 }],
    },
    {
      name: 'primary and additional location both fixed in one PATCH',
      resources: [apimService({ zones: null, properties: { additionalLocations: [region('eastus2', ['1'])] } })],
      summary: "primary region 'West Europe' (zones 1, 2, 3 with 3 units) and additional location 'eastus2' (zones 1, 2, 3 with 3 units)",
      request: {
        body: {
          zones: ['1', '2', '3'],
          properties: { additionalLocations: [{ location: 'eastus2', sku: { name: 'Premium', capacity: 3 }, zones: ['1', '2', '3'], disableGateway: false }] },
        },
      },
      changes: [
        { path: 'zones', before: undefined, after: ['1', '2', '3'] },
        { path: 'properties.additionalLocations[0].zones', before: ['1'], after: ['1', '2', '3'] },
        { path: 'properties.additionalLocations[0].sku.capacity', before: 1, after: 3 },
      ],
    },
    {
      name: 'additional location without a unit count gets one unit per zone',
      resources: [withLocations(region('North Europe', ['1', '2'], 'absent'))],
      request: { body: { properties: { additionalLocations: [{ ...region('North Europe', ['1', '2']), sku: { name: 'Premium', capacity: 2 } }] } } },
      changes: [{ path: 'properties.additionalLocations[0].sku.capacity', before: undefined, after: 2 }],
    },
    {
      name: 'stv1 service: platform precondition unsatisfied',
      resources: [apimService({ zones: null, properties: { platformVersion: 'stv1' } })],
      preconditions: [{ description: 'The service runs on the stv2 platform', satisfied: false, detail: 'migrate it to stv2 first (APIM-013)' }],
    },
  ],
});
