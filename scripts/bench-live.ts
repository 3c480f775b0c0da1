/**
 * The live-inventory half of `npm run bench`: estates served by the sandbox in its own process
 * with a latency model (ARG 400 ms a page, ARM 40 ms a read) and Azure's throttling models, audited
 * in one run, every ratio beside its goal:
 *
 * - ours: 10,000 services over 1,000 subscriptions through Resource Graph (subscriptions batched
 *   by 300, 1,000-row pages, batches at once, paced to the quota); wall time ÷ floor, where the
 *   floor is the critical path (the longest chain of dependent ARG requests × the latency) or the
 *   quota's minimum time for every request (15 per 5 s), whichever is longer — goal ≤ 1.2;
 * - naive: what other tools do, a serial ARM list of APIM services per subscription (no extra
 *   GETs); its wall time ÷ ours;
 * - deep: child resources of subscriptions that hold 40 services each (a second sandbox), so that
 *   each subscription's read budget (a burst of 250, then 25/s) binds; wall time ÷ the budget
 *   floor (the service rows, then the slowest subscription's reads beyond the burst at the refill
 *   rate) — goal ≤ 1.3, with zero failed 429s.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listArmJson } from '../src/azure/arm-raw.js';
import { createApiManagementClient } from '../src/azure/clients.js';
import { QuotaGate } from '../src/azure/quota-gate.js';
import { RequestCounters } from '../src/azure/request-counters.js';
import { sandboxTarget, type AzureTarget } from '../src/azure/target.js';
import { azureSources } from '../src/inventory/azure-sources.js';
import { ARG_PAGE_SIZE, batches } from '../src/inventory/arg-pages.js';
import { collectInventory, SUBSCRIPTION_BATCH } from '../src/inventory/collect.js';
import { ARM_READ_BUDGET } from '../src/inventory/read-budget.js';
import { resolveScope } from '../src/inventory/scope.js';
import type { InventorySources } from '../src/inventory/sources.js';
import { ALL_RULES } from '../src/rules/index.js';
import { ratio } from './bench-ratio.js';

const SERVICES = 10_000;
const SUBSCRIPTIONS = 1_000;
export const ARG_LATENCY_MS = 400;
export const ARM_LATENCY_MS = 40;
export const QUOTA = { limit: 15, windowMs: 5_000 };
/** Few subscriptions, many services each: the budget binds, and the machine's CPU does not. */
const DEEP = { subscriptions: 2, servicesEach: 40 };
/** The sandbox's ARM read model is ARM's documented one, the same numbers the product paces to. */
const BUDGET = ARM_READ_BUDGET;

export interface Sandbox {
  url: string;
  ca: string;
  stop(): void;
}

export interface SandboxModel {
  readonly services: number;
  readonly subscriptions: number;
  readonly armLatencyMs: number;
  readonly argLatencyMs: number;
}

/** The built CLI's sandbox in its own process, so its work and memory are not the measured process's. */
export async function startSandboxProcess(model: SandboxModel): Promise<Sandbox> {
  const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
  const child = spawn(
    process.execPath,
    [cli, 'sandbox', '--scale', String(model.services), '--subscriptions', String(model.subscriptions), '--latency-ms', String(model.armLatencyMs), '--arg-latency-ms', String(model.argLatencyMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  const ready = await new Promise<{ url: string; caFile: string }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('sandbox did not start within 60 s')); }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const caFile = /NODE_EXTRA_CA_CERTS=(\S+)/.exec(output)?.[1];
      if (url !== undefined && caFile !== undefined) {
        clearTimeout(timer);
        resolve({ url, caFile });
      }
    });
    child.once('exit', (code) => { reject(new Error(`sandbox exited with ${String(code)}`)); });
  });
  return { url: ready.url, ca: await readFile(ready.caFile, 'utf8'), stop: () => child.kill('SIGINT') };
}

/** Time `requests` take when at most `QUOTA.limit` may start per window: the last starts in the last window. */
function quotaMinimumMs(requests: number): number {
  return Math.floor((Math.max(1, requests) - 1) / QUOTA.limit) * QUOTA.windowMs + ARG_LATENCY_MS;
}

/**
 * The ARG floor of an inventory of these subscriptions: the subscription list, then each batch's
 * queries (the service rows; the autoscale settings too when a rule needs them), every query's
 * pages one after another (each carries the previous one's token), batches and queries at once.
 * The longest chain × the latency, or the quota's minimum time for all requests if that is longer.
 */
export function argFloor(subscriptions: readonly string[], rowsPerQuery: readonly ReadonlyMap<string, number>[]): { requests: number; chain: number; floorMs: number } {
  const listing = Math.max(1, Math.ceil(subscriptions.length / ARG_PAGE_SIZE));
  let requests = listing;
  let longestBatch = 0;
  for (const group of batches(subscriptions, SUBSCRIPTION_BATCH)) {
    for (const rowsPerSubscription of rowsPerQuery) {
      const rows = group.reduce((n, id) => n + (rowsPerSubscription.get(id) ?? 0), 0);
      const pages = Math.max(1, Math.ceil(rows / ARG_PAGE_SIZE));
      requests += pages;
      longestBatch = Math.max(longestBatch, pages);
    }
  }
  const chain = listing + longestBatch;
  return { requests, chain, floorMs: Math.max(chain * ARG_LATENCY_MS, quotaMinimumMs(requests)) };
}

/**
 * The budget floor of a deep audit of explicit subscriptions: the service rows (one page, sent
 * beside the name listing), then the reads of the slowest subscription. A subscription's first
 * `capacity` reads can go at once; the rest wait for the refill, so they take at least
 * (reads − capacity) ÷ refill, and the last one its latency. One service's own chain of reads
 * (each listing after the one it depends on) is a floor too; the larger counts.
 */
function budgetFloorMs(readsPerSubscription: ReadonlyMap<string, number>, longestServiceChain: number): number {
  const slowest = Math.max(...readsPerSubscription.values());
  const budgetMs = (Math.max(0, slowest - BUDGET.capacity) / BUDGET.refillPerSecond) * 1000 + ARM_LATENCY_MS;
  return ARG_LATENCY_MS + Math.max(budgetMs, longestServiceChain * ARM_LATENCY_MS);
}

/** Rows per subscription (lower-case id) of inventory entries, e.g. service rows. */
export function rowsPerSubscription(entries: readonly unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const id = String((entry as { subscriptionId?: unknown }).subscriptionId).toLowerCase();
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** What other tools do: list the APIM services of each subscription through ARM, one subscription after another. */
async function naiveInventory(target: AzureTarget, subscriptions: readonly string[], counters: RequestCounters): Promise<number> {
  let services = 0;
  for (const subscriptionId of subscriptions) {
    const client = createApiManagementClient(target, subscriptionId, { counters });
    for await (const item of listArmJson(client, `/subscriptions/${subscriptionId}/providers/Microsoft.ApiManagement/service`, { apiVersion: '2024-05-01' })) {
      if (item !== undefined) services += 1;
    }
  }
  return services;
}

/** Sources that count the ARM reads (one per listing, as the budget does) per subscription and per service. */
function countingReads(sources: InventorySources): { sources: InventorySources; perSubscription: Map<string, number>; perService: Map<string, number> } {
  const perSubscription = new Map<string, number>();
  const perService = new Map<string, number>();
  return {
    perSubscription,
    perService,
    sources: {
      queryArgPage: (request, options) => sources.queryArgPage(request, options),
      listArm(subscriptionId, path, apiVersion, options) {
        perSubscription.set(subscriptionId, (perSubscription.get(subscriptionId) ?? 0) + 1);
        const service = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+/i.exec(path)?.[0];
        if (service !== undefined) perService.set(service.toLowerCase(), (perService.get(service.toLowerCase()) ?? 0) + 1);
        return sources.listArm(subscriptionId, path, apiVersion, options);
      },
    },
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const everything = resolveScope({ environment: 'all' }, { all: { aliases: [], subscriptions: [], managementGroups: [], excludeSubscriptions: [] } });

export async function runLiveBench(): Promise<void> {
  console.log(`\nlive inventory on the sandbox · latency ARG ${ARG_LATENCY_MS} ms, ARM ${ARM_LATENCY_MS} ms · ARG quota ${QUOTA.limit}/${QUOTA.windowMs / 1000} s · ARM reads ${BUDGET.capacity} then ${BUDGET.refillPerSecond}/s per subscription`);
  await runArgBench();
  await runDeepBench();
}

/** Ours against the floor and against the naive serial ARM listing, on the 10,000-service estate. */
export async function runArgBench(): Promise<void> {
  const sandbox = await startSandboxProcess({ services: SERVICES, subscriptions: SUBSCRIPTIONS, armLatencyMs: ARM_LATENCY_MS, argLatencyMs: ARG_LATENCY_MS });
  try {
    const target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.ca });
    const argCounters = new RequestCounters();
    const started = performance.now();
    const inventory = await collectInventory(azureSources(target, { gate: new QuotaGate(QUOTA), counters: argCounters }), everything, { childKinds: new Set() });
    const oursMs = performance.now() - started;
    const subscriptionIds = inventory.subscriptions.map((s) => s.id);
    const floor = argFloor(subscriptionIds, [rowsPerSubscription(inventory.entries)]);
    const ours = argCounters.snapshot();

    const naiveCounters = new RequestCounters();
    const naiveStarted = performance.now();
    const naiveServices = await naiveInventory(target, subscriptionIds, naiveCounters);
    const naiveMs = performance.now() - naiveStarted;
    const naive = naiveCounters.snapshot();

    console.log(`ours (ARG):  ${inventory.services.toLocaleString('en-US')} services over ${subscriptionIds.length.toLocaleString('en-US')} subscriptions in ${seconds(oursMs)} · ${ours.attempts} ARG requests (minimum ${floor.requests}), longest chain ${floor.chain} · floor ${seconds(floor.floorMs)} · wall ÷ floor = ${ratio(oursMs / floor.floorMs, 1.2)} · 429s seen ${ours.throttled}, failed ${ours.throttledNotRetried}`);
    console.log(`naive (ARM): ${naiveServices.toLocaleString('en-US')} services in ${seconds(naiveMs)} · ${naive.attempts} ARM lists, one subscription after another · naive ÷ ours = ${(naiveMs / oursMs).toFixed(1)}× · 429s seen ${naive.throttled}, failed ${naive.throttledNotRetried}`);
  } finally {
    sandbox.stop();
  }
}

/** A deep audit of subscriptions dense enough that their read budgets bind, against the budget floor. */
export async function runDeepBench(): Promise<void> {
  const dense = await startSandboxProcess({ services: DEEP.subscriptions * DEEP.servicesEach, subscriptions: DEEP.subscriptions, armLatencyMs: ARM_LATENCY_MS, argLatencyMs: ARG_LATENCY_MS });
  try {
    const target = sandboxTarget({ endpoint: dense.url, ca: dense.ca });
    // The generated estate's subscription ids come from its listing; the audit then names them explicitly.
    const listing = await collectInventory(azureSources(target, { gate: new QuotaGate(QUOTA) }), everything, { childKinds: new Set() });
    const deepScope = resolveScope({ subscriptions: listing.subscriptions.map((s) => s.id) });
    const deepCounters = new RequestCounters();
    const counted = countingReads(azureSources(target, { gate: new QuotaGate(QUOTA), counters: deepCounters }));
    const childKinds = new Set(ALL_RULES.flatMap((rule) => rule.meta.needs));
    const deepStarted = performance.now();
    const deep = await collectInventory(counted.sources, deepScope, { childKinds });
    const deepMs = performance.now() - deepStarted;
    const snapshot = deepCounters.snapshot();
    const floorMs = budgetFloorMs(counted.perSubscription, Math.max(...counted.perService.values()));
    const slowest = Math.max(...counted.perSubscription.values());
    console.log(
      `deep (ARM):  ${deep.services} services in ${deepScope.subscriptions.length} subscriptions (${DEEP.servicesEach} each) in ${seconds(deepMs)} · ${deep.stats.armRequests} child reads, up to ${slowest} in one subscription · budget floor ${seconds(floorMs)} · wall ÷ floor = ${ratio(deepMs / floorMs, 1.3)} · waited ${seconds(deep.stats.armWaitedInMs)} for the budget · 429s seen ${snapshot.throttled}, failed ${snapshot.throttledNotRetried}${deep.coverage.complete ? '' : ` · INCOMPLETE: ${deep.coverage.notes[0] ?? ''}`}`,
    );
  } finally {
    dense.stop();
  }
}
