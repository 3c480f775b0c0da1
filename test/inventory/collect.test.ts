import { describe, expect, it } from 'vitest';
import { collectInventory } from '../../src/inventory/collect.js';
import { ReadBudget } from '../../src/inventory/read-budget.js';
import { resolveScope } from '../../src/inventory/scope.js';
import type { ArgPage, ArgPageRequest, InventorySources } from '../../src/inventory/sources.js';

const SUB_A = '00000000-0000-0000-0000-00000000000a';
const SUB_B = '00000000-0000-0000-0000-00000000000b';

function service(subscriptionId: string, name: string): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.ApiManagement/service/${name}`,
    name,
    type: 'microsoft.apimanagement/service',
    subscriptionId,
    properties: {},
  };
}

/**
 * In-memory sources that record what the inventory asks for: how many ARM reads run at once per
 * subscription, and which collections fail.
 */
function recordingSources(services: Record<string, unknown>[], failing: RegExp | undefined) {
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  const sources: InventorySources = {
    queryArgPage(request: ArgPageRequest): Promise<ArgPage> {
      const rows = request.query.startsWith('resourcecontainers')
        ? [SUB_A, SUB_B].map((subscriptionId) => ({ subscriptionId, name: `sub-${subscriptionId.slice(-1)}` }))
        : services.filter((s) => request.subscriptions?.includes(String(s['subscriptionId'])) ?? true);
      return Promise.resolve({ rows, totalRecords: rows.length });
    },
    async *listArm(subscriptionId, path) {
      running.set(subscriptionId, (running.get(subscriptionId) ?? 0) + 1);
      peak.set(subscriptionId, Math.max(peak.get(subscriptionId) ?? 0, running.get(subscriptionId) ?? 0));
      await new Promise((resolve) => setTimeout(resolve, 5));
      running.set(subscriptionId, (running.get(subscriptionId) ?? 1) - 1);
      if (failing?.test(path) === true) throw new Error('403 the identity lacks read access');
      if (path.endsWith('/namedValues')) yield { id: `${path}/nv`, name: 'nv', type: 'Microsoft.ApiManagement/service/namedValues', properties: { secret: false } };
    },
  };
  return { sources, peak };
}

describe('collectInventory', () => {
  const scope = resolveScope({ environment: 'all' }, { all: { aliases: [], subscriptions: [], managementGroups: [], excludeSubscriptions: [] } });
  const services = [...Array.from({ length: 12 }, (_, i) => service(SUB_A, `apim-a${i}`)), service(SUB_B, 'apim-b0')];

  it('reads children with at most 4 services at once per subscription and marks what was collected', async () => {
    const { sources, peak } = recordingSources(services, undefined);
    const inventory = await collectInventory(sources, scope, { childKinds: new Set(['namedValues', 'backends']), budget: new ReadBudget() });
    expect(peak.get(SUB_A)).toBeLessThanOrEqual(4);
    expect(peak.get(SUB_A)).toBeGreaterThan(1);
    expect(inventory.services).toBe(13);
    const row = inventory.entries.find((e) => (e as { name?: string }).name === 'apim-a0') as { collectedChildren: string[] };
    expect(row.collectedChildren.sort()).toEqual(['backends', 'namedValues']);
    expect(inventory.coverage.complete).toBe(true);
  });

  it('keeps auditing when one collection fails, and says what is missing', async () => {
    const { sources } = recordingSources(services, /apim-b0\/backends$/);
    const inventory = await collectInventory(sources, scope, { childKinds: new Set(['namedValues', 'backends']), budget: new ReadBudget() });
    const row = inventory.entries.find((e) => (e as { name?: string }).name === 'apim-b0') as { collectedChildren: string[] };
    expect(row.collectedChildren).toEqual(['namedValues']);
    expect(inventory.coverage).toEqual({ complete: false, notes: ['apim-b0: backends could not be read (403 the identity lacks read access).'] });
  });

  it("writes what was read only in part into the row, and says it in the coverage notes", async () => {
    const one = [service(SUB_B, 'apim-b0')];
    const base = recordingSources(one, /apim-b0\/apis\/orders\/operations$/).sources;
    const sources: InventorySources = {
      queryArgPage: (request, options) => base.queryArgPage(request, options),
      async *listArm(subscriptionId, path, apiVersion, options) {
        if (path.endsWith('/apim-b0/apis')) {
          yield { id: `${path}/orders`, name: 'orders', type: 'Microsoft.ApiManagement/service/apis', properties: {} };
          return;
        }
        yield* base.listArm(subscriptionId, path, apiVersion, options);
      },
    };
    const inventory = await collectInventory(sources, scope, { childKinds: new Set(['apis', 'policies']), budget: new ReadBudget() });
    const row = inventory.entries.find((e) => (e as { name?: string }).name === 'apim-b0') as { collectedChildren: string[]; incompleteChildren: Record<string, string> };
    const reason = "policy documents could not be read completely: operations of API 'orders' could not be listed (403 the identity lacks read access)";
    expect(row.collectedChildren).toEqual(['apis']);
    expect(row.incompleteChildren).toEqual({ policies: reason });
    expect(inventory.coverage).toEqual({ complete: false, notes: [`apim-b0: ${reason}.`] });
  });

  it('says for every row what was collected, even nothing, so no file-wide assumption speaks for it', async () => {
    const { sources } = recordingSources(services, undefined);
    const inventory = await collectInventory(sources, scope, { childKinds: new Set(), budget: new ReadBudget() });
    const rows = inventory.entries as { collectedChildren?: unknown }[];
    expect(rows.every((row) => Array.isArray(row.collectedChildren) && row.collectedChildren.length === 0)).toBe(true);
  });
});
