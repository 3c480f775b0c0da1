/**
 * The bot's memory under sustained use, run by test/security/soak-memory.test.ts in a child process
 * started with `node --expose-gc --import tsx`: PostureBot and AuditRunner as the server builds them
 * (fair scheduler, bounded audit and ref stores), driven turn by turn through botbuilder's
 * TurnContext with a fake messenger instead of HTTP, auditing the seeded sandbox through the real
 * Azure SDK clients. Audits run in rounds of 100 (two per conversation across 50 conversations,
 * all at once); after each round, with nothing in flight, the heap is measured after full GCs.
 * Prints one JSON line of figures on stdout.
 *
 * The memory budget is small (4 MB of audits, 512 kB of refs) so the stores reach their steady state within the first round;
 * the sandbox's Resource Graph quota is raised (the quota gate still paces from its headers) so
 * 500 audits fit the time box, and its request log is kept short so it does not count here.
 */
import { connectTarget } from '../../../src/azure/connect.js';
import { QuotaGate } from '../../../src/azure/quota-gate.js';
import { AuditRunner } from '../../../src/bot/audit-runner.js';
import { RetainedAudits } from '../../../src/bot/retained-audits.js';
import { loadConfig } from '../../../src/config.js';
import { inProcessBot, showFindingsClick, showFindingsRef } from '../../support/bot-in-process.js';

const CONVERSATIONS = 50;
const ROUNDS = 5;
const PER_CONVERSATION_PER_ROUND = 2;
/** Kept audits; the test can raise it (SOAK_AUDITS_MB) to see that without a small cap memory grows. */
const AUDITS_BYTES = Number(process.env['SOAK_AUDITS_MB'] ?? 4) * 1024 * 1024;
/** Refs carry resource ids; 512 kB (some 500 refs) still keeps a card's refs until it is clicked, with 50 conversations clicking at once. */
const REFS_BYTES = 512 * 1024;
// Environments with services on the seeded sandbox (an empty one, such as test, ends in a refusal, not a result).
const SCOPES = ['dev', 'prod', 'sandbox'];

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const config = await loadConfig(undefined, {});
const connected = await connectTarget(config.target, { argQuota: { limit: 100_000, windowMs: 1_000 }, requestLogLimit: 50 });
const memory = { audits: AUDITS_BYTES, refs: REFS_BYTES };
const retained = new RetainedAudits({ maxBytes: memory.audits });
const runner = new AuditRunner({
  target: connected.target,
  audit: config.audit,
  gate: new QuotaGate({ limit: 100_000, windowInMs: 1_000 }),
  version: 'soak',
  now: () => new Date(),
  progressIntervalInMs: 60_000,
  retained,
});
// Card edits are not kept: the soak measures the bot, not the test's records.
const bot = inProcessBot({ runner, config, refLimits: { maxBytes: memory.refs }, keepEdits: false });

const counts = { audits: 0, refused: 0, failed: 0, findingsShown: 0, expiredClicks: 0 };

/** One audit in a conversation, to its result card, then "Show findings" on that card. */
async function auditOnce(conversationId: string, scope: string): Promise<void> {
  const result = bot.nextResult(conversationId);
  const asked = await bot.turn(conversationId, { text: `audit apim in ${scope}` });
  if (JSON.stringify(asked.sent).includes('Already running')) {
    counts.refused++;
    return;
  }
  const card = await result;
  counts.audits++;
  if (JSON.stringify(card).includes('did not finish')) {
    counts.failed++;
    return;
  }
  const ref = showFindingsRef(card);
  if (ref === undefined) return;
  const click = await bot.turn(conversationId, showFindingsClick(ref));
  if (JSON.stringify(click.invokeResponse).includes('belongs to another conversation')) counts.expiredClicks++;
  else counts.findingsShown++;
}

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const conversations = Array.from({ length: CONVERSATIONS }, (_, i) => `a:soak-${i}`);

// One audit on its own first: how long a single audit takes here, warm.
const single: number[] = [];
for (let i = 0; i < 6; i++) {
  const started = performance.now();
  await auditOnce('a:soak-single', SCOPES[i % SCOPES.length] ?? 'dev');
  single.push(performance.now() - started);
}
counts.audits = 0;
counts.findingsShown = 0;

const heap: { audits: number; heapUsedMb: number; retainedAudits: number; retainedBytes: number; refs: number; refBytes: number }[] = [];
const soakStarted = performance.now();
for (let round = 0; round < ROUNDS; round++) {
  await Promise.all(
    conversations.map(async (conversationId, index) => {
      // One after another within a conversation, so the per-conversation limit is never what stops them.
      for (let i = 0; i < PER_CONVERSATION_PER_ROUND; i++) await auditOnce(conversationId, SCOPES[(index + i + round) % SCOPES.length] ?? 'dev');
    }),
  );
  heap.push({
    audits: counts.audits,
    heapUsedMb: (await heapAfterGc()) / (1024 * 1024),
    retainedAudits: retained.size,
    retainedBytes: retained.bytes,
    refs: bot.refs.size,
    refBytes: bot.refs.bytes,
  });
}
const soakMs = performance.now() - soakStarted;
await runner.drain(5_000);
await connected.close();

const sorted = [...single.slice(1)].sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    singleAuditMs: { first: single[0], median: sorted[Math.floor(sorted.length / 2)] },
    soakMs,
    budget: { audits: memory.audits, refs: memory.refs },
    counts,
    heap,
  })}\n`,
);
