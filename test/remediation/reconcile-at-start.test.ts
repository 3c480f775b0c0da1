import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { sandboxTarget } from '../../src/azure/target.js';
import { loadConfig } from '../../src/config.js';
import { applyFinding } from '../../src/remediation/apply-finding.js';
import { fixLeaseName } from '../../src/remediation/fix-lease.js';
import { reconcileInBackground, type ReconcileLogger } from '../../src/remediation/reconcile-at-start.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { startServer } from '../../src/server.js';
import { openStore, type AuditLog, type Store } from '../../src/store/index.js';
import { startFakeConnector } from '../support/bot-harness.js';
import { ALEX, applyDependencies, CHAT, confirmedFinding, Died, dyingLog, SERVICE } from '../support/remediation.js';

/**
 * Reconciliation at start-up: once in the background, again later while something was left open or
 * the run failed, never fatal; and the bot's server starts it on its store.
 */
const newStore = () => openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });

/** An intent whose requests are unreadable: reconciled as unknown without asking ARM. */
async function unreadableIntent(store: Store): Promise<number> {
  return (await store.auditLog.append({ kind: 'fix.sending', actor: ALEX, subject: SERVICE, details: { ruleId: 'APIM-001', requests: [] } })).seq;
}

function recordingLogger(): ReconcileLogger & { lines: { level: string; details: object; message: string }[] } {
  const lines: { level: string; details: object; message: string }[] = [];
  return {
    lines,
    info: (details, message) => lines.push({ level: 'info', details, message }),
    warn: (details, message) => lines.push({ level: 'warn', details, message }),
  };
}

const noClient = () => {
  throw new Error('ARM is not needed here');
};

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reconcileInBackground', () => {
  it('logs one line with what it closed', async () => {
    const store = await newStore();
    const operation = await unreadableIntent(store);
    const logger = recordingLogger();
    const reconciler = reconcileInBackground({ auditLog: store.auditLog, leases: store.leases, client: noClient }, logger);
    expect((await reconciler.firstRun)?.closed).toMatchObject([{ operation, result: 'unknown' }]);
    await reconciler.stop();
    expect(logger.lines).toEqual([{ level: 'info', message: 'open fixes: 1 reconciled, 0 left open', details: expect.objectContaining({ applied: 0, notApplied: 0, unknown: 1 }) as unknown }]);
  });

  it('tries again later what a lease kept open, and stops trying once nothing is left', async () => {
    const store = await newStore();
    const operation = await unreadableIntent(store);
    const held = await store.leases.acquire(fixLeaseName(SERVICE), 60_000);
    const logger = recordingLogger();
    const reconciler = reconcileInBackground({ auditLog: store.auditLog, leases: store.leases, client: noClient }, logger, 50);
    expect((await reconciler.firstRun)?.leftOpen).toMatchObject([{ operation }]);
    if (held !== undefined) await store.leases.release(held);
    for (let tries = 0; tries < 100 && logger.lines.length < 2; tries++) await wait(20);
    expect(logger.lines.map((line) => line.message)).toEqual(['open fixes: 0 reconciled, 1 left open', 'open fixes: 1 reconciled, 0 left open']);
    await wait(200);
    expect(logger.lines).toHaveLength(2);
    await reconciler.stop();
  });

  it('never throws: a store that cannot be read is a warning, tried again until stopped', async () => {
    const store = await newStore();
    let reads = 0;
    const broken: AuditLog = {
      ...store.auditLog,
      read: () => {
        reads += 1;
        return Promise.reject(new Error('the disk is gone'));
      },
    };
    const logger = recordingLogger();
    const reconciler = reconcileInBackground({ auditLog: broken, leases: store.leases, client: noClient }, logger, 30);
    expect(await reconciler.firstRun).toBeUndefined();
    expect(logger.lines[0]).toMatchObject({ level: 'warn', message: 'could not reconcile open fixes: the disk is gone' });
    for (let tries = 0; tries < 100 && reads < 2; tries++) await wait(10);
    expect(reads).toBeGreaterThanOrEqual(2);
    await reconciler.stop();
    const stoppedAt = reads;
    await wait(150);
    expect(reads).toBe(stoppedAt);
  });
});

describe('the bot server', () => {
  it('reconciles the open fixes of its store at start-up and says so in its log', async () => {
    const store = await newStore();
    // A process died right after recording its intent, against an estate like the bot's sandbox.
    const sandbox = await startSandbox();
    const config = await loadConfig(undefined, {});
    let operation: number | undefined;
    try {
      const target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
      const deps = applyDependencies(target, config, store, { auditLog: dyingLog(store.auditLog, 'after-intent') });
      const { finding, fixes } = await confirmedFinding(target, deps.reread, 'APIM-001');
      await expect(applyFinding(deps, { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes, card: { conversationId: CHAT, activityId: 'activity-fix-card' } })).rejects.toThrow(Died);
      operation = (await store.auditLog.read()).find((record) => record.kind === 'fix.sending')?.seq;
    } finally {
      await sandbox.close();
    }
    let logged = '';
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged += chunk.toString('utf8');
          done();
        },
      }),
    );
    // The conversation the fix card is in, as the bot kept it; its connector is a local fake.
    const connector = await startFakeConnector();
    await store.conversations.put(CHAT, { serviceUrl: connector.serviceUrl, channelId: 'msteams', conversation: { id: CHAT }, bot: { id: '28:bot' }, user: { id: '29:alex' } });
    const server = await startServer({ port: 0, host: '127.0.0.1', config, bot: { appId: '', appType: 'MultiTenant' }, logger, store });
    try {
      // The card that said "Applying" when the process died now says how the fix ended.
      const edit = await connector.waitFor((call) => call.method === 'PUT' && call.activityId === 'activity-fix-card', 20_000);
      expect(JSON.stringify(edit.body)).toContain('Not applied (found after a restart of the bot)');
      const reconciled = async () => (await store.auditLog.read()).find((record) => record.kind === 'fix.reconciled');
      for (let tries = 0; tries < 300 && (await reconciled()) === undefined; tries++) await wait(50);
      expect((await reconciled())?.details).toMatchObject({ operation, result: 'not-applied' });
      for (let tries = 0; tries < 100 && !logged.includes('open fixes:'); tries++) await wait(20);
      expect(logged).toContain('open fixes: 1 reconciled, 0 left open');
    } finally {
      await server.close();
      await connector.close();
    }
  }, 60_000);
});

