import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxTarget, type AzureTarget } from '../../src/azure/target.js';
import { DurableButtonRefs } from '../../src/bot/bot-buttons.js';
import type { Card } from '../../src/bot/messenger.js';
import { REF_TTL_IN_MS } from '../../src/bot/bot-buttons.js';
import { RiskFlow } from '../../src/bot/risk-flow.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { remediationPolicySchema } from '../../src/remediation/policy.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { openStore, type Store } from '../../src/store/index.js';
import { executeActions, fullText } from '../cards/support.js';
import { click, inProcessBot, sandboxRunner, type InProcessBot } from '../support/bot-in-process.js';

/**
 * Accept risk on a finding card: the form for people who may accept risks in that environment, the
 * exemption for exactly that rule on that service, the trail, and the next audit showing it exempted.
 */
const ALEX = '00000000-0000-0000-0000-00000000a1e5';
const EVE = '00000000-0000-0000-0000-000000000e7e';
const CHAT = 'a:risk';

let sandbox: Sandbox;
let target: AzureTarget;
let config: AppConfig;
let store: Store;
let bot: InProcessBot;

beforeAll(async () => {
  sandbox = await startSandbox();
  target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
  config = await loadConfig(undefined, {});
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
  const policy = remediationPolicySchema.parse({ environments: { prod: { requesters: [ALEX], conversations: [CHAT] } } });
  const runner = sandboxRunner(target, config, { lastReports: store.lastReports, exemptions: store.exemptions });
  bot = inProcessBot({
    runner,
    config,
    buttons: new DurableButtonRefs(store.buttonRefs, REF_TTL_IN_MS),
    auditLog: store.auditLog,
    riskFlow: new RiskFlow({ policy, exemptions: store.exemptions, auditLog: store.auditLog, now: () => new Date(), maxDays: 90 }),
  });
}, 30_000);

afterAll(async () => {
  await sandbox.close();
});

const person = (aadObjectId: string, name: string): Partial<Activity> => ({ from: { id: `29:${name}`, name, aadObjectId } });

/** Audits a service in prod and returns the finding cards shown. */
async function findings(): Promise<Card[]> {
  const result = bot.nextResult(CHAT);
  await bot.turn(CHAT, { text: 'audit apim-payments-legacy in prod', ...person(ALEX, 'Alex') });
  const summary = await result;
  const show = executeActions(summary).find((action) => action.verb === 'showFindings')?.data ?? {};
  return (await bot.turn(CHAT, { ...click('showFindings', { ...show, page: 1 }), ...person(ALEX, 'Alex') })).sent;
}

function inAFortnight(): string {
  return new Date(Date.now() + 14 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

describe('Accept risk from a finding card', () => {
  it('only for people who may accept risks here; stores the exemption, records it, and the next audit shows it exempted', async () => {
    const cards = await findings();
    const card = cards.find((candidate) => fullText(candidate).includes('APIM-024'));
    const risk = executeActions(card).find((action) => action.verb === 'riskForm')?.data;
    expect(risk?.['ref']).toEqual(expect.any(String));

    const refused = await bot.turn(CHAT, { ...click('riskForm', risk ?? {}, 'activity-finding'), ...person(EVE, 'Eve') });
    expect(fullText(refused.sent[0])).toContain('You are not on the list of people who may accept risks in prod');
    // A submission forged by someone not on the list stores nothing either.
    const forged = await bot.turn(CHAT, { ...click('acceptRisk', { ...risk, reason: 'mine', expires: inAFortnight() }, 'activity-form'), ...person(EVE, 'Eve') });
    expect(fullText((forged.invokeResponse as { body?: { value?: Card } }).body?.value)).toContain('not on the list');
    expect(await store.exemptions.list()).toHaveLength(0);

    const opened = await bot.turn(CHAT, { ...click('riskForm', risk ?? {}, 'activity-finding'), ...person(ALEX, 'Alex') });
    const form = opened.sent[0];
    expect(fullText(form)).toContain('Accept the risk: APIM-024 on apim-payments-legacy');
    const submit = executeActions(form).find((action) => action.verb === 'acceptRisk')?.data;
    const accepted = await bot.turn(CHAT, { ...click('acceptRisk', { ...submit, reason: 'Legacy partner needs HTTP until the cut-over', expires: inAFortnight() }, 'activity-form'), ...person(ALEX, 'Alex') });
    expect(fullText((accepted.invokeResponse as { body?: { value?: Card } }).body?.value)).toContain(`Alex accepted the risk of APIM-024 on apim-payments-legacy until ${inAFortnight()}`);

    const stored = await store.exemptions.list();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.exemption).toMatchObject({ ruleId: 'APIM-024', resource: expect.stringContaining('/service/apim-payments-legacy') as unknown });
    expect((await store.auditLog.read()).map((record) => record.kind)).toContain('exemption.added');

    const again = await findings();
    const apim024 = again.find((candidate) => fullText(candidate).includes('APIM-024'));
    expect(fullText(apim024)).toContain(`Exempted until ${inAFortnight()}: Legacy partner needs HTTP until the cut-over`);
  }, 60_000);
});
