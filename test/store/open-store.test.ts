import { createServer, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeConfigFromEnv } from '../../src/store/config.js';
import { StoreConfigError, StoreUnavailableError } from '../../src/store/errors.js';
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

  it('reports a connection string the SDK cannot parse as configuration, without its key', async () => {
    const malformed = `AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:1/a;TableEndpoint=http://127.0.0.1:1/a;`;
    const error = await openStore(storeConfigFromEnv({ APIM_POSTURE_STORAGE_CONNECTION_STRING: malformed })).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(StoreConfigError);
    expect((error as Error).message).toMatch(/^cannot use the Azure Storage configuration: /);
    expect((error as Error).message).not.toContain(KEY);
  });

  it('gives up on an endpoint that accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const endpoint = `http://127.0.0.1:${address.port}/devstoreaccount1`;
    try {
      const started = Date.now();
      await expectOneLineUnavailable(
        openStore(storeConfigFromEnv({ APIM_POSTURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=${endpoint};TableEndpoint=${endpoint};` }), { timeoutInMs: 1000 }),
        /^cannot use Azure Storage at http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1: .*abort/i,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => silent.close(() => { done(); }));
    }
  });

  it('opens Azurite from the environment, and ping fails once it stops', async () => {
    const azurite = await startAzurite();
    try {
      const store = await openStore(storeConfigFromEnv({ APIM_POSTURE_STORAGE_CONNECTION_STRING: azurite.connectionString, APIM_POSTURE_STORAGE_PREFIX: 'opentest' }), { timeoutInMs: 3000 });
      expect(store.backend).toBe('azure');
      expect(store.location).toBe(`Azure Storage (tables ${azurite.tableUrl}, blobs ${azurite.blobUrl}, prefix opentest)`);
      await store.ping();

      // Tables answer, blobs do not: start-up still fails fast, naming the blob endpoint.
      const port = await closedPort();
      const noBlobs = azurite.connectionString.replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1`);
      const started = Date.now();
      await expectOneLineUnavailable(
        openStore(storeConfigFromEnv({ APIM_POSTURE_STORAGE_CONNECTION_STRING: noBlobs }), { timeoutInMs: 3000 }),
        new RegExp(`^cannot use Azure Storage at http://127\\.0\\.0\\.1:${port}/devstoreaccount1: .*ECONNREFUSED`),
      );
      expect(Date.now() - started).toBeLessThan(5000);

      await azurite.stop();
      await expectOneLineUnavailable(store.ping(), /^cannot use Azure Storage at http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1: /);
    } finally {
      await azurite.stop();
    }
  }, 40_000);
});
