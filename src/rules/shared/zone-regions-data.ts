import { z } from 'zod';

/**
 * The shape of `src/rules/data/zone-regions.json`: the zone-capable regions for API Management as
 * location keys, where they come from and as of when. `scripts/refresh-zone-regions.ts` writes it.
 */
export const zoneRegionsDataSchema = z.object({
  source: z.string().trim().min(1),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'asOf must be a date (YYYY-MM-DD)'),
  regions: z.array(z.string().regex(/^[a-z0-9]+$/, 'regions must be location keys such as "eastus"')).min(1),
});

export type ZoneRegionsData = z.infer<typeof zoneRegionsDataSchema>;

/** Validates the data file; a broken file is a build-time mistake, so it throws with the reason. */
export function parseZoneRegionsData(value: unknown): ZoneRegionsData {
  const parsed = zoneRegionsDataSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`zone-regions.json is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}
