/**
 * The one internal model every audit runs on, whatever the source (ARG rows, ARM GET bodies, a file
 * export, the sandbox). It keeps the raw ARM JSON of `properties` untouched — never the SDK's
 * camelCased, default-padded models — because absence is evidence for many rules.
 */

/** A JSON object as parsed; values are unknown until a rule looks at them. */
export type JsonObject = Record<string, unknown>;

/**
 * Child and extension resources a rule may need. A kind missing from {@link ApimService.children}
 * was never collected; an empty array means it was collected and there are none.
 */
export type ChildKind =
  | 'apis'
  | 'apiOperations'
  | 'backends'
  | 'products'
  | 'namedValues'
  | 'subscriptions'
  | 'policies'
  | 'portalConfigs'
  | 'portalSettings'
  | 'tenantAccess'
  | 'identityProviders'
  | 'diagnosticSettings'
  | 'apiCollections'
  | 'securityAssessments'
  | 'autoscaleSettings';

/** Where a policy document sits; PSRule and Azure Policy treat the global scope differently. */
export type PolicyScope = 'global' | 'api' | 'operation' | 'product' | 'resolver' | 'workspace';

export interface ChildResource {
  /** The resource id as given (trimmed). */
  readonly id: string;
  readonly name: string;
  /** The ARM type as given, e.g. `Microsoft.ApiManagement/service/apis`. */
  readonly type: string;
  readonly kind: ChildKind;
  /** Raw ARM `properties`; `{}` when the entry had none (then {@link problem} says so). */
  readonly properties: JsonObject;
  /** Set for policy documents: which scope the policy applies to. */
  readonly policyScope?: PolicyScope;
  /** Why this entry cannot be judged (e.g. "properties is null"); rules report `error` for it. */
  readonly problem?: string;
  /**
   * The entity's ETag when the data read carries one (an `etag` field on the entry, as a GET's
   * `ETag` header saved next to the body). APIM list results do not carry it, so it is often absent;
   * a fix sends it as `If-Match`.
   */
  readonly etag?: string;
}

export interface ApimService {
  /** Resource id as given, or a placeholder naming the entry when the id is missing. */
  readonly id: string;
  /** Lower-cased id: resource ids compare case-insensitively. */
  readonly key: string;
  readonly name: string;
  /** Location as given (ARM GET gives display names such as "East US"). */
  readonly location: string | undefined;
  /** Location normalised for comparisons: lower case, no spaces ("eastus"). */
  readonly locationKey: string | undefined;
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;
  readonly sku: { readonly name: string | undefined; readonly capacity: number | undefined };
  readonly zones: readonly string[] | undefined;
  readonly identity: { readonly type: string | undefined; readonly userAssignedIdentities: JsonObject | undefined } | undefined;
  readonly tags: Readonly<Record<string, string>> | undefined;
  /** Raw ARM `properties` of the service. */
  readonly properties: JsonObject;
  readonly systemData: JsonObject | undefined;
  readonly children: Partial<Record<ChildKind, readonly ChildResource[]>>;
  /**
   * Kinds whose reading started but did not finish, each with the reason in words ("operations of
   * API 'orders' could not be listed (403 …)"). Such a kind is absent from {@link children}: what
   * was read is not all there is, so rules report "not checked" with this reason.
   */
  readonly incompleteChildren?: Partial<Record<ChildKind, string>>;
  /** Why this service cannot be audited (no id, null properties); every rule reports `error`. */
  readonly problem: string | undefined;
  /** The service's ETag when the entry carries one (ARM returns `etag` in service bodies). */
  readonly etag?: string;
}

export interface EstateStats {
  /** Top-level entries read, plus nested ones. */
  readonly entries: number;
  readonly services: number;
  readonly children: number;
  /** Entries of types no rule uses, counted by lower-cased type. */
  readonly ignoredByType: Readonly<Record<string, number>>;
  /** Child entries whose service is not in the estate. */
  readonly orphans: number;
  /** Entries that are not objects at all (null, numbers, strings). */
  readonly invalidEntries: number;
  /** Things a person should know about the input, one sentence each. */
  readonly warnings: readonly string[];
}

export interface Estate {
  readonly services: readonly ApimService[];
  readonly stats: EstateStats;
}
