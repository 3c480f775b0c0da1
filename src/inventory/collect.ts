import pLimit from 'p-limit';
import type { ChildKind } from '../estate/model.js';
import { batches, queryArgPages } from './arg-pages.js';
import { ARM_CHILD_KINDS, fetchChildren } from './child-fetch.js';
import { autoscaleQuery, serviceQuery, subscriptionQuery } from './queries.js';
import { renderQuery } from './query-text.js';
import { ReadBudget } from './read-budget.js';
import type { ResolvedScope } from './scope.js';
import type { ArgPage, InventorySources } from './sources.js';
import { byCount, plural } from '../util/text.js';

/** ARG guidance: batch subscriptions, fewer than 300 per request. */
export const SUBSCRIPTION_BATCH = 300;
/** Services whose children are read at once, across the estate. */
const CHILD_SERVICES_IN_FLIGHT = 64;
/**
 * ARM reads in flight at once, across the estate. A read waiting for its subscription's budget
 * does not hold one, so one throttled subscription cannot idle the others.
 */
const ARM_READS_IN_FLIGHT = 32;
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
 * need. Independent ARG queries run at once and the shared quota gate paces them; the pages of one
 * query follow each other. Failures are recorded per batch and per service; what was read is still
 * returned, in the same order whatever order the answers came in.
 */
export async function collectInventory(sources: InventorySources, scope: ResolvedScope, options: CollectOptions): Promise<Inventory> {
  const { abortSignal } = options;
  const argOptions = { ...(abortSignal === undefined ? {} : { abortSignal }), pageSize: options.argPageSize };

  // 1. Which subscriptions: explicit ones, the management groups, or all the identity can read.
  // Explicit subscriptions need the listing only for their names, so their batches do not wait for it.
  const excluded = new Set(scope.excludeSubscriptions);
  const listing = listSubscriptions(sources, scope, argOptions);
  const chosen = (scope.subscriptions.length > 0 ? [...scope.subscriptions] : [...(await listing).visible.keys()]).filter((id) => !excluded.has(id));
  options.onProgress?.({ phase: 'subscriptions', subscriptions: chosen.length });

  // 2. Service rows (and autoscale settings) of every batch at once; a failed batch is reported, the others still count.
  const groups = batches(chosen, Math.min(options.subscriptionBatchSize ?? SUBSCRIPTION_BATCH, SUBSCRIPTION_BATCH));
  const [listed, outcomes] = await settled([listing, readBatches(sources, scope, groups, options, argOptions)]);
  const argRequests = listed.requests + outcomes.reduce((sum, outcome) => sum + outcome.requests, 0);

  const notes: string[] = [];
  if (listed.failure !== undefined) notes.push(`Subscription names could not be read (${listed.failure}); ids are shown instead.`);
  for (const id of scope.subscriptions) {
    if (listed.visible.size > 0 && !listed.visible.has(id)) notes.push(`Subscription ${id} is not visible to this identity; nothing there was audited.`);
  }
  // Rows, autoscale settings and notes in batch order, not in the order the answers came.
  const rows = outcomes.flatMap((outcome) => outcome.rows);
  const autoscale = outcomes.flatMap((outcome) => outcome.autoscale);
  notes.push(...outcomes.flatMap((outcome) => outcome.notes));
  const autoscaleMissing = new Set(outcomes.flatMap((outcome) => outcome.autoscaleMissing));

  // 3. Child resources from ARM, per service, within the read budget.
  const armKinds = new Set([...options.childKinds].filter((kind) => ARM_CHILD_KINDS.includes(kind)));
  const budget = options.budget ?? new ReadBudget();
  const children = armKinds.size > 0 && rows.length > 0 ? await readChildren(sources, budget, rows, armKinds, options) : { items: [], notes: [], requests: 0 };
  notes.push(...children.notes);
  for (const row of rows) {
    // Every row says what was collected for it, even nothing: a row that says nothing would let a
    // file-wide assumption ("the export read diagnostic settings") speak for it instead.
    if (row['collectedChildren'] === undefined) row['collectedChildren'] = [];
  }
  if (options.childKinds.has('autoscaleSettings')) {
    for (const row of rows) {
      if (autoscaleMissing.has(String(row['subscriptionId']).toLowerCase())) continue;
      row['collectedChildren'] = [...((row['collectedChildren'] as ChildKind[] | undefined) ?? []), 'autoscaleSettings'];
    }
  }

  return {
    entries: [...rows, ...children.items, ...autoscale],
    subscriptions: chosen.map((id) => ({ id, name: listed.visible.get(id) })),
    serviceSubscriptions: [...new Set(rows.map((row) => String(row['subscriptionId']).toLowerCase()))].map((id) => ({ id, name: listed.visible.get(id) })),
    services: rows.length,
    coverage: { complete: notes.length === 0, notes },
    stats: { argRequests, armRequests: children.requests, armWaitedInMs: budget.totalWaitedInMs },
  };
}

type ArgOptions = { abortSignal?: AbortSignal; pageSize: number | undefined };

interface SubscriptionListing {
  /** Lower-cased ids the identity can see, with their names. */
  readonly visible: Map<string, string | undefined>;
  readonly requests: number;
  /** Why the listing failed, when explicit subscriptions let the audit go on without it. */
  readonly failure?: string;
}

/** The subscriptions the identity can see (in the management groups, when the scope names them). */
async function listSubscriptions(sources: InventorySources, scope: ResolvedScope, argOptions: ArgOptions): Promise<SubscriptionListing> {
  const visible = new Map<string, string | undefined>();
  const request = scope.managementGroups.length > 0 ? { managementGroups: scope.managementGroups } : {};
  let requests = 0;
  try {
    for await (const page of queryArgPages(sources, { query: renderQuery(subscriptionQuery()), ...request }, argOptions)) {
      requests += 1;
      for (const row of page.rows) {
        const { subscriptionId, name } = row as { subscriptionId?: unknown; name?: unknown };
        if (typeof subscriptionId === 'string') visible.set(subscriptionId.toLowerCase(), typeof name === 'string' ? name : undefined);
      }
    }
  } catch (error) {
    argOptions.abortSignal?.throwIfAborted();
    if (scope.subscriptions.length === 0) throw error;
    return { visible, requests, failure: message(error) };
  }
  return { visible, requests };
}

/** What one batch of subscriptions gave: its rows and autoscale settings, and notes on what failed. */
interface BatchOutcome {
  readonly rows: Record<string, unknown>[];
  readonly autoscale: unknown[];
  readonly notes: string[];
  /** Subscriptions whose autoscale settings could not be read. */
  readonly autoscaleMissing: readonly string[];
  readonly requests: number;
}

/**
 * Service rows (and autoscale settings) of every batch, all batches at once: the quota gate in the
 * sources paces them, so waiting here would only lengthen the critical path. A failed query becomes
 * a note on its batch; the other batches still count.
 */
async function readBatches(
  sources: InventorySources,
  scope: ResolvedScope,
  groups: readonly string[][],
  options: CollectOptions,
  argOptions: ArgOptions,
): Promise<BatchOutcome[]> {
  // Shared by all batches: every event counts what all of them have read so far.
  const progress = { pages: 0, services: 0, batchesDone: 0, batchesTotal: groups.length };
  const serviceText = renderQuery(serviceQuery(scope.filters));
  const autoscaleText = renderQuery(autoscaleQuery());
  const report = (): void => options.onProgress?.({ phase: 'services', ...progress });
  /** Every page of one query, in order (each page's token asks for the next); a failure ends it with its reason. */
  const readPages = async (query: string, group: readonly string[], onPage: (page: ArgPage) => void): Promise<string | undefined> => {
    try {
      for await (const page of queryArgPages(sources, { query, subscriptions: group }, argOptions)) onPage(page);
      return undefined;
    } catch (error) {
      argOptions.abortSignal?.throwIfAborted();
      return message(error);
    }
  };
  const readBatch = async (group: readonly string[]): Promise<BatchOutcome> => {
    const rows: Record<string, unknown>[] = [];
    const autoscale: unknown[] = [];
    let requests = 0;
    const [rowsFailure, autoscaleFailure] = await settled([
      readPages(serviceText, group, (page) => {
        requests += 1;
        progress.pages += 1;
        progress.services += page.rows.length;
        for (const row of page.rows) rows.push({ ...(row as Record<string, unknown>) });
        report();
      }),
      options.childKinds.has('autoscaleSettings')
        ? readPages(autoscaleText, group, (page) => {
            requests += 1;
            autoscale.push(...page.rows);
          })
        : Promise.resolve(undefined),
    ]);
    progress.batchesDone += 1;
    report();
    const notes: string[] = [];
    const subscriptions = `${plural(group.length, 'subscription')} (${describeIds(group)})`;
    if (rowsFailure !== undefined) notes.push(`${subscriptions} could not be queried: ${rowsFailure}. ${byCount(group.length, 'Its', 'Their')} services are missing from this report.`);
    if (autoscaleFailure !== undefined) notes.push(`Autoscale settings of ${subscriptions} could not be read: ${autoscaleFailure}.`);
    return { rows, autoscale, notes, autoscaleMissing: autoscaleFailure === undefined ? [] : group, requests };
  };
  return settled(groups.map(readBatch));
}

/**
 * Child resources of every row, in row order. A service waiting for its subscription's read budget
 * holds its subscription's slot and a service slot, but no read slot, so subscriptions with budget
 * left keep reading meanwhile.
 */
async function readChildren(
  sources: InventorySources,
  budget: ReadBudget,
  rows: readonly Record<string, unknown>[],
  kinds: ReadonlySet<ChildKind>,
  options: CollectOptions,
): Promise<{ items: unknown[]; notes: string[]; requests: number }> {
  const { abortSignal } = options;
  const services = pLimit(CHILD_SERVICES_IN_FLIGHT);
  const reads = pLimit(ARM_READS_IN_FLIGHT);
  // Each collection is read whole inside a read slot; fetchChildren takes the budget before asking for it.
  const limitedSources: InventorySources = {
    queryArgPage: (request, pageOptions) => sources.queryArgPage(request, pageOptions),
    async *listArm(subscriptionId, path, apiVersion, listOptions) {
      yield* await reads(async () => {
        const items: unknown[] = [];
        for await (const item of sources.listArm(subscriptionId, path, apiVersion, listOptions)) items.push(item);
        return items;
      });
    },
  };
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
  let requests = 0;
  options.onProgress?.({ phase: 'children', done, total: rows.length });
  const results = await settled(
    rows.map((row) => {
      const id = String(row['id']);
      const column = row['subscriptionId'];
      const subscriptionId = (typeof column === 'string' ? column : (/\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? '')).toLowerCase();
      // The subscription's slot is taken first, so a busy subscription queues on itself, not on the global pool.
      return limitFor(subscriptionId)(() =>
        services(async () => {
          const result = await fetchChildren(limitedSources, budget, { id, subscriptionId }, kinds, abortSignal);
          requests += result.requests;
          row['collectedChildren'] = result.collected;
          // What was read only in part goes into the row, so normalisation keeps it unjudged and rules say why.
          if (Object.keys(result.incomplete).length > 0) row['incompleteChildren'] = result.incomplete;
          done += 1;
          options.onProgress?.({ phase: 'children', done, total: rows.length });
          return { items: result.items, notes: Object.values(result.incomplete).map((reason) => `${String(row['name'])}: ${reason}.`) };
        }),
      );
    }),
  );
  return { items: results.flatMap((result) => result.items), notes: results.flatMap((result) => result.notes), requests };
}

/**
 * Like Promise.all, but waits for every promise to settle before rejecting with the first failure
 * (in argument order), so nothing started here is still running when the caller moves on, not even
 * after an abort.
 */
async function settled<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T>;
async function settled<T>(promises: readonly Promise<T>[]): Promise<T[]>;
async function settled(promises: readonly Promise<unknown>[]): Promise<unknown[]> {
  const outcomes = await Promise.allSettled(promises);
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
}

function describeIds(ids: readonly string[]): string {
  return ids.length <= 2 ? ids.join(', ') : `${ids.slice(0, 2).join(', ')} and ${ids.length - 2} more`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
}
