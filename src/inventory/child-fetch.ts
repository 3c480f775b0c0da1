import { API_VERSIONS } from '../contracts/api-versions.js';
import { CHILD_KIND_LABELS } from '../estate/child-types.js';
import type { ChildKind } from '../estate/model.js';
import type { ReadBudget } from './read-budget.js';
import type { InventorySources } from './sources.js';

/** The api-version @azure/arm-apimanagement 10 speaks; child shapes in the rules follow it. */
const APIM_API_VERSION = API_VERSIONS.apiManagement;

/**
 * A collection read per service: the path below the service and its api-version. `subscription`
 * collections are listed at the subscription instead, where ARM lists them, and only the items
 * whose id sits under the service are kept.
 */
interface Collection {
  readonly path: string;
  readonly apiVersion: string;
  readonly scope?: 'subscription';
}

/** Plain collections under the service: kind → path segment and api-version. */
const COLLECTIONS: Partial<Record<ChildKind, Collection>> = {
  apis: { path: 'apis', apiVersion: APIM_API_VERSION },
  backends: { path: 'backends', apiVersion: APIM_API_VERSION },
  products: { path: 'products', apiVersion: APIM_API_VERSION },
  namedValues: { path: 'namedValues', apiVersion: APIM_API_VERSION },
  subscriptions: { path: 'subscriptions', apiVersion: APIM_API_VERSION },
  portalConfigs: { path: 'portalconfigs', apiVersion: APIM_API_VERSION },
  portalSettings: { path: 'portalsettings', apiVersion: APIM_API_VERSION },
  tenantAccess: { path: 'tenant', apiVersion: APIM_API_VERSION },
  identityProviders: { path: 'identityProviders', apiVersion: APIM_API_VERSION },
  diagnosticSettings: { path: 'providers/Microsoft.Insights/diagnosticSettings', apiVersion: API_VERSIONS.diagnosticSettings },
  apiCollections: { path: 'providers/Microsoft.Security/apiCollections', apiVersion: API_VERSIONS.apiCollections },
  // Assessments_List takes a subscription or management group scope (Microsoft.Security spec
  // 2021-06-01); Defender writes API assessments on the operations, below the service.
  securityAssessments: { path: 'providers/Microsoft.Security/assessments', apiVersion: API_VERSIONS.securityAssessments, scope: 'subscription' },
};

/** Kinds read through ARM per service; autoscale settings come from Resource Graph instead. */
export const ARM_CHILD_KINDS: readonly ChildKind[] = [...(Object.keys(COLLECTIONS) as ChildKind[]), 'apiOperations', 'policies'];

/** The error code ARM answers a workspace list with on tiers that have no workspaces (unverified beyond BasicV2 reports). */
const NO_WORKSPACES_IN_TIER = 'MethodNotAllowedInPricingTier';

export interface ChildFetchResult {
  /** Raw ARM items of the kinds read completely; nothing of a kind that was read only in part. */
  readonly items: unknown[];
  /** Kinds read completely, so an empty one means "none" to the rules. */
  readonly collected: ChildKind[];
  /**
   * Kinds wanted but not read completely, each with what is missing in words, e.g. policies:
   * "policy documents could not be read completely: operations of API 'orders' could not be listed (403 …)".
   */
  readonly incomplete: Partial<Record<ChildKind, string>>;
  readonly requests: number;
}

interface FetchContext {
  readonly sources: InventorySources;
  readonly budget: ReadBudget;
  readonly subscriptionId: string;
  readonly serviceId: string;
  readonly abortSignal: AbortSignal | undefined;
  requests: number;
}

/** A listing on a kind's path failed: `part` names it ("operations of API 'orders'"). */
class PartFailure extends Error {
  constructor(
    readonly part: string,
    readonly reason: string,
    /** ARM's error code, when the failure carried one. */
    readonly code: string | undefined,
  ) {
    super(`${part} could not be listed (${reason})`);
  }
}

/**
 * Reads the child and extension resources the selected rules need for one service. A kind counts as
 * collected only when every listing on its path succeeded: policy documents need the service
 * policy, the API, operation and product lists, each of their policies, the workspaces with their
 * APIs, operations, products and policies, and the resolvers of GraphQL APIs. One failed listing
 * leaves the kinds on its path uncollected, with the failed part named; the other kinds are still
 * audited (a 403 on named values still leaves APIs and products audited).
 */
export async function fetchChildren(
  sources: InventorySources,
  budget: ReadBudget,
  service: { readonly id: string; readonly subscriptionId: string },
  kinds: ReadonlySet<ChildKind>,
  abortSignal?: AbortSignal,
): Promise<ChildFetchResult> {
  const ctx: FetchContext = { sources, budget, subscriptionId: service.subscriptionId, serviceId: service.id, abortSignal, requests: 0 };
  const items: unknown[] = [];
  const collected: ChildKind[] = [];
  const incomplete: Partial<Record<ChildKind, string>> = {};
  /** Reads one listing; a failure becomes a {@link PartFailure} naming it, an abort stays an abort. */
  const list = async (part: string, path: string, apiVersion: string = APIM_API_VERSION): Promise<unknown[]> => {
    try {
      return await readAll(ctx, path, apiVersion);
    } catch (error) {
      abortSignal?.throwIfAborted();
      const code = (error as { code?: unknown } | null)?.code;
      throw new PartFailure(part, message(error), typeof code === 'string' ? code : undefined);
    }
  };
  /** Runs a kind's reads: all of them succeed and the kind is collected, or it is incomplete with the first failure. */
  const readKind = async (kind: ChildKind, read: () => Promise<unknown[]>, blockedBy?: PartFailure): Promise<unknown[] | undefined> => {
    if (blockedBy !== undefined) {
      incomplete[kind] = describeIncomplete(kind, blockedBy);
      return undefined;
    }
    try {
      const all = await read();
      items.push(...all);
      collected.push(kind);
      return all;
    } catch (error) {
      if (!(error instanceof PartFailure)) throw error;
      incomplete[kind] = describeIncomplete(kind, error);
      return undefined;
    }
  };

  // Operations and policies hang off APIs (and products), so those lists are read when either is needed.
  const needApis = kinds.has('apis') || kinds.has('apiOperations') || kinds.has('policies');
  const needProducts = kinds.has('products') || kinds.has('policies');
  const listFailures = new Map<ChildKind, PartFailure>();
  for (const [kind, collection] of Object.entries(COLLECTIONS) as [ChildKind, Collection][]) {
    const wanted = kinds.has(kind) || (kind === 'apis' && needApis) || (kind === 'products' && needProducts);
    if (!wanted) continue;
    // Assessments_List takes no resource scope: list the subscription's and keep this service's.
    const scope = collection.scope === 'subscription' ? `/subscriptions/${service.subscriptionId}` : service.id;
    await readKind(kind, async () => {
      try {
        const all = await list(CHILD_KIND_LABELS[kind], `${scope}/${collection.path}`, collection.apiVersion);
        return collection.scope === 'subscription' ? all.filter((item) => isBelow(idOf(item), service.id)) : all;
      } catch (error) {
        if (error instanceof PartFailure) listFailures.set(kind, error);
        throw error;
      }
    });
  }
  const apis = items.filter((item) => typeOf(item) === 'microsoft.apimanagement/service/apis');
  const products = items.filter((item) => typeOf(item) === 'microsoft.apimanagement/service/products');

  // Every API's operations, or the first listing that failed (the API list itself, or one API's operations).
  let operations: { readonly api: unknown; readonly operation: unknown }[] | undefined;
  let operationsFailure = listFailures.get('apis');
  if ((kinds.has('apiOperations') || kinds.has('policies')) && operationsFailure === undefined) {
    try {
      const all: { api: unknown; operation: unknown }[] = [];
      for (const api of apis) {
        for (const operation of await list(`operations of API '${nameOf(api)}'`, `${idOf(api)}/operations`)) all.push({ api, operation });
      }
      operations = all;
    } catch (error) {
      if (!(error instanceof PartFailure)) throw error;
      operationsFailure = error;
    }
  }
  if (kinds.has('apiOperations')) await readKind('apiOperations', () => Promise.resolve((operations ?? []).map(({ operation }) => operation)), operationsFailure);

  if (kinds.has('policies')) {
    const blockedBy = operationsFailure ?? listFailures.get('products');
    await readKind(
      'policies',
      async () => {
        const all: unknown[] = [];
        const policiesOf = async (part: string, scopeId: string): Promise<void> => {
          all.push(...(await list(`policies of ${part}`, `${scopeId}/policies`)));
        };
        await policiesOf('the service', service.id);
        for (const api of apis) await policiesOf(`API '${nameOf(api)}'`, idOf(api));
        for (const { api, operation } of operations ?? []) await policiesOf(`operation '${nameOf(operation)}' of API '${nameOf(api)}'`, idOf(operation));
        for (const product of products) await policiesOf(`product '${nameOf(product)}'`, idOf(product));
        // GraphQL resolvers carry their own policy documents (2024-05-01: apis/{api}/resolvers/{r}/policies).
        for (const api of apis.filter(isGraphQl)) {
          for (const resolver of await list(`resolvers of API '${nameOf(api)}'`, `${idOf(api)}/resolvers`)) {
            await policiesOf(`resolver '${nameOf(resolver)}' of API '${nameOf(api)}'`, idOf(resolver));
          }
        }
        // Workspaces (2024-05-01: workspaces/{ws}/policies|apis|products) hold APIs and products of their own.
        for (const workspace of await listWorkspaces(list, service.id)) {
          const where = `workspace '${nameOf(workspace)}'`;
          await policiesOf(where, idOf(workspace));
          for (const api of await list(`APIs of ${where}`, `${idOf(workspace)}/apis`)) {
            await policiesOf(`API '${nameOf(api)}' in ${where}`, idOf(api));
            for (const operation of await list(`operations of API '${nameOf(api)}' in ${where}`, `${idOf(api)}/operations`)) {
              await policiesOf(`operation '${nameOf(operation)}' of API '${nameOf(api)}' in ${where}`, idOf(operation));
            }
          }
          for (const product of await list(`products of ${where}`, `${idOf(workspace)}/products`)) {
            await policiesOf(`product '${nameOf(product)}' in ${where}`, idOf(product));
          }
        }
        return all;
      },
      blockedBy,
    );
  }
  return { items, collected: collected.filter((kind) => kinds.has(kind)), incomplete: pick(incomplete, kinds), requests: ctx.requests };
}

/** "policy documents could not be read completely: operations of API 'orders' could not be listed (403 …)". */
function describeIncomplete(kind: ChildKind, failure: PartFailure): string {
  const label = CHILD_KIND_LABELS[kind];
  return failure.part === label ? `${label} could not be read (${failure.reason})` : `${label} could not be read completely: ${failure.message}`;
}

/** The workspaces of a service; a tier without workspaces answers the list with an error that means "none". */
async function listWorkspaces(list: (part: string, path: string) => Promise<unknown[]>, serviceId: string): Promise<unknown[]> {
  try {
    return await list('workspaces', `${serviceId}/workspaces`);
  } catch (error) {
    if (error instanceof PartFailure && error.code === NO_WORKSPACES_IN_TIER) return [];
    throw error;
  }
}

async function readAll(ctx: FetchContext, path: string, apiVersion: string): Promise<unknown[]> {
  await ctx.budget.take(ctx.subscriptionId, ctx.abortSignal);
  ctx.requests += 1;
  const out: unknown[] = [];
  for await (const item of ctx.sources.listArm(ctx.subscriptionId, path, apiVersion, ctx.abortSignal === undefined ? {} : { abortSignal: ctx.abortSignal })) {
    out.push(item);
  }
  return out;
}

/** Whether `id` names a resource below `scopeId` (ARM ids compare case-insensitively). */
function isBelow(id: string, scopeId: string): boolean {
  return id.toLowerCase().startsWith(`${scopeId.toLowerCase()}/`);
}

function idOf(item: unknown): string {
  const id = (item as { id?: unknown }).id;
  return typeof id === 'string' ? id : '';
}

function typeOf(item: unknown): string {
  const type = (item as { type?: unknown }).type;
  return typeof type === 'string' ? type.toLowerCase() : '';
}

function nameOf(item: unknown): string {
  const name = (item as { name?: unknown }).name;
  return typeof name === 'string' ? name : idOf(item).split('/').pop() ?? '';
}

/** GraphQL APIs (properties.type "graphql") are the ones with resolvers. */
function isGraphQl(api: unknown): boolean {
  const properties = (api as { properties?: unknown }).properties;
  const type = typeof properties === 'object' && properties !== null ? (properties as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type.toLowerCase() === 'graphql';
}

function pick(incomplete: Partial<Record<ChildKind, string>>, kinds: ReadonlySet<ChildKind>): Partial<Record<ChildKind, string>> {
  return Object.fromEntries(Object.entries(incomplete).filter(([kind]) => kinds.has(kind as ChildKind)));
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
