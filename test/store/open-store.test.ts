import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeConfigFromEnv } from '../../src/store/config.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { startAzurite } from './azurite.js';

const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const roots: string[] = [];

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => { done(); }));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function expectOneLineUnavailable(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  const message = (error as Error).message;
  expect(message).toMatch(pattern);
  expect(message).not.toContain('\n');
  expect(message).not.toContain(KEY);
}

describe('openStore', () => {
  it('opens the file store from the environment and pings it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'apim-open-'));
    roots.push(directory);
    const store = await openStore(storeConfigFromEnv({ APIM_POSTURE_DATA: directory }));
    expect(store).toMatchObject({ backend: 'file', location: directory });
    await store.ping();
  });

  it('fails fast with one line when the storage account does not answer', async () => {
    const port = await closedPort();
    const connectionString = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
    const started = Date.now();
    await expectOneLineUnavailable(
      openStore(storeConfigFromEnv({ APIM_POSTURE_STORAGE_CONNECTION_STRING: connectionString }), { timeoutInMs: 3000 }),
      new RegExp(`^cannot use Azure Storage at http://127\\.0\\.0\\.1:${port}/devstoreaccount1: .*ECONNREFUSED`),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('opens Azurite from the environment, and ping fails once it stops', async () => {
    const azurite = await startAzurite();
    try {
      const store = await openStore(storeConfigFromEnv({ APIM_POSTURE_STORAGE_CONNECTION_STRING: azurite.connectionString, APIM_POSTURE_STORAGE_PREFIX: 'opentest' }), { timeoutInMs: 3000 });
      expect(store.backend).toBe('azure');
      expect(store.location).toBe(`Azure Storage (tables ${azurite.tableUrl}, blobs ${azurite.blobUrl}, prefix opentest)`);
      await store.ping();
      await azurite.stop();
      await expectOneLineUnavailable(store.ping(), /^cannot use Azure Storage at http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1: /);
    } finally {
      await azurite.stop();
    }
  }, 40_000);
});
