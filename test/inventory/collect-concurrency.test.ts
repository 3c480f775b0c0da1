import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortableDelay } from '../../src/azure/abort.js';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import { collectInventory, type InventoryProgress } from '../../src/inventory/collect.js';
import { ReadBudget } from '../../src/inventory/read-budget.js';
import { resolveScope } from '../../src/inventory/scope.js';
import type { ArgPage, ArgPageRequest, InventorySources } from '../../src/inventory/sources.js';

/**
 * The inventory's concurrency on a fake clock: ARG batches at once through one quota gate, pages in
 * order within a batch, results in batch and row order whatever order the answers come in.
 */

const everything = resolveScope({ environment: 'all' }, { all: { aliases: [], subscriptions: [], managementGroups: [], excludeSubscriptions: [] } });
const subscription = (n: number): string => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;

function service(subscriptionId: string, name: string): Record<string, unknown> {
  return { id: `/subscriptions/${subscriptionId}/resourceGroups/rg/providers/Microsoft.ApiManagement/service/${name}`, name, type: 'microsoft.apimanagement/service', subscriptionId, properties: {} };
}

interface Sent {
  readonly batch: string;
  readonly skipToken: string | undefined;
  readonly startedAt: number;
  endedAt?: number;
}

/**
 * ARG over an in-memory estate, one row per page, each request through the gate like the SDK
 * pipeline sends it. `latencyOf` sets how long a batch's pages take, so answers can come back out
 * of batch order; `failing` makes a batch's page with that token fail.
 */
function argSources(options: {
  subscriptions: readonly string[];
  services: readonly Record<string, unknown>[];
  gate: QuotaGate;
  latencyOf: (subscriptions: readonly string[] | undefined) => number;
  failing?: { batchOf: string; skipToken: string | undefined };
  /** A batch whose requests run to their end even after an abort, like a request already on the wire. */
  ignoresAbort?: string;
}) {
  const sent: Sent[] = [];
  const sources: InventorySources = {
    async queryArgPage(request: ArgPageRequest, { abortSignal }): Promise<ArgPage> {
      await options.gate.acquire(abortSignal === undefined ? {} : { abortSignal });
      const batch = request.subscriptions?.[0] ?? 'listing';
      const entry: Sent = { batch, skipToken: request.skipToken, startedAt: Date.now() };
      sent.push(entry);
      try {
        await abortableDelay(options.latencyOf(request.subscriptions), batch === options.ignoresAbort ? undefined : abortSignal);
      } finally {
        options.gate.release();
        entry.endedAt = Date.now();
      }
      if (options.failing?.batchOf === batch && options.failing.skipToken === request.skipToken) throw new Error('500 the batch broke');
      const rows = request.query.startsWith('resourcecontainers')
        ? options.subscriptions.map((subscriptionId) => ({ subscriptionId, name: `name-${subscriptionId.slice(-2)}` }))
        : request.query.includes('autoscalesettings')
          ? []
          : options.services.filter((s) => request.subscriptions?.includes(String(s['subscriptionId'])) ?? true);
      const offset = Number(request.skipToken ?? 0);
      const page = rows.slice(offset, offset + request.top);
      const next = offset + page.length;
      return { rows: page, totalRecords: rows.length, ...(next < rows.length ? { skipToken: String(next) } : {}) };
    },
    // eslint-disable-next-line require-yield -- no children in these scenarios
    async *listArm() {
      await Promise.resolve();
    },
  };
  return { sources, sent };
}

/** Three batches of two subscriptions, one service each: two one-row pages per batch. */
function estate() {
  const subscriptions = [1, 2, 3, 4, 5, 6].map(subscription);
  const services = subscriptions.map((id, index) => service(id, `apim-${index}`));
  return { subscriptions, services };
}

async function settle<T>(promise: Promise<T>): Promise<T> {
  // Attached before the timers run, so a rejection is never reported as unhandled.
  const outcome = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  const result = await outcome;
  if ('error' in result) throw result.error;
  return result.value;
}

describe('collectInventory under concurrency', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the batches at once, within the quota gate, and follows each batch\'s pages in order', async () => {
    const { subscriptions, services } = estate();
    const gate = new QuotaGate({ limit: 3, windowInMs: 1_000 });
    const { sources, sent } = argSources({ subscriptions, services, gate, latencyOf: () => 100 });
    const inventory = await settle(collectInventory(sources, everything, { childKinds: new Set(), argPageSize: 1, subscriptionBatchSize: 2 }));
    expect(inventory.services).toBe(6);

    const batchRequests = sent.filter((s) => s.batch !== 'listing');
    expect(batchRequests).toHaveLength(6);
    // Overlap: some batch starts before another one has ended.
    const overlapping = batchRequests.some((a) => batchRequests.some((b) => a !== b && a.startedAt < (b.endedAt ?? Infinity) && b.startedAt < (a.endedAt ?? Infinity)));
    expect(overlapping).toBe(true);
    // Within the gate: never more than 3 requests start in any 1-second span.
    for (const request of sent) {
      expect(sent.filter((s) => s.startedAt >= request.startedAt && s.startedAt < request.startedAt + 1_000).length).toBeLessThanOrEqual(3);
    }
    // Each batch: the first page, then the page its token names, after the first one ended.
    for (const batch of [subscriptions[0], subscriptions[2], subscriptions[4]]) {
      const pages = batchRequests.filter((s) => s.batch === batch);
      expect(pages.map((p) => p.skipToken)).toEqual([undefined, '1']);
      expect(pages[1]?.startedAt).toBeGreaterThanOrEqual(pages[0]?.endedAt ?? Infinity);
    }
  });

  it('keeps rows, notes and children in batch and row order, whatever order the answers come in', async () => {
    const { subscriptions, services } = estate();
    const run = async (slowFirst: boolean) => {
      // The first batch answers last (or first), so completion order differs between the runs.
      const latencyOf = (batch: readonly string[] | undefined) => ((batch?.[0] === subscriptions[0]) === slowFirst ? 500 : 50);
      const { sources } = argSources({ subscriptions, services, gate: new QuotaGate({ limit: 100 }), latencyOf, failing: { batchOf: subscriptions[2] ?? '', skipToken: '1' } });
      const withChildren: InventorySources = {
        queryArgPage: (request, options) => sources.queryArgPage(request, options),
        async *listArm(subscriptionId, path) {
          // Later services answer sooner, and every other service's backends fail.
          const index = Number(/apim-(\d+)/.exec(path)?.[1]);
          await abortableDelay((slowFirst ? 10 - index : index + 1) * 10);
          if (path.endsWith('/backends') && index % 2 === 0) throw new Error(`403 no access to ${subscriptionId.slice(-2)}`);
          yield { id: `${path}/item`, name: `item-${index}`, type: 'Microsoft.ApiManagement/service/namedValues', properties: {} };
        },
      };
      return settle(collectInventory(withChildren, everything, { childKinds: new Set(['namedValues', 'backends']), argPageSize: 1, subscriptionBatchSize: 2, budget: new ReadBudget() }));
    };
    const slow = await run(true);
    const fast = await run(false);
    expect(fast.entries).toEqual(slow.entries);
    expect(fast.coverage.notes).toEqual(slow.coverage.notes);
    const names = slow.entries.map((entry) => (entry as { name: string }).name);
    // Batch order (the second batch's second page failed, its first page's row is kept), then children in row order.
    expect(names.slice(0, 5)).toEqual(['apim-0', 'apim-1', 'apim-2', 'apim-4', 'apim-5']);
    expect(names.slice(5)).toEqual(['item-0', 'item-1', 'item-1', 'item-2', 'item-4', 'item-5', 'item-5']);
    expect(slow.coverage.notes[0]).toMatch(/^2 subscriptions \(.*0003, .*0004\) could not be queried: 500 the batch broke\. Their services are missing from this report\.$/);
    expect(slow.coverage.notes.slice(1)).toEqual([
      'apim-0: backends could not be read (403 no access to 01).',
      'apim-2: backends could not be read (403 no access to 03).',
      'apim-4: backends could not be read (403 no access to 05).',
    ]);
  });

  it('reports progress that adds up across batches running at once', async () => {
    const { subscriptions, services } = estate();
    const { sources } = argSources({ subscriptions, services, gate: new QuotaGate({ limit: 100 }), latencyOf: (batch) => (batch?.[0] === subscriptions[0] ? 300 : 100) });
    const events: InventoryProgress[] = [];
    await settle(collectInventory(sources, everything, { childKinds: new Set(), argPageSize: 1, subscriptionBatchSize: 2, onProgress: (event) => events.push(event) }));
    const services_ = events.filter((event) => event.phase === 'services');
    expect(services_.map((event) => event.pages)).toEqual([...services_.map((event) => event.pages)].sort((a, b) => a - b));
    expect(services_.every((event) => event.batchesTotal === 3 && event.services === event.pages)).toBe(true);
    expect(services_.map((event) => event.batchesDone).filter((done, index, all) => all.indexOf(done) === index)).toEqual([0, 1, 2, 3]);
    expect(services_.at(-1)).toEqual({ phase: 'services', pages: 6, services: 6, batchesDone: 3, batchesTotal: 3 });
  });

  it('does not hold explicit subscriptions\' batches back for the name listing', async () => {
    const { subscriptions, services } = estate();
    const { sources, sent } = argSources({ subscriptions, services, gate: new QuotaGate({ limit: 100 }), latencyOf: (batch) => (batch === undefined ? 1_000 : 100) });
    const scope = resolveScope({ subscriptions: subscriptions.slice(0, 2) });
    const inventory = await settle(collectInventory(sources, scope, { childKinds: new Set() }));
    expect(inventory.subscriptions.map((s) => s.name)).toEqual(['name-01', 'name-02']);
    expect(sent.find((s) => s.batch === subscriptions[0])?.startedAt).toBe(0);
  });

  it('stops every batch on abort, starts nothing afterwards, and returns only once all have stopped', async () => {
    const { subscriptions, services } = estate();
    // The listing and the first batch are quick; the other two are still on their first page at the abort.
    const latencyOf = (batch: readonly string[] | undefined) => (batch === undefined ? 10 : batch[0] === subscriptions[0] ? 50 : 400);
    const { sources, sent } = argSources({ subscriptions, services, gate: new QuotaGate({ limit: 100 }), latencyOf, ignoresAbort: subscriptions[4] });
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
    }, 300);
    const rejected = collectInventory(sources, everything, { childKinds: new Set(), argPageSize: 1, subscriptionBatchSize: 2, abortSignal: controller.signal }).then(
      () => undefined,
      (error: unknown) => ({ error, at: Date.now() }),
    );
    await vi.runAllTimersAsync();
    const outcome = await rejected;
    expect(outcome?.error).toMatchObject({ name: 'AbortError' });
    // The batch that could not be cut short ended at 410; the audit did not return before it.
    expect(outcome?.at).toBeGreaterThanOrEqual(410);
    expect(sent.filter((s) => s.batch === subscriptions[2]).map((s) => s.endedAt)).toEqual([300]);
    expect(sent.every((s) => s.startedAt <= 300)).toBe(true);
  });

  it('lets a subscription with budget left read while twenty services of others wait for theirs', async () => {
    // Five subscriptions without budget (4 services each waiting at once: 20, more than 16), then one with budget.
    const starved = Array.from({ length: 5 }, (_, n) => subscription(n + 1));
    const healthy = subscription(99);
    const services = [...starved.flatMap((id) => [0, 1, 2, 3].map((k) => service(id, `apim-${id.slice(-2)}-${k}`))), service(healthy, 'apim-healthy')];
    const { sources: arg } = argSources({ subscriptions: [...starved, healthy], services, gate: new QuotaGate({ limit: 100 }), latencyOf: () => 10 });
    const read: string[] = [];
    const sources: InventorySources = {
      queryArgPage: (request, options) => arg.queryArgPage(request, options),
      async *listArm(subscriptionId) {
        read.push(subscriptionId);
        await abortableDelay(10);
        yield* [];
      },
    };
    const budget = new ReadBudget({ capacity: 1, refillPerSecond: 0.001 });
    for (const id of starved) await budget.take(id);
    const controller = new AbortController();
    const done = collectInventory(sources, everything, { childKinds: new Set(['namedValues']), budget, abortSignal: controller.signal });
    const outcome = done.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(read).toEqual([healthy]);
    controller.abort();
    await vi.runAllTimersAsync();
    expect(await outcome).toMatchObject({ name: 'AbortError' });
  });
});
