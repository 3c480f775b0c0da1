import { z } from 'zod';
import { queryArgPages } from './arg-pages.js';
import { literal } from './query-text.js';
import type { InventorySources } from './sources.js';

/**
 * Who changed a resource, from Azure Resource Graph's change history (the `resourcechanges`
 * table, Learn "Get resource changes"): each row is a `Microsoft.Resources/changes` resource whose
 * `properties` name the target, the change type, `changeAttributes` (timestamp, changedBy,
 * changedByType, clientType, operation) and `changes`, a map from a property path to
 * `{ previousValue, newValue, propertyChangeType }`. Azure keeps 14 days of it.
 *
 * The one query sent (the sandbox parses exactly this form; see src/sandbox/arg-query.ts):
 *
 *     resourcechanges
 *     | extend targetResourceId = tostring(properties.targetResourceId), changeTime = todatetime(properties.changeAttributes.timestamp)
 *     | where targetResourceId in~ ('<id>', …)            (=~ for one id)
 *     | where changeTime > datetime(<since, ISO 8601 UTC>)
 *     | project id, targetResourceId, changeTime, properties
 *     | order by changeTime desc, id asc
 *
 * Ids are quoted by query-text.ts's `literal`, which refuses anything that could end the literal;
 * an id it refuses is not an ARM id this product read, so it is left out rather than failing the
 * lookup. Rows are checked one by one and a row that does not parse is dropped: the history is a
 * hint for people, never a reason to fail an audit.
 */

export interface PropertyChange {
  /** As Azure writes it: `properties.publicNetworkAccess`, `tags.env`. */
  readonly path: string;
  /** Azure's text of the value ("True" for true); null when the property was absent. */
  readonly before: string | null;
  readonly after: string | null;
}

export interface ResourceChange {
  readonly resourceId: string;
  /** ISO 8601 UTC. */
  readonly at: string;
  /** Create, Update or Delete; undefined when Azure did not say. */
  readonly changeType: string | undefined;
  /** A sign-in name or an application / object id; "System" for platform changes. */
  readonly changedBy: string | undefined;
  readonly changedByType: string | undefined;
  /** "Azure Portal", "Azure CLI", …, "Unknown". */
  readonly clientType: string | undefined;
  /** `Microsoft.ApiManagement/service/write`. */
  readonly operation: string | undefined;
  readonly properties: readonly PropertyChange[];
}

export interface ChangesForOptions {
  readonly abortSignal?: AbortSignal;
  /** Changes returned at most, newest first per batch of ids. Default {@link MAX_CHANGES}. */
  readonly maxChanges?: number;
  /** Ids per query. Default {@link IDS_PER_QUERY}. */
  readonly idsPerQuery?: number;
  /** ARG page size (tests use small pages to see paging). */
  readonly pageSize?: number;
}

export const MAX_CHANGES = 1000;
/** Property changes kept per change; a change that rewrote more is cut. */
export const MAX_PROPERTIES_PER_CHANGE = 100;
/** Long enough for an ARM id; longer text is cut with "…". */
const MAX_TEXT = 2048;
/** Keeps each query well below ARG's request size (the exact limit is unverified). */
export const IDS_PER_QUERY = 50;

export function changeQuery(resourceIds: readonly string[], since: Date): string {
  if (resourceIds.length === 0) throw new RangeError('changeQuery needs at least one resource id');
  if (Number.isNaN(since.getTime())) throw new RangeError('changeQuery needs a valid since time');
  const quoted = resourceIds.map(literal);
  const targets = quoted.length === 1 ? `=~ ${quoted[0] ?? ''}` : `in~ (${quoted.join(', ')})`;
  return [
    'resourcechanges',
    '| extend targetResourceId = tostring(properties.targetResourceId), changeTime = todatetime(properties.changeAttributes.timestamp)',
    `| where targetResourceId ${targets}`,
    `| where changeTime > datetime(${since.toISOString()})`,
    '| project id, targetResourceId, changeTime, properties',
    '| order by changeTime desc, id asc',
  ].join('\n');
}

/** Changes to `resourceIds` after `since`, newest first, through ARG with paging. */
export async function changesFor(sources: InventorySources, resourceIds: readonly string[], since: Date, options: ChangesForOptions = {}): Promise<ResourceChange[]> {
  const cap = Math.max(0, options.maxChanges ?? MAX_CHANGES);
  const ids = usableIds(resourceIds);
  const changes: ResourceChange[] = [];
  const perQuery = Math.max(1, options.idsPerQuery ?? IDS_PER_QUERY);
  for (let start = 0; start < ids.length && changes.length < cap; start += perQuery) {
    const batch = ids.slice(start, start + perQuery);
    const request = { query: changeQuery(batch, since), subscriptions: subscriptionsOf(batch) };
    const pageOptions = { ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }), ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) };
    for await (const page of queryArgPages(sources, request, pageOptions)) {
      for (const row of page.rows) {
        const change = parseChangeRow(row);
        if (change !== undefined) changes.push(change);
        if (changes.length >= cap) break;
      }
      if (changes.length >= cap) break;
    }
  }
  return changes.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}

/** Distinct ids (ARM ids compare case-insensitively) that can be quoted safely. */
function usableIds(resourceIds: readonly string[]): string[] {
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const id of resourceIds) {
    const key = id.toLowerCase();
    if (seen.has(key) || !/^\/subscriptions\//i.test(id) || !quotable(id)) continue;
    seen.add(key);
    ids.push(id);
  }
  return ids;
}

function quotable(id: string): boolean {
  try {
    literal(id);
    return true;
  } catch {
    return false;
  }
}

function subscriptionsOf(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => (id.split('/')[2] ?? '').toLowerCase()).filter((id) => id !== ''))];
}

// ── rows ──────────────────────────────────────────────────────────────────────────────────────

/** Control characters become spaces and long text is cut, so what is shown stays one bounded line. */
function printable(raw: string): string {
  let clean = '';
  for (const char of raw) {
    const code = char.charCodeAt(0);
    clean += code < 0x20 || code === 0x7f ? ' ' : char;
  }
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT - 1)}…` : clean;
}

/** Text fit to show; anything that is not a string is treated as absent. */
const text = z
  .string()
  .transform((raw) => printable(raw).trim())
  .optional()
  .catch(undefined);

/** Azure's values are strings; numbers and booleans are shown as Azure shows them. */
const value = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .optional()
  .transform((raw) => {
    if (raw === null || raw === undefined) return null;
    return printable(typeof raw === 'boolean' ? (raw ? 'True' : 'False') : String(raw));
  })
  .catch(null);

const propertyChange = z.object({ previousValue: value, newValue: value });

const changeRow = z.object({
  properties: z.object({
    targetResourceId: z.string().regex(/^\/subscriptions\//i).max(MAX_TEXT),
    changeType: text,
    changeAttributes: z.object({
      timestamp: z.string().refine((raw) => !Number.isNaN(Date.parse(raw))),
      changedBy: text,
      changedByType: text,
      clientType: text,
      operation: text,
    }),
    changes: z.record(z.string(), z.unknown()).optional().catch(undefined),
  }),
});

/** One row of the query above, or undefined when it lacks a target or a time. */
export function parseChangeRow(row: unknown): ResourceChange | undefined {
  const parsed = changeRow.safeParse(row);
  if (!parsed.success) return undefined;
  const { targetResourceId, changeType, changeAttributes, changes } = parsed.data.properties;
  const properties: PropertyChange[] = [];
  for (const [path, raw] of Object.entries(changes ?? {})) {
    if (properties.length >= MAX_PROPERTIES_PER_CHANGE) break;
    const cleanPath = text.parse(path);
    const detail = propertyChange.safeParse(raw);
    if (cleanPath === undefined || cleanPath === '' || !detail.success) continue;
    properties.push({ path: cleanPath, before: detail.data.previousValue, after: detail.data.newValue });
  }
  return {
    resourceId: targetResourceId,
    at: new Date(Date.parse(changeAttributes.timestamp)).toISOString(),
    changeType,
    changedBy: changeAttributes.changedBy,
    changedByType: changeAttributes.changedByType,
    clientType: changeAttributes.clientType,
    operation: changeAttributes.operation,
    properties,
  };
}
