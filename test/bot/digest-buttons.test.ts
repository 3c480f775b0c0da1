import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxTarget, type AzureTarget } from '../../src/azure/target.js';
import { DurableButtonRefs, parseStoredRef, REF_TTL_IN_MS } from '../../src/bot/bot-buttons.js';
import { FixFlow } from '../../src/bot/fix-flow.js';
import type { Card } from '../../src/bot/messenger.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { remediationPolicySchema } from '../../src/remediation/policy.js';
import { findRule } from '../../src/rules/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { openStore, type Store } from '../../src/store/index.js';
import { executeActions, fullText } from '../cards/support.js';
import { click, inProcessBot, sandboxRunner, type InProcessBot } from '../support/bot-in-process.js';
import { applyDependencies } from '../support/remediation.js';

/**
 * The buttons of a digest (and an alert: the same mechanism) with no kept audit behind them: Fix
 * on a finding's row plans from a fresh read, and every click answers below while the digest comes
 * back as it was, from its kept copy. Refs stay bound to their conversation.
 */
const ALEX = '00000000-0000-0000-0000-00000000a1e5';
const EVE = '00000000-0000-0000-0000-000000000e7e';
const CHAT = 'a:security';
const OTHER_CHAT = 'a:elsewhere';
const DIGEST_ID = 'activity-digest';

let sandbox: Sandbox;
let target: AzureTarget;
let config: AppConfig;
let store: Store;
let bot: InProcessBot;

beforeAll(async () => {
  sandbox = await startSandbox({ lro: { mode: 'apim', inProgressPolls: 1, retryAfterSeconds: 0 } });
  target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
  config = await loadConfig(undefined, {});
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
  const policy = remediationPolicySchema.parse({ environments: { prod: { requesters: [ALEX], approvers: [], kinds: ['safe', 'guarded'], conversations: [CHAT], production: false } } });
  const fixFlow = new FixFlow({
    policy,
    dependencies: () => applyDependencies(target, config, store, { policy }),
    refs: store.buttonRefs,
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
    ruleOptions: config.audit.ruleOptions,
    progressIntervalInMs: 0,
  });
  const runner = sandboxRunner(target, config, { history: store.history, lastReports: store.lastReports });
  bot = inProcessBot({
    runner,
    config,
    buttons: new DurableButtonRefs(store.buttonRefs, REF_TTL_IN_MS),
    fixFlow,
    auditLog: store.auditLog,
    conversations: store.conversations,
    subscriptions: store.subscriptions,
    digest: { store },
  });
  const result = bot.nextResult(CHAT);
  await bot.turn(CHAT, { text: 'audit apim in prod', ...person(ALEX, 'Alex') });
  await result;
  await runner.drain(60_000);
}, 120_000);

afterAll(async () => {
  await sandbox.close();
});

const person = (aadObjectId: string, name: string): Partial<Activity> => ({ from: { id: `29:${name}`, name, aadObjectId } });
const writes = (): number => sandbox.requests.filter((entry) => entry.method === 'PATCH' || entry.method === 'PUT' || entry.method === 'DELETE').length;

function invokeCard(response: unknown): Card {
  return (response as { body?: { value?: Card } } | undefined)?.body?.value ?? {};
}

async function digest(conversationId = CHAT): Promise<Card> {
  const { sent } = await bot.turn(conversationId, { text: 'digest now prod', ...person(ALEX, 'Alex') });
  const card = sent[0];
  if (card === undefined || !fullText(card).includes('APIM posture digest: prod')) throw new Error(`no digest: ${fullText(card).slice(0, 300)}`);
  return card;
}

describe('digest buttons without a kept audit', () => {
  it('offers Fix only on findings whose rule has an automatic fix, and every button names the kept card', async () => {
    const card = await digest();
    const actions = executeActions(card);
    const fixes = actions.filter((action) => action.verb === 'rowFix');
    expect(fixes.length).toBeGreaterThan(0);
    const kept = fixes[0]?.data['card'];
    expect(typeof kept).toBe('string');
    for (const action of actions) expect(action.data['card'], JSON.stringify(action)).toBe(kept);
    const buttons = new DurableButtonRefs(store.buttonRefs, REF_TTL_IN_MS);
    for (const fix of fixes) {
      const meaning = await buttons.resolve(CHAT, fix.data['ref']);
      expect(meaning?.kind).toBe('rowFix');
      const kind = meaning?.kind === 'rowFix' ? findRule(meaning.ruleId)?.meta.fix : undefined;
      expect(['safe', 'guarded']).toContain(kind);
    }
    // A finding of a manual rule is listed with Explain but no Fix.
    const explained = actions.filter((action) => action.verb === 'explain').map((action) => String(action.data['ruleId']));
    expect(explained.some((ruleId) => findRule(ruleId)?.meta.fix === 'manual')).toBe(true);
  }, 60_000);

  it('Explain and Audit now answer below, and the digest comes back exactly as it was sent', async () => {
    const card = await digest();
    const explain = executeActions(card).find((action) => action.verb === 'explain');
    if (explain === undefined) throw new Error('no Explain on the digest');
    const answer = await bot.turn(CHAT, { ...click('explain', explain.data, DIGEST_ID), ...person(ALEX, 'Alex') });
    expect(fullText(answer.sent[0])).toContain(String(explain.data['ruleId']));
    expect(invokeCard(answer.invokeResponse)).toEqual(card);

    const auditNow = executeActions(card).find((action) => action.title === 'Audit now');
    if (auditNow === undefined) throw new Error('no Audit now on the digest');
    const result = bot.nextResult(CHAT);
    const audit = await bot.turn(CHAT, { ...click('command', auditNow.data, DIGEST_ID), ...person(ALEX, 'Alex') });
    expect(fullText(audit.sent[0])).toContain('prod');
    expect(invokeCard(audit.invokeResponse)).toEqual(card);
    await result;
  }, 90_000);

  it('Fix on a row: a confirmation from a fresh read below the digest, nothing sent to Azure until Apply', async () => {
    const card = await digest();
    const fix = executeActions(card).find((action) => action.verb === 'rowFix');
    if (fix === undefined) throw new Error('no Fix on the digest');
    const before = writes();
    const reads = sandbox.requests.length;
    const answer = await bot.turn(CHAT, { ...click('rowFix', fix.data, DIGEST_ID), ...person(ALEX, 'Alex') });
    expect(fullText(answer.sent[0])).toContain('The change Apply makes (read just now)');
    expect(executeActions(answer.sent[0] ?? {}).map((action) => action.verb)).toContain('apply');
    expect(sandbox.requests.length).toBeGreaterThan(reads);
    expect(writes()).toBe(before);
    expect(invokeCard(answer.invokeResponse)).toEqual(card);

    // Someone the policy does not list gets the plan and why, with no Apply.
    const refused = await bot.turn(CHAT, { ...click('rowFix', fix.data, DIGEST_ID), ...person(EVE, 'Eve') });
    expect(executeActions(refused.sent[0] ?? {}).map((action) => action.verb)).not.toContain('apply');
    expect(writes()).toBe(before);
  }, 90_000);

  it('refs of one conversation do nothing in another: no plan, no kept card', async () => {
    const card = await digest();
    const fix = executeActions(card).find((action) => action.verb === 'rowFix');
    const explain = executeActions(card).find((action) => action.verb === 'explain');
    if (fix === undefined || explain === undefined) throw new Error('no Fix or Explain on the digest');
    const reads = sandbox.requests.length;
    const foreignFix = await bot.turn(OTHER_CHAT, { ...click('rowFix', fix.data, DIGEST_ID), ...person(ALEX, 'Alex') });
    expect(foreignFix.sent).toEqual([]);
    expect(fullText(invokeCard(foreignFix.invokeResponse))).toContain('expired or belongs to another conversation');
    expect(sandbox.requests.length).toBe(reads);
    // The explanation is public, but the digest is not handed to another conversation.
    const foreignExplain = await bot.turn(OTHER_CHAT, { ...click('explain', explain.data, DIGEST_ID), ...person(ALEX, 'Alex') });
    const answer = invokeCard(foreignExplain.invokeResponse);
    expect(fullText(answer)).toContain(String(explain.data['ruleId']));
    expect(fullText(answer)).not.toContain('APIM posture digest');
  }, 90_000);

  it('a stored kept card is read back only if it is an Adaptive Card within the size bound', () => {
    const self = '~self-abcdefghijkl~';
    const card = { type: 'AdaptiveCard', version: '1.5', body: [] };
    expect(parseStoredRef({ kind: 'kept', card, self })).toEqual({ kind: 'kept', card, self });
    expect(parseStoredRef({ kind: 'kept', card: { ...card, type: 'Other' }, self })).toBeUndefined();
    expect(parseStoredRef({ kind: 'kept', card: { ...card, body: ['x'.repeat(40_000)] }, self })).toBeUndefined();
    expect(parseStoredRef({ kind: 'kept', card, self: 'b0' })).toBeUndefined();
    const rowFix = { kind: 'rowFix', environment: 'prod', serviceId: '/s', serviceName: 's', ruleId: 'APIM-001', resourceIds: ['/s'] };
    expect(parseStoredRef(rowFix)).toEqual(rowFix);
    expect(parseStoredRef({ ...rowFix, ruleId: 'APIM-1; drop' })).toBeUndefined();
    expect(parseStoredRef({ ...rowFix, resourceIds: [] })).toBeUndefined();
  });
});
