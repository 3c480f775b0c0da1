import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availablePort } from '../../src/http/ports.js';
import { startFakeConnector, type FakeConnector } from '../support/bot-harness.js';
import { REPO_ROOT } from '../support/cli.js';
import { startAzurite, type Azurite } from '../store/azurite.js';

/**
 * Two `npm start` processes (dist/server.js) on one store (files, or Azurite), in local anonymous mode on
 * loopback: a button on a card the first one posted is answered by the second, and by a third
 * started after the first has stopped. Every process is stopped at the end.
 */
let connector: FakeConnector;
let azurite: Azurite;
const processes: ChildProcess[] = [];
/** The store settings every process of one test shares. */
let storeEnv: Record<string, string> = {};

async function startBot(): Promise<{ url: string; child: ChildProcess }> {
  const port = await availablePort(0);
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'server.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', MicrosoftAppId: '', APIM_POSTURE_TARGET: '', ...storeEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  processes.push(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('the bot did not start within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  azurite = await startAzurite();
}, 60_000);

afterAll(async () => {
  for (const child of processes) await stop(child);
  await connector.close();
  await azurite.stop();
});

const BACKENDS: readonly [string, () => Record<string, string>][] = [
  ['one data directory', () => ({ APIM_POSTURE_STORE: 'file', APIM_POSTURE_DATA: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') })],
  ['one Azurite', () => ({ APIM_POSTURE_STORE: 'azure', APIM_POSTURE_STORAGE_CONNECTION_STRING: azurite.connectionString, APIM_POSTURE_STORAGE_PREFIX: `t${randomBytes(6).toString('hex')}` })],
];

function activity(conversation: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'message',
    id: `incoming-${Math.random().toString(36).slice(2)}`,
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: { id: '29:alex', aadObjectId: '00000000-0000-0000-0000-000000000020' },
    recipient: { id: '28:bot' },
    conversation: { id: conversation, conversationType: 'personal' },
    ...fields,
  };
}

async function post(url: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const cardText = (call: { body: Record<string, unknown> }): string => JSON.stringify(call.body['attachments'] ?? []);

describe.each(BACKENDS)('two bot processes on %s', (name, makeEnv) => {
  it('a button posted by one is answered by the other, and by a third after the first stopped', async () => {
    storeEnv = makeEnv();
    const [first, second] = await Promise.all([startBot(), startBot()]);
    const conversation = `a:two-processes-${name.replace(/\W+/g, '-')}`;
    expect((await post(first.url, activity(conversation, { text: 'audit apim-payments-legacy' }))).status).toBe(200);
    const summary = await connector.waitFor((c) => c.conversationId === conversation && c.method === 'PUT' && cardText(c).includes('score'), 45_000);
    const ref = /"verb":"showFindings","data":\{"ref":"([^"]+)"/.exec(cardText(summary))?.[1];
    expect(ref).toMatch(/^[A-Za-z0-9_-]{16,64}\.b\d+$/);
    const click = (url: string) =>
      post(url, activity(conversation, { type: 'invoke', name: 'adaptiveCard/action', replyToId: summary.id, value: { action: { type: 'Action.Execute', verb: 'showFindings', data: { ref, page: 1 } }, trigger: 'manual' } }));

    const answer = await click(second.url);
    expect(answer.status).toBe(200);
    expect(JSON.stringify(await answer.json())).toContain('Findings are listed below');

    await stop(first.child);
    const third = await startBot();
    const again = await click(third.url);
    expect(JSON.stringify(await again.json())).toContain('Findings are listed below');
  }, 120_000);
});
