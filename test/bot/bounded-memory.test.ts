import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTarget, type ConnectedTarget } from '../../src/azure/connect.js';
import type { AuditRunner, AuditRunnerOptions } from '../../src/bot/audit-runner.js';
import { estimateBytes, RetainedAudits } from '../../src/bot/retained-audits.js';
import type { Report } from '../../src/engine/report.js';
import type { Estate } from '../../src/estate/model.js';
import type { LastReportStore } from '../../src/store/index.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { inProcessBot, sandboxRunner, showFindingsClick, showFindingsRef } from '../support/bot-in-process.js';

/**
 * The bot with its stores bounded, against the sandbox: what an evicted audit's buttons and "last"
 * answer, what is kept of an audit, and what a shutdown does to queued audits.
 */
let config: AppConfig;
let connected: ConnectedTarget;

beforeAll(async () => {
  config = await loadConfig(undefined, {});
  connected = await connectTarget(config.target, { argQuota: { limit: 10_000, windowMs: 1_000 } });
}, 30_000);

afterAll(async () => {
  await connected.close();
});

function runnerWith(options: Partial<AuditRunnerOptions>): AuditRunner {
  return sandboxRunner(connected.target, config, options);
}

function runner(options: { retained?: RetainedAudits; concurrent?: number } = {}): AuditRunner {
  return sandboxRunner(connected.target, config, {
    ...(options.retained === undefined ? {} : { retained: options.retained }),
    fairUse: { perConversation: 10, perUser: 10, concurrent: options.concurrent ?? 4 },
  });
}

async function audit(bot: ReturnType<typeof inProcessBot>, conversationId: string, scope: string) {
  const result = bot.nextResult(conversationId);
  await bot.turn(conversationId, { text: `audit apim in ${scope}` });
  return result;
}

describe('bounded memory in the bot', () => {
  it('keeps the report and the estate of an audit, never the raw inventory', async () => {
    const auditRunner = runner();
    const bot = inProcessBot({ runner: auditRunner, config });
    await audit(bot, 'a:keep', 'dev');
    const kept = await auditRunner.last('a:keep');
    // What was asked (scope and filters, for the cards and "Deep audit") is small; the inventory is not kept.
    expect(Object.keys(kept ?? {}).sort()).toEqual(['asked', 'bytes', 'conversationId', 'estate', 'id', 'report']);
    expect(Object.keys(kept?.asked ?? {}).sort()).toEqual(['filters', 'scope']);
    expect(kept?.bytes).toBe(JSON.stringify(kept?.report).length + JSON.stringify(kept?.estate).length);
  }, 30_000);

  it('sizes a kept audit by the JSON the store wrote, serialising it once; by its own JSON when the write failed', async () => {
    let sized = 0;
    const sizeOf = (kept: Parameters<typeof estimateBytes>[0]) => {
      sized += 1;
      return estimateBytes(kept);
    };
    const written: string[] = [];
    const lastReports: LastReportStore = {
      put: (_conversationId, report) => {
        written.push(JSON.stringify(report));
        return Promise.resolve({ kept: true, bytes: 123_456 });
      },
      get: () => Promise.resolve(undefined),
    };
    const stored = runnerWith({ retained: new RetainedAudits({}, Date.now, sizeOf), lastReports });
    await audit(inProcessBot({ runner: stored, config }), 'a:sized', 'dev');
    const kept = await stored.last('a:sized');
    expect(kept?.bytes).toBe(123_456);
    expect(sized).toBe(0);
    expect((JSON.parse(written[0] ?? '{}') as { id?: string }).id).toBe(kept?.id);

    const failing = runnerWith({ retained: new RetainedAudits({}, Date.now, sizeOf), lastReports: { ...lastReports, put: () => Promise.reject(new Error('disk full')) } });
    await audit(inProcessBot({ runner: failing, config }), 'a:unsized', 'dev');
    const unstored = await failing.last('a:unsized');
    expect(sized).toBe(1);
    expect(unstored?.bytes).toBe(estimateBytes({ report: unstored?.report as Report, estate: unstored?.estate as Estate }));
  }, 30_000);

  it('an evicted audit\'s buttons answer "expired, run the audit again", and "last" does not pretend it never ran', async () => {
    // Room for one dev audit (about 34 kB) but not two.
    const retained = new RetainedAudits({ maxBytes: 60_000 });
    const bot = inProcessBot({ runner: runner({ retained }), config });
    const first = await audit(bot, 'a:evicted', 'dev');
    const ref = showFindingsRef(first);
    expect(ref).toBeDefined();
    const before = await bot.turn('a:evicted', showFindingsClick(ref ?? ''));
    expect(JSON.stringify(before.invokeResponse)).not.toContain('Run the audit again');

    // Another conversation's audit takes the budget: the first one is dropped.
    const second = await audit(bot, 'a:newer', 'dev');
    expect(retained.size).toBe(1);
    const after = await bot.turn('a:evicted', showFindingsClick(ref ?? ''));
    expect(JSON.stringify(after.invokeResponse)).toContain('This button has expired or belongs to another conversation. Run the audit again for fresh results.');
    const last = await bot.turn('a:evicted', { text: 'last' });
    expect(JSON.stringify(last.sent)).toContain('No audit results are kept for this conversation (none has run yet, or they expired)');

    // The newer audit's buttons still work, in its own conversation only.
    const newerRef = showFindingsRef(second) ?? '';
    expect(JSON.stringify((await bot.turn('a:newer', showFindingsClick(newerRef))).invokeResponse)).not.toContain('Run the audit again');
    expect(JSON.stringify((await bot.turn('a:evicted', showFindingsClick(newerRef))).invokeResponse)).toContain('belongs to another conversation');
  }, 30_000);

  it('a shutdown settles queued audits too: each card ends with a result or says the bot is shutting down', async () => {
    const auditRunner = runner({ concurrent: 1 });
    const bot = inProcessBot({ runner: auditRunner, config });
    const conversations = ['a:drain-1', 'a:drain-2', 'a:drain-3'];
    const results = conversations.map((c) => bot.nextResult(c));
    for (const c of conversations) await bot.turn(c, { text: 'audit apim in prod' });
    expect(auditRunner.queued).toBe(2);
    expect(JSON.stringify(bot.edits.get('a:drain-3'))).toContain('Queued: 1 audit is running and 2 waiting; this one starts when a slot frees');
    await auditRunner.drain(0);
    const texts = (await Promise.all(results)).map((card) => JSON.stringify(card));
    for (const text of texts) expect(text).toMatch(/score|did not finish: the bot is shutting down/);
    expect(texts.filter((text) => text.includes('shutting down')).length).toBeGreaterThanOrEqual(2);
    expect(auditRunner.active + auditRunner.queued).toBe(0);
  }, 30_000);
});
