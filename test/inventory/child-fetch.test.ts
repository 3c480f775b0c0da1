import { describe, expect, it } from 'vitest';
import type { ChildKind } from '../../src/estate/model.js';
import { fetchChildren } from '../../src/inventory/child-fetch.js';
import { ReadBudget } from '../../src/inventory/read-budget.js';
import type { InventorySources } from '../../src/inventory/sources.js';

const SUB = '00000000-0000-0000-0000-0000000000c1';
const SERVICE = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim-c`;
const T = 'Microsoft.ApiManagement/service';

const item = (path: string, type: string, properties: Record<string, unknown> = {}) => ({ id: `${SERVICE}/${path}`, name: path.split('/').pop(), type: `${T}/${type}`, properties });
const policy = (scope: string, type: string) => item(`${scope}policies/policy`, `${type}policies`, { format: 'xml', value: '<policies/>' });

/** A service with a policy at every scope: service, API, operation, product, GraphQL resolver, workspace and its API, operation and product. */
function estate(): Map<string, unknown[]> {
  const lists = new Map<string, unknown[]>();
  const put = (path: string, items: unknown[]): void => void lists.set(`${SERVICE}${path === '' ? '' : `/${path}`}`.toLowerCase(), items);
  put('policies', [policy('', '')]);
  put('apis', [item('apis/orders', 'apis'), item('apis/graph', 'apis', { type: 'graphql' })]);
  put('apis/orders/operations', [item('apis/orders/operations/get', 'apis/operations')]);
  put('apis/graph/operations', []);
  put('apis/orders/policies', [policy('apis/orders/', 'apis/')]);
  put('apis/graph/policies', []);
  put('apis/orders/operations/get/policies', [policy('apis/orders/operations/get/', 'apis/operations/')]);
  put('apis/graph/resolvers', [item('apis/graph/resolvers/user', 'apis/resolvers')]);
  put('apis/graph/resolvers/user/policies', [policy('apis/graph/resolvers/user/', 'apis/resolvers/')]);
  put('products', [item('products/partners', 'products')]);
  put('products/partners/policies', [policy('products/partners/', 'products/')]);
  put('workspaces', [item('workspaces/team-a', 'workspaces')]);
  put('workspaces/team-a/policies', [policy('workspaces/team-a/', 'workspaces/')]);
  put('workspaces/team-a/apis', [item('workspaces/team-a/apis/billing', 'workspaces/apis')]);
  put('workspaces/team-a/apis/billing/policies', [policy('workspaces/team-a/apis/billing/', 'workspaces/apis/')]);
  put('workspaces/team-a/apis/billing/operations', [item('workspaces/team-a/apis/billing/operations/pay', 'workspaces/apis/operations')]);
  put('workspaces/team-a/apis/billing/operations/pay/policies', [policy('workspaces/team-a/apis/billing/operations/pay/', 'workspaces/apis/operations/')]);
  put('workspaces/team-a/products', [item('workspaces/team-a/products/internal', 'workspaces/products')]);
  put('workspaces/team-a/products/internal/policies', [policy('workspaces/team-a/products/internal/', 'workspaces/products/')]);
  return lists;
}

/** Sources serving `lists`; a path in `failing` answers with that error, any other unknown path with a 404. */
function sources(lists: Map<string, unknown[]>, failing: Record<string, string> = {}): InventorySources & { readonly paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    queryArgPage: () => Promise.reject(new Error('not used')),
    async *listArm(_subscriptionId, path) {
      await Promise.resolve();
      paths.push(path);
      const below = path.slice(SERVICE.length + 1);
      const failure = failing[below];
      if (failure !== undefined) throw Object.assign(new Error(failure), { code: /\((\w+)\)$/.exec(failure)?.[1] });
      const found = lists.get(path.toLowerCase());
      if (found === undefined) throw new Error(`404 nothing at ${below}`);
      yield* found;
    },
  };
}

const fetch = (source: InventorySources, kinds: ChildKind[]) => fetchChildren(source, new ReadBudget(), { id: SERVICE, subscriptionId: SUB }, new Set(kinds));
const policyPaths = (items: unknown[]): string[] =>
  items.map((entry) => (entry as { id: string }).id).filter((id) => id.endsWith('/policy')).map((id) => id.slice(SERVICE.length + 1));

describe('fetchChildren: a kind is collected only when every listing on its path succeeded', () => {
  it('reads policy documents at every scope, including GraphQL resolvers and workspaces', async () => {
    const result = await fetch(sources(estate()), ['policies', 'apiOperations']);
    expect(result.collected.sort()).toEqual(['apiOperations', 'policies']);
    expect(result.incomplete).toEqual({});
    expect(policyPaths(result.items).sort()).toEqual([
      'apis/graph/resolvers/user/policies/policy',
      'apis/orders/operations/get/policies/policy',
      'apis/orders/policies/policy',
      'policies/policy',
      'products/partners/policies/policy',
      'workspaces/team-a/apis/billing/operations/pay/policies/policy',
      'workspaces/team-a/apis/billing/policies/policy',
      'workspaces/team-a/policies/policy',
      'workspaces/team-a/products/internal/policies/policy',
    ]);
  });

  it("leaves policies and operations uncollected when one API's operations cannot be listed, naming that API", async () => {
    const result = await fetch(sources(estate(), { 'apis/orders/operations': '403 the identity lacks read access' }), ['apis', 'apiOperations', 'policies']);
    expect(result.collected).toEqual(['apis']);
    expect(result.incomplete).toEqual({
      apiOperations: "API operations could not be read completely: operations of API 'orders' could not be listed (403 the identity lacks read access)",
      policies: "policy documents could not be read completely: operations of API 'orders' could not be listed (403 the identity lacks read access)",
    });
    // Nothing of a partly read kind is handed on: the policies that were read are not all there is.
    expect(policyPaths(result.items)).toEqual([]);
  });

  it.each([
    ['policies', 'the service', 'policies of the service'],
    ['apis', 'the API list', 'APIs'],
    ['products', 'the product list', 'products'],
    ['apis/orders/operations/get/policies', 'an operation policy', "policies of operation 'get' of API 'orders'"],
    ['products/partners/policies', 'a product policy', "policies of product 'partners'"],
    ['apis/graph/resolvers', 'the resolvers of a GraphQL API', "resolvers of API 'graph'"],
    ['apis/graph/resolvers/user/policies', 'a resolver policy', "policies of resolver 'user' of API 'graph'"],
    ['workspaces', 'the workspace list', 'workspaces'],
    ['workspaces/team-a/policies', 'a workspace policy', "policies of workspace 'team-a'"],
    ['workspaces/team-a/apis', 'the APIs of a workspace', "APIs of workspace 'team-a'"],
    ['workspaces/team-a/apis/billing/operations', 'the operations of a workspace API', "operations of API 'billing' in workspace 'team-a'"],
    ['workspaces/team-a/apis/billing/operations/pay/policies', 'a workspace operation policy', "policies of operation 'pay' of API 'billing' in workspace 'team-a'"],
    ['workspaces/team-a/products', 'the products of a workspace', "products of workspace 'team-a'"],
  ])('leaves policies uncollected when %s fails (%s)', async (path, _what, part) => {
    const result = await fetch(sources(estate(), { [path]: '503 Service Unavailable' }), ['policies']);
    expect(result.collected).toEqual([]);
    expect(result.incomplete).toEqual({ policies: `policy documents could not be read completely: ${part} could not be listed (503 Service Unavailable)` });
    expect(policyPaths(result.items)).toEqual([]);
  });

  it('says a kind could not be read when its own list fails, and keeps the others', async () => {
    const result = await fetch(sources(estate(), { products: '403 denied' }), ['products', 'apis']);
    expect(result.collected).toEqual(['apis']);
    expect(result.incomplete).toEqual({ products: 'products could not be read (403 denied)' });
  });

  it('reads a tier without workspaces (MethodNotAllowedInPricingTier) as having none', async () => {
    const lists = estate();
    const result = await fetch(sources(lists, { workspaces: 'The method is not allowed in this pricing tier. (MethodNotAllowedInPricingTier)' }), ['policies']);
    expect(result.collected).toEqual(['policies']);
    expect(policyPaths(result.items)).toHaveLength(5);
  });

  it('asks for resolvers of GraphQL APIs only', async () => {
    const source = sources(estate());
    await fetch(source, ['policies']);
    expect(source.paths.filter((path) => path.endsWith('/resolvers')).map((path) => path.slice(SERVICE.length + 1))).toEqual(['apis/graph/resolvers']);
  });
});
