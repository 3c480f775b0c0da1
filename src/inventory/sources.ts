/**
 * What the inventory needs from Azure, as two narrow operations. The production implementation
 * (azure-sources.ts) sends them through the real SDK clients and their pipelines; keeping the
 * inventory on this seam lets it be read without SDK details.
 */
export interface ArgPageRequest {
  readonly query: string;
  /** Absent: every subscription the identity can read (or the management groups). */
  readonly subscriptions?: readonly string[];
  readonly managementGroups?: readonly string[];
  readonly top: number;
  readonly skipToken?: string;
}

export interface ArgPage {
  readonly rows: readonly unknown[];
  readonly totalRecords: number;
  readonly skipToken?: string;
}

export interface InventorySources {
  queryArgPage(request: ArgPageRequest, options: { abortSignal?: AbortSignal }): Promise<ArgPage>;
  /** Raw ARM JSON items of a collection, following nextLink; `path` is relative to the ARM endpoint. */
  listArm(subscriptionId: string, path: string, apiVersion: string, options: { abortSignal?: AbortSignal }): AsyncIterable<unknown>;
}
