import type { FixRequest } from '../contracts/fix-plan.js';

/**
 * The Azure RBAC actions a fix request needs, so the remediation role (infra/) can grant exactly
 * those and nothing else. Two kinds:
 *
 * - the request's own action: PUT or PATCH of `…/providers/{Namespace}/{type}/{name}[/{type}/{name}…]`
 *   is `{Namespace}/{type}[/{type}…]/write` (ARM's convention: the resource type path, then the verb);
 *   an extension resource (`{resource}/providers/Microsoft.Insights/diagnosticSettings/{name}`) is
 *   authorised by its own type, so only the last `providers/` block counts.
 * - linked actions: ARM's linked access check on other resources the body names. A request that
 *   attaches a user-assigned identity, joins a subnet, uses a public IP or sends logs to a workspace
 *   is refused (LinkedAuthorizationFailed) unless the caller may also act on that resource.
 *
 * Pure: it reads the request only. Paths that are not ARM resource paths, and body fields naming a
 * resource whose linked action is not recorded here, throw {@link RbacActionError}, so a new kind of
 * plan cannot slip past the role test with a permission nobody looked up.
 */

export interface RequiredAction {
  /** The RBAC action, e.g. `Microsoft.ApiManagement/service/apis/write`. */
  readonly action: string;
  /** The resource ARM checks the action on: the request path, or the resource the body names. */
  readonly scope: string;
  /** `request`: the operation itself; `linked`: the linked access check on a resource in the body. */
  readonly kind: 'request' | 'linked';
  /** Where the body names the linked resource (`identity.userAssignedIdentities`); absent for `request`. */
  readonly field?: string;
}

export class RbacActionError extends Error {
  override readonly name = 'RbacActionError';
}

/** A resource provider namespace: `Microsoft.ApiManagement`, `Microsoft.Insights`. */
const NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+$/;
/** A type or name segment: no characters that would change what the path means. */
const SEGMENT = /^[^/?#\s]+$/;
const RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\//i;

/** The verb each method needs: both create-or-replace (PUT) and update (PATCH) are `write`. */
const VERB: Readonly<Record<FixRequest['method'], string>> = { PUT: 'write', PATCH: 'write' };

/**
 * The resource type path of an ARM resource id, as RBAC names it: `Microsoft.ApiManagement/service/tenant`
 * for `…/providers/Microsoft.ApiManagement/service/x/tenant/access`. For an extension resource the
 * type of the last `providers/` block. Throws {@link RbacActionError} for anything else.
 */
export function resourceTypeOf(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw new RbacActionError(`not an ARM resource path: ${JSON.stringify(path)}`);
  const segments = path.replace(/\/$/, '').split('/').slice(1);
  if (segments.some((segment) => !SEGMENT.test(segment) || segment === '.' || segment === '..')) {
    throw new RbacActionError(`not an ARM resource path (empty or unsafe segment): ${path}`);
  }
  const [root, subscription, ...rest] = segments;
  if (root?.toLowerCase() !== 'subscriptions' || subscription === undefined) throw new RbacActionError(`not an ARM resource path (no subscription): ${path}`);
  let at = 0;
  if (rest[0]?.toLowerCase() === 'resourcegroups') at = 2;
  if (at === 2 && rest[1] === undefined) throw new RbacActionError(`not an ARM resource path (no resource group name): ${path}`);
  let type: string | undefined;
  while (at < rest.length) {
    if (rest[at]?.toLowerCase() !== 'providers') throw new RbacActionError(`not an ARM resource path (expected providers/ at "${rest[at] ?? ''}"): ${path}`);
    const namespace = rest[at + 1];
    if (namespace === undefined || !NAMESPACE.test(namespace)) throw new RbacActionError(`not an ARM resource path (no provider namespace): ${path}`);
    const types: string[] = [];
    at += 2;
    while (at < rest.length && rest[at]?.toLowerCase() !== 'providers') {
      const typeName = rest[at];
      const name = rest[at + 1];
      if (typeName === undefined || name === undefined) throw new RbacActionError(`not an ARM resource path (a type without a name): ${path}`);
      types.push(typeName);
      at += 2;
    }
    if (types.length === 0) throw new RbacActionError(`not an ARM resource path (a provider without a resource): ${path}`);
    type = `${namespace}/${types.join('/')}`;
  }
  if (type === undefined) throw new RbacActionError(`not an ARM resource path (no providers/ segment): ${path}`);
  return type;
}

/** The action of the request itself: `{resource type}/write` for PUT and PATCH. */
export function requestAction(request: Pick<FixRequest, 'method' | 'path'>): string {
  const verb = VERB[request.method] as string | undefined;
  if (verb === undefined) throw new RbacActionError(`no RBAC verb recorded for method ${JSON.stringify(request.method)}`);
  return `${resourceTypeOf(request.path)}/${verb}`;
}

/**
 * Body fields that name another resource, and the action ARM's linked access check asks for on it.
 * `path` is the field's place in the body with `[]` for any array entry and `{}` for any object key.
 */
interface LinkedField {
  /** Resource type (lower case) of the request this applies to; absent: any request. */
  readonly requestType?: string;
  readonly path: string;
  readonly action: string;
  /** Where the action is documented. */
  readonly source: string;
}

const LINKED_FIELDS: readonly LinkedField[] = [
  {
    path: 'identity.userAssignedIdentities.{}',
    action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
    source: 'Learn, built-in role "Managed Identity Operator" (read and assign user-assigned identities); that a PATCH re-sending identities already attached is checked too is unverified',
  },
  {
    requestType: 'microsoft.apimanagement/service',
    path: 'properties.virtualNetworkConfiguration.subnetResourceId',
    action: 'Microsoft.Network/virtualNetworks/subnets/join/action',
    source: 'unverified: the Network provider action ARM checks for a resource placed in a subnet; not confirmed on Learn for API Management',
  },
  {
    requestType: 'microsoft.apimanagement/service',
    path: 'properties.additionalLocations.[].virtualNetworkConfiguration.subnetResourceId',
    action: 'Microsoft.Network/virtualNetworks/subnets/join/action',
    source: 'as properties.virtualNetworkConfiguration.subnetResourceId, for an additional region',
  },
  {
    requestType: 'microsoft.apimanagement/service',
    path: 'properties.publicIpAddressId',
    action: 'Microsoft.Network/publicIPAddresses/join/action',
    source: 'unverified: the Network provider action for attaching a public IP address to another resource',
  },
  {
    requestType: 'microsoft.apimanagement/service',
    path: 'properties.additionalLocations.[].publicIpAddressId',
    action: 'Microsoft.Network/publicIPAddresses/join/action',
    source: 'unverified: as properties.publicIpAddressId, for an additional region',
  },
  {
    requestType: 'microsoft.insights/diagnosticsettings',
    path: 'properties.workspaceId',
    action: 'Microsoft.OperationalInsights/workspaces/sharedKeys/action',
    source: 'LinkedAuthorizationFailed errors of diagnosticSettings/write name this action on the workspace (MicrosoftDocs/azure-docs#80159)',
  },
];

/**
 * Linked actions for the resources the body names. Every string in the body (value or object key)
 * that is an ARM resource id must sit at a field listed above; any other throws, because its
 * linked permission is not recorded and the role would lack it.
 */
export function linkedActions(request: Pick<FixRequest, 'path' | 'body'>): RequiredAction[] {
  const requestType = resourceTypeOf(request.path).toLowerCase();
  const found: RequiredAction[] = [];
  const visit = (value: unknown, at: readonly string[]): void => {
    if (typeof value === 'string') {
      if (RESOURCE_ID.test(value)) found.push(linkedAction(requestType, at, value, request.path));
      return;
    }
    if (Array.isArray(value)) {
      for (const entry of value) visit(entry, [...at, '[]']);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, entry] of Object.entries(value)) {
      if (RESOURCE_ID.test(key)) found.push(linkedAction(requestType, [...at, '{}'], key, request.path));
      visit(entry, [...at, key]);
    }
  };
  visit(request.body, []);
  return found;
}

function linkedAction(requestType: string, at: readonly string[], resourceId: string, requestPath: string): RequiredAction {
  const field = at.join('.');
  const known = LINKED_FIELDS.find((entry) => (entry.requestType === undefined || entry.requestType === requestType) && entry.path.toLowerCase() === field.toLowerCase());
  if (known === undefined) {
    throw new RbacActionError(
      `the request to ${requestPath} names resource ${resourceId} at ${field || '(body)'}, and no linked permission is recorded for that field in src/remediation/rbac-actions.ts`,
    );
  }
  return { action: known.action, scope: resourceId, kind: 'linked', field };
}

/** Every action the request needs: its own, then the linked ones. */
export function requiredActions(request: Pick<FixRequest, 'method' | 'path' | 'body'>): RequiredAction[] {
  return [{ action: requestAction(request), scope: request.path, kind: 'request' }, ...linkedActions(request)];
}

/**
 * The distinct actions of all requests, sorted, compared without regard to case (RBAC actions are
 * case-insensitive; ARM ids spell `portalconfigs` where the operations list says `portalConfigs`).
 * The first spelling seen wins.
 */
export function actionSet(requests: Iterable<Pick<FixRequest, 'method' | 'path' | 'body'>>): string[] {
  const actions = new Map<string, string>();
  for (const request of requests) {
    for (const { action } of requiredActions(request)) if (!actions.has(action.toLowerCase())) actions.set(action.toLowerCase(), action);
  }
  return [...actions.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, action]) => action);
}
