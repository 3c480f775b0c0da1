/**
 * The live-inventory half of `npm run bench`: a scale estate (10,000 services over 1,000
 * subscriptions) served by the sandbox in its own process with a latency model, audited three
 * ways in one run:
 *
 * - ours: Resource Graph, subscriptions batched by 300, 1,000-row pages, paced to the quota;
 *   wall time ÷ floor, where the floor is the fewest ARG requests this estate needs under the
 *   quota (15 per 5 s) at the modelled latency — goal ≤ 1.2;
 * - naive: list APIM per subscription through ARM, then GET each service; its wall time ÷ ours;
 * - deep: child resources for 20 subscriptions; ARM calls per second per subscription against
 *   the read budget (bucket 250, refill 25/s), and 429s seen and failed.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { getArmJson, listArmJson } from '../src/azure/arm-raw.js';
import { createApiManagementClient } from '../src/azure/clients.js';
import { QuotaGate } from '../src/azure/quota-gate.js';
import { RequestCounters } from '../src/azure/request-counters.js';
import { sandboxTarget, type AzureTarget } from '../src/azure/target.js';
import { azureSources } from '../src/inventory/azure-sources.js';
import { batches } from '../src/inventory/arg-pages.js';
import { collectInventory, SUBSCRIPTION_BATCH } from '../src/inventory/collect.js';
import { resolveScope } from '../src/inventory/scope.js';
import { ALL_RULES } from '../src/rules/index.js';

const SERVICES = 10_000;
const SUBSCRIPTIONS = 1_000;
export const ARG_LATENCY_MS = 400;
export const ARM_LATENCY_MS = 40;
export const QUOTA = { limit: 15, windowMs: 5_000 };
const NAIVE_CONCURRENCY = 32;
const DEEP_SUBSCRIPTIONS = 20;

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

/**
 * Fewest ARG requests an inventory needs: the subscription list, then for each batch of
 * subscriptions one request per 1,000 rows (at least one) of each query it runs per batch (the
 * service query; the autoscale query too when a rule needs it).
 */
export function minimumArgRequests(subscriptions: readonly string[], rowsPerQuery: readonly ReadonlyMap<string, number>[]): number {
  let requests = Math.ceil(subscriptions.length / 1000);
  for (const group of batches(subscriptions, SUBSCRIPTION_BATCH)) {
    for (const rowsPerSubscription of rowsPerQuery) {
      const rows = group.reduce((n, id) => n + (rowsPerSubscription.get(id) ?? 0), 0);
      requests += Math.max(1, Math.ceil(rows / 1000));
    }
  }
  return requests;
}

/** Time n sequential requests take at the modelled latency when at most `limit` may start per window. */
export function floorInMs(requests: number, latencyMs = ARG_LATENCY_MS, quota = QUOTA): number {
  return Math.max(requests * latencyMs, Math.floor((requests - 1) / quota.limit) * quota.windowMs + latencyMs);
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

async function naiveInventory(target: AzureTarget, subscriptions: readonly string[], counters: RequestCounters): Promise<number> {
  const limit = pLimit(NAIVE_CONCURRENCY);
  let services = 0;
  await Promise.all(
    subscriptions.map((subscriptionId) =>
      limit(async () => {
        const client = createApiManagementClient(target, subscriptionId, { counters });
        const ids: string[] = [];
        for await (const item of listArmJson(client, `/subscriptions/${subscriptionId}/providers/Microsoft.ApiManagement/service`, { apiVersion: '2024-05-01' })) {
          ids.push(String((item as { id: unknown }).id));
        }
        await Promise.all(ids.map((id) => getArmJson(client, id, { apiVersion: '2024-05-01' })));
        services += ids.length;
      }),
    ),
  );
  return services;
}

export async function runLiveBench(): Promise<void> {
  const sandbox = await startSandboxProcess({ services: SERVICES, subscriptions: SUBSCRIPTIONS, armLatencyMs: ARM_LATENCY_MS, argLatencyMs: ARG_LATENCY_MS });
  try {
    const target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.ca });
    const everything = resolveScope({ environment: 'all' }, { all: { aliases: [], subscriptions: [], managementGroups: [], excludeSubscriptions: [] } });

    const argCounters = new RequestCounters();
    const gate = new QuotaGate(QUOTA);
    const started = performance.now();
    const inventory = await collectInventory(azureSources(target, { gate, counters: argCounters }), everything, { childKinds: new Set() });
    const oursMs = performance.now() - started;
    const subscriptionIds = inventory.subscriptions.map((s) => s.id);
    const minimum = minimumArgRequests(subscriptionIds, [rowsPerSubscription(inventory.entries)]);
    const floor = floorInMs(minimum);
    const ours = argCounters.snapshot();

    const naiveCounters = new RequestCounters();
    const naiveStarted = performance.now();
    const naiveServices = await naiveInventory(target, subscriptionIds, naiveCounters);
    const naiveMs = performance.now() - naiveStarted;
    const naive = naiveCounters.snapshot();

    const deepScope = resolveScope({ subscriptions: subscriptionIds.slice(0, DEEP_SUBSCRIPTIONS) });
    const deepCounters = new RequestCounters();
    const childKinds = new Set(ALL_RULES.flatMap((rule) => rule.meta.needs));
    const deepStarted = performance.now();
    const deep = await collectInventory(azureSources(target, { gate: new QuotaGate(QUOTA), counters: deepCounters }), deepScope, { childKinds });
    const deepMs = performance.now() - deepStarted;
    const deepSnapshot = deepCounters.snapshot();
    const perSubscriptionRate = deep.stats.armRequests / DEEP_SUBSCRIPTIONS / (deepMs / 1000);

    console.log(`\nlive inventory on the sandbox · ${SERVICES.toLocaleString('en-US')} services over ${SUBSCRIPTIONS.toLocaleString('en-US')} subscriptions · latency ARG ${ARG_LATENCY_MS} ms, ARM ${ARM_LATENCY_MS} ms · ARG quota ${QUOTA.limit}/${QUOTA.windowMs / 1000} s`);
    console.log(`ours (ARG):   ${inventory.services.toLocaleString('en-US')} services in ${(oursMs / 1000).toFixed(2)} s · ${ours.attempts} ARG requests (minimum ${minimum}) · floor ${(floor / 1000).toFixed(2)} s · wall/floor ${(oursMs / floor).toFixed(2)} (goal ≤ 1.2) · 429s seen ${ours.throttled}, failed ${ours.throttledNotRetried}`);
    console.log(`naive (ARM):  ${naiveServices.toLocaleString('en-US')} services in ${(naiveMs / 1000).toFixed(2)} s · ${naive.attempts} ARM requests at concurrency ${NAIVE_CONCURRENCY} · naive/ours ${(naiveMs / oursMs).toFixed(1)}× · 429s seen ${naive.throttled}, failed ${naive.throttledNotRetried}`);
    console.log(`deep (ARM):   ${deep.services} services in ${DEEP_SUBSCRIPTIONS} subscriptions in ${(deepMs / 1000).toFixed(2)} s · ${deep.stats.armRequests} child reads · ${perSubscriptionRate.toFixed(1)} reads/s per subscription vs budget 25/s (bucket 250) · waited ${(deep.stats.armWaitedInMs / 1000).toFixed(1)} s for the budget · 429s seen ${deepSnapshot.throttled}, failed ${deepSnapshot.throttledNotRetried}`);
  } finally {
    sandbox.stop();
  }
}
