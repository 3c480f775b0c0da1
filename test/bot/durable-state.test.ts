import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectTarget, type ConnectedTarget } from '../../src/azure/connect.js';
import { DurableButtonRefs } from '../../src/bot/bot-buttons.js';
import type { Card } from '../../src/bot/messenger.js';
import { REF_TTL_IN_MS } from '../../src/bot/bot-buttons.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { openStore, type Store, type StoreConfig } from '../../src/store/index.js';
import { startAzurite, type Azurite } from '../store/azurite.js';
import { executeActions, fullText } from '../cards/support.js';
import { click, inProcessBot, type InProcessBot, sandboxRunner } from '../support/bot-in-process.js';

/**
 * Buttons and the last audit live in the store: a bot started afresh on the same data (a restart,
 * or a second instance) answers the buttons the first one issued, bound to their conversation.
 */
let config: AppConfig;
let connected: ConnectedTarget;
let azurite: Azurite;
let storeConfig: StoreConfig;

beforeAll(async () => {
  config = await loadConfig(undefined, {});
  connected = await connectTarget(config.target, { argQuota: { limit: 10_000, windowMs: 1_000 } });
  azurite = await startAzurite();
}, 60_000);

afterAll(async () => {
  await connected.close();
  await azurite.stop();
});

/** The same store for every instance of one test: a data directory, or a table prefix on one Azurite. */
const BACKENDS: readonly [string, () => StoreConfig][] = [
  ['files', () => ({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') })],
  [
    'Azure Storage (Azurite)',
    () => ({ kind: 'azure', prefix: `t${randomBytes(6).toString('hex')}`, tableUrl: azurite.tableUrl, blobUrl: azurite.blobUrl, connectionString: azurite.connectionString }),
  ],
];

/** A bot process: its own memory, the shared store opened anew. */
async function instance(): Promise<{ bot: InProcessBot; store: Store }> {
  const store = await openStore(storeConfig);
  const runner = sandboxRunner(connected.target, config, { lastReports: store.lastReports });
  return { bot: inProcessBot({ runner, config, buttons: new DurableButtonRefs(store.buttonRefs, REF_TTL_IN_MS), conversations: store.conversations }), store };
}

function invokeCard(response: unknown): Card {
  return (response as { body?: { value?: Card } } | undefined)?.body?.value ?? {};
}

describe.each(BACKENDS)('state in the store: %s', (_name, makeConfig) => {
  beforeEach(() => {
    storeConfig = makeConfig();
  });

  it('a button issued before a restart is answered after it, by a fresh instance on the same data', async () => {
    const first = await instance();
    const result = first.bot.nextResult('a:durable');
    await first.bot.turn('a:durable', { text: 'audit apim-payments-legacy' });
    const summary = await result;
    const show = executeActions(summary).find((action) => action.verb === 'showFindings')?.data;
    expect(String(show?.['ref'])).toMatch(/^[A-Za-z0-9_-]{16,64}\.b\d+$/);

    const second = await instance();
    const answer = await second.bot.turn('a:durable', click('showFindings', show ?? {}));
    expect(fullText(invokeCard(answer.invokeResponse))).toContain('Findings are listed below');
    expect(answer.sent.length).toBeGreaterThan(0);
    expect(fullText(answer.sent[0])).toContain('apim-payments-legacy');
    // The finding cards' own buttons work on yet another instance.
    const fix = executeActions(answer.sent[0]).find((action) => action.verb === 'fix')?.data;
    const third = await instance();
    const fixed = await third.bot.turn('a:durable', click('fix', fix ?? {}, 'activity-finding'));
    expect(fullText(fixed.sent[0])).toContain('Nothing was changed');
    // And "last" answers from the store.
    const last = await third.bot.turn('a:durable', { text: 'last' });
    expect(fullText(last.sent[0])).toContain('Scope:');
  }, 60_000);

  it('keeps the conversation reference on install and on the first message, for messages sent later', async () => {
    const { bot, store } = await instance();
    await bot.turn('a:installed', { type: 'conversationUpdate', membersAdded: [{ id: '28:bot', name: 'APIM posture' }] });
    await bot.turn('a:talked', { text: 'help' });
    const { store: restarted } = await instance();
    for (const id of ['a:installed', 'a:talked']) {
      const record = await restarted.conversations.get(id);
      expect(record?.reference).toMatchObject({ conversation: { id }, serviceUrl: 'https://smba.trafficmanager.net/emea/', bot: { id: '28:bot' } });
    }
    expect(await store.conversations.get('a:never-seen')).toBeUndefined();
  });

  it('stays bound to its conversation on every instance', async () => {
    const first = await instance();
    const result = first.bot.nextResult('a:bound');
    await first.bot.turn('a:bound', { text: 'audit apim-payments-legacy' });
    const show = executeActions(await result).find((action) => action.verb === 'showFindings')?.data;
    const other = await instance();
    const answer = await other.bot.turn('a:someone-else', click('showFindings', show ?? {}));
    expect(fullText(invokeCard(answer.invokeResponse))).toContain('expired or belongs to another conversation');
    expect(answer.sent).toEqual([]);
  }, 60_000);
});

describe('parseKeptAudit (the store is input too)', () => {
  it('accepts only what the bot wrote and refuses other shapes', async () => {
    const { parseKeptAudit } = await import('../../src/bot/audit-runner.js');
    const report = { results: [], services: [] };
    const estate = { services: [] };
    expect(parseKeptAudit({ id: 'abc', report, estate })).toEqual({ id: 'abc', report, estate });
    for (const bad of [null, [], 'x', { report, estate }, { id: '', report, estate }, { id: 'a', report: { results: {} , services: [] }, estate }, { id: 'a', report, estate: { services: 'all' } }, { id: 'a', report: [], estate }]) {
      expect(parseKeptAudit(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});
