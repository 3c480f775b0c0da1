import { API_VERSIONS } from '../contracts/api-versions.js';
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

export interface ChildFetchResult {
  readonly items: unknown[];
  /** Kinds read completely, so an empty one means "none" to the rules. */
  readonly collected: ChildKind[];
  readonly failures: { readonly kind: ChildKind; readonly message: string }[];
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

/**
 * Reads the child and extension resources the selected rules need for one service. Each kind
 * succeeds or fails on its own: a 403 on named values still leaves APIs and products audited.
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
  const failures: { kind: ChildKind; message: string }[] = [];
  const attempt = async <T>(kind: ChildKind, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      abortSignal?.throwIfAborted();
      failures.push({ kind, message: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };

  // Operations and policies hang off APIs (and products), so those lists are read when either is needed.
  const needApis = kinds.has('apis') || kinds.has('apiOperations') || kinds.has('policies');
  const needProducts = kinds.has('products') || kinds.has('policies');
  for (const [kind, collection] of Object.entries(COLLECTIONS) as [ChildKind, Collection][]) {
    const wanted = kinds.has(kind) || (kind === 'apis' && needApis) || (kind === 'products' && needProducts);
    if (!wanted) continue;
    const scope = collection.scope === 'subscription' ? `/subscriptions/${service.subscriptionId}` : service.id;
    const list = await attempt(kind, () => readAll(ctx, `${scope}/${collection.path}`, collection.apiVersion));
    if (list === undefined) continue;
    items.push(...(collection.scope === 'subscription' ? list.filter((item) => isBelow(idOf(item), service.id)) : list));
    collected.push(kind);
  }
  const apis = items.filter((item) => typeOf(item) === 'microsoft.apimanagement/service/apis');
  const products = items.filter((item) => typeOf(item) === 'microsoft.apimanagement/service/products');

  let operations: unknown[] = [];
  if (kinds.has('apiOperations') || kinds.has('policies')) {
    const read = await attempt('apiOperations', async () => {
      const all: unknown[] = [];
      for (const api of apis) all.push(...(await readAll(ctx, `${idOf(api)}/operations`, APIM_API_VERSION)));
      return all;
    });
    if (read !== undefined) {
      operations = read;
      items.push(...read);
      collected.push('apiOperations');
    }
  }

  if (kinds.has('policies')) {
    const read = await attempt('policies', async () => {
      const all: unknown[] = [];
      // Every scope: service, API, operation and product; rules judge each document on its own.
      for (const scope of [service.id, ...apis.map(idOf), ...operations.map(idOf), ...products.map(idOf)]) {
        all.push(...(await readAll(ctx, `${scope}/policies`, APIM_API_VERSION)));
      }
      return all;
    });
    if (read !== undefined) {
      items.push(...read);
      collected.push('policies');
    }
  }
  return { items, collected: collected.filter((kind) => kinds.has(kind)), failures, requests: ctx.requests };
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
