import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startAuthenticatedBot, BOT_APP_ID, startFakeConnector, startKeyServer, TOKEN_ISSUER, type FakeConnector, type KeyServer } from '../support/bot-harness.js';
import { Dice, EstateFuzzer, PROTO_KEYS, prng, put } from './hostile-estates.js';

/**
 * Seeded hostile activities POSTed to a real bot server: valid tokens with broken bodies, invokes
 * with forged or malformed Action.Execute data, and unauthenticated requests. The server must
 * answer every one with 200, 400, 401, 413 or 415 — never 500 — and still answer `help` afterwards.
 *
 * Every serviceUrl used here is a loopback literal (the local fake connector, or a closed port on
 * 127.0.0.1 / [::1]): even "forged" cases must never make this machine send traffic off-box.
 */
const SEED = 0xac71_2026;
const CASES = Number(process.env["FUZZ_CASES"] ?? 240);
const ALLOWED = [200, 400, 401, 413, 415];

let keys: KeyServer;
let connector: FakeConnector;
let server: RunningServer;

beforeAll(async () => {
  keys = await startKeyServer();
  connector = await startFakeConnector();
  server = await startAuthenticatedBot(keys, { logger: pino({ level: process.env['FUZZ_LOG'] ?? 'silent' }) });
}, 30_000);

afterAll(async () => {
  await server.close();
  await connector.close();
  await keys.close();
});

interface Attempt {
  readonly label: string;
  /** An invoke other than adaptiveCard/action: 501 is a correct answer too. */
  readonly notImplemented?: boolean;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Loopback only: the fake connector most of the time, closed local ports for the forged cases. */
function loopbackServiceUrls(): string[] {
  const port = new URL(connector.serviceUrl).port;
  // Closed ports (127.0.0.1:9) and unknown paths are left out: a reply that cannot be delivered
  // fails the turn, which is a connector outage rather than hostile input (see the report).
  return [connector.serviceUrl, connector.serviceUrl, `http://127.0.0.1:${port}/`, 'http://[::1]:9/'];
}

class ActivityFuzzer {
  private readonly values: EstateFuzzer;
  private next = 0;

  constructor(private readonly dice: Dice) {
    this.values = new EstateFuzzer(dice);
  }

  text(): unknown {
    const d = this.dice;
    switch (d.int(10)) {
      case 0:
        return this.values.value();
      case 1:
        return `<at>APIM posture</at> ${this.values.string()}`;
      case 2:
        return `audit apim in ${d.pick(['prd', '__proto__', 'constructor', '\u202eprod', '', 'toString', '*', '..'])}`;
      case 3:
        return `explain ${d.pick(['APIM-999', 'APIM-0', 'constructor', '__proto__', 'APIM-024\u0000', 'apim-4'.repeat(100)])}`;
      case 4:
        return d.pick(['help', 'rules', 'last', 'HELP', ' help ', 'show findings', 'fix', 'next']);
      case 5:
        return d.pick(PROTO_KEYS);
      case 6:
        return 'x'.repeat(d.pick([10_000, 60_000, 200_000, 2_000_000]));
      case 7:
        return '\ud83d\ude00\u200d'.repeat(500) + '\ud800';
      default:
        return this.values.string();
    }
  }

  /** A Bot Framework activity with any field possibly wrong, missing or hostile. */
  activity(kind: 'message' | 'invoke', brokenEnvelope = this.dice.chance(0.35)): Record<string, unknown> {
    const d = this.dice;
    const serviceUrl = d.pick(loopbackServiceUrls());
    const out: Record<string, unknown> = {};
    // A third of the activities get wrong types in the envelope (these should end in 400); the rest
    // are well-formed around hostile text, mentions and invoke values, so they reach the handlers.
    const maybe = (good: () => unknown): unknown => (!brokenEnvelope || d.chance(0.75) ? good() : this.values.value());
    if (!brokenEnvelope || d.chance(0.95)) put(out, 'type', maybe(() => (d.chance(0.95) ? kind : d.pick(['conversationUpdate', 'messageReaction', 'typing', 'event', 'MESSAGE', ...PROTO_KEYS]))));
    if (d.chance(0.9)) put(out, 'id', maybe(() => `fuzz-${this.next++}`));
    if (!brokenEnvelope || d.chance(0.95)) put(out, 'channelId', maybe(() => d.pick(['msteams', 'msteams', 'emulator', 'webchat', '__proto__'])));
    if (!brokenEnvelope || d.chance(0.95)) put(out, 'serviceUrl', serviceUrl);
    if (!brokenEnvelope || d.chance(0.92)) put(out, 'from', maybe(() => ({ id: maybe(() => d.pick(['29:alex', '29:mallory', '', '__proto__'])), aadObjectId: maybe(() => '00000000-0000-0000-0000-000000000020'), name: maybe(() => this.values.string()) })));
    if (d.chance(0.95)) put(out, 'recipient', maybe(() => ({ id: `28:${BOT_APP_ID}`, name: 'APIM posture' })));
    if (!brokenEnvelope || d.chance(0.92)) {
      put(out, 'conversation', maybe(() => ({ id: maybe(() => d.pick(['a:fuzz-1', 'a:fuzz-2', '19:channel@thread.skype', '__proto__', 'constructor', 'a:' + 'z'.repeat(900)])), conversationType: maybe(() => d.pick(['personal', 'groupChat', 'channel'])), tenantId: maybe(() => 'tenant-1'), isGroup: maybe(() => d.chance(0.5)) })));
    }
    if (d.chance(0.5)) put(out, 'channelData', maybe(() => ({ tenant: maybe(() => ({ id: maybe(() => 'tenant-1') })), team: this.values.value() })));
    if (d.chance(0.3)) put(out, 'entities', maybe(() => [maybe(() => ({ type: 'mention', text: maybe(() => '<at>APIM posture</at>'), mentioned: maybe(() => ({ id: maybe(() => `28:${BOT_APP_ID}`), name: maybe(() => this.values.string()) })) }))]));
    if (d.chance(0.15)) put(out, 'replyToId', maybe(() => `activity-${d.int(50)}`));
    if (brokenEnvelope && d.chance(0.1)) put(out, 'attachments', this.values.value());
    if (d.chance(0.1)) put(out, d.pick(PROTO_KEYS), this.values.value());
    if (kind === 'message') {
      if (d.chance(0.9)) put(out, 'text', brokenEnvelope ? this.text() : String(this.text()));
      if (d.chance(0.2)) put(out, 'value', this.actionData());
    } else {
      put(out, 'name', maybe(() => d.pick(['adaptiveCard/action', 'adaptiveCard/action', 'composeExtension/query', 'task/fetch', 'signin/verifyState', '__proto__'])));
      if (d.chance(0.95)) put(out, 'value', this.invokeValue());
    }
    return out;
  }

  /** `value` of an adaptiveCard/action invoke: usually the Action.Execute shape with hostile data. */
  invokeValue(): unknown {
    const d = this.dice;
    if (d.chance(0.15)) return this.values.value();
    const action: Record<string, unknown> = {};
    if (d.chance(0.9)) put(action, 'type', d.chance(0.85) ? 'Action.Execute' : this.values.value());
    if (d.chance(0.9)) put(action, 'verb', d.chance(0.7) ? d.pick(['showFindings', 'fix', 'explain', 'refresh', 'page', 'approve', 'apply', 'delete', ...PROTO_KEYS]) : this.values.value());
    if (d.chance(0.9)) put(action, 'data', this.actionData());
    const value: Record<string, unknown> = {};
    put(value, 'action', d.chance(0.9) ? action : this.values.value());
    if (d.chance(0.7)) put(value, 'trigger', d.pick(['manual', 'automatic', '__proto__']));
    return value;
  }

  actionData(): unknown {
    const d = this.dice;
    if (d.chance(0.15)) return this.values.value();
    const data: Record<string, unknown> = {};
    // Forged refs: the right length and alphabet, prototype names, wrong types, long strings.
    if (d.chance(0.85)) put(data, 'ref', d.chance(0.6) ? d.pick(['AAAAAAAAAAAAAAAA', 'ref-1', '', '__proto__', 'constructor', 'toString', 'A'.repeat(5000), 'ZZZZZZZZZZZZZZZZ']) : this.values.value());
    if (d.chance(0.5)) put(data, 'page', d.chance(0.6) ? d.pick([0, -1, 1, 2, 1e308, 1.5, '2', 'NaN', null]) : this.values.value());
    if (d.chance(0.3)) put(data, 'minSeverity', d.chance(0.5) ? d.pick(['critical', 'high', 'HIGH', 'none', '__proto__', 'constructor']) : this.values.value());
    if (d.chance(0.3)) put(data, 'ruleId', d.pick(['APIM-024', 'APIM-999', 'constructor', '__proto__', 7]));
    if (d.chance(0.2)) put(data, 'verb', this.values.value());
    if (d.chance(0.2)) put(data, d.pick(PROTO_KEYS), this.values.value());
    if (d.chance(0.1)) {
      let nested: unknown = { deep: true };
      for (let i = 0; i < 200; i += 1) nested = { nested };
      put(data, 'nested', nested);
    }
    return data;
  }

  /** One HTTP request: mostly a valid token with a hostile body, some unauthenticated, some not JSON at all. */
  attempt(index: number): Attempt {
    const d = this.dice;
    const json = { 'content-type': 'application/json' };
    const roll = d.int(20);
    if (roll === 0) {
      return { label: 'raw body', headers: { ...json, authorization: `Bearer ${keys.validToken(connector.serviceUrl)}` }, body: d.pick(['', '{', 'null', '[]', '7', '"x"', '{"__proto__":{"type":"message"}}', '\u0000', '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}']) };
    }
    if (roll === 1) {
      return { label: 'other content type', headers: { 'content-type': d.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json-patch+json']) }, body: JSON.stringify(this.activity('message')) };
    }
    const kind = d.chance(0.5) ? 'message' : 'invoke';
    const body = JSON.stringify(this.activity(kind));
    if (roll < 6) {
      const now = Math.floor(Date.now() / 1000);
      const headers: Record<string, string>[] = [
        json,
        { ...json, authorization: 'Bearer not-a-jwt' },
        { ...json, authorization: `Bearer ${keys.sign({ iss: TOKEN_ISSUER, aud: BOT_APP_ID, serviceurl: connector.serviceUrl, exp: now + 600 }, { key: keys.foreignKey })}` },
        { ...json, authorization: `Bearer ${keys.sign({ iss: TOKEN_ISSUER, aud: BOT_APP_ID, serviceurl: connector.serviceUrl, nbf: now - 7200, exp: now - 3600 })}` },
        { ...json, authorization: `Bearer ${keys.sign({ iss: TOKEN_ISSUER, aud: 'someone-else', serviceurl: connector.serviceUrl, exp: now + 600 })}` },
        { ...json, authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      ];
      return { label: `unauthenticated ${kind} #${index}`, headers: d.pick(headers), body: JSON.stringify(this.activity(kind, false)) };
    }
    // A valid token for the activity's own (loopback) serviceUrl, so the hostile body reaches the handlers.
    const claimed = (JSON.parse(body) as { serviceUrl?: unknown }).serviceUrl;
    const tokenUrl = typeof claimed === 'string' ? claimed : connector.serviceUrl;
    const parsed = JSON.parse(body) as { type?: unknown; name?: unknown };
    // botbuilder answers an invoke it has no handler for (task/fetch, …) with 501 Not Implemented, as the Bot Framework protocol says.
    const notImplemented = parsed.type === 'invoke' && parsed.name !== 'adaptiveCard/action';
    return { label: `authenticated ${kind} #${index} (${String(parsed.name).slice(0, 40)})`, notImplemented, headers: { ...json, authorization: `Bearer ${keys.validToken(tokenUrl)}` }, body };
  }
}

describe('hostile activities at /api/messages (seeded fuzzing)', () => {
  it(`answers ${CASES} generated requests with 200/400/401/413/415, never 500, and keeps serving`, async () => {
    const fuzz = new ActivityFuzzer(new Dice(prng(SEED)));
    const attempts = Array.from({ length: CASES }, (_, index) => fuzz.attempt(index));
    // Nothing generated may name a host other than loopback: the bot replies to serviceUrl.
    for (const { body } of attempts) {
      for (const [, host] of body.matchAll(/:\/\/(?:[^@"\\/\s]{0,200}@)?(\[[^\]]{0,60}\]|[^"\\/\s:?#]{1,300})/g)) expect(host).toMatch(/^(127\.0\.0\.1|\[::1\])$/);
    }

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    // A few at a time: enough to interleave turns, few enough for a 2-core machine.
    for (let start = 0; start < attempts.length; start += 4) {
      const batch = attempts.slice(start, start + 4);
      const responses = await Promise.all(
        batch.map(async ({ label, body, headers, notImplemented }) => {
          try {
            // A request the server never answers is a failure too, not a hung test.
            const response = await fetch(`${server.url}/api/messages`, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
            const text = await response.text();
            return { label, status: response.status, text, notImplemented };
          } catch (error) {
            return { label, status: 0, text: `no answer: ${String(error)} (body ${body.slice(0, 300)})`, notImplemented };
          }
        }),
      );
      for (const { label, status, text, notImplemented } of responses) {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (!ALLOWED.includes(status) && !(status === 501 && notImplemented === true)) failures.push(`${label}: ${status} ${text.slice(0, 300)}`);
        if (process.env['FUZZ_LOG'] !== undefined && status === 400) console.error(`400 ${label}: ${text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    // The mix must really reach every branch, or the fuzzer tests little.
    const mix = JSON.stringify([...statuses]);
    expect(statuses.get(200) ?? 0, mix).toBeGreaterThan(CASES * 0.05);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(415) ?? 0).toBeGreaterThan(0);

    // Still up: health, and a plain `help` gets its reply on the fake connector.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const help = {
      type: 'message',
      id: 'after-the-storm',
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      from: { id: '29:alex', aadObjectId: '00000000-0000-0000-0000-000000000020' },
      recipient: { id: `28:${BOT_APP_ID}` },
      conversation: { id: 'a:after-fuzz', conversationType: 'personal', tenantId: 'tenant-1' },
      text: 'help',
    };
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.validToken(connector.serviceUrl)}` },
      body: JSON.stringify(help),
    });
    expect(response.status).toBe(200);
    const reply = await connector.waitFor((call) => call.conversationId === 'a:after-fuzz' && call.method === 'POST', 10_000);
    expect(JSON.stringify(reply.body)).toMatch(/audit apim/i);
  }, 90_000);
});

describe('regressions found by the activity fuzzer (each was a 500)', () => {
  const base = (): Record<string, unknown> => ({
    type: 'message',
    id: 'regression',
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from: { id: '29:alex' },
    recipient: { id: `28:${BOT_APP_ID}` },
    conversation: { id: 'a:regression', conversationType: 'personal' },
    text: 'help',
  });
  it.each([
    ['text that is a number (mention stripping called replace on it)', { text: 42 }],
    ['conversation.isGroup that is not a boolean (reply serialisation threw)', { conversation: { id: 'a:regression', isGroup: 0 } }],
    ['from.name that is an object (copied into the reply as recipient)', { from: { id: '29:alex', name: {} } }],
    ['no recipient (the mention scan reads recipient.id)', { recipient: undefined }],
    ['a mention entity without a mentioned account', { entities: [{ type: 'mention', text: '<at>x</at>' }] }],
    ['an entity without a type', { entities: [{ text: 'x' }] }],
    ['an adaptiveCard/action invoke without value.action', { type: 'invoke', name: 'adaptiveCard/action', value: { trigger: 'manual' } }],
    ['an adaptiveCard/action invoke with a null value', { type: 'invoke', name: 'adaptiveCard/action', value: null }],
  ])('%s: 400', async (_label, overrides) => {
    const response = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.validToken(connector.serviceUrl)}` },
      body: JSON.stringify({ ...base(), ...overrides }),
    });
    expect(response.status).toBe(400);
  });
});
