import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ApiManagementClient } from '@azure/arm-apimanagement';
import { ARM_SCOPE } from '../../src/azure/target.js';
import { sandboxUserCredential } from '../../src/sandbox/caller.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';
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

async function withServer(store: Store, check: (server: RunningServer) => Promise<void>, alertTiming?: ServerOptions['alertTiming']): Promise<void> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    config: await loadConfig(undefined, {}),
    bot: { appId: '', appType: 'MultiTenant' },
    logger: pino({ level: process.env['DEBUG_ALERTS'] === undefined ? 'silent' : 'debug' }),
    store,
    ...(alertTiming === undefined ? {} : { alertTiming }),
  });
  try {
    await check(server);
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

describe('the server raises alerts between digests', () => {
  it('audits a subscribed environment on its interval: the first check is a baseline, a sandbox PATCH raises one alert naming its author, with Fix', async () => {
    const connector = await fakeConnector(200);
    try {
      const store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
      await store.conversations.put('conversation-1', { serviceUrl: connector.url, conversation: { id: 'conversation-1' }, bot: { id: 'bot' }, channelId: 'msteams' });
      await store.subscriptions.put({ conversationId: 'conversation-1', topic: 'alerts', environment: 'prod', minSeverity: 'high', createdBy: 'user-1', createdAt: '2020-01-01T00:00:00Z' });
      await withServer(
        store,
        async (server) => {
          // The baseline: one snapshot, nothing posted.
          await vi.waitFor(async () => {
            expect((await store.history.list('prod', { limit: 5 })).items.length).toBeGreaterThan(0);
          }, 20_000);
          expect(connector.posts).toEqual([]);
          const { endpoint, ca } = server.target.target;
          const bob = new ApiManagementClient(sandboxUserCredential({ upn: 'bob@contoso.example' }), SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId, { endpoint, credentialScopes: [ARM_SCOPE], tlsOptions: { ca } });
          const current = await bob.apiManagementService.get('rg-payments-prod', 'apim-payments-prod-weu');
          await bob.apiManagementService.beginUpdateAndWait(
            'rg-payments-prod',
            'apim-payments-prod-weu',
            { customProperties: { ...current.customProperties, 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'True' } },
            { updateIntervalInMs: 5 },
          );
          await vi.waitFor(() => {
            expect(connector.posts).toHaveLength(1);
          }, 20_000);
          // Later checks find nothing new: still one alert.
          const snapshots = (await store.history.list('prod', { limit: 50 })).items.length;
          await vi.waitFor(async () => {
            expect((await store.history.list('prod', { limit: 50 })).items.length).toBeGreaterThan(snapshots);
          }, 20_000);
          expect(connector.posts).toHaveLength(1);
        },
        { checkEveryInMs: 200, intervalInMs: 1_500 },
      );
      const text = JSON.stringify(connector.posts[0]?.body);
      expect(text).toContain('prod got worse');
      expect(text).toContain('APIM-001');
      expect(text).toContain('bob@contoso.example changed');
      expect(text).toContain('"verb":"rowFix"');
      expect(text).toContain('SANDBOX');
    } finally {
      connector.server.close();
    }
  }, 60_000);
});
