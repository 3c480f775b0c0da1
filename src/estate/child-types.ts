import type { ChildKind, PolicyScope } from './model.js';

interface ChildTypeInfo {
  readonly kind: ChildKind;
  readonly policyScope?: PolicyScope;
}

/**
 * Resource types the rules read, keyed by lower-cased ARM type. Anything else is counted as
 * ignored, not treated as an error: estates exported from ARG carry all sorts of types.
 */
export const CHILD_TYPES: ReadonlyMap<string, ChildTypeInfo> = new Map<string, ChildTypeInfo>([
  ['microsoft.apimanagement/service/apis', { kind: 'apis' }],
  ['microsoft.apimanagement/service/apis/operations', { kind: 'apiOperations' }],
  ['microsoft.apimanagement/service/backends', { kind: 'backends' }],
  ['microsoft.apimanagement/service/products', { kind: 'products' }],
  ['microsoft.apimanagement/service/namedvalues', { kind: 'namedValues' }],
  ['microsoft.apimanagement/service/subscriptions', { kind: 'subscriptions' }],
  ['microsoft.apimanagement/service/policies', { kind: 'policies', policyScope: 'global' }],
  ['microsoft.apimanagement/service/apis/policies', { kind: 'policies', policyScope: 'api' }],
  ['microsoft.apimanagement/service/apis/operations/policies', { kind: 'policies', policyScope: 'operation' }],
  ['microsoft.apimanagement/service/products/policies', { kind: 'policies', policyScope: 'product' }],
  ['microsoft.apimanagement/service/apis/resolvers/policies', { kind: 'policies', policyScope: 'resolver' }],
  ['microsoft.apimanagement/service/workspaces/policies', { kind: 'policies', policyScope: 'workspace' }],
  // Workspaces (2024-05-01) hold their own APIs, operations and products, each with a policy.
  ['microsoft.apimanagement/service/workspaces/apis/policies', { kind: 'policies', policyScope: 'api' }],
  ['microsoft.apimanagement/service/workspaces/apis/operations/policies', { kind: 'policies', policyScope: 'operation' }],
  ['microsoft.apimanagement/service/workspaces/products/policies', { kind: 'policies', policyScope: 'product' }],
  ['microsoft.apimanagement/service/portalconfigs', { kind: 'portalConfigs' }],
  ['microsoft.apimanagement/service/portalsettings', { kind: 'portalSettings' }],
  ['microsoft.apimanagement/service/tenant', { kind: 'tenantAccess' }],
  ['microsoft.apimanagement/service/identityproviders', { kind: 'identityProviders' }],
  ['microsoft.insights/diagnosticsettings', { kind: 'diagnosticSettings' }],
  ['microsoft.security/apicollections', { kind: 'apiCollections' }],
  ['microsoft.security/assessments', { kind: 'securityAssessments' }],
  ['microsoft.insights/autoscalesettings', { kind: 'autoscaleSettings' }],
]);

export const SERVICE_TYPE = 'microsoft.apimanagement/service';

/**
 * The child collections PSRule's `Export-AzRuleData` nests under a service in `resources`. When a
 * service carries that array, these collections are complete even if empty; other kinds still
 * count as never collected unless an entry of that kind is present.
 */
export const PSRULE_EXPORTED_KINDS: readonly ChildKind[] = [
  'apis',
  'backends',
  'products',
  'namedValues',
  'policies',
  'portalSettings',
  'apiCollections',
];

/**
 * Kinds an exporter reads per service, all or nothing: a file that holds one of them for some
 * service evidently collected that kind, so a service of the same file without any has none.
 */
export const EVIDENT_KINDS: readonly ChildKind[] = [
  'diagnosticSettings',
  'autoscaleSettings',
  'apiCollections',
  'portalConfigs',
  'portalSettings',
  'tenantAccess',
];

/** How people name each collection in messages ("needs named values"). */
export const CHILD_KIND_LABELS: Readonly<Record<ChildKind, string>> = {
  apis: 'APIs',
  apiOperations: 'API operations',
  backends: 'backends',
  products: 'products',
  namedValues: 'named values',
  subscriptions: 'APIM subscriptions',
  policies: 'policy documents',
  portalConfigs: 'developer portal configuration',
  portalSettings: 'developer portal settings',
  tenantAccess: 'tenant access settings',
  identityProviders: 'identity providers',
  diagnosticSettings: 'diagnostic settings',
  apiCollections: 'Defender for APIs collections',
  securityAssessments: 'Defender for Cloud assessments',
  autoscaleSettings: 'autoscale settings',
};
