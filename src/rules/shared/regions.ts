import { isObject, locationKey } from '../../estate/fields.js';
import type { ApimService, JsonObject } from '../../estate/model.js';
import type { FixChange } from '../../contracts/fix-plan.js';
import { error, evidence } from '../define-rule.js';
import type { Evidence, Verdict } from '../types.js';
import { change, objectField, withField } from './fix-plans.js';
import { readField } from './values.js';
import { parseZoneRegionsData, type ZoneRegionsData } from './zone-regions-data.js';
import zoneRegionsFile from '../data/zone-regions.json' with { type: 'json' };

/**
 * Regions where API Management supports availability zones, as location keys, from
 * `src/rules/data/zone-regions.json` (its `source` and `asOf` say where the list comes from and
 * when). Azure adds zone-capable regions over time: `scripts/refresh-zone-regions.ts` rebuilds the
 * file from the provider metadata (`zoneMappings` of `Microsoft.ApiManagement/service`), and rules
 * let configuration replace the list (`zoneRedundantRegions`).
 */
export const ZONE_REGIONS_DATA: ZoneRegionsData = parseZoneRegionsData(zoneRegionsFile);

export const DEFAULT_ZONE_REDUNDANT_REGIONS: readonly string[] = ZONE_REGIONS_DATA.regions;

const DEFAULT_ZONE_REGION_KEYS = locationKeys(DEFAULT_ZONE_REDUNDANT_REGIONS);

/**
 * The zone-capable regions as location keys ("eastus"): the built-in list, or `configured` (display
 * names such as "East US" or keys) when given, which replaces it.
 */
export function zoneRegionKeys(configured: readonly string[] | undefined): ReadonlySet<string> {
  return configured === undefined ? DEFAULT_ZONE_REGION_KEYS : locationKeys(configured);
}

function locationKeys(regions: readonly string[]): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const region of regions) {
    const key = locationKey(region);
    if (key !== undefined && key !== '') keys.add(key);
  }
  return keys;
}

/**
 * Whether a region supports availability zones for API Management; `zoneRegions` comes from
 * {@link zoneRegionKeys}. A region with an unknown (absent or blank) location is never zone-capable.
 */
export function supportsZones(region: ServiceRegion, zoneRegions: ReadonlySet<string> = DEFAULT_ZONE_REGION_KEYS): boolean {
  const key = region.locationKey;
  return key !== undefined && key !== '' && zoneRegions.has(key);
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
  /** The location normalised for comparisons ("eastus"), as `locationKey()` gives it. */
  readonly locationKey: string | undefined;
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
  const regions = [primaryRegion(service)];
  const list = additionalLocationsValue(service);
  if (Array.isArray(list)) {
    for (let index = 0; index < list.length; index += 1) regions.push(additionalRegion(list[index], index));
  }
  return regions;
}

const PRIMARY_PATHS: RegionPaths = { location: 'location', zones: 'zones', capacity: 'sku.capacity', disableGateway: 'properties.disableGateway' };

/** The primary region only. */
export function primaryRegion(service: ApimService): ServiceRegion {
  return {
    index: undefined,
    isPrimary: true,
    location: service.location,
    locationKey: service.locationKey,
    label: `primary region '${primaryLocationName(service)}'`,
    pathPrefix: '',
    paths: PRIMARY_PATHS,
    zones: service.zones,
    capacity: finiteNumber(service.sku.capacity),
    capacityRaw: service.sku.capacity,
    disableGateway: readField(service.properties, 'disableGateway'),
    problem: undefined,
  };
}

/**
 * The entries of `properties.additionalLocations`; empty when the property is absent, null, empty
 * or not an array (use {@link additionalLocationsValue} to tell those apart for evidence, and pass
 * the value it gave as `list` to read the property once).
 */
export function additionalRegions(service: ApimService, list: unknown = additionalLocationsValue(service)): ServiceRegion[] {
  if (!Array.isArray(list)) return [];
  const regions: ServiceRegion[] = [];
  for (let index = 0; index < list.length; index += 1) regions.push(additionalRegion(list[index], index));
  return regions;
}

/** The service's own location as reasons name it: "West Europe", or "(unknown location)". */
export function primaryLocationName(service: ApimService): string {
  return service.location ?? '(unknown location)';
}

/** Evidence listing where the service runs besides its primary region. */
export function additionalLocationsEvidence(regions: readonly ServiceRegion[], expected: string): Evidence {
  return evidence('properties.additionalLocations[*].location', regions.map((region) => region.location), expected);
}

/** `error` verdicts for the regions whose entry cannot be read. */
export function unreadableRegions(service: ApimService, regions: readonly ServiceRegion[]): Verdict[] {
  const errors: Verdict[] = [];
  for (const region of regions) {
    if (region.problem !== undefined) errors.push(regionError(service, `${region.label} cannot be judged: ${region.problem}`));
  }
  return errors;
}

/** An `error` verdict about one region of the service: "Service 'x': additional location #2 cannot be judged: …". */
export function regionError(service: ApimService, problem: string): Verdict {
  return error(() => `Service '${service.name}': ${problem}.`);
}

/**
 * The service-level verdict together with the errors about regions that cannot be read. A fail is
 * reported alongside them; any other verdict gives way to them, because an unreadable region could
 * be the one that fails.
 */
export function withRegionErrors(verdict: Verdict, errors: readonly Verdict[]): Verdict | Verdict[] {
  if (verdict.outcome === 'fail') return [verdict, ...errors];
  return errors.length > 0 ? [...errors] : verdict;
}

/** `properties.additionalLocations` exactly as given (case-insensitive key lookup). */
export function additionalLocationsValue(service: ApimService): unknown {
  return readField(service.properties, 'additionalLocations');
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
      locationKey: undefined,
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
  const location = readField(entry, 'location');
  const sku = readField(entry, 'sku');
  const capacityRaw = isObject(sku) ? readField(sku, 'capacity') : undefined;
  const name = typeof location === 'string' && location.trim() !== '' ? location : undefined;
  return {
    index,
    isPrimary: false,
    location: name,
    locationKey: locationKey(name),
    label: name === undefined ? `additional location #${index + 1} (no location)` : `additional location '${name}'`,
    pathPrefix,
    paths,
    zones: readZones(readField(entry, 'zones')),
    capacity: finiteNumber(capacityRaw),
    capacityRaw,
    disableGateway: readField(entry, 'disableGateway'),
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

/** What a fix changes in one region; fields left out stay as they are. */
export interface RegionEdit {
  readonly region: ServiceRegion;
  readonly zones?: readonly string[];
  readonly capacity?: number;
  /** Set to `false` to enable the region's gateway. */
  readonly disableGateway?: false;
}

/** The PATCH body and the diff of a fix that changes regions of a service. */
export interface RegionsFix {
  readonly body: JsonObject;
  readonly changes: FixChange[];
}

/**
 * One PATCH for edits to any regions of a service. The primary region's settings are top-level
 * (`zones`, `sku`, `properties.disableGateway`); additional locations are one array that ARM
 * replaces as a whole, so every entry is re-sent as read, with only the edited fields changed.
 * `undefined` when the array cannot be re-sent faithfully (an entry that is not an object) or the
 * primary's sku name is unknown (ARM needs name and capacity together).
 */
export function planRegionEdits(service: ApimService, edits: readonly RegionEdit[]): RegionsFix | undefined {
  const body: JsonObject = {};
  const properties: JsonObject = {};
  const changes: FixChange[] = [];
  const primary = edits.find((edit) => edit.region.isPrimary);
  if (primary !== undefined) {
    if (primary.zones !== undefined) {
      body['zones'] = [...primary.zones];
      changes.push(change(primary.region.paths.zones, primary.region.zones, [...primary.zones]));
    }
    if (primary.capacity !== undefined) {
      if (service.sku.name === undefined) return undefined;
      body['sku'] = { name: service.sku.name, capacity: primary.capacity };
      changes.push(change(primary.region.paths.capacity, primary.region.capacityRaw, primary.capacity));
    }
    if (primary.disableGateway !== undefined) {
      properties['disableGateway'] = primary.disableGateway;
      changes.push(change(primary.region.paths.disableGateway, primary.region.disableGateway, primary.disableGateway));
    }
  }
  const additional = edits.filter((edit) => !edit.region.isPrimary);
  if (additional.length > 0) {
    const list = additionalLocationsValue(service);
    if (!Array.isArray(list) || !list.every(isObject)) return undefined;
    properties['additionalLocations'] = list.map((entry, index) => {
      const edit = additional.find((candidate) => candidate.region.index === index);
      return edit === undefined ? entry : editLocation(entry, edit, changes);
    });
  }
  if (Object.keys(properties).length > 0) body['properties'] = properties;
  return { body, changes };
}

function editLocation(entry: JsonObject, edit: RegionEdit, changes: FixChange[]): JsonObject {
  const { region } = edit;
  let edited = entry;
  if (edit.zones !== undefined) {
    edited = withField(edited, 'zones', [...edit.zones]);
    changes.push(change(region.paths.zones, region.zones, [...edit.zones]));
  }
  if (edit.capacity !== undefined) {
    const sku = objectField(entry, 'sku');
    // Additional locations exist only on Premium; ARM needs the sku name next to the capacity.
    const named = readField(sku, 'name') === undefined ? withField(sku, 'name', 'Premium') : sku;
    edited = withField(edited, 'sku', withField(named, 'capacity', edit.capacity));
    changes.push(change(region.paths.capacity, region.capacityRaw, edit.capacity));
  }
  if (edit.disableGateway !== undefined) {
    edited = withField(edited, 'disableGateway', edit.disableGateway);
    changes.push(change(region.paths.disableGateway, region.disableGateway, edit.disableGateway));
  }
  return edited;
}
