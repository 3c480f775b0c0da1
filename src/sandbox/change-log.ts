import type { Caller } from './caller.js';
import { isRecord } from './http.js';
import { guid } from './shapes.js';
import type { JsonObject } from './types.js';

/**
 * The sandbox's change history: one row per successful write, in the shape of Azure Resource
 * Graph's `resourcechanges` table (Learn, "Get resource changes"): a `Microsoft.Resources/changes`
 * resource under the target whose `properties` carry `targetResourceId`, `targetResourceType`,
 * `changeType` (Create / Update / Delete), `changeAttributes` (timestamp, changedBy, changedByType,
 * clientType, operation, correlationId, snapshot ids, changesCount) and `changes`, a map from a
 * property path (`properties.publicNetworkAccess`, `tags.env`) to `{ previousValue, newValue,
 * propertyChangeType: Insert | Update | Remove, changeCategory: User | System }`.
 *
 * Values are strings as Azure shows them (`true` becomes "True", as in Learn's examples); absent
 * is null. How Azure writes array elements and keys that contain dots (customProperties) in a path
 * is unverified: the sandbox writes `[i]` for array elements and joins keys with dots as they are.
 * Azure keeps 14 days of changes; the sandbox keeps the newest `limit` rows instead.
 */

export interface ChangeInput {
  readonly targetResourceId: string;
  readonly targetResourceType: string;
  readonly changeType: 'Create' | 'Update' | 'Delete';
  /** The resource before the write (undefined for Create) and after it (undefined for Delete). */
  readonly before: JsonObject | undefined;
  readonly after: JsonObject | undefined;
  readonly caller: Caller;
  /** `Microsoft.ApiManagement/service/write`, …/delete. */
  readonly operation: string;
}

/** Property changes kept per row; a PATCH that rewrites more is cut here (changesCount says how many). */
export const MAX_PROPERTY_CHANGES = 200;
/** Longer values are cut and marked `isTruncated: "true"`, as Azure marks them. */
export const MAX_VALUE_LENGTH = 1024;
/** Not configuration: the resource's address, and ARM bookkeeping that changes on every write. */
const IGNORED_TOP_LEVEL = new Set(['id', 'name', 'type', 'etag', 'systemData']);

export class ChangeLog {
  private readonly rows: JsonObject[] = [];
  private lastTimestamp = 0;
  private sequence = 0;

  constructor(
    readonly limit = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a write; a write that changed no property records nothing. Returns the row, if any. */
  record(input: ChangeInput, tenantId: string): JsonObject | undefined {
    const changes = propertyChanges(input.before, input.after);
    const paths = Object.keys(changes);
    if (paths.length === 0 && input.changeType === 'Update') return undefined;
    // Strictly increasing, so "the latest change" is always one row even within a millisecond.
    this.lastTimestamp = Math.max(this.now(), this.lastTimestamp + 1);
    this.sequence += 1;
    const changeId = `${String(this.lastTimestamp).padStart(20, '0')}_${guid(`change#${input.targetResourceId}#${this.sequence}`)}`;
    const parts = input.targetResourceId.split('/');
    const kept = Object.fromEntries(paths.slice(0, MAX_PROPERTY_CHANGES).map((path) => [path, changes[path]]));
    const row: JsonObject = {
      id: `${input.targetResourceId}/providers/Microsoft.Resources/changes/${changeId}`,
      name: changeId,
      type: 'microsoft.resources/changes',
      tenantId,
      kind: '',
      location: '',
      resourceGroup: (parts[3]?.toLowerCase() === 'resourcegroups' ? (parts[4] ?? '') : '').toLowerCase(),
      subscriptionId: parts[1]?.toLowerCase() === 'subscriptions' ? (parts[2] ?? null) : null,
      managedBy: '',
      sku: null,
      plan: null,
      properties: {
        targetResourceId: input.targetResourceId,
        targetResourceType: input.targetResourceType.toLowerCase(),
        changeType: input.changeType,
        changeAttributes: {
          previousResourceSnapshotId: input.before === undefined ? null : guid(`snapshot#${changeId}#before`),
          newResourceSnapshotId: input.after === undefined ? null : guid(`snapshot#${changeId}#after`),
          correlationId: guid(`correlation#${changeId}`),
          changedByType: input.caller.changedByType,
          changesCount: paths.length,
          clientType: input.caller.clientType,
          changedBy: input.caller.changedBy,
          operation: input.operation,
          timestamp: new Date(this.lastTimestamp).toISOString(),
        },
        changes: kept,
      },
      tags: {},
      identity: null,
      zones: null,
      extendedLocation: null,
    };
    this.rows.push(row);
    if (this.rows.length > this.limit) this.rows.splice(0, this.rows.length - this.limit);
    return row;
  }

  /** Every kept row, oldest first. */
  all(): readonly JsonObject[] {
    return this.rows;
  }

  get size(): number {
    return this.rows.length;
  }
}

/** Leaf-level differences between two versions of a resource, keyed by property path. */
export function propertyChanges(before: JsonObject | undefined, after: JsonObject | undefined): Record<string, JsonObject> {
  const previous = leaves(before ?? {});
  const next = leaves(after ?? {});
  const changes: Record<string, JsonObject> = {};
  for (const path of new Set([...previous.keys(), ...next.keys()])) {
    const old = previous.get(path);
    const now = next.get(path);
    if (old === now) continue;
    const propertyChangeType = old === undefined ? 'Insert' : now === undefined ? 'Remove' : 'Update';
    const change: JsonObject = {
      propertyChangeType,
      changeCategory: /^properties\.provisioningState$/i.test(path) ? 'System' : 'User',
      previousValue: clip(old),
      newValue: clip(now),
    };
    if ((old?.length ?? 0) > MAX_VALUE_LENGTH || (now?.length ?? 0) > MAX_VALUE_LENGTH) change['isTruncated'] = 'true';
    changes[path] = change;
  }
  return changes;
}

/** Path → value as Azure shows it; an empty object or array is a leaf of its own. */
function leaves(resource: JsonObject): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value) && value.length > 0) {
      value.forEach((item, index) => {
        walk(item, `${path}[${index}]`);
      });
    } else if (isRecord(value) && Object.keys(value).length > 0) {
      for (const [key, item] of Object.entries(value)) walk(item, path === '' ? key : `${path}.${key}`);
    } else if (value !== null && value !== undefined) {
      found.set(path, display(value));
    }
  };
  for (const [key, value] of Object.entries(resource)) {
    if (!IGNORED_TOP_LEVEL.has(key)) walk(value, key);
  }
  return found;
}

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function clip(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.length > MAX_VALUE_LENGTH ? value.slice(0, MAX_VALUE_LENGTH) : value;
}
