import pLimit from 'p-limit';
import type { ChildKind } from '../estate/model.js';
import { batches, queryArgPages } from './arg-pages.js';
import { ARM_CHILD_KINDS, fetchChildren } from './child-fetch.js';
import { autoscaleQuery, serviceQuery, subscriptionQuery } from './queries.js';
import { renderQuery } from './query-text.js';
import { ReadBudget } from './read-budget.js';
import type { ResolvedScope } from './scope.js';
import type { InventorySources } from './sources.js';
import { byCount, plural } from '../util/text.js';

/** ARG guidance: batch subscriptions, fewer than 300 per request. */
export const SUBSCRIPTION_BATCH = 300;
/** Services whose children are read at once, across the estate. */
const CHILD_CONCURRENCY = 16;
/**
 * Services read at once within one subscription: ARM's read budget is per subscription, so a
 * subscription with hundreds of services must not take every slot while others wait idle.
 */
const CHILD_CONCURRENCY_PER_SUBSCRIPTION = 4;

export type InventoryProgress =
  | { readonly phase: 'subscriptions'; readonly subscriptions: number }
  | { readonly phase: 'services'; readonly pages: number; readonly services: number; readonly batchesDone: number; readonly batchesTotal: number }
  | { readonly phase: 'children'; readonly done: number; readonly total: number };

export interface CollectOptions {
  /** Child kinds the selected rules need; empty: the ARG rows are enough. */
  readonly childKinds: ReadonlySet<ChildKind>;
  readonly onProgress?: (progress: InventoryProgress) => void;
  readonly abortSignal?: AbortSignal;
  readonly budget?: ReadBudget;
  /** Rows per ARG page (default and maximum 1000). */
  readonly argPageSize?: number;
  /** Subscriptions per ARG request (default {@link SUBSCRIPTION_BATCH}). */
  readonly subscriptionBatchSize?: number;
}

/** What was audited and what was not, so a partial report says so instead of looking complete. */
export interface Coverage {
  readonly complete: boolean;
  readonly notes: readonly string[];
}

export interface Inventory {
  /** Raw ARM JSON: service rows (with `collectedChildren` and `incompleteChildren`), child resources, autoscale settings. */
  readonly entries: readonly unknown[];
  /** Subscriptions searched. */
  readonly subscriptions: readonly { readonly id: string; readonly name: string | undefined }[];
  /** Subscriptions where services in scope were found (a subset of the searched ones). */
  readonly serviceSubscriptions: readonly { readonly id: string; readonly name: string | undefined }[];
  readonly services: number;
  readonly coverage: Coverage;
  readonly stats: { readonly argRequests: number; readonly armRequests: number; readonly armWaitedInMs: number };
}

/**
 * Inventory for a scope: service rows from Resource Graph (subscriptions batched, pages followed),
 * autoscale settings when a rule needs them, then child resources from ARM for the kinds the rules
 * need. Failures are recorded per batch and per service; what was read is still returned.
 */
export async function collectInventory(sources: InventorySources, scope: ResolvedScope, options: CollectOptions): Promise<Inventory> {
  const { abortSignal } = options;
  const signal = abortSignal === undefined ? {} : { abortSignal };
  const notes: string[] = [];
  let argRequests = 0;

  // 1. Which subscriptions: explicit ones, the management groups, or all the identity can read.
  const visible = new Map<string, string | undefined>();
  const subscriptionRequest = scope.managementGroups.length > 0 ? { managementGroups: scope.managementGroups } : {};
  try {
    for await (const page of queryArgPages(sources, { query: renderQuery(subscriptionQuery()), ...subscriptionRequest }, { ...signal, pageSize: options.argPageSize })) {
      argRequests += 1;
      for (const row of page.rows) {
        const { subscriptionId, name } = row as { subscriptionId?: unknown; name?: unknown };
        if (typeof subscriptionId === 'string') visible.set(subscriptionId.toLowerCase(), typeof name === 'string' ? name : undefined);
      }
    }
  } catch (error) {
    abortSignal?.throwIfAborted();
    if (scope.subscriptions.length === 0) throw error;
    notes.push(`Subscription names could not be read (${message(error)}); ids are shown instead.`);
  }
  const excluded = new Set(scope.excludeSubscriptions);
  const chosen = (scope.subscriptions.length > 0 ? [...scope.subscriptions] : [...visible.keys()]).filter((id) => !excluded.has(id));
  for (const id of scope.subscriptions) {
    if (visible.size > 0 && !visible.has(id)) notes.push(`Subscription ${id} is not visible to this identity; nothing there was audited.`);
  }
  options.onProgress?.({ phase: 'subscriptions', subscriptions: chosen.length });

  // 2. Service rows, batch by batch; a failed batch is reported, the others still count.
  const rows: Record<string, unknown>[] = [];
  const autoscale: unknown[] = [];
  const groups = batches(chosen, Math.min(options.subscriptionBatchSize ?? SUBSCRIPTION_BATCH, SUBSCRIPTION_BATCH));
  let pages = 0;
  let batchesDone = 0;
  const serviceText = renderQuery(serviceQuery(scope.filters));
  const needAutoscale = options.childKinds.has('autoscaleSettings');
  const autoscaleMissing = new Set<string>();
  for (const group of groups) {
    try {
      for await (const page of queryArgPages(sources, { query: serviceText, subscriptions: group }, { ...signal, pageSize: options.argPageSize })) {
        argRequests += 1;
        pages += 1;
        for (const row of page.rows) rows.push({ ...(row as Record<string, unknown>) });
        options.onProgress?.({ phase: 'services', pages, services: rows.length, batchesDone, batchesTotal: groups.length });
      }
    } catch (error) {
      abortSignal?.throwIfAborted();
      notes.push(`${plural(group.length, 'subscription')} (${describeIds(group)}) could not be queried: ${message(error)}. ${byCount(group.length, 'Its', 'Their')} services are missing from this report.`);
    }
    if (needAutoscale) {
      try {
        for await (const page of queryArgPages(sources, { query: renderQuery(autoscaleQuery()), subscriptions: group }, { ...signal, pageSize: options.argPageSize })) {
          argRequests += 1;
          autoscale.push(...page.rows);
        }
      } catch (error) {
        abortSignal?.throwIfAborted();
        for (const id of group) autoscaleMissing.add(id);
        notes.push(`Autoscale settings of ${plural(group.length, 'subscription')} (${describeIds(group)}) could not be read: ${message(error)}.`);
      }
    }
    batchesDone += 1;
    options.onProgress?.({ phase: 'services', pages, services: rows.length, batchesDone, batchesTotal: groups.length });
  }

  // 3. Child resources from ARM, per service, within the read budget.
  const armKinds = new Set([...options.childKinds].filter((kind) => ARM_CHILD_KINDS.includes(kind)));
  const children: unknown[] = [];
  let armRequests = 0;
  const budget = options.budget ?? new ReadBudget();
  if (armKinds.size > 0 && rows.length > 0) {
    const limit = pLimit(CHILD_CONCURRENCY);
    const perSubscription = new Map<string, ReturnType<typeof pLimit>>();
    const limitFor = (subscriptionId: string): ReturnType<typeof pLimit> => {
      let subscriptionLimit = perSubscription.get(subscriptionId);
      if (subscriptionLimit === undefined) {
        subscriptionLimit = pLimit(CHILD_CONCURRENCY_PER_SUBSCRIPTION);
        perSubscription.set(subscriptionId, subscriptionLimit);
      }
      return subscriptionLimit;
    };
    let done = 0;
    options.onProgress?.({ phase: 'children', done, total: rows.length });
    await Promise.all(
      rows.map((row) => {
        const id = String(row['id']);
        const column = row['subscriptionId'];
        const subscriptionId = (typeof column === 'string' ? column : (/\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? '')).toLowerCase();
        // The subscription's slot is taken first, so a busy subscription queues on itself, not on the global pool.
        return limitFor(subscriptionId)(() =>
          limit(async () => {
            const result = await fetchChildren(sources, budget, { id, subscriptionId }, armKinds, abortSignal);
            armRequests += result.requests;
            children.push(...result.items);
            row['collectedChildren'] = result.collected;
            // What was read only in part goes into the row, so normalisation keeps it unjudged and rules say why.
            if (Object.keys(result.incomplete).length > 0) row['incompleteChildren'] = result.incomplete;
            for (const reason of Object.values(result.incomplete)) notes.push(`${String(row['name'])}: ${reason}.`);
            done += 1;
            options.onProgress?.({ phase: 'children', done, total: rows.length });
          }),
        );
      }),
    );
  }
  for (const row of rows) {
    // Every row says what was collected for it, even nothing: a row that says nothing would let a
    // file-wide assumption ("the export read diagnostic settings") speak for it instead.
    if (row['collectedChildren'] === undefined) row['collectedChildren'] = [];
  }
  if (needAutoscale) {
    for (const row of rows) {
      if (autoscaleMissing.has(String(row['subscriptionId']).toLowerCase())) continue;
      row['collectedChildren'] = [...((row['collectedChildren'] as ChildKind[] | undefined) ?? []), 'autoscaleSettings'];
    }
  }

  return {
    entries: [...rows, ...children, ...autoscale],
    subscriptions: chosen.map((id) => ({ id, name: visible.get(id) })),
    serviceSubscriptions: [...new Set(rows.map((row) => String(row['subscriptionId']).toLowerCase()))].map((id) => ({ id, name: visible.get(id) })),
    services: rows.length,
    coverage: { complete: notes.length === 0, notes },
    stats: { argRequests, armRequests, armWaitedInMs: budget.totalWaitedInMs },
  };
}

function describeIds(ids: readonly string[]): string {
  return ids.length <= 2 ? ids.join(', ') : `${ids.slice(0, 2).join(', ')} and ${ids.length - 2} more`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
}
