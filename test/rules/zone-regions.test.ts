import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZoneMappingsError, zoneRegionsData, zoneRegionsFromProvider } from '../../scripts/refresh-zone-regions.js';
import { DEFAULT_ZONE_REDUNDANT_REGIONS, ZONE_REGIONS_DATA } from '../../src/rules/shared/regions.js';
import { parseZoneRegionsData } from '../../src/rules/shared/zone-regions-data.js';

/** A hand-made provider document in the shape `az provider show --expand "resourceTypes/zoneMappings"` prints. */
const PROVIDER: unknown = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'zone-mappings', 'provider.json'), 'utf8'));

describe('zone-capable regions from provider metadata', () => {
  it('keeps the service type\'s regions with zones, as sorted unique location keys', () => {
    expect(zoneRegionsFromProvider(PROVIDER)).toEqual(['eastus', 'swedencentral', 'westeurope']);
  });

  it('builds a valid data file with its source and date', () => {
    const data = zoneRegionsData(PROVIDER, '2026-12-03', 'provider.json');
    expect(data.asOf).toBe('2026-12-03');
    expect(data.source).toContain('provider.json');
    expect(data.regions).toEqual(['eastus', 'swedencentral', 'westeurope']);
  });

  it.each([
    ['not an object', [], 'not a JSON object'],
    ['another provider', { namespace: 'Microsoft.Web', resourceTypes: [] }, 'for Microsoft.Web'],
    ['no resourceTypes', { namespace: 'Microsoft.ApiManagement' }, 'no resourceTypes list'],
    ['no service type', { resourceTypes: [{ resourceType: 'operations', zoneMappings: [] }] }, 'no "service" resource type'],
    ['read without --expand', { resourceTypes: [{ resourceType: 'service', locations: ['East US'] }] }, 'resourceTypes/zoneMappings'],
    ['no region with zones', { resourceTypes: [{ resourceType: 'Service', zoneMappings: [{ location: 'East US', zones: [] }] }] }, 'no region'],
  ])('refuses %s with a clear reason', (_name, provider, message) => {
    expect(() => zoneRegionsFromProvider(provider)).toThrow(ZoneMappingsError);
    expect(() => zoneRegionsFromProvider(provider)).toThrow(message);
  });
});

describe('zone-regions.json', () => {
  it('is the source of the built-in list and says where it comes from and when', () => {
    expect(ZONE_REGIONS_DATA.source).not.toBe('');
    expect(ZONE_REGIONS_DATA.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(DEFAULT_ZONE_REDUNDANT_REGIONS).toEqual(ZONE_REGIONS_DATA.regions);
    expect(DEFAULT_ZONE_REDUNDANT_REGIONS).toContain('westeurope');
  });

  it.each([
    ['no source', { source: '', asOf: '2026-01-01', regions: ['eastus'] }, 'source'],
    ['asOf not a date', { source: 's', asOf: 'today', regions: ['eastus'] }, 'asOf'],
    ['display names instead of keys', { source: 's', asOf: '2026-01-01', regions: ['East US'] }, 'location keys'],
    ['no regions', { source: 's', asOf: '2026-01-01', regions: [] }, 'regions'],
  ])('a broken file is refused: %s', (_name, value, message) => {
    expect(() => parseZoneRegionsData(value)).toThrow(message);
  });
});
