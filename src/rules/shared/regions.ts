import { field, isObject, locationKey } from '../../estate/fields.js';
import type { ApimService } from '../../estate/model.js';

/**
 * Regions where API Management supports availability zones, as location keys. This is the list APRL
 * hardcodes in its 740f2c1c query (34 regions). Azure adds zone-capable regions over time and the
 * authoritative source is the provider metadata (`GET /providers/Microsoft.ApiManagement` →
 * `zoneMappings`); rules therefore let configuration replace this list (`zoneRedundantRegions`).
 */
export const DEFAULT_ZONE_REDUNDANT_REGIONS: readonly string[] = [
  'australiaeast',
  'brazilsouth',
  'canadacentral',
  'centralindia',
  'centralus',
  'eastasia',
  'eastus',
  'eastus2',
  'francecentral',
  'germanywestcentral',
  'israelcentral',
  'italynorth',
  'japaneast',
  'japanwest',
  'koreacentral',
  'mexicocentral',
  'newzealandnorth',
  'northeurope',
  'norwayeast',
  'polandcentral',
  'qatarcentral',
  'southafricanorth',
  'southcentralus',
  'southeastasia',
  'spaincentral',
  'swedencentral',
  'switzerlandnorth',
  'uaenorth',
  'uksouth',
  'westeurope',
  'westus2',
  'westus3',
  'usgovvirginia',
  'chinanorth3',
];

/**
 * Whether a region supports availability zones for API Management. `location` may be a display
 * name ("East US") or a key ("eastus"); so may the entries of `zoneRegions`, which replaces the
 * default list when given. An unknown (absent or blank) location is never zone-capable.
 */
export function supportsZones(location: string | undefined, zoneRegions: readonly string[] = DEFAULT_ZONE_REDUNDANT_REGIONS): boolean {
  const key = locationKey(location);
  if (key === undefined || key === '') return false;
  return zoneRegions.some((region) => locationKey(region) === key);
}

/** ARM paths of a region's settings, as a person would type them. */
export interface RegionPaths {
  readonly location: string;
  readonly zones: string;
  readonly capacity: string;
  readonly disableGateway: string;
}

/**
 * One region the service runs in: the primary (the service's own `location`, `zones`, `sku` and
 * `properties.disableGateway`) or one entry of `properties.additionalLocations`.
 */
export interface ServiceRegion {
  /** `undefined` for the primary region, else the index in `properties.additionalLocations`. */
  readonly index: number | undefined;
  readonly isPrimary: boolean;
  /** As given ("East US"); `undefined` when absent or not a string. */
  readonly location: string | undefined;
  /** How reasons name the region: "primary region 'West Europe'", "additional location 'East US'". */
  readonly label: string;
  /** ARM path of the region entry: `''` for the primary, `properties.additionalLocations[1]` otherwise. */
  readonly pathPrefix: string;
  readonly paths: RegionPaths;
  /** Zone names as strings; `undefined` when zones are absent or null (an empty array stays empty). */
  readonly zones: readonly string[] | undefined;
  /** The unit count when it is a finite number (numeric strings are read as numbers). */
  readonly capacity: number | undefined;
  /** The unit count exactly as given, for evidence. */
  readonly capacityRaw: unknown;
  /** The `disableGateway` value exactly as given (boolean, string or absent). */
  readonly disableGateway: unknown;
  /** Why the entry cannot be read (an additional location that is not an object). */
  readonly problem: string | undefined;
}

/**
 * The regions of a service: the primary first, then every additional location in array order, each
 * with the ARM paths of its settings so that rules can point evidence at the right entry.
 */
export function serviceRegions(service: ApimService): ServiceRegion[] {
  return [primaryRegion(service), ...additionalRegions(service)];
}

/** The primary region only. */
export function primaryRegion(service: ApimService): ServiceRegion {
  return {
    index: undefined,
    isPrimary: true,
    location: service.location,
    label: `primary region '${service.location ?? '(unknown location)'}'`,
    pathPrefix: '',
    paths: { location: 'location', zones: 'zones', capacity: 'sku.capacity', disableGateway: 'properties.disableGateway' },
    zones: service.zones,
    capacity: finiteNumber(service.sku.capacity),
    capacityRaw: service.sku.capacity,
    disableGateway: field(service.properties, 'disableGateway'),
    problem: undefined,
  };
}

/**
 * The entries of `properties.additionalLocations`; empty when the property is absent, null, empty
 * or not an array (use {@link additionalLocationsValue} to tell those apart for evidence).
 */
export function additionalRegions(service: ApimService): ServiceRegion[] {
  const list = additionalLocationsValue(service);
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown, index) => additionalRegion(entry, index));
}

/** `properties.additionalLocations` exactly as given (case-insensitive key lookup). */
export function additionalLocationsValue(service: ApimService): unknown {
  return field(service.properties, 'additionalLocations');
}

function additionalRegion(entry: unknown, index: number): ServiceRegion {
  const pathPrefix = `properties.additionalLocations[${index}]`;
  const paths: RegionPaths = {
    location: `${pathPrefix}.location`,
    zones: `${pathPrefix}.zones`,
    capacity: `${pathPrefix}.sku.capacity`,
    disableGateway: `${pathPrefix}.disableGateway`,
  };
  if (!isObject(entry)) {
    return {
      index,
      isPrimary: false,
      location: undefined,
      label: `additional location #${index + 1}`,
      pathPrefix,
      paths,
      zones: undefined,
      capacity: undefined,
      capacityRaw: undefined,
      disableGateway: undefined,
      problem: `${pathPrefix} is ${entry === null ? 'null' : 'not an object'}`,
    };
  }
  const location = field(entry, 'location');
  const sku = field(entry, 'sku');
  const capacityRaw = isObject(sku) ? field(sku, 'capacity') : undefined;
  const name = typeof location === 'string' && location.trim() !== '' ? location : undefined;
  return {
    index,
    isPrimary: false,
    location: name,
    label: name === undefined ? `additional location #${index + 1} (no location)` : `additional location '${name}'`,
    pathPrefix,
    paths,
    zones: readZones(field(entry, 'zones')),
    capacity: finiteNumber(capacityRaw),
    capacityRaw,
    disableGateway: field(entry, 'disableGateway'),
    problem: undefined,
  };
}

function readZones(value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((zone): zone is string | number => typeof zone === 'string' || typeof zone === 'number').map(String);
}

function finiteNumber(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}
