import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTarget, type ConnectedTarget } from '../../src/azure/connect.js';
import type { AuditRunner } from '../../src/bot/audit-runner.js';
import { DIGEST_TOPIC } from '../../src/digest/schedule.js';
import { DIGEST_CHART_TYPE } from '../../src/cards/render.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { openStore, type Store } from '../../src/store/index.js';
import { executeActions, fullText, walk } from '../cards/support.js';
import { inProcessBot, type InProcessBot, sandboxRunner } from '../support/bot-in-process.js';

/** Subscriptions and the digest preview from chat, against a file store in a temporary directory. */
let connected: ConnectedTarget;
let config: AppConfig;
let store: Store;
let runner: AuditRunner;
let bot: InProcessBot;
const ALEX = '00000000-0000-0000-0000-000000000020';

beforeAll(async () => {
  config = await loadConfig(undefined, {});
  connected = await connectTarget(config.target, { argQuota: { limit: 10_000, windowMs: 1_000 } });
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
  runner = sandboxRunner(connected.target, config, { history: store.history });
  bot = inProcessBot({ runner, config, conversations: store.conversations, subscriptions: store.subscriptions, digest: { store } });
}, 30_000);

afterAll(async () => {
  await connected.close();
});

async function say(conversationId: string, text: string): Promise<string> {
  const { sent } = await bot.turn(conversationId, { text, from: { id: '29:alex', name: 'Alex', aadObjectId: ALEX } });
  expect(sent).toHaveLength(1);
  return fullText(sent[0]);
}

describe('subscriptions from chat', () => {
  it('subscribes, lists, replaces and unsubscribes, keeping the conversation reference', async () => {
    const chat = 'a:subscribe';
    expect(await say(chat, 'subscriptions')).toContain('no subscriptions');
    expect(await say(chat, 'subscribe digest production weekly friday 17:30 europe/berlin')).toContain('Subscribed: the weekly digest of prod, Friday 17:30 Europe/Berlin');
    const [digest] = (await store.subscriptions.list(DIGEST_TOPIC)).filter((subscription) => subscription.conversationId === chat);
    expect(digest).toMatchObject({ environment: 'prod', cadence: 'weekly', day: 'friday', time: '17:30', timeZone: 'Europe/Berlin', createdBy: ALEX, enabled: true });
    expect((await store.conversations.get(chat))?.reference).toMatchObject({ conversation: { id: chat } });

    expect(await say(chat, 'subscribe alerts prod')).toContain('alerts for prod, high and above');
    expect((await store.subscriptions.list('alerts')).find((subscription) => subscription.conversationId === chat)?.minSeverity).toBe('high');
    const listed = await say(chat, 'subscriptions');
    expect(listed).toContain('the weekly digest of prod');
    expect(listed).toContain('alerts for prod');

    expect(await say(chat, 'subscribe digest dev')).toContain('It replaces the digest for prod');
    expect(await say(chat, 'unsubscribe digest prod')).toContain('is for dev, not prod; nothing changed');
    expect(await say(chat, 'unsubscribe digest dev')).toContain('Unsubscribed');
    expect(await say(chat, 'unsubscribe alerts prod')).toContain('Unsubscribed');
    expect((await store.subscriptions.list()).filter((subscription) => subscription.conversationId === chat)).toEqual([]);
  });

  it('refuses unknown environments, bad time zones and times in one line, storing nothing', async () => {
    const chat = 'a:refusals';
    expect(await say(chat, 'subscribe digest prd')).toContain('Did you mean prod?');
    expect(await say(chat, 'subscribe digest prod Mars/Olympus')).toContain('not a time zone I know');
    expect(await say(chat, 'subscribe digest prod 25:00')).toContain('not a time of day');
    expect(await say(chat, 'subscribe digest')).toContain('Say which environment');
    expect((await store.subscriptions.list()).filter((subscription) => subscription.conversationId === chat)).toEqual([]);
  });

  it('digest now: one line before any history, the digest card after an audit recorded it', async () => {
    const chat = 'a:digest';
    expect(await say(chat, 'digest now dev')).toContain('No posture history for dev yet: run "audit apim in dev" first.');
    const result = bot.nextResult(chat);
    await bot.turn(chat, { text: 'audit apim in dev' });
    await result;
    await runner.drain(60_000);
    const { sent } = await bot.turn(chat, { text: 'digest now dev' });
    const card = sent[0];
    expect(fullText(card)).toContain('APIM posture digest: dev');
    const charts: unknown[] = [];
    walk(card, (node) => {
      if (node['type'] === DIGEST_CHART_TYPE) charts.push(node);
    });
    expect(charts).toHaveLength(1);
    expect(executeActions(card)).toContainEqual({ title: 'Audit now', verb: 'command', data: { text: 'audit apim in dev', card: expect.any(String) as string } });

    // Without an environment: the one this conversation is subscribed to.
    await say(chat, 'subscribe digest dev');
    const preview = await bot.turn(chat, { text: 'digest now' });
    expect(fullText(preview.sent[0])).toContain('APIM posture digest: dev');
  }, 90_000);

  it('says so in one line when the bot has no store', async () => {
    const storeless = inProcessBot({ runner, config });
    const { sent } = await storeless.turn('a:nostore', { text: 'subscribe digest prod' });
    expect(fullText(sent[0])).toContain('Subscriptions need the bot’s store');
  });
});
