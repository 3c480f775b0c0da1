import { ChangeLog, type ChangeInput } from './change-log.js';
import { isRecord } from './http.js';
import type { JsonObject, SandboxData, SandboxManagementGroup, SandboxSubscription } from './types.js';

/**
 * The sandbox's one mutable store. Resources are kept by lower-cased id (ARM ids compare
 * case-insensitively) and indexed by their parent collection, so a collection GET is a map lookup
 * whatever the estate's size. Stored objects are never changed in place: an update stores a new
 * object, so a reply or a cached ARG page built from the old one stays consistent.
 */

export const SERVICE_TYPE = 'microsoft.apimanagement/service';

interface Entry {
  readonly resource: JsonObject;
  readonly etag: string;
  readonly parent: string;
}

export interface StoredResource {
  readonly resource: JsonObject;
  /** Unquoted, as ARM writes it in bodies (`AAAAAAAQAAE=`); headers quote it. */
  readonly etag: string;
}

export class SandboxState {
  readonly tenantId: string;
  readonly asOf: string | undefined;
  /** Bumped on every change; ARG caches derived rows per version. */
  version = 0;

  private readonly subscriptionsById = new Map<string, SandboxSubscription>();
  private readonly groups: readonly SandboxManagementGroup[];
  private readonly entries = new Map<string, Entry>();
  private readonly children = new Map<string, Set<string>>();
  /** Lower-cased subscription id → lower-cased resource group → its name as first written and location. */
  private readonly resourceGroups = new Map<string, Map<string, { readonly name: string; readonly location: unknown }>>();
  private etagCounter = 0x0010_0000;

  /** Every successful write, as ARG's `resourcechanges` rows (newest `changeLimit` kept). */
  readonly changes: ChangeLog;

  constructor(data: SandboxData, options: { readonly changeLimit?: number; readonly now?: () => number } = {}) {
    this.changes = new ChangeLog(Math.max(1, options.changeLimit ?? 10_000), options.now);
    // A private copy: tests and the seed may keep using the objects they passed in. The data is
    // JSON by contract, and a JSON round trip copies it faster than structuredClone.
    const copy = JSON.parse(JSON.stringify(data)) as SandboxData;
    this.tenantId = copy.tenantId;
    this.asOf = copy.asOf;
    for (const subscription of copy.subscriptions) this.subscriptionsById.set(subscription.subscriptionId.toLowerCase(), subscription);
    this.groups = copy.managementGroups ?? [];
    for (const resource of copy.resources) this.put(resource, { keepEtag: true });
    this.version = 0;
  }

  // ── subscriptions and groups ────────────────────────────────────────────────────────────────

  subscriptions(): readonly SandboxSubscription[] {
    return [...this.subscriptionsById.values()];
  }

  subscription(subscriptionId: string): SandboxSubscription | undefined {
    return this.subscriptionsById.get(subscriptionId.toLowerCase());
  }

  managementGroups(): readonly SandboxManagementGroup[] {
    return this.groups;
  }

  managementGroup(name: string): SandboxManagementGroup | undefined {
    return this.groups.find((group) => group.name.toLowerCase() === name.toLowerCase());
  }

  /** Resource groups that hold at least one resource, with the casing they were first written in. */
  resourceGroupsOf(subscriptionId: string): readonly string[] {
    return [...(this.resourceGroups.get(subscriptionId.toLowerCase())?.values() ?? [])].map((group) => group.name);
  }

  /** The location of the first resource put into the group (a resource group has one location). */
  resourceGroupLocation(subscriptionId: string, resourceGroup: string): unknown {
    return this.resourceGroups.get(subscriptionId.toLowerCase())?.get(resourceGroup.toLowerCase())?.location;
  }

  hasResourceGroup(subscriptionId: string, resourceGroup: string): boolean {
    return this.resourceGroups.get(subscriptionId.toLowerCase())?.has(resourceGroup.toLowerCase()) ?? false;
  }

  // ── resources ───────────────────────────────────────────────────────────────────────────────

  get(id: string): StoredResource | undefined {
    const entry = this.entries.get(normalizeId(id));
    return entry === undefined ? undefined : { resource: entry.resource, etag: entry.etag };
  }

  /** Direct members of a collection (`…/service/x/apis`), in the order they were added. */
  list(collectionPath: string): JsonObject[] {
    const ids = this.children.get(normalizeId(collectionPath));
    return ids === undefined ? [] : [...ids].flatMap((key) => {
      const entry = this.entries.get(key);
      return entry === undefined ? [] : [entry.resource];
    });
  }

  /**
   * Every resource of `type` below `scope`. Defender assessments live under the resource they judge
   * (API operations), and ARM lists them at the subscription scope.
   */
  listBelow(scope: string, type: string): JsonObject[] {
    const prefix = `${normalizeId(scope)}/`;
    const wanted = type.toLowerCase();
    const found: JsonObject[] = [];
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix) && typeof entry.resource['type'] === 'string' && entry.resource['type'].toLowerCase() === wanted) found.push(entry.resource);
    }
    return found;
  }

  /** Every stored resource, in load order (then creation order). */
  all(): IterableIterator<JsonObject> {
    const entries = this.entries.values();
    return (function* () {
      for (const entry of entries) yield entry.resource;
    })();
  }

  /** APIM services of a subscription (and resource group), in load order. */
  services(subscriptionId: string, resourceGroup?: string): JsonObject[] {
    if (resourceGroup !== undefined) return this.list(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ApiManagement/service`);
    return this.resourceGroupsOf(subscriptionId).flatMap((group) => this.services(subscriptionId, group));
  }

  /**
   * Stores a resource (new or replacing), gives it a new ETag and bumps the version. A service also
   * carries its ETag in the body, as ARM returns it.
   */
  put(resource: JsonObject, options: { readonly keepEtag?: boolean } = {}): StoredResource {
    const id = resource['id'];
    if (typeof id !== 'string' || !id.startsWith('/')) throw new Error(`sandbox resource without an ARM id: ${JSON.stringify(resource).slice(0, 120)}`);
    const key = normalizeId(id);
    const given = resource['etag'];
    const etag = options.keepEtag === true && typeof given === 'string' && given !== '' ? given : this.nextEtag();
    const stored = isService(resource) ? { ...resource, etag } : resource;
    const parent = key.slice(0, key.lastIndexOf('/'));
    this.entries.set(key, { resource: stored, etag, parent });
    let members = this.children.get(parent);
    if (members === undefined) this.children.set(parent, (members = new Set()));
    members.add(key);
    this.noteResourceGroup(id, resource['location']);
    this.version += 1;
    return { resource: stored, etag };
  }

  /** Records a write in the change history; ARG sees it at once, as the version moves. */
  recordChange(input: ChangeInput): void {
    if (this.changes.record(input, this.tenantId) !== undefined) this.version += 1;
  }

  /** Removes a resource and everything under it. Returns whether it existed. */
  delete(id: string): boolean {
    const key = normalizeId(id);
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    for (const [other, otherEntry] of [...this.entries]) {
      if (other === key || other.startsWith(`${key}/`)) {
        this.entries.delete(other);
        this.children.get(otherEntry.parent)?.delete(other);
      }
    }
    this.version += 1;
    return true;
  }

  /** The current data, e.g. to save an estate after a session of changes. */
  toData(): SandboxData {
    return structuredClone({
      tenantId: this.tenantId,
      ...(this.asOf === undefined ? {} : { asOf: this.asOf }),
      subscriptions: this.subscriptions(),
      managementGroups: this.groups,
      resources: [...this.all()],
    });
  }

  get size(): number {
    return this.entries.size;
  }

  private nextEtag(): string {
    this.etagCounter += 1;
    // Real APIM ETags are base64 of an 8-byte version number ("AAAAAADAU7c=").
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32BE(this.etagCounter, 4);
    return bytes.toString('base64');
  }

  private noteResourceGroup(id: string, location: unknown): void {
    const parts = id.split('/');
    if (parts[1]?.toLowerCase() !== 'subscriptions' || parts[3]?.toLowerCase() !== 'resourcegroups') return;
    const subscription = parts[2]?.toLowerCase();
    const group = parts[4];
    if (subscription === undefined || group === undefined || group === '') return;
    let groups = this.resourceGroups.get(subscription);
    if (groups === undefined) {
      groups = new Map<string, { readonly name: string; readonly location: unknown }>();
      this.resourceGroups.set(subscription, groups);
    }
    if (!groups.has(group.toLowerCase())) groups.set(group.toLowerCase(), { name: group, location });
  }
}

/** Lower case, no trailing slash: the key ARM ids compare by. */
export function normalizeId(id: string): string {
  return id.replace(/\/+$/, '').toLowerCase();
}

export function isService(resource: JsonObject): boolean {
  return typeof resource['type'] === 'string' && resource['type'].toLowerCase() === SERVICE_TYPE;
}

/** The parts of an ARM id a route needs; undefined where the id has no such segment. */
export function idParts(id: string): { subscriptionId: string | undefined; resourceGroup: string | undefined } {
  const parts = id.split('/');
  return {
    subscriptionId: parts[1]?.toLowerCase() === 'subscriptions' ? parts[2] : undefined,
    resourceGroup: parts[3]?.toLowerCase() === 'resourcegroups' ? parts[4] : undefined,
  };
}

/** `properties` of a stored resource, or an empty object when it has none. */
export function propertiesOf(resource: JsonObject): JsonObject {
  const properties = resource['properties'];
  return isRecord(properties) ? properties : {};
}
