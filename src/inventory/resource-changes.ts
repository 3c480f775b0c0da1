import { z } from 'zod';
import type { RuleResult } from '../contracts/results.js';
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

// ── the cause of a finding ────────────────────────────────────────────────────────────────────

export interface ChangeCause {
  readonly change: ResourceChange;
  /** The changed properties the rule reads; empty when the change is only the latest on the resource. */
  readonly touched: readonly PropertyChange[];
}

/**
 * The change that most likely caused a finding: the latest change to one of the properties the
 * rule reads (`paths`, as rules write evidence paths), else the latest change to the resource at
 * all. `changes` should be the resource's own; undefined when there is none.
 */
export function causeOf(paths: readonly string[], changes: readonly ResourceChange[]): ChangeCause | undefined {
  const wanted = paths.map(evidenceMatcher);
  const newestFirst = [...changes].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  for (const change of newestFirst) {
    const touched = change.properties.filter((property) => wanted.some((matches) => matches(property.path)));
    if (touched.length > 0) return { change, touched };
  }
  const latest = newestFirst[0];
  return latest === undefined ? undefined : { change: latest, touched: [] };
}

/** {@link causeOf} for a rule result: its resource's changes, else its service's, against its evidence paths. */
export function causeOfResult(result: Pick<RuleResult, 'resourceId' | 'serviceId' | 'evidence'>, changes: readonly ResourceChange[]): ChangeCause | undefined {
  const of = (id: string): ResourceChange[] => changes.filter((change) => change.resourceId.toLowerCase() === id.toLowerCase());
  const own = of(result.resourceId);
  const paths = result.evidence.map((item) => item.path);
  return causeOf(paths, own.length > 0 || result.resourceId.toLowerCase() === result.serviceId.toLowerCase() ? own : of(result.serviceId));
}

/**
 * Whether a changed property is one an evidence path names, or lies below or above it. Evidence
 * paths may carry a `<where>: ` prefix naming a child, bracketed keys (`customProperties['a.b']`)
 * and `[*]` for any array element; change paths use dots and `[n]`. Compared case-insensitively.
 */
function evidenceMatcher(evidencePath: string): (changePath: string) => boolean {
  const evidence = normalizePath(evidencePath.includes(': ') ? evidencePath.slice(evidencePath.lastIndexOf(': ') + 2) : evidencePath);
  const pattern = evidence
    .split('[*]')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\[\\d+\\]');
  const atOrBelow = new RegExp(`^${pattern}(?:$|[.[])`);
  return (changePath) => {
    const change = normalizePath(changePath);
    if (atOrBelow.test(change)) return true;
    // A change to a whole object or array the rule reads part of.
    const general = change.replace(/\[\d+\]/g, '[*]');
    return evidence.startsWith(`${general}.`) || evidence.startsWith(`${general}[`);
  };
}

function normalizePath(path: string): string {
  return path
    .trim()
    .replace(/\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/g, (_, single: string | undefined, double: string | undefined) => `.${single ?? double ?? ''}`)
    .toLowerCase();
}
