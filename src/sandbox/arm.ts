import { locationKey } from './arg-rows.js';
import { ASSESSMENT_TYPE, type ArmRoute, type EntityInfo, routeArm, type ServiceRef, WORKSPACE_TIERS } from './arm-routes.js';
import { type Caller, callerOf } from './caller.js';
import { isRecord, json, notFound, type Reply, SandboxHttpError, type SandboxRequest } from './http.js';
import { type LroOptions, Operations } from './lro.js';
import { applyServicePatch, changes, validateServicePatch } from './service-patch.js';
import { normalizeId, propertiesOf, type SandboxState, type StoredResource } from './state.js';
import type { ArmReadBudget } from './throttling.js';
import type { JsonObject, SandboxSubscription } from './types.js';

/**
 * ARM for the paths the product uses: APIM services and their children, the extension resources
 * on a service, subscriptions, and GET of any other stored resource (autoscale settings, private
 * endpoints). Bodies are the stored ARM GET shapes as they are — explicit nulls included — since
 * the product must read raw JSON, not the SDK's defaults.
 */

export interface ArmEndpointOptions {
  /** Items per page of every list; more items mean a `nextLink`. */
  readonly pageSize: number;
  readonly lro: Required<Omit<LroOptions, 'retryAfterSeconds'>> & { readonly retryAfterSeconds: number | null };
  readonly readBudget: ArmReadBudget | undefined;
  /** `https://127.0.0.1:port`: absolute URLs (nextLink, Location) point back at the sandbox. */
  readonly baseUrl: () => string;
  readonly now?: () => number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ArmEndpoint {
  readonly operations: Operations;
  private readonly now: () => number;

  constructor(
    private readonly state: SandboxState,
    private readonly options: ArmEndpointOptions,
  ) {
    this.operations = new Operations(options.lro.inProgressPolls);
    this.now = options.now ?? Date.now;
  }

  handle(request: SandboxRequest): Reply {
    const route = routeArm(request.segments);
    const subscriptionId = subscriptionOf(route);
    if (subscriptionId !== undefined) this.requireSubscription(subscriptionId);
    const budgetHeaders = request.method === 'GET' && subscriptionId !== undefined ? this.takeRead(subscriptionId) : {};
    const reply = this.dispatch(route, request);
    return { ...reply, headers: { ...budgetHeaders, ...reply.headers } };
  }

  private dispatch(route: ArmRoute, request: SandboxRequest): Reply {
    const { method } = request;
    switch (route.kind) {
      case 'subscriptions':
        onlyGet(method);
        return json(200, { value: this.state.subscriptions().map((subscription) => this.subscriptionBody(subscription)), count: { type: 'Total', value: this.state.subscriptions().length } });
      case 'subscription':
        onlyGet(method);
        return json(200, this.subscriptionBody(this.requireSubscription(route.subscriptionId)));
      case 'services':
        onlyGet(method);
        if (route.resourceGroup !== undefined) this.requireResourceGroup(route.subscriptionId, route.resourceGroup);
        return this.page(request, this.state.services(route.subscriptionId, route.resourceGroup), false);
      case 'assessments':
        onlyGet(method);
        return this.page(request, this.state.listBelow(`/subscriptions/${route.subscriptionId}`, ASSESSMENT_TYPE), false);
      case 'service':
        if (method === 'GET') return withEtag(200, this.requireService(route.service));
        if (method === 'PATCH') return this.patchService(route.service, request);
        throw methodNotAllowed(method);
      case 'operation':
        onlyGet(method);
        return this.poll(route.service, route.operationId);
      case 'collection': {
        onlyGet(method);
        this.requireScope(route.service, route.scope);
        if (route.path.toLowerCase() === `${route.service.id.toLowerCase()}/workspaces`) this.requireWorkspaceTier(route.service);
        const items = this.state.list(route.path);
        if (!route.paged) return json(200, route.extension ? { value: items } : { value: items, count: items.length });
        return this.page(request, items, !route.extension);
      }
      case 'item':
        if (method === 'GET') {
          this.requireScope(route.service, route.scope);
          const stored = this.state.get(route.path);
          if (stored === undefined) throw notFound(`${route.entity.label} not found.`);
          return withEtag(200, stored);
        }
        if ((method === 'PATCH' || method === 'PUT') && route.entity.writable) return this.writeChild(route.service, route.scope, route.path, route.entity, request);
        if (method === 'DELETE' && route.entity.deletable) return this.deleteChild(route.service, route.scope, route.path, route.entity, request);
        throw methodNotAllowed(method);
      case 'resource': {
        onlyGet(method);
        const stored = this.state.get(route.path);
        if (stored === undefined) throw notFound(`The Resource '${route.path.split('/').slice(6).join('/')}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
        return withEtag(200, stored);
      }
      case 'unknown':
        throw notFound(`No resource or collection exists at '${request.path}' in the sandbox (it emulates the paths the product reads).`);
    }
  }

  // ── services ────────────────────────────────────────────────────────────────────────────────

  private patchService(ref: ServiceRef, request: SandboxRequest): Reply {
    const stored = this.requireService(ref);
    checkIfMatch(request.headers['if-match'], stored.etag);
    const key = normalizeId(ref.id);
    if (this.operations.running(key)) {
      throw new SandboxHttpError(409, 'Conflict', `The API Management service '${ref.name}' is being updated by another operation; wait for it to finish and try again.`);
    }
    const patch = validateServicePatch(stored.resource, request.body);
    const next = applyServicePatch(stored.resource, patch);
    // Real APIM answers a PATCH that changes nothing with 200 at once, even in LRO mode.
    if (!changes(stored.resource, next)) return withEtag(200, stored);
    const caller = callerOf(request.token, request.headers);
    if (this.options.lro.mode === 'sync') {
      const saved = this.state.put(touched(next, 'Succeeded', caller));
      this.recordWrite(ref.id, 'Update', stored.resource, saved.resource, caller);
      return withEtag(200, saved);
    }

    this.state.put(touched(stored.resource, 'Updating'), { keepEtag: true });
    const location = locationKey(stored.resource['location']) ?? 'westeurope';
    const operationId = this.operations.start(key, location, () => {
      // Applied to the resource as it is when the operation ends, like the platform would. The
      // change recorded is from the resource as the PATCH found it: "Updating" is transient.
      const current = this.state.get(ref.id);
      if (current === undefined) return;
      const saved = this.state.put(touched(applyServicePatch(current.resource, patch), 'Succeeded', caller));
      this.recordWrite(ref.id, 'Update', stored.resource, saved.resource, caller);
    });
    const apiVersion = request.query.get('api-version') ?? '2024-05-01';
    const url = `${this.options.baseUrl()}${ref.id}/operationresults/${operationId}?api-version=${encodeURIComponent(apiVersion)}&asyncResponse`;
    return { status: 202, headers: { Location: url, 'Azure-AsyncOperation': url, ...this.retryAfter() }, body: undefined };
  }

  private poll(ref: ServiceRef, operationId: string): Reply {
    this.requireService(ref);
    const operation = this.operations.poll(normalizeId(ref.id), operationId);
    if (operation === undefined) throw notFound(`Operation '${operationId}' was not found.`);
    const { status, startTime, endTime } = operation;
    const body = { id: `${ref.id}/operationresults/${operationId}`, name: operationId, status, startTime, ...(endTime === undefined ? {} : { endTime }) };
    return json(200, body, operation.status === 'InProgress' ? this.retryAfter() : {});
  }

  private retryAfter(): Record<string, string> {
    const seconds = this.options.lro.retryAfterSeconds;
    return seconds === null ? {} : { 'Retry-After': String(seconds) };
  }

  // ── children ────────────────────────────────────────────────────────────────────────────────

  /** PATCH merges `properties`; PUT replaces them (or creates the entity). Always synchronous. */
  private writeChild(ref: ServiceRef, scope: string, path: string, entity: EntityInfo, request: SandboxRequest): Reply {
    this.requireScope(ref, scope);
    const body = request.body;
    if (!isRecord(body)) throw new SandboxHttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: a JSON object was expected.');
    const properties = body['properties'] ?? {};
    if (!isRecord(properties)) throw new SandboxHttpError(400, 'ValidationError', "'properties' must be an object.");
    const existing = this.state.get(path);
    const ifMatch = request.headers['if-match'];
    if (entity.ifMatchRequired.some((method) => method === request.method) && (ifMatch === undefined || ifMatch.trim() === '')) throw missingIfMatch(entity, request.method);
    const caller = callerOf(request.token, request.headers);
    if (request.method === 'PATCH') {
      if (existing === undefined) throw notFound(`${entity.label} not found.`);
      checkIfMatch(ifMatch, existing.etag);
      const saved = this.state.put({ ...existing.resource, properties: { ...propertiesOf(existing.resource), ...structuredClone(properties) } });
      this.recordWrite(path, 'Update', existing.resource, saved.resource, caller);
      return withEtag(200, saved);
    }
    if (existing !== undefined) checkIfMatch(ifMatch, existing.etag);
    const created: JsonObject = {
      id: existing?.resource['id'] ?? path,
      type: existing?.resource['type'] ?? entity.type,
      name: existing?.resource['name'] ?? path.split('/').pop() ?? '',
      properties: structuredClone(properties),
    };
    const saved = this.state.put(created);
    this.recordWrite(path, existing === undefined ? 'Create' : 'Update', existing?.resource, saved.resource, caller);
    return withEtag(existing === undefined ? 201 : 200, saved);
  }

  /**
   * DELETE of an entity: 200 when it existed, 204 when it did not (ARM's convention for deletes;
   * for APIM unverified). Everything under it goes too, as with the platform's cascading deletes.
   */
  private deleteChild(ref: ServiceRef, scope: string, path: string, entity: EntityInfo, request: SandboxRequest): Reply {
    this.requireScope(ref, scope);
    const ifMatch = request.headers['if-match'];
    if (entity.ifMatchRequired.includes('DELETE') && (ifMatch === undefined || ifMatch.trim() === '')) throw missingIfMatch(entity, 'DELETE');
    const existing = this.state.get(path);
    if (existing === undefined) return { status: 204 };
    checkIfMatch(ifMatch, existing.etag);
    this.state.delete(path);
    this.recordWrite(path, 'Delete', existing.resource, undefined, callerOf(request.token, request.headers));
    return { status: 200 };
  }

  /** A write in ARG's change history, named by the resource's type: `…/service/apis/write`, `…/delete`. */
  private recordWrite(id: string, changeType: 'Create' | 'Update' | 'Delete', before: JsonObject | undefined, after: JsonObject | undefined, caller: Caller): void {
    const resource = after ?? before ?? {};
    const type = typeof resource['type'] === 'string' ? resource['type'] : 'Microsoft.ApiManagement/service';
    const targetResourceId = typeof resource['id'] === 'string' ? resource['id'] : id;
    const operation = `${type}/${changeType === 'Delete' ? 'delete' : 'write'}`;
    this.state.recordChange({ targetResourceId, targetResourceType: type, changeType, before, after, caller, operation });
  }

  // ── lookups that fail the ARM way ───────────────────────────────────────────────────────────

  private requireSubscription(subscriptionId: string): SandboxSubscription {
    if (!GUID.test(subscriptionId)) throw new SandboxHttpError(400, 'InvalidSubscriptionId', `The provided subscription identifier '${subscriptionId}' is malformed or invalid.`);
    const subscription = this.state.subscription(subscriptionId);
    if (subscription === undefined) throw notFound(`The subscription '${subscriptionId}' could not be found.`, 'SubscriptionNotFound');
    return subscription;
  }

  private requireResourceGroup(subscriptionId: string, resourceGroup: string): void {
    if (!this.state.hasResourceGroup(subscriptionId, resourceGroup)) throw notFound(`Resource group '${resourceGroup}' could not be found.`, 'ResourceGroupNotFound');
  }

  private requireService(ref: ServiceRef): StoredResource {
    this.requireResourceGroup(ref.subscriptionId, ref.resourceGroup);
    const stored = this.state.get(ref.id);
    if (stored === undefined) {
      throw notFound(
        `The Resource 'Microsoft.ApiManagement/service/${ref.name}' under resource group '${ref.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    }
    return stored;
  }

  /** The service, and the API or product a nested collection hangs off, must exist. */
  private requireScope(ref: ServiceRef, scope: string): void {
    this.requireService(ref);
    if (normalizeId(scope) !== normalizeId(ref.id) && this.state.get(scope) === undefined) {
      throw notFound(`${scope.split('/').slice(-2, -1)[0] === 'apis' ? 'Api' : 'Entity'} not found.`);
    }
  }

  private requireWorkspaceTier(ref: ServiceRef): void {
    const sku = this.requireService(ref).resource['sku'];
    const name = isRecord(sku) && typeof sku['name'] === 'string' ? sku['name'] : '';
    if (!WORKSPACE_TIERS.has(name.toLowerCase())) {
      throw new SandboxHttpError(400, 'MethodNotAllowedInPricingTier', `Method not allowed in ${name} pricing tier.`);
    }
  }

  private takeRead(subscriptionId: string): Record<string, string> {
    const budget = this.options.readBudget;
    if (budget === undefined) return {};
    const decision = budget.take(subscriptionId, this.now());
    if (!decision.allowed) {
      throw new SandboxHttpError(
        429,
        'TooManyRequests',
        `The request is being throttled as the limit has been reached for operation type - Read. For more information, see - https://aka.ms/armthrottling`,
        { headers: { 'Retry-After': String(decision.retryAfterSeconds), 'x-ms-ratelimit-remaining-subscription-reads': '0' } },
      );
    }
    return { 'x-ms-ratelimit-remaining-subscription-reads': String(decision.remaining) };
  }

  private subscriptionBody(subscription: SandboxSubscription): JsonObject {
    return {
      id: `/subscriptions/${subscription.subscriptionId}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      tags: subscription.tags,
      subscriptionId: subscription.subscriptionId,
      tenantId: this.state.tenantId,
      displayName: subscription.name,
      state: subscription.state ?? 'Enabled',
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
    };
  }

  // ── paging ──────────────────────────────────────────────────────────────────────────────────

  /**
   * One page of a list, honouring the client's `$top`/`$skip` (APIM lists accept them) and the
   * opaque `$skipToken` of the nextLink this method wrote. APIM child lists also carry `count`.
   */
  private page(request: SandboxRequest, items: readonly JsonObject[], withCount: boolean): Reply {
    const token = request.query.get('$skipToken');
    const start = token === null ? nonNegative(request.query.get('$skip')) ?? 0 : decodeOffset(token);
    const top = nonNegative(request.query.get('$top'));
    const size = Math.max(1, Math.min(top ?? this.options.pageSize, this.options.pageSize));
    const value = items.slice(start, start + size);
    const body: JsonObject = { value };
    if (withCount) body['count'] = items.length;
    if (start + size < items.length) {
      const query = new URLSearchParams(request.query);
      query.delete('$skip');
      query.set('$skipToken', Buffer.from(JSON.stringify({ o: start + size })).toString('base64url'));
      body['nextLink'] = `${this.options.baseUrl()}${request.path}?${query.toString()}`;
    }
    return json(200, body);
  }
}

function subscriptionOf(route: ArmRoute): string | undefined {
  switch (route.kind) {
    case 'subscription':
    case 'services':
    case 'assessments':
    case 'resource':
      return route.subscriptionId;
    case 'service':
    case 'operation':
    case 'collection':
    case 'item':
      return route.service.subscriptionId;
    case 'unknown':
      return route.subscriptionId;
    case 'subscriptions':
      return undefined;
  }
}

/** If-Match may come quoted (as ARM sends ETag headers) or bare (as bodies carry it). */
function checkIfMatch(header: string | undefined, etag: string): void {
  if (header === undefined || header.trim() === '') return;
  const wanted = header.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  if (wanted === '*' || wanted === etag) return;
  throw new SandboxHttpError(
    412,
    'PreconditionFailed',
    `The resource was modified since it was read: If-Match ${header} does not match the current ETag "${etag}". Read it again and retry.`,
  );
}

/**
 * The answer to an update the REST spec marks If-Match required for, sent without one. The spec
 * does not document the status or error code, and no Learn page or issue shows one: 400 with code
 * "InvalidRequest" is the sandbox's choice (unverified against Azure). What matters to the product is
 * that the write is refused, not applied.
 */
function missingIfMatch(entity: EntityInfo, method: string): SandboxHttpError {
  const deleting = method === 'DELETE';
  return new SandboxHttpError(
    400,
    'InvalidRequest',
    `The If-Match header is required to ${deleting ? 'delete' : 'update'} a ${entity.label}: send the ETag of the entity as read (a GET returns it in the ETag header), or "*" to ${deleting ? 'delete' : 'overwrite'} unconditionally.`,
  );
}

function withEtag(status: number, stored: StoredResource): Reply {
  return json(status, stored.resource, { ETag: `"${stored.etag}"` });
}

/** A copy with a new provisioning state and, when someone changed the content, their modification stamp. */
function touched(resource: JsonObject, provisioningState: string, modifiedBy?: Caller): JsonObject {
  const next: JsonObject = { ...resource, properties: { ...propertiesOf(resource), provisioningState } };
  const systemData = resource['systemData'];
  if (modifiedBy !== undefined && isRecord(systemData)) {
    const lastModifiedByType = modifiedBy.changedByType === 'User' ? 'User' : 'Application';
    next['systemData'] = { ...systemData, lastModifiedBy: modifiedBy.changedBy, lastModifiedByType, lastModifiedAt: new Date().toISOString() };
  }
  return next;
}

function onlyGet(method: string): void {
  if (method !== 'GET') throw methodNotAllowed(method);
}

function methodNotAllowed(method: string): SandboxHttpError {
  return new SandboxHttpError(405, 'MethodNotAllowed', `The sandbox does not support ${method} on this resource.`);
}

function nonNegative(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function decodeOffset(token: string): number {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(decoded) && typeof decoded['o'] === 'number' && Number.isInteger(decoded['o']) && decoded['o'] >= 0) return decoded['o'];
  } catch {
    // fall through to the error below
  }
  throw new SandboxHttpError(400, 'InvalidSkipToken', 'The $skipToken is not valid: follow the nextLink as returned.');
}
