import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { openStore, type Store } from '../../src/store/index.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** /healthz reports whether the store answers, and only that: no identity, no target, no location. */
async function health(store: Store | undefined): Promise<{ status: number; body: Record<string, unknown> }> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    config: await loadConfig(undefined, {}),
    bot: { appId: '', appType: 'MultiTenant' },
    logger: pino({ level: 'silent' }),
    ...(store === undefined ? {} : { store }),
  });
  try {
    const response = await fetch(`${server.url}/healthz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } finally {
    await server.close();
  }
}

describe('/healthz and the store', () => {
  it('says the store answers when it does', async () => {
    const store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
    const answer = await health(store);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', version: VERSION, store: 'ok' });
    expect(JSON.stringify(answer.body)).not.toContain(store.location);
  }, 30_000);

  it('answers 503 "degraded" when the store does not, without saying more', async () => {
    const store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
    const broken: Store = { ...store, ping: () => Promise.reject(new Error('disk on fire at /secret/path')) };
    const answer = await health(broken);
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ status: 'degraded', version: VERSION, store: 'unreachable' });
  }, 30_000);

  it('without a store, liveness only', async () => {
    expect((await health(undefined)).body).toEqual({ status: 'ok', version: VERSION });
  }, 30_000);
});
