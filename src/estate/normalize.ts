import { CHILD_KIND_LABELS, CHILD_TYPES, EVIDENT_KINDS, PSRULE_EXPORTED_KINDS, SERVICE_TYPE } from './child-types.js';
import { field, isObject, locationKey, stringField } from './fields.js';
import type { ApimService, ChildKind, ChildResource, Estate, JsonObject } from './model.js';
import { byCount, plural } from '../util/text.js';

const SERVICE_ID_PREFIX =
  /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.apimanagement\/service\/[^/]+)(?:\/|$)/;
/** The service field naming child collections gathered completely (see markCollected). */
export const COLLECTED_FIELD = 'collectedChildren';
/** The service field naming child collections read only in part, with the reason (see markIncomplete). */
export const INCOMPLETE_FIELD = 'incompleteChildren';
const CHILD_KIND_BY_NAME = new Map((Object.keys(CHILD_KIND_LABELS) as ChildKind[]).map((kind) => [kind.toLowerCase(), kind]));
/** Field names and their PSRule aliases, made once: an array literal in a call is a new array per call. */
const TYPE = ['type', 'ResourceType'];
const ID = ['id', 'ResourceId'];
const NAME = ['name', 'ResourceName'];
const LOCATION = ['location', 'Location'];
const SUBSCRIPTION_ID = ['subscriptionId', 'SubscriptionId'];
const RESOURCE_GROUP = ['resourceGroup', 'ResourceGroupName'];
const ETAG = ['etag', 'ETag'];
const SKU_NAME = ['name'];
const IDENTITY_TYPE = ['type'];
const ID_PARTS = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\//i;

/** The service object itself, made once per service; its child lists are filled in at the end. */
type MutableService = { -readonly [K in keyof ApimService]: ApimService[K] };

/**
 * A service being normalised. Its child and incomplete-kind maps are made on first use: an estate
 * of ARG rows has no children, and two maps per service for a hundred thousand services is memory
 * and collector time spent on nothing.
 */
class ServiceBuilder {
  /** Whether the entry listed `collectedChildren`: then it alone says what was collected for it. */
  authoritative = false;
  private childMap: Map<ChildKind, ChildResource[]> | undefined;
  private incompleteMap: Map<ChildKind, string> | undefined;

  constructor(readonly service: MutableService) {}

  get children(): Map<ChildKind, ChildResource[]> {
    return (this.childMap ??= new Map());
  }

  /** Kinds read only in part, with the reason the file (or our inventory) gives. */
  get incomplete(): Map<ChildKind, string> {
    return (this.incompleteMap ??= new Map());
  }

  /** The service with its child lists filled in; kinds read only in part are left out. */
  finish(): ApimService {
    const { service, childMap, incompleteMap } = this;
    // A kind read in part is not judged at all: what was read is not all there is.
    if (incompleteMap !== undefined) for (const kind of incompleteMap.keys()) childMap?.delete(kind);
    // Filled into the object built from the entry, not copied into a new one: estates run to 100,000 services.
    if (childMap !== undefined && childMap.size > 0) service.children = Object.fromEntries(childMap);
    if (incompleteMap !== undefined && incompleteMap.size > 0) service.incompleteChildren = Object.fromEntries(incompleteMap);
    return service;
  }
}

interface PendingChild {
  readonly child: ChildResource;
  /** Lower-cased id of the service this child belongs to, when it can be told. */
  readonly serviceKey: string | undefined;
}

/** A reason from a file is shown to people: one line, of a bounded length. */
const MAX_REASON_LENGTH = 300;

/**
 * Normalises an array of raw ARM resource objects (ARM GET bodies, ARG rows or a PSRule export) into
 * one {@link Estate}: services with their child resources, linked by resource id (case-insensitive)
 * or by nesting in the `resources` array of the service (at any depth: an API's policy may sit in
 * the API's own `resources`). Bad entries never abort the whole estate: a broken service is kept
 * with a `problem` so that it is reported, everything else is counted.
 */
export function normalizeEstate(entries: readonly unknown[]): Estate {
  const builders = new Map<string, ServiceBuilder>();
  const order: ServiceBuilder[] = [];
  const pending: PendingChild[] = [];
  // A Map, not an object: types come from the file, and "constructor" or "__proto__" must count like any other.
  const ignoredByType = new Map<string, number>();
  const warnings: string[] = [];
  /** Kinds the file holds at least one resource of, wherever it sits. */
  const kindsInFile = new Set<ChildKind>();
  let entryCount = 0;
  let invalidEntries = 0;
  let misplacedNested = 0;
  let duplicates = 0;
  let unknownCollected = 0;
  let unknownIncomplete = 0;

  const ignore = (type: string | undefined): void => {
    const key = type ?? '(no type)';
    ignoredByType.set(key, (ignoredByType.get(key) ?? 0) + 1);
  };

  /**
   * Children nested in `resources`, at any depth. Under a service they belong to it whatever their
   * ids say; elsewhere they are linked by id like top-level entries. Entries of unknown types are
   * counted as ignored, but what they nest is still read (a workspace holds its APIs' policies).
   */
  const readNested = (value: unknown, builder: ServiceBuilder | undefined): void => {
    if (!Array.isArray(value)) return;
    for (const item of value) {
      entryCount += 1;
      if (!isObject(item)) {
        invalidEntries += 1;
        continue;
      }
      const child = buildChild(item);
      if (child === undefined) {
        ignore(stringField(item, TYPE)?.toLowerCase());
      } else {
        kindsInFile.add(child.child.kind);
        if (builder === undefined) {
          pending.push(child);
        } else {
          // Nesting is authoritative: exports have been seen with child ids copied from another service.
          if (child.serviceKey !== builder.service.key && child.child.kind !== 'autoscaleSettings') misplacedNested += 1;
          addChild(builder, child.child);
        }
      }
      readNested(field(item, 'resources'), builder);
    }
  };

  entries.forEach((entry, index) => {
    entryCount += 1;
    if (!isObject(entry)) {
      invalidEntries += 1;
      return;
    }
    const type = stringField(entry, TYPE);
    if (type !== undefined && isServiceType(type)) {
      const builder = buildService(entry, index);
      if (builders.has(builder.service.key)) {
        duplicates += 1;
        return;
      }
      builders.set(builder.service.key, builder);
      order.push(builder);
      unknownCollected += markCollected(builder, field(entry, COLLECTED_FIELD));
      unknownIncomplete += markIncomplete(builder, field(entry, INCOMPLETE_FIELD));
      const nested = field(entry, 'resources');
      if (Array.isArray(nested)) {
        for (const kind of PSRULE_EXPORTED_KINDS) builder.children.set(kind, builder.children.get(kind) ?? []);
        readNested(nested, builder);
      }
      return;
    }
    const child = buildChild(entry);
    if (child === undefined) ignore(type?.toLowerCase());
    else {
      kindsInFile.add(child.child.kind);
      pending.push(child);
    }
    readNested(field(entry, 'resources'), undefined);
  });

  let orphans = 0;
  for (const { child, serviceKey } of pending) {
    const builder = serviceKey === undefined ? undefined : builders.get(serviceKey);
    if (builder === undefined) orphans += 1;
    else addChild(builder, child);
  }

  warnings.push(...assumeNoneWhereEvident(order, kindsInFile));
  if (invalidEntries > 0) warnings.push(`${plural(invalidEntries, 'entry', 'entries')} ${byCount(invalidEntries, 'is not a JSON object and was', 'are not JSON objects and were')} skipped.`);
  if (duplicates > 0) warnings.push(`${plural(duplicates, 'service')} ${byCount(duplicates, 'appears more than once; its first copy', 'appear more than once; the first copy of each')} was audited.`);
  if (orphans > 0) warnings.push(`${plural(orphans, 'child resource')} ${byCount(orphans, 'belongs to no service in the estate and was', 'belong to no service in the estate and were')} skipped.`);
  if (unknownCollected > 0) warnings.push(`${plural(unknownCollected, 'entry', 'entries')} of "${COLLECTED_FIELD}" ${byCount(unknownCollected, 'names no known child collection and was', 'name no known child collection and were')} ignored.`);
  if (unknownIncomplete > 0) warnings.push(`${plural(unknownIncomplete, 'entry', 'entries')} of "${INCOMPLETE_FIELD}" ${byCount(unknownIncomplete, 'names no known child collection or gives no reason, and was', 'name no known child collection or give no reason, and were')} ignored.`);
  if (misplacedNested > 0) {
    warnings.push(
      `${plural(misplacedNested, 'nested child resource')} ${byCount(misplacedNested, 'has an id outside the service it is nested in; it was', 'have ids outside the service they are nested in; they were')} judged with that service.`,
    );
  }

  const services = order.map((builder) => builder.finish());
  const childCount = services.reduce(
    (sum, svc) => sum + Object.values(svc.children).reduce((n, list) => n + list.length, 0),
    0,
  );
  return {
    services,
    stats: { entries: entryCount, services: services.length, children: childCount, ignoredByType: Object.fromEntries(ignoredByType), orphans, invalidEntries, warnings },
  };
}

/**
 * A file that holds diagnostic settings (or another {@link EVIDENT_KINDS} kind) for some service was
 * exported by something that read that kind for every service: a service without any has none. A
 * service that lists `collectedChildren` speaks for itself (and a kind it says is incomplete is
 * dropped afterwards, whatever this adds). Returns the warning that states the assumption, once per kind applied.
 */
function assumeNoneWhereEvident(builders: readonly ServiceBuilder[], kindsInFile: ReadonlySet<ChildKind>): string[] {
  const warnings: string[] = [];
  for (const kind of EVIDENT_KINDS) {
    if (!kindsInFile.has(kind)) continue;
    let assumed = 0;
    for (const builder of builders) {
      if (builder.authoritative || builder.children.has(kind)) continue;
      builder.children.set(kind, []);
      assumed += 1;
    }
    if (assumed > 0) {
      warnings.push(`The file holds ${CHILD_KIND_LABELS[kind]} for some services, so services without any were judged as having none.`);
    }
  }
  return warnings;
}

/**
 * `collectedChildren: ["subscriptions", "diagnosticSettings", …]` on a service says which child
 * collections an export gathered completely, so an empty one reads as "none" rather than "never
 * fetched". Our own inventory writes it; returns how many names were not child kinds.
 */
function markCollected(builder: ServiceBuilder, value: unknown): number {
  if (!Array.isArray(value)) return 0;
  builder.authoritative = true;
  let unknown = 0;
  for (const name of value) {
    const kind = typeof name === 'string' ? CHILD_KIND_BY_NAME.get(name.toLowerCase()) : undefined;
    if (kind === undefined) unknown += 1;
    else if (!builder.children.has(kind)) builder.children.set(kind, []);
  }
  return unknown;
}

/**
 * `incompleteChildren: { "policies": "operations of API 'orders' could not be listed (403 …)" }` on
 * a service names kinds whose reading failed part-way, with the reason. Our own inventory writes
 * it; returns how many entries were not a known kind with a text reason.
 */
function markIncomplete(builder: ServiceBuilder, value: unknown): number {
  if (!isObject(value)) return 0;
  let unknown = 0;
  for (const [name, reason] of Object.entries(value)) {
    const kind = CHILD_KIND_BY_NAME.get(name.toLowerCase());
    const text = typeof reason === 'string' ? oneLine(reason) : '';
    if (kind === undefined || text === '') unknown += 1;
    else builder.incomplete.set(kind, text);
  }
  return unknown;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON_LENGTH ? `${flat.slice(0, MAX_REASON_LENGTH - 1)}…` : flat;
}

function addChild(builder: ServiceBuilder, child: ChildResource): void {
  const list = builder.children.get(child.kind);
  if (list === undefined) builder.children.set(child.kind, [child]);
  else list.push(child);
}

function buildService(entry: JsonObject, index: number): ServiceBuilder {
  const id = stringField(entry, ID)?.trim();
  const name = stringField(entry, NAME) ?? id?.split('/').pop() ?? '(unnamed)';
  const rawProperties = field(entry, 'properties');
  const problem =
    id === undefined || id === ''
      ? 'the entry has no resource id'
      : rawProperties === null
        ? 'properties is null'
        : !isObject(rawProperties)
          ? 'the entry has no properties object'
          : undefined;
  const displayId = id === undefined || id === '' ? `(entry #${index + 1}, name "${name}")` : id;
  const location = stringField(entry, LOCATION);
  let subscriptionId = stringField(entry, SUBSCRIPTION_ID);
  let resourceGroup = stringField(entry, RESOURCE_GROUP);
  // The id is parsed only when the entry lacks its subscription or resource group (ARM GET bodies).
  if ((subscriptionId === undefined || resourceGroup === undefined) && id !== undefined) {
    const parts = ID_PARTS.exec(id);
    subscriptionId ??= parts?.[1];
    resourceGroup ??= parts?.[2];
  }
  const service: MutableService = {
    id: displayId,
    key: displayId.toLowerCase(),
    name,
    location,
    locationKey: locationKey(location),
    subscriptionId,
    resourceGroup,
    sku: readSku(field(entry, 'sku')),
    zones: readZones(field(entry, 'zones')),
    identity: readIdentity(field(entry, 'identity')),
    tags: readTags(field(entry, 'tags')),
    properties: isObject(rawProperties) ? rawProperties : {},
    systemData: asObject(field(entry, 'systemData')),
    problem,
    children: {},
  };
  const etag = etagFrom(entry);
  if (etag !== undefined) service.etag = etag;
  return new ServiceBuilder(service);
}

function buildChild(entry: JsonObject): PendingChild | undefined {
  const type = stringField(entry, TYPE);
  const info = type === undefined ? undefined : CHILD_TYPES.get(type.toLowerCase());
  if (info === undefined || type === undefined) return undefined;
  const id = stringField(entry, ID)?.trim() ?? '';
  const rawProperties = field(entry, 'properties');
  const child: ChildResource = {
    id,
    name: stringField(entry, NAME) ?? id.split('/').pop() ?? '(unnamed)',
    type,
    kind: info.kind,
    properties: isObject(rawProperties) ? rawProperties : {},
    ...(info.policyScope === undefined ? {} : { policyScope: info.policyScope }),
    ...etagOf(entry),
    ...(id === ''
      ? { problem: 'the entry has no resource id' }
      : isObject(rawProperties)
        ? {}
        : { problem: rawProperties === null ? 'properties is null' : 'the entry has no properties object' }),
  };
  return { child, serviceKey: serviceKeyOf(child) };
}

/** `{ etag }` when the entry carries a non-empty `etag` string (as read, quotes and all), else `{}`. */
function etagOf(entry: JsonObject): { etag?: string } {
  const etag = etagFrom(entry);
  return etag === undefined ? {} : { etag };
}

/** The entry's non-empty `etag` string, trimmed. */
function etagFrom(entry: JsonObject): string | undefined {
  const etag = stringField(entry, ETAG)?.trim();
  return etag === undefined || etag === '' ? undefined : etag;
}

/**
 * The service a child belongs to. Autoscale settings are separate resources that point at the
 * service through `targetResourceUri`; everything else sits under the service id.
 */
function serviceKeyOf(child: ChildResource): string | undefined {
  if (child.kind === 'autoscaleSettings') {
    const target = child.properties['targetResourceUri'];
    return typeof target === 'string' ? target.trim().toLowerCase() : undefined;
  }
  return SERVICE_ID_PREFIX.exec(child.id.toLowerCase())?.[1];
}

/** Whether an entry's type is the service type, without lower-casing the usual spellings into a new string. */
function isServiceType(type: string): boolean {
  return type === 'Microsoft.ApiManagement/service' || type === SERVICE_TYPE || (type.length === SERVICE_TYPE.length && type.toLowerCase() === SERVICE_TYPE);
}

function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

function readSku(value: unknown): ApimService['sku'] {
  if (!isObject(value)) return { name: undefined, capacity: undefined };
  const capacity = field(value, 'capacity');
  return {
    name: stringField(value, SKU_NAME),
    capacity: typeof capacity === 'number' ? capacity : typeof capacity === 'string' && capacity !== '' ? Number(capacity) : undefined,
  };
}

function readZones(value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  // Zones are almost always strings: then the array as read, not a copy per service.
  if (value.every((zone) => typeof zone === 'string')) return value;
  return value.filter((z) => typeof z === 'string' || typeof z === 'number').map(String);
}

function readIdentity(value: unknown): ApimService['identity'] {
  if (!isObject(value)) return undefined;
  return {
    type: stringField(value, IDENTITY_TYPE),
    userAssignedIdentities: asObject(field(value, 'userAssignedIdentities')),
  };
}

function readTags(value: unknown): Readonly<Record<string, string>> | undefined {
  if (!isObject(value)) return undefined;
  // Tags are almost always all strings: then the object as read (like properties), not a copy per service.
  let allStrings = true;
  for (const key in value) {
    if (typeof value[key] !== 'string') {
      allStrings = false;
      break;
    }
  }
  if (allStrings) return value as Record<string, string>;
  // Object.fromEntries defines own properties: a tag named "__proto__" stays a tag, not a prototype.
  return Object.fromEntries(Object.entries(value).filter((entry) => typeof entry[1] === 'string')) as Record<string, string>;
}
