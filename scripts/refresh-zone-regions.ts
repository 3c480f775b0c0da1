/**
 * Rebuilds src/rules/data/zone-regions.json (the regions where API Management supports availability
 * zones, used by APIM-008) from the provider metadata, read from a file so that no network is needed:
 *
 *   az provider show -n Microsoft.ApiManagement --expand "resourceTypes/zoneMappings" > provider.json
 *   (or: az rest --url "https://management.azure.com/subscriptions/<sub>/providers/Microsoft.ApiManagement?api-version=2021-04-01&$expand=resourceTypes/zoneMappings")
 *   npx tsx scripts/refresh-zone-regions.ts provider.json [--as-of YYYY-MM-DD]
 *
 * A region counts when the `service` resource type lists it in `zoneMappings` with at least one zone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locationKey } from '../src/estate/fields.js';
import { parseZoneRegionsData, type ZoneRegionsData } from '../src/rules/shared/zone-regions-data.js';

export const ZONE_REGIONS_FILE = join(import.meta.dirname, '..', 'src', 'rules', 'data', 'zone-regions.json');

export class ZoneMappingsError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The zone-capable regions of `Microsoft.ApiManagement/service` as sorted location keys, from the
 * provider object (`namespace`, `resourceTypes[].{resourceType, zoneMappings[].{location, zones}}`).
 */
export function zoneRegionsFromProvider(provider: unknown): string[] {
  if (!isRecord(provider)) throw new ZoneMappingsError('the provider metadata is not a JSON object');
  const namespace = provider['namespace'];
  if (typeof namespace === 'string' && namespace.toLowerCase() !== 'microsoft.apimanagement') {
    throw new ZoneMappingsError(`the provider metadata is for ${namespace}, not Microsoft.ApiManagement`);
  }
  const types = provider['resourceTypes'];
  if (!Array.isArray(types)) throw new ZoneMappingsError('the provider metadata has no resourceTypes list');
  const service: unknown = types.find((type: unknown) => isRecord(type) && typeof type['resourceType'] === 'string' && type['resourceType'].toLowerCase() === 'service');
  if (!isRecord(service)) throw new ZoneMappingsError('the provider metadata has no "service" resource type');
  const mappings = service['zoneMappings'];
  if (!Array.isArray(mappings)) {
    throw new ZoneMappingsError('the "service" resource type has no zoneMappings; read it with --expand "resourceTypes/zoneMappings"');
  }
  const keys = new Set<string>();
  for (const mapping of mappings) {
    if (!isRecord(mapping)) continue;
    const location = mapping['location'];
    const zones = mapping['zones'];
    if (typeof location !== 'string' || location.trim() === '') continue;
    if (!Array.isArray(zones) || !zones.some((zone) => typeof zone === 'string' && zone.trim() !== '')) continue;
    const key = locationKey(location);
    if (key !== undefined && /^[a-z0-9]+$/.test(key)) keys.add(key);
  }
  if (keys.size === 0) throw new ZoneMappingsError('no region of the "service" resource type lists any zone');
  return [...keys].sort();
}

/** The data file's content for the regions in `provider`, read on `asOf` from `sourceName`. */
export function zoneRegionsData(provider: unknown, asOf: string, sourceName: string): ZoneRegionsData {
  return parseZoneRegionsData({
    source: `zoneMappings of Microsoft.ApiManagement/service in the provider metadata (${sourceName}), rebuilt by scripts/refresh-zone-regions.ts`,
    asOf,
    regions: zoneRegionsFromProvider(provider),
  });
}

async function main(args: readonly string[]): Promise<void> {
  const file = args.find((arg) => !arg.startsWith('--'));
  const asOfIndex = args.indexOf('--as-of');
  const asOf = asOfIndex >= 0 ? args[asOfIndex + 1] : new Date().toISOString().slice(0, 10);
  if (file === undefined || asOf === undefined) throw new ZoneMappingsError('usage: refresh-zone-regions <provider.json> [--as-of YYYY-MM-DD]');
  let provider: unknown;
  try {
    provider = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new ZoneMappingsError(`cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const data = zoneRegionsData(provider, asOf, `az provider show -n Microsoft.ApiManagement --expand "resourceTypes/zoneMappings", saved as ${file}`);
  await writeFile(ZONE_REGIONS_FILE, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`wrote ${data.regions.length} zone-capable regions (as of ${data.asOf}) to ${ZONE_REGIONS_FILE}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`refresh-zone-regions: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
