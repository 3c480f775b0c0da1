import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxTarget } from '../../src/azure/target.js';
import { createBotApp, type BotApp } from '../../src/bot/app.js';
import { messageCard } from '../../src/cards/render.js';
import { loadConfig } from '../../src/config.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startFakeConnector, type FakeConnector } from '../support/bot-harness.js';
import { sandboxRunner } from '../support/bot-in-process.js';

/**
 * Editing a card after the turn, from a stored conversation reference (a restarted bot telling a
 * fix card how the fix ended): only towards a connector the bot would accept a request from.
 */
let store: Store;
let connector: FakeConnector;
let app: BotApp;

beforeAll(async () => {
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
  connector = await startFakeConnector();
  const config = await loadConfig(undefined, {});
  // The runner is never used here; its target points nowhere.
  const runner = sandboxRunner(sandboxTarget({ endpoint: 'https://127.0.0.1:9', ca: '' }), config);
  app = createBotApp({ settings: { appId: '', appType: 'MultiTenant' }, runner, environments: config.environments, audit: config.audit, logger: pino({ level: 'silent' }) }, { conversations: store.conversations });
});

afterAll(async () => {
  await connector.close();
});

const reference = (serviceUrl: string, id: string) => ({ serviceUrl, channelId: 'msteams', conversation: { id }, bot: { id: '28:bot' }, user: { id: '29:alex' } });

describe('BotApp.updateCard', () => {
  it('edits the card through the stored reference', async () => {
    await store.conversations.put('a:kept', reference(connector.serviceUrl, 'a:kept'));
    expect(await app.updateCard('a:kept', 'activity-7', messageCard('The fix landed.', { tone: 'success' }))).toBe(true);
    const call = await connector.waitFor((candidate) => candidate.method === 'PUT' && candidate.activityId === 'activity-7');
    expect(JSON.stringify(call.body)).toContain('The fix landed.');
  });

  it('sends nothing for an unknown conversation or a stored reference whose service URL is not an allowed connector', async () => {
    expect(await app.updateCard('a:unknown', 'activity-1', messageCard('x'))).toBe(false);
    // The same local connector, but with credentials in the URL: never a connector the bot talks to.
    const tampered = connector.serviceUrl.replace('://', '://user:secret@');
    await store.conversations.put('a:tampered', reference(tampered, 'a:tampered'));
    const before = connector.calls.length;
    expect(await app.updateCard('a:tampered', 'activity-2', messageCard('x'))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connector.calls.length).toBe(before);
  });
});

describe('a card edit that fails after the turn', () => {
  it('returns false and posts no apology into the conversation', async () => {
    // A connector that refuses every edit (500) and would accept a new message.
    const calls: { method: string; url: string }[] = [];
    const failing = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        calls.push({ method: request.method ?? '', url: request.url ?? '' });
        response.writeHead(request.method === 'PUT' ? 500 : 200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(request.method === 'PUT' ? { error: { code: 'ServiceError', message: 'Unavailable' } } : { id: 'activity-x' }));
      });
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/`;
      await store.conversations.put('a:failing', reference(url, 'a:failing'));
      expect(await app.updateCard('a:failing', 'activity-3', messageCard('The fix landed.', { tone: 'success' }))).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(calls.some((call) => call.method === 'PUT')).toBe(true);
      expect(calls.filter((call) => call.method === 'POST')).toEqual([]);
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });
});
