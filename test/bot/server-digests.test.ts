import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { openStore, type Store } from '../../src/store/index.js';

/** A local connector answering every activity POST with `status`, recording the bodies. */
async function fakeConnector(status: number): Promise<{ server: Server; url: string; posts: { path: string; body: unknown }[] }> {
  const posts: { path: string; body: unknown }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      posts.push({ path: request.url ?? '', body: JSON.parse(body === '' ? 'null' : body) as unknown });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(status < 300 ? JSON.stringify({ id: 'activity-1' }) : JSON.stringify({ error: { code: 'ConversationNotFound', message: 'Conversation not found.' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, posts };
}

async function storeWithSubscription(serviceUrl: string): Promise<Store> {
  const store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
  await store.conversations.put('conversation-1', { serviceUrl, conversation: { id: 'conversation-1' }, bot: { id: 'bot' }, channelId: 'msteams' });
  // Subscribed long ago, Monday 09:00 UTC by default: the latest Monday's digest is due at start.
  await store.subscriptions.put({ conversationId: 'conversation-1', topic: 'weekly-digest', environment: 'prod', createdBy: 'user-1', createdAt: '2020-01-01T00:00:00Z' });
  return store;
}

async function withServer(store: Store, check: () => Promise<void>): Promise<void> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    config: await loadConfig(undefined, {}),
    bot: { appId: '', appType: 'MultiTenant' },
    logger: pino({ level: 'silent' }),
    store,
  });
  try {
    await check();
  } finally {
    await server.close();
  }
}

describe('the server sends due digests from the store', () => {
  it('posts the digest to the stored conversation through botbuilder at start, once', async () => {
    const connector = await fakeConnector(200);
    try {
      const store = await storeWithSubscription(connector.url);
      await withServer(store, async () => {
        await vi.waitFor(() => {
          expect(connector.posts).toHaveLength(1);
        }, 20_000);
      });
      expect(connector.posts[0]?.path).toMatch(/^\/v3\/conversations\/conversation-1\/activities/);
      expect(JSON.stringify(connector.posts[0]?.body)).toMatch(/Weekly posture digest for prod, (late: it was due|scheduled) \d{4}-\d\d-\d\d 09:00 UTC: there is no posture history yet\./);
      // A restart in the same week sends nothing more.
      await withServer(store, () => new Promise((resolve) => setTimeout(resolve, 1_000)));
      expect(connector.posts).toHaveLength(1);
    } finally {
      connector.server.close();
    }
  }, 40_000);

  it('disables the subscription when the connector answers 404 (the conversation is gone), posting nothing else', async () => {
    const connector = await fakeConnector(404);
    try {
      const store = await storeWithSubscription(connector.url);
      await withServer(store, async () => {
        await vi.waitFor(async () => {
          expect((await store.subscriptions.list('weekly-digest'))[0]?.enabled).toBe(false);
        }, 20_000);
      });
      expect(connector.posts).toHaveLength(1);
    } finally {
      connector.server.close();
    }
  }, 40_000);

  it('keeps the subscription and posts no apology when the connector fails (500): the digest is retried later', async () => {
    const connector = await fakeConnector(500);
    try {
      const store = await storeWithSubscription(connector.url);
      await withServer(store, async () => {
        await vi.waitFor(() => {
          expect(connector.posts.length).toBeGreaterThan(0);
        }, 20_000);
        // Time for an apology, had the failure reached the adapter's onTurnError.
        await new Promise((resolve) => setTimeout(resolve, 500));
      });
      expect(connector.posts.map((post) => JSON.stringify(post.body))).not.toContainEqual(expect.stringContaining('Something went wrong'));
      expect((await store.subscriptions.list('weekly-digest'))[0]?.enabled).toBeUndefined();
    } finally {
      connector.server.close();
    }
  }, 40_000);
});
