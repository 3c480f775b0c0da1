import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTarget, type ConnectedTarget } from '../../src/azure/connect.js';
import type { AuditRunner } from '../../src/bot/audit-runner.js';
import type { Card } from '../../src/bot/messenger.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { resolveScope, type ResolvedScope } from '../../src/inventory/scope.js';
import { ALL_RULES } from '../../src/rules/index.js';
import type { PostureHistory, PostureSnapshot, PostureSnapshotInput } from '../../src/store/index.js';
import { sandboxRunner } from '../support/bot-in-process.js';

/** The bot's audits of a whole environment record a posture snapshot after the result card; a store failure is only logged. */
let config: AppConfig;
let connected: ConnectedTarget;

beforeAll(async () => {
  config = await loadConfig(undefined, {});
  connected = await connectTarget(config.target, { argQuota: { limit: 10_000, windowMs: 1_000 } });
}, 60_000);

afterAll(async () => {
  await connected.close();
});

function history(failing = false): PostureHistory & { kept: PostureSnapshot[] } {
  const kept: PostureSnapshot[] = [];
  return {
    kept,
    record(input: PostureSnapshotInput) {
      if (failing) return Promise.reject(new Error('the table is gone'));
      const snapshot = { id: String(kept.length), ...input } as PostureSnapshot;
      kept.unshift(snapshot);
      return Promise.resolve(snapshot);
    },
    list: () => Promise.resolve({ items: kept }),
  };
}

/** Runs one audit to its end; returns the cards it showed and the warnings logged. */
async function audit(runner: AuditRunner, scope: ResolvedScope): Promise<{ cards: Card[]; warnings: string[] }> {
  const cards: Card[] = [];
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
  const admission = runner.admit({ conversationId: 'c1', userId: 'u1', scope });
  if (!admission.ok) throw new Error('not admitted');
  admission.start({
    conversationId: 'c1',
    scope,
    rules: ALL_RULES,
    deep: false,
    filters: { ruleIds: [], services: scope.services ?? [], deep: false },
    progressActivityId: 'progress-1',
    messenger: { send: () => Promise.resolve(undefined), update: (_id, card) => {
        cards.push(card);
        return Promise.resolve();
      },
    },
    logger,
    renderResult: () => Promise.resolve({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'result' }] }),
  });
  await runner.drain(60_000);
  return { cards, warnings };
}

describe('AuditRunner posture history', () => {
  it('records a snapshot of an audited environment, with owners from tags', async () => {
    const kept = history();
    const { cards } = await audit(sandboxRunner(connected.target, config, { history: kept }), resolveScope({ environment: 'prod' }));
    expect(JSON.stringify(cards.at(-1))).toContain('result');
    expect(kept.kept.map((snapshot) => snapshot.environment)).toEqual(['prod']);
    expect(kept.kept[0]?.findings.length).toBeGreaterThan(0);
    expect(kept.kept[0]?.services?.find((service) => service.name === 'apim-payments-legacy')?.owner).toBe('team-payments');
  }, 60_000);

  it('does not record an audit of some services of an environment', async () => {
    const kept = history();
    await audit(sandboxRunner(connected.target, config, { history: kept }), resolveScope({ environment: 'prod', services: ['apim-payments-legacy'] }));
    expect(kept.kept).toEqual([]);
  }, 60_000);

  it('a history that cannot be written is logged; the result card was already shown', async () => {
    const { cards, warnings } = await audit(sandboxRunner(connected.target, config, { history: history(true) }), resolveScope({ environment: 'prod' }));
    expect(JSON.stringify(cards.at(-1))).toContain('result');
    expect(warnings).toEqual(['could not record the posture of prod: the table is gone']);
  }, 60_000);
});
