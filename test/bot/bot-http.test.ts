import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startAuthenticatedBot, BOT_APP_ID, startFakeConnector, startKeyServer, TOKEN_ISSUER, type FakeConnector, type KeyServer } from '../support/bot-harness.js';

/**
 * The bot over HTTP as Teams would reach it: activities POSTed to /api/messages with Bot Framework
 * tokens signed at test time by a local key server; replies and card updates land on a local fake
 * connector. Nothing of botbuilder or of our code is mocked; audits run against the sandbox.
 */
let keys: KeyServer;
let connector: FakeConnector;
let server: RunningServer;
let nextId = 1;

beforeAll(async () => {
  keys = await startKeyServer();
  connector = await startFakeConnector();
  server = await startAuthenticatedBot(keys);
}, 30_000);

afterAll(async () => {
  await server.close();
  await connector.close();
  await keys.close();
});

type Conversation = 'personal' | 'groupChat' | 'channel';

const ALEX = { id: '29:alex', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-000000000020' };

function activity(text: string, conversationId: string, kind: Conversation = 'personal', from: Record<string, string> = ALEX): Record<string, unknown> {
  return {
    type: 'message',
    id: `incoming-${nextId++}`,
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    from,
    recipient: { id: `28:${BOT_APP_ID}`, name: 'APIM posture' },
    conversation: { id: conversationId, conversationType: kind, tenantId: 'tenant-1', ...(kind === 'personal' ? {} : { isGroup: true }) },
    text: kind === 'channel' ? `<at>APIM posture</at> ${text}` : text,
    ...(kind === 'channel' ? { entities: [{ type: 'mention', text: '<at>APIM posture</at>', mentioned: { id: `28:${BOT_APP_ID}`, name: 'APIM posture' } }] } : {}),
    channelData: { tenant: { id: 'tenant-1' } },
  };
}

/** Posts with a valid token unless one is given; `null` sends no Authorization header at all. */
async function post(body: Record<string, unknown>, token?: string | null): Promise<Response> {
  const bearer = token === undefined ? keys.validToken(connector.serviceUrl) : token;
  return fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }) },
    body: JSON.stringify(body),
  });
}

function cardOf(call: { body: Record<string, unknown> }): Record<string, unknown> {
  const attachments = call.body['attachments'] as { content: Record<string, unknown> }[] | undefined;
  return attachments?.[0]?.content ?? {};
}

function textOf(card: unknown): string {
  return JSON.stringify(card);
}

describe('bot over HTTP', () => {
  it('answers "audit apim in prod" at once with a progress card, then replaces it with the summary and scope echo', async () => {
    const conversation = 'a:conv-audit';
    const response = await post(activity('audit apim in prod', conversation));
    expect(response.status).toBe(200);
    const progress = await connector.waitFor((c) => c.conversationId === conversation && c.method === 'POST');
    expect(textOf(cardOf(progress))).toContain('prod');
    expect(progress.authorization).toBe('Bearer outbound-test-token');
    const final = await connector.waitFor((c) => c.conversationId === conversation && c.method === 'PUT' && textOf(cardOf(c)).includes('score'));
    expect(final.activityId).toBe(progress.id);
    const summary = textOf(cardOf(final));
    expect(summary).toMatch(/prod = \d+ services in 2 subscriptions \(payments-prod, identity-prod\)/);
    expect(summary).toContain('Action.Execute');
  }, 30_000);

  it('works in channels, where the bot is @mentioned', async () => {
    const conversation = '19:channel@thread.tacv2';
    expect((await post(activity('explain APIM-004', conversation, 'channel'))).status).toBe(200);
    const reply = await connector.waitFor((c) => c.conversationId === conversation);
    expect(textOf(cardOf(reply))).toContain('APIM-004');
  });

  it('works in group chats', async () => {
    const conversation = '19:group-chat@thread.v2';
    expect((await post(activity('rules', conversation, 'groupChat'))).status).toBe(200);
    const reply = await connector.waitFor((c) => c.conversationId === conversation);
    expect(textOf(cardOf(reply))).toContain('APIM-040');
  });

  it('catches a mistyped environment before anything runs', async () => {
    const conversation = 'a:conv-prd';
    await post(activity('audit apim in prd', conversation));
    const reply = await connector.waitFor((c) => c.conversationId === conversation);
    expect(textOf(cardOf(reply))).toContain('Did you mean prod?');
  });

  it('a service that matches nothing gets a clear message with a suggestion, not a summary with "no findings"', async () => {
    const conversation = 'a:conv-typo-service';
    await post(activity('audit service apim-paymnts in prod', conversation));
    const progress = await connector.waitFor((c) => c.conversationId === conversation && c.method === 'POST');
    const final = await connector.waitFor((c) => c.conversationId === conversation && c.method === 'PUT' && textOf(cardOf(c)).includes('APIM service named'));
    expect(final.activityId).toBe(progress.id);
    const text = textOf(cardOf(final));
    expect(text).toContain("No APIM service named 'apim-paymnts' in prod; did you mean apim-payments-legacy, apim-payments-prod-weu or apim-payments-prod-eus2?");
    expect(text).not.toContain('No open findings');
    expect(text).not.toContain('score');
    // The only buttons are the suggested audits, run as if typed.
    const buttons = [...text.matchAll(/"verb":"(\w+)","data":\{"text":"([^"]+)"/g)].map((match) => [match[1], match[2]]);
    expect(buttons).toEqual([
      ['command', 'audit apim-payments-legacy'],
      ['command', 'audit apim-payments-prod-weu'],
      ['command', 'audit apim-payments-prod-eus2'],
    ]);
    expect(text.match(/Action\.Execute/g)).toHaveLength(3);
  }, 30_000);

  it('an environment that matches no service is a clear message too', async () => {
    const conversation = 'a:conv-empty-env';
    await post(activity('audit apim in test', conversation));
    const final = await connector.waitFor((c) => c.conversationId === conversation && c.method === 'PUT' && textOf(cardOf(c)).includes('matched no API Management service'));
    const text = textOf(cardOf(final));
    expect(text).toContain('Test matched no API Management service in 4 subscriptions');
    expect(text).not.toContain('No open findings');
  }, 30_000);

  it('answers unknown input with help and the closest command', async () => {
    const conversation = 'a:conv-help';
    await post(activity('audti apim', conversation));
    const reply = await connector.waitFor((c) => c.conversationId === conversation);
    expect(textOf(cardOf(reply))).toContain('audit apim in prod');
  });

  it('runs two audits at once in one conversation, and many across conversations, all to completion', async () => {
    const conversations = Array.from({ length: 50 }, (_, i) => `a:conv-many-${i}`);
    // One person each: the per-user limit is not what this test is about.
    const person = (i: number) => ({ id: `29:person-${i}`, name: `Person ${i}` });
    await Promise.all([
      ...conversations.map((c, i) => post(activity('audit apim in dev', c, 'personal', person(i)))),
      post(activity('audit apim in prod', conversations[0] ?? '', 'personal', person(0))),
    ]);
    for (const conversation of conversations) {
      await connector.waitFor((c) => c.conversationId === conversation && c.method === 'PUT' && textOf(cardOf(c)).includes('score'), 120_000);
    }
    // 51 audits, 4 at a time: the others were queued, and their cards said so before the result replaced them.
    expect(connector.calls.some((c) => c.method === 'PUT' && textOf(cardOf(c)).includes('Queued: 4 audits are running'))).toBe(true);
    for (const conversation of conversations.slice(1)) {
      const edits = connector.calls.filter((c) => c.conversationId === conversation && c.method === 'PUT');
      expect(textOf(cardOf(edits.at(-1) ?? { body: {} }))).toContain('score');
    }
    const first = connector.calls.filter((c) => c.conversationId === conversations[0] && c.method === 'PUT' && textOf(cardOf(c)).includes('score'));
    await expect.poll(() => connector.calls.filter((c) => c.conversationId === conversations[0] && c.method === 'PUT' && textOf(cardOf(c)).includes('score')).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(first.length).toBeGreaterThanOrEqual(1);
  }, 150_000);

  it('refuses a third audit from one user while two of theirs are running, and starts nothing for it', async () => {
    const casey = { id: '29:casey', name: 'Casey Jensen', aadObjectId: '00000000-0000-0000-0000-000000000031' };
    const [one, two, three] = ['a:conv-limit-1', 'a:conv-limit-2', 'a:conv-limit-3'] as const;
    // The two audits' card edits are not answered yet, so both are still running when the third arrives.
    const release = connector.hold((c) => c.method === 'PUT' && (c.conversationId === one || c.conversationId === two));
    try {
      await Promise.all([post(activity('audit apim in dev', one, 'personal', casey)), post(activity('audit apim in prod', two, 'personal', casey))]);
      await connector.waitFor((c) => c.conversationId === one && c.method === 'PUT');
      await connector.waitFor((c) => c.conversationId === two && c.method === 'PUT');
      expect((await post(activity('audit apim in dev', three, 'personal', casey))).status).toBe(200);
      const refusal = await connector.waitFor((c) => c.conversationId === three);
      expect(textOf(cardOf(refusal))).toMatch(/Already running for you: audit of (dev|prod), audit of (dev|prod) \(2 at a time\)\. Try again when one finishes\./);
      // A teammate in the same conversation is not held up by Casey's limit.
      await post(activity('audit apim in dev', three, 'personal', { id: '29:drew', name: 'Drew' }));
      await connector.waitFor((c) => c.conversationId === three && c.method === 'PUT' && textOf(cardOf(c)).includes('score'));
    } finally {
      release();
    }
    for (const conversation of [one, two]) await connector.waitFor((c) => c.conversationId === conversation && c.method === 'PUT' && textOf(cardOf(c)).includes('score'));
    // Nothing was started for the refused request: one refusal, then Drew's progress card and its edits only.
    const posts = connector.calls.filter((c) => c.conversationId === three && c.method === 'POST');
    expect(posts).toHaveLength(2);
    // Once Casey's audits are done, Casey may audit again.
    await post(activity('audit apim in dev', three, 'personal', casey));
    await expect.poll(() => connector.calls.filter((c) => c.conversationId === three && c.method === 'PUT' && textOf(cardOf(c)).includes('score')).length, { timeout: 20_000 }).toBe(2);
  }, 60_000);

  describe('rejects requests without a valid Bot Framework token, before any handler runs', () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: TOKEN_ISSUER, aud: BOT_APP_ID, nbf: now - 60, iat: now - 60, exp: now + 600 };
    it.each([
      ['missing', () => null],
      ['forged (signed with another key under the published key id)', () => keys.sign({ ...claims, serviceurl: connector.serviceUrl }, { key: keys.foreignKey })],
      ['forged (unknown key id)', () => keys.sign({ ...claims, serviceurl: connector.serviceUrl }, { key: keys.foreignKey, kid: 'not-published' })],
      ['expired', () => keys.sign({ ...claims, serviceurl: connector.serviceUrl, nbf: now - 7200, iat: now - 7200, exp: now - 3600 })],
      ['for another audience', () => keys.sign({ ...claims, aud: '11111111-2222-3333-4444-555555555555', serviceurl: connector.serviceUrl })],
      ['for another service URL', () => keys.sign({ ...claims, serviceurl: 'https://smba.example.invalid/' })],
    ])('%s token → 401', async (_name, token) => {
      const conversation = `a:conv-401-${_name}`;
      const response = await post(activity('help', conversation), token());
      expect(response.status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(connector.calls.some((c) => c.conversationId === conversation)).toBe(false);
    });
  });

  it('answers Show findings and Fix below the cards they were clicked on, keeping those cards whole, and refuses forged refs', async () => {
    const conversation = 'a:conv-fix';
    await post(activity('audit apim-payments-legacy', conversation));
    const final = await connector.waitFor((c) => c.conversationId === conversation && c.method === 'PUT' && textOf(cardOf(c)).includes('score'), 30_000);
    const summary = textOf(cardOf(final));
    const showRef = /"verb":"showFindings","data":\{"ref":"([^"]+)"/.exec(summary)?.[1];
    expect(showRef).toBeDefined();
    const invoke = (data: Record<string, unknown>, verb: string, replyToId = final.id) =>
      post({ ...activity('', conversation), type: 'invoke', name: 'adaptiveCard/action', text: undefined, replyToId, value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } });
    const postedBefore = connector.calls.length;
    const findings = await invoke({ ref: showRef, page: 1 }, 'showFindings');
    expect(findings.status).toBe(200);
    const findingsBody = (await findings.json()) as { type: string; value: unknown };
    expect(findingsBody.type).toBe('application/vnd.microsoft.card.adaptive');
    // The clicked summary comes back whole (scope, score) and says the findings are below …
    const summaryAgain = textOf(findingsBody.value);
    expect(summaryAgain).toContain('Scope:');
    expect(summaryAgain).toContain('score');
    expect(summaryAgain).toContain('Findings are listed below');
    // … for everyone: the original message is edited to the same card.
    const edit = await connector.waitFor((c) => c.conversationId === conversation && c.method === 'PUT' && c.activityId === final.id && textOf(cardOf(c)).includes('listed below'));
    expect(cardOf(edit)).toEqual(findingsBody.value);
    // The finding cards arrive as new messages.
    const posted = connector.calls.slice(postedBefore).filter((c) => c.conversationId === conversation && c.method === 'POST');
    const findingCard = posted.find((c) => textOf(cardOf(c)).includes('"verb":"fix"'));
    expect(findingCard).toBeDefined();
    const findingText = textOf(cardOf(findingCard ?? { body: {} }));
    const fixRef = /"verb":"fix","data":\{"ref":"([^"]+)"/.exec(findingText)?.[1];
    expect(fixRef).toBeDefined();
    const beforeFix = connector.calls.length;
    const fix = (await (await invoke({ ref: fixRef }, 'fix', findingCard?.id)).json()) as { value: unknown };
    // The finding card stays exactly as it was; the plan is a new message below it.
    expect(fix.value).toEqual(cardOf(findingCard ?? { body: {} }));
    const plan = connector.calls.slice(beforeFix).find((c) => c.conversationId === conversation && c.method === 'POST');
    const fixText = textOf(cardOf(plan ?? { body: {} }));
    expect(fixText).toMatch(/PATCH|PUT/);
    expect(fixText).toContain('Nothing was changed');
    // The request URL names the audited target's ARM host (here the sandbox), whole.
    expect(fixText).toMatch(/"text":"https:\/\/127\.0\.0\.1:\d+\/subscriptions\/[^"]+\?api-version=\d{4}-\d{2}-\d{2}(-preview)?"/);
    const forged = (await (await invoke({ ref: 'AAAAAAAAAAAAAAAA' }, 'fix')).json()) as { value: unknown };
    expect(textOf(forged.value)).toContain('expired or belongs to another conversation');
    // A real ref, replayed from another conversation, is refused too.
    const elsewhere = await post({
      ...activity('', 'a:conv-fix-elsewhere'),
      type: 'invoke',
      name: 'adaptiveCard/action',
      text: undefined,
      value: { action: { type: 'Action.Execute', verb: 'fix', data: { ref: fixRef } }, trigger: 'manual' },
    });
    const elsewhereText = textOf(((await elsewhere.json()) as { value: unknown }).value);
    expect(elsewhereText).toContain('expired or belongs to another conversation');
    expect(elsewhereText).not.toContain('PATCH');
  }, 60_000);

  it('serves /healthz without naming the identity or the target', async () => {
    const response = await fetch(`${server.url}/healthz`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok' });
    expect(Object.keys(body).sort()).toEqual(['status', 'version']);
  });
});
