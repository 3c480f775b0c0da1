import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiManagementClient } from '../../src/azure/clients.js';
import { sandboxTarget, type AzureTarget } from '../../src/azure/target.js';
import { DurableButtonRefs } from '../../src/bot/bot-buttons.js';
import { FixFlow, type FixFlowOptions } from '../../src/bot/fix-flow.js';
import type { Card } from '../../src/bot/messenger.js';
import { REF_TTL_IN_MS } from '../../src/bot/bot-buttons.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { remediationPolicySchema, type RemediationPolicy } from '../../src/remediation/policy.js';
import { sendFix } from '../../src/remediation/send-fix.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { openStore, type Store } from '../../src/store/index.js';
import { executeActions, fullText } from '../cards/support.js';
import { click, inProcessBot, sandboxRunner, type InProcessBot } from '../support/bot-in-process.js';
import { applyDependencies } from '../support/remediation.js';

/**
 * Guarded remediation in the conversation, against the sandbox, counting the writes it receives:
 * Fix → confirmation (fresh read) → Apply → approval by a second person in production → apply →
 * verified → Revert. Every abuse of the buttons — another user, another conversation, a forged,
 * replayed or expired ref, self-approval, a change since the confirmation — sends nothing.
 */
const ALEX = '00000000-0000-0000-0000-00000000a1e5';
const SAM = '00000000-0000-0000-0000-0000000005a3';
const EVE = '00000000-0000-0000-0000-000000000e7e';
const CHAT = 'a:on-call';
const OTHER_CHAT = 'a:elsewhere';
const LEGACY = `/subscriptions/${SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId}/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-legacy`;

let sandbox: Sandbox;
let target: AzureTarget;
let config: AppConfig;
let store: Store;

beforeAll(async () => {
  sandbox = await startSandbox({ lro: { mode: 'apim', inProgressPolls: 1, retryAfterSeconds: 0 } });
  target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
  config = await loadConfig(undefined, {});
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
}, 30_000);

afterAll(async () => {
  await sandbox.close();
});

const writes = (): number => sandbox.requests.filter((entry) => entry.method === 'PATCH' || entry.method === 'PUT' || entry.method === 'DELETE').length;

function policy(production: boolean): RemediationPolicy {
  return remediationPolicySchema.parse({
    environments: { prod: { requesters: [ALEX], approvers: [SAM], kinds: ['safe', 'guarded'], conversations: [CHAT], production } },
  });
}

function bot(options: { production?: boolean; flow?: Partial<FixFlowOptions> } = {}): { bot: InProcessBot; flow: FixFlow } {
  const remediation = policy(options.production ?? true);
  const flow = new FixFlow({
    policy: remediation,
    dependencies: () => applyDependencies(target, config, store, { policy: remediation }),
    refs: store.buttonRefs,
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
    ruleOptions: config.audit.ruleOptions,
    progressIntervalInMs: 0,
    ...options.flow,
  });
  const runner = sandboxRunner(target, config, { lastReports: store.lastReports });
  return { bot: inProcessBot({ runner, config, buttons: new DurableButtonRefs(store.buttonRefs, REF_TTL_IN_MS), fixFlow: flow, auditLog: store.auditLog }), flow };
}

const person = (aadObjectId: string | undefined, name: string): Partial<Activity> => ({ from: { id: `29:${name}`, name, ...(aadObjectId === undefined ? {} : { aadObjectId }) } });

function invokeCard(response: unknown): Card {
  return (response as { body?: { value?: Card } } | undefined)?.body?.value ?? {};
}

function refOf(card: Card, verb: string): string {
  const ref = executeActions(card).find((action) => action.verb === verb)?.data['ref'];
  if (typeof ref !== 'string') throw new Error(`no ${verb} button on: ${fullText(card).slice(0, 400)}`);
  return ref;
}

/** Audits prod in the conversation and returns the Fix ref of a rule's finding on apim-payments-legacy. */
async function fixRef(instance: InProcessBot, ruleId: string, conversationId = CHAT): Promise<string> {
  const result = instance.nextResult(conversationId);
  await instance.turn(conversationId, { text: 'audit apim-payments-legacy in prod', ...person(ALEX, 'Alex') });
  const summary = await result;
  const shown = await instance.turn(conversationId, { ...click('showFindings', { ref: refOf(summary, 'showFindings'), page: 1 }), ...person(ALEX, 'Alex') });
  for (const card of shown.sent) {
    for (const action of executeActions(card).filter((candidate) => candidate.verb === 'fix')) {
      const meaning = await new DurableButtonRefs(store.buttonRefs, REF_TTL_IN_MS).resolve(conversationId, action.data['ref']);
      if (meaning?.kind === 'fix' && meaning.ruleId === ruleId && meaning.serviceId.toLowerCase() === LEGACY.toLowerCase()) return String(action.data['ref']);
    }
  }
  throw new Error(`no Fix button for ${ruleId} on apim-payments-legacy`);
}

/** Clicks Fix as Alex and returns the confirmation card sent below the finding. */
async function confirmation(instance: InProcessBot, ruleId: string): Promise<Card> {
  const fix = await fixRef(instance, ruleId);
  const answer = await instance.turn(CHAT, { ...click('fix', { ref: fix }, 'activity-finding'), ...person(ALEX, 'Alex') });
  const card = answer.sent[0];
  if (card === undefined) throw new Error('Fix sent no card');
  return card;
}

async function clickAs(instance: InProcessBot, who: Partial<Activity>, verb: string, ref: string, conversationId = CHAT, replyToId = 'activity-fix'): Promise<Card> {
  return invokeCard((await instance.turn(conversationId, { ...click(verb, { ref }, replyToId), ...who })).invokeResponse);
}

describe('guarded remediation in the conversation', () => {
  it('production: confirmation from a fresh read, refusals that send nothing, approval by a second person, verified, then Revert under the same guards', async () => {
    const { bot: instance } = bot();
    const card = await confirmation(instance, 'APIM-024');
    expect(fullText(card)).toContain('The change Apply makes (read just now)');
    expect(fullText(card)).toContain('Apply asks a second person to approve');
    const apply = refOf(card, 'apply');
    const before = writes();

    // Nobody but Alex may use Alex's confirmation; forged and foreign refs are nothing.
    expect(fullText(await clickAs(instance, person(SAM, 'Sam'), 'apply', apply))).toContain('Only the person who asked for this fix');
    expect(fullText(await clickAs(instance, person(ALEX, 'Alex'), 'apply', apply, OTHER_CHAT))).toContain('another conversation');
    expect(fullText(await clickAs(instance, person(ALEX, 'Alex'), 'apply', `${apply.slice(0, -2)}xx`))).toContain('I do not recognise that button');

    // Apply in production asks for approval; nothing is sent yet.
    const waiting = await clickAs(instance, person(ALEX, 'Alex'), 'apply', apply);
    expect(fullText(waiting)).toContain('Waiting for a second person to approve this fix (prod)');
    expect(fullText(await clickAs(instance, person(ALEX, 'Alex'), 'apply', apply))).toContain('already been used');
    const approval = refOf(waiting, 'approve');
    // The approval ref pressed as Apply or Revert (a forged card) is refused and not used up.
    expect(fullText(await clickAs(instance, person(EVE, 'Eve'), 'apply', approval))).toContain('does not belong to this step');
    expect(fullText(await clickAs(instance, person(EVE, 'Eve'), 'revert', approval))).toContain('does not belong to this step');
    expect(fullText(await clickAs(instance, person(ALEX, 'Alex'), 'approve', approval))).toContain('a second person must approve it');
    expect(fullText(await clickAs(instance, person(EVE, 'Eve'), 'approve', approval))).toContain('not on the list of people who may approve');
    expect(fullText(await clickAs(instance, person(SAM, 'Sam'), 'approve', approval, OTHER_CHAT))).toContain('another conversation');
    expect(writes()).toBe(before);

    // Sam approves: the fix runs after the turn and its card ends verified, for everyone.
    const result = instance.nextEdit(CHAT, (json) => json.includes('Verified') || json.includes('did not apply') || json.includes('Nothing was sent'));
    const working = await clickAs(instance, person(SAM, 'Sam'), 'approve', approval);
    expect(fullText(working)).toContain('Applying');
    expect(fullText(await clickAs(instance, person(SAM, 'Sam'), 'approve', approval))).toContain('already been decided');
    const verified = await result;
    expect(fullText(verified)).toContain('Verified: APIM-024 passes on a fresh read of apim-payments-legacy');
    expect(fullText(verified)).toContain('Approved by');
    expect(writes()).toBeGreaterThan(before);
    const afterFix = writes();

    // Revert is Alex's, and in production it needs Sam again.
    const revert = refOf(verified, 'revert');
    expect(fullText(await clickAs(instance, person(SAM, 'Sam'), 'revert', revert))).toContain('Only the person who applied this fix can revert it');
    const revertWaiting = await clickAs(instance, person(ALEX, 'Alex'), 'revert', revert);
    expect(fullText(revertWaiting)).toContain('approve this revert');
    expect(writes()).toBe(afterFix);
    const reverted = instance.nextEdit(CHAT, (json) => json.includes('Reverted') || json.includes('Not reverted') || json.includes('did not revert'));
    await clickAs(instance, person(SAM, 'Sam'), 'approve', refOf(revertWaiting, 'approve'));
    expect(fullText(await reverted)).toContain('Reverted: the values from before the fix are back on apim-payments-legacy');
    expect(writes()).toBeGreaterThan(afterFix);

    // The finding is back, and the trail has every step in a chain that verifies.
    const again = await confirmation(instance, 'APIM-024');
    expect(fullText(again)).toContain('The change Apply makes');
    const kinds = (await store.auditLog.read()).map((record) => record.kind);
    for (const kind of ['fix.approval-requested', 'fix.approval-refused', 'fix.approved', 'fix.sending', 'fix.succeeded', 'fix.verified', 'revert.approval-requested', 'revert.approved', 'revert.sending', 'revert.succeeded', 'revert.verified']) {
      expect(kinds).toContain(kind);
    }
    expect(await store.auditLog.verify()).toMatchObject({ ok: true });

    // `history` tells the story from the trail, newest first, for the service named.
    const history = fullText((await instance.turn(CHAT, { text: 'history apim-payments-legacy', ...person(ALEX, 'Alex') })).sent[0]);
    expect(history).toContain('Fixes, reverts and exemptions on apim-payments-legacy');
    expect(history.indexOf('Revert verified')).toBeGreaterThanOrEqual(0);
    expect(history.indexOf('Revert verified')).toBeLessThan(history.indexOf('Fix verified'));
    expect(history).toContain(`APIM-024 on apim-payments-legacy by ${SAM}`);
    const elsewhere = fullText((await instance.turn(CHAT, { text: 'history apim-basic-dev', ...person(ALEX, 'Alex') })).sent[0]);
    expect(elsewhere).not.toContain('apim-payments-legacy');
  }, 90_000);

  it('someone not on the list gets the plan and why, with no Apply button', async () => {
    const { bot: instance } = bot();
    const fix = await fixRef(instance, 'APIM-024');
    const answer = await instance.turn(CHAT, { ...click('fix', { ref: fix }, 'activity-finding'), ...person(EVE, 'Eve') });
    const card = answer.sent[0];
    expect(fullText(card)).toContain('You are not on the list of people who may apply fixes in prod');
    expect(executeActions(card).map((action) => action.verb)).not.toContain('apply');
  }, 60_000);

  it('two Apply clicks at once send one fix; Cancel sends nothing', async () => {
    const { bot: instance } = bot({ production: false });
    const card = await confirmation(instance, 'APIM-024');
    const apply = refOf(card, 'apply');
    const before = writes();
    const result = instance.nextEdit(CHAT, (json) => json.includes('Verified') || json.includes('did not apply') || json.includes('Nothing was sent'));
    const answers = await Promise.all([clickAs(instance, person(ALEX, 'Alex'), 'apply', apply), clickAs(instance, person(ALEX, 'Alex'), 'apply', apply)]);
    expect(answers.map((answer) => fullText(answer)).filter((text) => text.includes('Applying'))).toHaveLength(1);
    expect(fullText(await result)).toContain('Verified');
    const oneFix = writes() - before;
    expect(oneFix).toBeGreaterThan(0);
    // Put it back for the next test, then cancel a fresh confirmation.
    const revertDone = instance.nextEdit(CHAT, (json) => json.includes('Reverted'));
    const verifiedCard = instance.edits.get(CHAT)?.findLast((edit) => JSON.stringify(edit).includes('Verified'));
    await clickAs(instance, person(ALEX, 'Alex'), 'revert', refOf(verifiedCard ?? {}, 'revert'));
    await revertDone;
    const second = await confirmation(instance, 'APIM-024');
    const afterRevert = writes();
    expect(fullText(await clickAs(instance, person(ALEX, 'Alex'), 'cancelFix', refOf(second, 'cancelFix')))).toContain('Cancelled by Alex; nothing was changed');
    expect(fullText(await clickAs(instance, person(ALEX, 'Alex'), 'apply', refOf(second, 'apply')))).toContain('already been used');
    expect(writes()).toBe(afterRevert);
  }, 90_000);

  it('a change between the confirmation and Apply sends nothing and shows the change as it is now', async () => {
    const { bot: instance } = bot({ production: false });
    const card = await confirmation(instance, 'APIM-001');
    // Someone changes the TLS settings after the card was shown.
    const client = createApiManagementClient(target, SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId);
    const theirs = { 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'True', 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'False' };
    expect(await sendFix(client, { method: 'PATCH', path: LEGACY, apiVersion: '2024-05-01', body: { properties: { customProperties: theirs } } }, { pollIntervalInMs: 1 })).toMatchObject({ outcome: 'succeeded' });
    const before = writes();
    const result = instance.nextEdit(CHAT, (json) => json.includes('Verified') || json.includes('Nothing was sent'));
    await clickAs(instance, person(ALEX, 'Alex'), 'apply', refOf(card, 'apply'));
    const answer = await result;
    expect(fullText(answer)).toContain('Nothing was sent');
    expect(fullText(answer)).toContain('The change it would make now');
    expect(writes()).toBe(before);
  }, 90_000);

  it('Fix all on a service with protocol and cipher findings: one confirmation, one request, both pass', async () => {
    const { bot: instance } = bot({ production: false });
    const result = instance.nextResult(CHAT);
    await instance.turn(CHAT, { text: 'audit apim-payments-legacy in prod APIM-001 APIM-002', ...person(ALEX, 'Alex') });
    const summary = await result;
    const shown = await instance.turn(CHAT, { ...click('showFindings', { ref: refOf(summary, 'showFindings'), page: 1 }), ...person(ALEX, 'Alex') });
    const serviceCard = shown.sent.find((card) => executeActions(card).some((action) => action.verb === 'fixAll'));
    expect(executeActions(serviceCard).find((action) => action.verb === 'fixAll')?.title).toBe('Fix all (2)');
    const answer = await instance.turn(CHAT, { ...click('fixAll', { ref: refOf(serviceCard ?? {}, 'fixAll') }, 'activity-service'), ...person(ALEX, 'Alex') });
    const confirmationCard = answer.sent[0] ?? {};
    expect(fullText(confirmationCard)).toContain('Fix 2 findings on apim-payments-legacy');
    const before = sandbox.requests.length;
    const verified = instance.nextEdit(CHAT, (json) => json.includes('Verified') || json.includes('did not apply') || json.includes('Nothing was sent'));
    await clickAs(instance, person(ALEX, 'Alex'), 'apply', refOf(confirmationCard, 'apply'));
    expect(fullText(await verified)).toContain('Verified: APIM-001, APIM-002 pass on a fresh read of apim-payments-legacy');
    const sent = sandbox.requests.slice(before).filter((entry) => entry.method === 'PATCH' || entry.method === 'PUT');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.path.toLowerCase()).toContain('/service/apim-payments-legacy');
    expect((await store.auditLog.read()).at(-1)).toMatchObject({ kind: 'fix.verified' });
    const intent = (await store.auditLog.read()).findLast((record) => record.kind === 'fix.sending');
    expect(intent?.details['ruleIds']).toEqual(['APIM-001', 'APIM-002']);
  }, 90_000);

  it('an expired confirmation sends nothing', async () => {
    const { bot: instance } = bot({ production: false, flow: { confirmTtlInMs: 1 } });
    const card = await confirmation(instance, 'APIM-024');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = writes();
    expect(fullText(await clickAs(instance, person(ALEX, 'Alex'), 'apply', refOf(card, 'apply')))).toContain('expired');
    expect(writes()).toBe(before);
  }, 60_000);
});
