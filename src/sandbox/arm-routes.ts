/**
 * Which ARM paths the sandbox answers, and what each one is. Paths compare case-insensitively, as
 * ARM's do; only the collections the product reads are listed, so a typo in a path is a 404 in
 * tests rather than an empty list that looks like "no findings".
 */

export type ArmRoute =
  | { readonly kind: 'subscriptions' }
  | { readonly kind: 'subscription'; readonly subscriptionId: string }
  | { readonly kind: 'services'; readonly subscriptionId: string; readonly resourceGroup?: string }
  /**
   * Defender for Cloud assessments of a whole subscription (`Assessments_List` takes a subscription
   * or management group scope): every assessment below it, whatever resource it is about.
   */
  | { readonly kind: 'assessments'; readonly subscriptionId: string }
  | { readonly kind: 'service'; readonly service: ServiceRef }
  | { readonly kind: 'operation'; readonly service: ServiceRef; readonly operationId: string }
  | {
      readonly kind: 'collection';
      readonly service: ServiceRef;
      readonly path: string;
      readonly scope: string;
      /** Extension lists (`{scope}/providers/…`) are plain `{ value }`; APIM child lists add `count`. */
      readonly extension: boolean;
      /** Whether the list operation pages (`x-ms-pageable` in the REST spec); one that does not answers whole. */
      readonly paged: boolean;
    }
  | { readonly kind: 'item'; readonly service: ServiceRef; readonly path: string; readonly scope: string; readonly entity: EntityInfo }
  | { readonly kind: 'resource'; readonly subscriptionId: string; readonly path: string }
  | { readonly kind: 'unknown'; readonly subscriptionId?: string };

export interface ServiceRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** `/subscriptions/…/providers/Microsoft.ApiManagement/service/{name}` as the caller wrote it. */
  readonly id: string;
}

export interface EntityInfo {
  /** ARM type for entities the sandbox creates on PUT, e.g. `Microsoft.ApiManagement/service/apis`. */
  readonly type: string;
  /** Word for messages: "Api not found." */
  readonly label: string;
  /** Whether PATCH/PUT are accepted (the entities remediation changes). */
  readonly writable: boolean;
  /**
   * The writes ARM refuses without an `If-Match` header. REST spec 2024-05-01: Api_Update,
   * Backend_Update, Product_Update, TenantAccess_Update and PortalConfig_Update (PATCH) take
   * `IfMatchRequiredParameter`, as do TenantAccess_Create and PortalConfig_CreateOrUpdate (PUT);
   * the other PUTs take the optional one. Api_Delete, Backend_Delete and Product_Delete require it
   * too (not in the vendored spec extract: unverified here).
   */
  readonly ifMatchRequired: readonly ('PATCH' | 'PUT' | 'DELETE')[];
  /** Whether DELETE is accepted: entities with a delete operation, so a test can remove one and see the change recorded. */
  readonly deletable: boolean;
}

interface ChildPattern {
  /** Segments below the service, lower-case, `*` for a name. */
  readonly pattern: readonly string[];
  readonly entity: EntityInfo;
  /** Whether the list operation pages. */
  readonly paged: boolean;
}

/**
 * Lists whose operation has no `x-ms-pageable` (or `nextLinkName: null`) in the REST spec, so a
 * client generated from it never follows a nextLink: ApiPolicy_ListByApi,
 * ApiOperationPolicy_ListByOperation, WorkspaceProductPolicy_ListByProduct,
 * PortalSettings_ListByService (API Management 2024-05-01) and DiagnosticSettings_List
 * (2021-05-01-preview).
 */
const UNPAGED: ReadonlySet<string> = new Set([
  'apis/*/policies',
  'apis/*/operations/*/policies',
  'workspaces/*/products/*/policies',
  'portalsettings',
  'providers/microsoft.insights/diagnosticsettings',
]);

const APIM = 'Microsoft.ApiManagement/service';

/** Child collections under a service; an item is the collection pattern plus one name. */
const CHILD_COLLECTIONS: readonly ChildPattern[] = [
  child('apis', `${APIM}/apis`, 'Api', true, ['PATCH', 'DELETE']),
  child('apis/*/operations', `${APIM}/apis/operations`, 'Operation', false),
  child('apis/*/policies', `${APIM}/apis/policies`, 'Policy', false),
  child('apis/*/operations/*/policies', `${APIM}/apis/operations/policies`, 'Policy', false),
  // GraphQL resolvers and their policies (2024-05-01: apis/{api}/resolvers/{resolver}/policies).
  child('apis/*/resolvers', `${APIM}/apis/resolvers`, 'Resolver', false),
  child('apis/*/resolvers/*/policies', `${APIM}/apis/resolvers/policies`, 'Policy', false),
  child('backends', `${APIM}/backends`, 'Backend', true, ['PATCH', 'DELETE']),
  child('products', `${APIM}/products`, 'Product', true, ['PATCH', 'DELETE']),
  child('products/*/policies', `${APIM}/products/policies`, 'Policy', false),
  child('namedvalues', `${APIM}/namedValues`, 'NamedValue', false),
  child('subscriptions', `${APIM}/subscriptions`, 'Subscription', false),
  child('policies', `${APIM}/policies`, 'Policy', false),
  child('portalconfigs', `${APIM}/portalconfigs`, 'PortalConfig', true, ['PATCH', 'PUT']),
  child('portalsettings', `${APIM}/portalsettings`, 'PortalSettings', false),
  child('identityproviders', `${APIM}/identityProviders`, 'IdentityProvider', false),
  child('tenant', `${APIM}/tenant`, 'AccessInformation', true, ['PATCH', 'PUT']),
  // Workspaces (2024-05-01) and the APIs, operations, products and policies they hold.
  child('workspaces', `${APIM}/workspaces`, 'Workspace', false),
  child('workspaces/*/policies', `${APIM}/workspaces/policies`, 'Policy', false),
  child('workspaces/*/apis', `${APIM}/workspaces/apis`, 'Api', false),
  child('workspaces/*/apis/*/policies', `${APIM}/workspaces/apis/policies`, 'Policy', false),
  child('workspaces/*/apis/*/operations', `${APIM}/workspaces/apis/operations`, 'Operation', false),
  child('workspaces/*/apis/*/operations/*/policies', `${APIM}/workspaces/apis/operations/policies`, 'Policy', false),
  child('workspaces/*/products', `${APIM}/workspaces/products`, 'Product', false),
  child('workspaces/*/products/*/policies', `${APIM}/workspaces/products/policies`, 'Policy', false),
];

/**
 * Tiers whose services have workspaces: Basic v2, Standard v2, Premium and Premium v2 (Learn,
 * "Create and manage a workspace in Azure API Management", docs/azure-behaviour.md). Others answer
 * a workspace list with 400 MethodNotAllowedInPricingTier (reported for BasicV2 before workspaces
 * reached it; the status and code for the classic tiers are unverified).
 */
export const WORKSPACE_TIERS: ReadonlySet<string> = new Set(['premium', 'basicv2', 'standardv2', 'premiumv2']);

/** Extension resources on a service: `{serviceId}/providers/{namespace}/{type}`. */
const EXTENSIONS: readonly ChildPattern[] = [
  child('providers/microsoft.insights/diagnosticsettings', 'Microsoft.Insights/diagnosticSettings', 'DiagnosticSetting', true, [], true),
  child('providers/microsoft.security/apicollections', 'Microsoft.Security/apiCollections', 'ApiCollection', true),
];

/** The ARM type of Defender for Cloud assessments, as stored. */
export const ASSESSMENT_TYPE = 'Microsoft.Security/assessments';

export function routeArm(segments: readonly string[]): ArmRoute {
  const lower = segments.map((segment) => segment.toLowerCase());
  if (lower[0] !== 'subscriptions') return { kind: 'unknown' };
  const subscriptionId = segments[1];
  if (subscriptionId === undefined) return { kind: 'subscriptions' };
  if (segments.length === 2) return { kind: 'subscription', subscriptionId };
  if (segments.length === 5 && matches(lower.slice(2), ['providers', 'microsoft.apimanagement', 'service'])) return { kind: 'services', subscriptionId };
  if (segments.length === 5 && matches(lower.slice(2), ['providers', 'microsoft.security', 'assessments'])) return { kind: 'assessments', subscriptionId };

  if (lower[2] !== 'resourcegroups' || segments[3] === undefined) return { kind: 'unknown', subscriptionId };
  const resourceGroup = segments[3];
  const rest = lower.slice(4);
  if (rest.length === 3 && matches(rest, ['providers', 'microsoft.apimanagement', 'service'])) return { kind: 'services', subscriptionId, resourceGroup };
  const name = segments[7];
  if (rest.length < 4 || !matches(rest.slice(0, 3), ['providers', 'microsoft.apimanagement', 'service']) || name === undefined) {
    return { kind: 'resource', subscriptionId, path: `/${segments.join('/')}` };
  }

  const service: ServiceRef = { subscriptionId, resourceGroup, name, id: `/${segments.slice(0, 8).join('/')}` };
  const below = lower.slice(8);
  const path = `/${segments.join('/')}`;
  if (below.length === 0) return { kind: 'service', service };
  const operationId = segments[9];
  if (below.length === 2 && below[0] === 'operationresults' && operationId !== undefined) return { kind: 'operation', service, operationId };

  // The scope is the resource that must exist for the collection to exist: the service, an API,
  // a product, or (for extension resources) whatever `/providers/…` is attached to.
  const scopeOf = (collectionLength: number, extension: boolean): string => `/${segments.slice(0, collectionLength - (extension ? 3 : 1)).join('/')}`;
  for (const { pattern, entity, paged } of CHILD_COLLECTIONS) {
    if (matches(below, pattern)) return { kind: 'collection', service, path, scope: scopeOf(segments.length, false), extension: false, paged };
    if (matches(below, [...pattern, '*'])) return { kind: 'item', service, path, scope: scopeOf(segments.length - 1, false), entity };
  }
  for (const { pattern, entity, paged } of EXTENSIONS) {
    if (matches(below, pattern)) return { kind: 'collection', service, path, scope: scopeOf(segments.length, true), extension: true, paged };
    if (matches(below, [...pattern, '*'])) return { kind: 'item', service, path, scope: scopeOf(segments.length - 1, true), entity };
  }
  return { kind: 'unknown', subscriptionId };
}

/** An entity whose If-Match list names DELETE (or `deletable` is set) can be deleted. */
function child(path: string, type: string, label: string, writable: boolean, ifMatchRequired: readonly ('PATCH' | 'PUT' | 'DELETE')[] = [], deletable = ifMatchRequired.includes('DELETE')): ChildPattern {
  return { pattern: path.split('/'), entity: { type, label, writable, ifMatchRequired, deletable }, paged: !UNPAGED.has(path) };
}

function matches(segments: readonly string[], pattern: readonly string[]): boolean {
  return segments.length === pattern.length && pattern.every((part, index) => part === '*' || part === segments[index]);
}
