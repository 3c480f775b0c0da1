/**
 * The data a sandbox serves. It is deliberately the shape Azure itself has: a tenant, its
 * subscriptions, and a flat list of resources exactly as an ARM GET returns them (services, their
 * child resources, extension resources such as diagnostic settings, and other tracked resources
 * such as autoscale settings). ARG rows and ARM collections are both derived from this one list,
 * so a change made through ARM is what the next ARG query sees.
 */

/** A JSON object as ARM returns it; values stay unknown until something looks at them. */
export type JsonObject = Record<string, unknown>;

export interface SandboxSubscription {
  /** A GUID: the APIM SDK refuses anything else client-side. */
  readonly subscriptionId: string;
  /** Display name, e.g. `payments-prod`. */
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** ARM subscription state; `Enabled` when absent. */
  readonly state?: 'Enabled' | 'Disabled' | 'Warned' | 'PastDue' | 'Deleted';
}

export interface SandboxManagementGroup {
  /** The management group's name (its id segment), e.g. `mg-prod`. */
  readonly name: string;
  readonly displayName: string;
  readonly subscriptionIds: readonly string[];
}

export interface SandboxData {
  readonly tenantId: string;
  /** What the data is "as of" (ISO date); certificate expiries in the seed are relative to it. */
  readonly asOf?: string;
  readonly subscriptions: readonly SandboxSubscription[];
  readonly managementGroups?: readonly SandboxManagementGroup[];
  /**
   * ARM GET bodies. Each needs an `id`; children are linked to their parent by id prefix, the way
   * ARM addresses them. A service may carry `etag`; every other resource gets one on load.
   */
  readonly resources: readonly JsonObject[];
}
