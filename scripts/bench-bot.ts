/**
 * The bot half of `npm run bench` (BENCH_BOT=0 skips it): the built bot (dist/) wired as the
 * server wires it — the audit runner with its kept-audit budget, the file store for the last
 * report, button refs and posture history — driven through its Bot Framework entry point
 * (`handle`, what POST /api/messages calls) with "audit apim in prod", its cards arriving at a
 * local connector over HTTP. The sandbox runs in its own process with the live half's latency model
 * and about 2,000 prod services. It prints:
 *
 * - time to the final summary card ÷ the inventory floor: the fewest Resource Graph requests this
 *   audit needs (subscription list, then per batch of 300 subscriptions the service query and the
 *   autoscale query, 1,000 rows a page) at the modelled latency under the quota — goal ≤ 1.5;
 * - memory over many audits (BENCH_BOT_AUDITS, default 100): heap and RSS after a full GC once
 *   BENCH_BOT_AUDITS/5 audits have finished and again after the last, as the increment per audit
 *   between the two — goal: flat, i.e. less per audit than a hundredth of one audit's kept size.
 *
 * Runs as its own process with --expose-gc (bench.ts starts it), so the memory is the bot's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { ARG_LATENCY_MS, ARM_LATENCY_MS, argFloor, QUOTA, rowsPerSubscription, startSandboxProcess, type Sandbox } from './bench-live.js';

/**
 * The scale generator tags a quarter of the subscriptions prod and about nine in ten of their
 * services with env/environment = prod: 8,800 services over 880 subscriptions put about 2,000 in
 * the default "prod" environment, spread over three batches of subscriptions.
 */
const SERVICES = 8_800;
const SUBSCRIPTIONS = 880;
const COMMAND = 'audit apim in prod';
/** Timed audits, each started in a fresh quota window; the ratio is their median. */
const TIMED = 3;
/** Audits in flight at once during the memory run (the bot's default limit of concurrent audits). */
const CONCURRENT = 4;
const ROOT = join(import.meta.dirname, '..');
/** Not bench.ts's `--child`: its engine children import this module too. */
const BOT_CHILD = '--bot-child';

type Modules = Awaited<ReturnType<typeof builtBot>>;

/** The bot as shipped: the built JavaScript in dist/ (`npm run bench` builds first). */
async function builtBot() {
  const dist = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(ROOT, 'dist', path)).href)) as T;
  return {
    ...(await dist<typeof import('../src/bot/app.js')>('bot/app.js')),
    ...(await dist<typeof import('../src/bot/audit-runner.js')>('bot/audit-runner.js')),
    ...(await dist<typeof import('../src/bot/retained-audits.js')>('bot/retained-audits.js')),
    ...(await dist<typeof import('../src/bot/bot-limits.js')>('bot/bot-limits.js')),
    ...(await dist<typeof import('../src/store/index.js')>('store/index.js')),
    ...(await dist<typeof import('../src/config.js')>('config.js')),
    ...(await dist<typeof import('../src/azure/quota-gate.js')>('azure/quota-gate.js')),
    ...(await dist<typeof import('../src/azure/request-counters.js')>('azure/request-counters.js')),
    ...(await dist<typeof import('../src/azure/target.js')>('azure/target.js')),
    ...(await dist<typeof import('../src/audit/live-audit.js')>('audit/live-audit.js')),
    ...(await dist<typeof import('../src/inventory/azure-sources.js')>('inventory/azure-sources.js')),
    ...(await dist<typeof import('../src/inventory/collect.js')>('inventory/collect.js')),
    ...(await dist<typeof import('../src/inventory/scope.js')>('inventory/scope.js')),
    ...(await dist<typeof import('../src/rules/index.js')>('rules/index.js')),
  };
}

/** A Bot Framework connector on loopback: answers every send and edit, and tells who waits when a summary card (or a failure) lands. */
interface Connector {
  readonly serviceUrl: string;
  /** Resolves with the card's JSON when the next result card of this conversation arrives. */
  result(conversationId: string): Promise<string>;
  close(): Promise<void>;
}

async function startConnector(): Promise<Connector> {
  const waiting = new Map<string, (card: string) => void>();
  let next = 1;
  const server: Server = createServer((req, res) => {
    void readText(req).then((body) => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      const conversationId = decodeURIComponent(match?.[1] ?? '');
      // The summary card carries the score; a failed audit says it did not finish or matched nothing.
      if (req.method === 'PUT' && /score|did not finish|matched no/.test(body)) {
        const resolve = waiting.get(conversationId);
        waiting.delete(conversationId);
        resolve?.(body);
      }
      res.end(JSON.stringify({ id: req.method === 'PUT' ? decodeURIComponent(match?.[2] ?? '') : `activity-${next++}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    serviceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    result: (conversationId) =>
      new Promise((resolve) => {
        waiting.set(conversationId, resolve);
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Warnings the bot logged, counted by message (an audit too large for the store, a failed write). */
class WarningCounter {
  readonly counts = new Map<string, number>();
  write(line: string): void {
    const { msg } = JSON.parse(line) as { msg?: string };
    this.counts.set(msg ?? line, (this.counts.get(msg ?? line) ?? 0) + 1);
  }
}

interface BotUnderTest {
  /** Sends "audit apim in prod" and resolves with the ms until its result card arrived. */
  audit(conversationId: string): Promise<number>;
  readonly retainedBytes: () => number;
  readonly retainedAudits: () => number;
  close(): Promise<void>;
}

async function startBot(modules: Modules, sandbox: Sandbox, dataDirectory: string, warnings: WarningCounter): Promise<BotUnderTest> {
  const config = await modules.loadConfig(undefined, {});
  const store = await modules.openStore({ kind: 'file', directory: dataDirectory });
  const connector = await startConnector();
  const logger = pino({ level: 'warn' }, warnings);
  // As startServer wires it (src/server.ts), minus the HTTP listener, fixes and digests.
  const memory = modules.shareRetainedBytes(modules.DEFAULT_BOT_LIMITS.retainedBytes);
  const retained = new modules.RetainedAudits({ maxBytes: memory.audits });
  const runner = new modules.AuditRunner({
    target: modules.sandboxTarget({ endpoint: sandbox.url, ca: sandbox.ca }),
    audit: config.audit,
    gate: new modules.QuotaGate(),
    version: 'bench',
    now: () => new Date(),
    fairUse: modules.DEFAULT_BOT_LIMITS.fairUse,
    retained,
    lastReports: store.lastReports,
    exemptions: store.exemptions,
    history: store.history,
    ownerTags: config.digest.ownerTags,
  });
  const app = modules.createBotApp(
    {
      settings: { appId: '', appType: 'MultiTenant' },
      runner,
      environments: config.environments,
      audit: config.audit,
      logger,
      refLimits: { maxBytes: memory.refs },
      buttonStore: store.buttonRefs,
    },
    { conversations: store.conversations },
  );
  let incoming = 0;
  return {
    async audit(conversationId) {
      const arrived = connector.result(conversationId);
      const started = performance.now();
      const answer = await app.handle({
        authorization: '',
        body: {
          type: 'message',
          id: `incoming-${++incoming}`,
          channelId: 'msteams',
          serviceUrl: connector.serviceUrl,
          from: { id: `29:user-${conversationId}`, name: 'Bench user' },
          recipient: { id: '28:bot', name: 'APIM posture' },
          conversation: { id: conversationId, conversationType: 'personal' },
          text: COMMAND,
        },
      });
      if (answer.status !== 200) throw new Error(`the bot answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      const card = await arrived;
      const ms = performance.now() - started;
      if (!card.includes('score')) throw new Error(`the audit did not produce a summary: ${card.slice(0, 400)}`);
      return ms;
    },
    retainedBytes: () => retained.bytes,
    retainedAudits: () => retained.size,
    async close() {
      await runner.drain(10_000);
      await connector.close();
    },
  };
}

/**
 * The floor of this audit: collects the same inventory once (the prod scope, the child kinds the
 * bot's rules need without "deep") and counts the fewest requests it needs.
 */
async function inventoryFloor(modules: Modules, sandbox: Sandbox): Promise<{ requests: number; floorMs: number; services: number; subscriptions: number }> {
  const config = await modules.loadConfig(undefined, {});
  const target = modules.sandboxTarget({ endpoint: sandbox.url, ca: sandbox.ca });
  const scope = modules.resolveScope({ environment: 'prod' }, config.environments);
  const childKinds = modules.childKindsFor(modules.ALL_RULES, false);
  const sources = modules.azureSources(target, { gate: new modules.QuotaGate(), counters: new modules.RequestCounters() });
  const inventory = await modules.collectInventory(sources, scope, { childKinds });
  const isService = (entry: unknown) => String((entry as { type?: unknown }).type).toLowerCase() === 'microsoft.apimanagement/service';
  const subscriptions = inventory.subscriptions.map((s) => s.id);
  const queries = [rowsPerSubscription(inventory.entries.filter(isService))];
  if (childKinds.has('autoscaleSettings')) queries.push(rowsPerSubscription(inventory.entries.filter((entry) => String((entry as { type?: unknown }).type).toLowerCase() === 'microsoft.insights/autoscalesettings')));
  const { requests, floorMs } = argFloor(subscriptions, queries);
  return { requests, floorMs, services: inventory.services, subscriptions: subscriptions.length };
}

interface Memory {
  readonly audits: number;
  readonly heapMb: number;
  readonly rssMb: number;
  readonly retainedMb: number;
  readonly retainedAudits: number;
}

function measure(audits: number, bot: BotUnderTest): Memory {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('bench-bot needs --expose-gc');
  gc();
  gc();
  const usage = process.memoryUsage();
  return { audits, heapMb: usage.heapUsed / 2 ** 20, rssMb: usage.rss / 2 ** 20, retainedMb: bot.retainedBytes() / 2 ** 20, retainedAudits: bot.retainedAudits() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

function auditCount(): number {
  const raw = process.env['BENCH_BOT_AUDITS']?.trim() ?? '';
  if (raw === '') return 100;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 10) throw new Error(`BENCH_BOT_AUDITS must be a whole number of at least 10, not "${raw}"`);
  return count;
}

async function runChild(): Promise<void> {
  const total = auditCount();
  const modules = await builtBot();
  const sandbox = await startSandboxProcess({ services: SERVICES, subscriptions: SUBSCRIPTIONS, armLatencyMs: ARM_LATENCY_MS, argLatencyMs: ARG_LATENCY_MS });
  const dataDirectory = mkdtempSync(join(tmpdir(), 'apim-posture-bench-bot-'));
  const warnings = new WarningCounter();
  try {
    const floor = await inventoryFloor(modules, sandbox);
    const bot = await startBot(modules, sandbox, dataDirectory, warnings);
    console.log(`\nbot on the sandbox · "${COMMAND}": ${floor.services.toLocaleString('en-US')} services in ${floor.subscriptions} subscriptions (estate ${SERVICES.toLocaleString('en-US')} over ${SUBSCRIPTIONS}) · latency ARG ${ARG_LATENCY_MS} ms, ARM ${ARM_LATENCY_MS} ms · ARG quota ${QUOTA.limit}/${QUOTA.windowMs / 1000} s`);
    // Each timed audit starts in a fresh quota window, as the floor assumes.
    const timed: number[] = [];
    for (let index = 0; index < TIMED; index += 1) {
      await sleep(QUOTA.windowMs);
      timed.push(await bot.audit(`bench:timed-${index}`));
    }
    const ms = median(timed);
    const ratio = ms / floor.floorMs;
    console.log(`summary card: ${timed.map((t) => (t / 1000).toFixed(2)).join(' s, ')} s (first cold) · floor ${(floor.floorMs / 1000).toFixed(2)} s (${floor.requests} ARG requests) · median ÷ floor = ${ratio.toFixed(2)} (goal ≤ 1.5${ratio <= 1.5 ? ', met' : ', missed'})`);

    // Then the rest of the audits, a few at once in separate conversations, as several people would ask.
    const early = Math.max(TIMED, Math.round(total / 5));
    let done = TIMED;
    let first: Memory | undefined;
    while (done < total) {
      if (done === early && first === undefined) first = measure(done, bot);
      const batch = Math.min(CONCURRENT, total - done, done < early ? early - done : CONCURRENT);
      await Promise.all(Array.from({ length: batch }, (_, index) => bot.audit(`bench:memory-${(done + index) % 10}`)));
      done += batch;
    }
    const last = measure(done, bot);
    await bot.close();
    if (first !== undefined) {
      const audits = last.audits - first.audits;
      const perAudit = (mb: number) => `${(((mb * 1024) / audits)).toFixed(0)} KB`;
      const heapPerAuditKb = ((last.heapMb - first.heapMb) * 1024) / audits;
      const oneAuditKb = (last.retainedMb * 1024) / Math.max(1, last.retainedAudits);
      const flat = heapPerAuditKb <= oneAuditKb / 100;
      console.log(
        `memory after ${first.audits} → ${last.audits} audits (after GC): heap ${first.heapMb.toFixed(0)} → ${last.heapMb.toFixed(0)} MB, RSS ${first.rssMb.toFixed(0)} → ${last.rssMb.toFixed(0)} MB · increment per audit: heap ${perAudit(last.heapMb - first.heapMb)}, RSS ${perAudit(last.rssMb - first.rssMb)} (goal flat: heap ≤ 1% of one kept audit, ${(oneAuditKb / 100).toFixed(0)} KB${flat ? ', met' : ', missed'})`,
      );
      console.log(`kept audits: ${first.retainedAudits} → ${last.retainedAudits}, ${first.retainedMb.toFixed(0)} → ${last.retainedMb.toFixed(0)} MB estimated (budget ${(modules.shareRetainedBytes(modules.DEFAULT_BOT_LIMITS.retainedBytes).audits / 2 ** 20).toFixed(0)} MB)`);
    }
    for (const [message, count] of warnings.counts) console.log(`bot warned ${count}×: ${message}`);
  } finally {
    sandbox.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

/** Runs the bot half in its own process (memory of its own, a GC it can force); its output goes straight to ours. */
export function runBotBench(): void {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), BOT_CHILD], { stdio: 'inherit' });
  if (child.status !== 0) throw new Error(`the bot bench failed (exit ${String(child.status)})`);
}

if (process.argv.includes(BOT_CHILD)) await runChild();
