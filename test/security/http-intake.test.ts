import { generateKeyPairSync } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startAuthenticatedBot, BOT_APP_ID, startFakeConnector, startKeyServer, TOKEN_ISSUER, type FakeConnector, type KeyServer } from '../support/bot-harness.js';

/**
 * What reaches /api/messages before authentication: content types, sizes, malformed activities,
 * forged service URLs, tokens without expiry, and the log volume an unauthenticated flood causes.
 */
let keys: KeyServer;
let connector: FakeConnector;
let server: RunningServer;
const logLines: Record<string, unknown>[] = [];
/** What reached the process console (stderr) instead of the structured log. */
const consoleWrites: unknown[][] = [];
const realConsoleError = console.error;

beforeAll(async () => {
  // Stands in for stderr before the bot wraps the console, so that writes botbuilder makes on its
  // own (bypassing the structured log) are seen here.
  console.error = (...args: unknown[]) => void consoleWrites.push(args);
  keys = await startKeyServer();
  connector = await startFakeConnector();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  server = await startAuthenticatedBot(keys, { logger: pino({ level: 'info' }, sink) });
}, 30_000);

afterAll(async () => {
  console.error = realConsoleError;
  await server.close();
  await connector.close();
  await keys.close();
});

function activity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: 'incoming-1',
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: { id: '29:alex', aadObjectId: '00000000-0000-0000-0000-000000000020' },
    recipient: { id: `28:${BOT_APP_ID}` },
    conversation: { id: 'a:security', conversationType: 'personal', tenantId: 'tenant-1' },
    text: 'help',
    ...overrides,
  };
}

async function post(body: string | Uint8Array, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/api/messages`, { method: 'POST', headers, body });
}

const json = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ ...json, authorization: `Bearer ${token}` });

describe('POST /api/messages before authentication', () => {
  it('refuses other content types with 415 and writes nothing to the temp folder', async () => {
    const before = new Set(readdirSync(tmpdir()));
    const boundary = 'x-boundary';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${'A'.repeat(2 * 1024 * 1024)}\r\n--${boundary}--\r\n`;
    const responses = await Promise.all([
      post(multipart, { 'content-type': `multipart/form-data; boundary=${boundary}` }),
      post('a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' }),
      post('hello', { 'content-type': 'text/plain' }),
      post(JSON.stringify(activity()), {}),
    ]);
    expect(responses.map((r) => r.status)).toEqual([415, 415, 415, 415]);
    const created = readdirSync(tmpdir()).filter((name) => !before.has(name));
    // Other tests may create their own scratch folders; none of ours are upload files.
    expect(created.filter((name) => /^upload_|^tmp-|\.bin$/.test(name))).toEqual([]);
  });

  it('refuses bodies over the limit with 413, declared or streamed', async () => {
    const big = JSON.stringify({ ...activity(), text: 'x'.repeat(400 * 1024) });
    expect((await post(big, json)).status).toBe(413);
    // Without a content length (chunked), the running count stops it.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(16 * 1024)));
        controller.close();
      },
    });
    const chunked = await fetch(`${server.url}/api/messages`, { method: 'POST', headers: json, body: stream, duplex: 'half' });
    expect(chunked.status).toBe(413);
  });

  it('answers malformed JSON and invalid activities with 400, never 500', async () => {
    const token = keys.validToken(connector.serviceUrl);
    const cases: string[] = ['{"type":', '[]', 'null', '{}', JSON.stringify({ type: 'message' }), JSON.stringify(activity({ conversation: {} })), JSON.stringify(activity({ serviceUrl: 42 })), JSON.stringify(activity({ from: undefined }))];
    for (const body of cases) {
      const response = await post(body, bearer(token));
      expect(response.status, body).toBe(400);
      const text = await response.text();
      expect(text).not.toMatch(/at .*\.js:\d+/);
    }
  });

  it('refuses a serviceUrl outside the connector hosts even with a valid token', async () => {
    // Loopback literals only: with the guard removed, the bot's reply must still not leave this machine.
    const port = new URL(connector.serviceUrl).port;
    for (const serviceUrl of [`http://127.0.0.2:${port}/`, `http://[::1]:${port}/`, `http://user:pw@127.0.0.1:${port}/`]) {
      const response = await post(JSON.stringify(activity({ serviceUrl, id: `forged-${serviceUrl}` })), bearer(keys.validToken(serviceUrl)));
      expect(response.status, serviceUrl).toBe(400);
    }
  });

  it('refuses a correctly signed token without an expiry', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noExp = keys.sign({ iss: TOKEN_ISSUER, aud: BOT_APP_ID, serviceurl: connector.serviceUrl, nbf: now - 60, iat: now - 60 });
    expect((await post(JSON.stringify(activity()), bearer(noExp))).status).toBe(401);
    // The same claims with an expiry are accepted, so the refusal is about the expiry alone.
    const withExp = keys.sign({ iss: TOKEN_ISSUER, aud: BOT_APP_ID, serviceurl: connector.serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 600 });
    expect((await post(JSON.stringify(activity({ id: 'incoming-2' })), bearer(withExp))).status).toBe(200);
  });

  it('logs an unauthenticated flood at a bounded rate, through the structured logger', async () => {
    const before = logLines.filter((line) => line['msg'] === 'request rejected').length;
    for (let i = 0; i < 120; i += 1) {
      const response = await post(JSON.stringify(activity({ id: `flood-${i}` })), bearer('not-a-token'));
      expect(response.status).toBe(401);
    }
    const rejected = logLines.filter((line) => line['msg'] === 'request rejected').length - before;
    expect(rejected).toBeGreaterThan(0);
    expect(rejected).toBeLessThanOrEqual(20);
  });

  it("keeps botbuilder's console output for refused tokens off stderr, logged at a bounded rate", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { privateKey: strangerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const claims = { iss: TOKEN_ISSUER, aud: BOT_APP_ID, serviceurl: connector.serviceUrl, nbf: now - 600, iat: now - 600 };
    const writesBefore = consoleWrites.length;
    const linesBefore = logLines.filter((line) => line['msg'] === 'botbuilder console output').length;
    for (let i = 0; i < 60; i += 1) {
      // A token signed by a key the bot does not trust, and a correctly signed but expired one:
      // botbuilder prints a line (or a stack trace) for each.
      const stranger = keys.sign({ ...claims, exp: now + 600 }, { key: strangerKey });
      const expired = keys.sign({ ...claims, exp: now - 300 });
      expect((await post(JSON.stringify(activity({ id: `stranger-${i}` })), bearer(stranger))).status).toBe(401);
      expect((await post(JSON.stringify(activity({ id: `expired-${i}` })), bearer(expired))).status).toBe(401);
    }
    expect(consoleWrites.slice(writesBefore)).toEqual([]);
    const routed = logLines.filter((line) => line['msg'] === 'botbuilder console output').slice(linesBefore);
    expect(routed.length).toBeGreaterThan(0);
    expect(routed.length).toBeLessThanOrEqual(20);
    // One line each, never a stack trace.
    for (const line of routed) expect(String(line['line'])).not.toMatch(/\n|\s+at /);
  });
});
