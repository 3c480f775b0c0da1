import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTarget, type ConnectedTarget } from '../../src/azure/connect.js';
import { parseCommand } from '../../src/bot/commands.js';
import { helpCard } from '../../src/cards/render.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { acceptRisk } from '../../src/exemptions/accept-risk.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { openStore, type Store } from '../../src/store/index.js';
import { executeActions, fullText } from '../cards/support.js';
import { click, inProcessBot, type InProcessBot, sandboxRunner } from '../support/bot-in-process.js';

/**
 * The bot applies the exemptions granted in Teams (kept in the store) together with the configured
 * ones, reading them per audit, and "exemptions" lists both.
 */
const SERVICE = `/subscriptions/${SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId}/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-legacy`;
const ALEX = '00000000-0000-0000-0000-000000000020';
const today = new Date();
const inDays = (days: number): string => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days)).toISOString().slice(0, 10);

let connected: ConnectedTarget;
let config: AppConfig;
let store: Store;
let bot: InProcessBot;

beforeAll(async () => {
  const loaded = await loadConfig(undefined, {});
  // APIM-019 is exempted in the configuration file, APIM-004 and APIM-013 in Teams (APIM-013's has expired).
  config = { ...loaded, audit: { ...loaded.audit, exemptions: [{ ruleId: 'APIM-019', resource: 'apim-payments-legacy', reason: 'Scaled by hand during the migration', expires: inDays(60), owner: 'payments team' }] } };
  connected = await connectTarget(config.target, { argQuota: { limit: 10_000, windowMs: 1_000 } });
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
  const accepted = await acceptRisk(
    { exemptions: store.exemptions, auditLog: store.auditLog, now: () => new Date() },
    { ruleId: 'APIM-004', service: SERVICE, reason: 'Front Door with WAF in front', expires: inDays(30), acceptedBy: ALEX, conversationId: 'a:exemptions' },
  );
  if (!accepted.ok) throw new Error(accepted.reason);
  await store.exemptions.add({ ruleId: 'APIM-013', resource: SERVICE, reason: 'Platform migration booked', expires: '2020-01-31' }, ALEX);
  bot = inProcessBot({ runner: sandboxRunner(connected.target, config, { exemptions: store.exemptions }), config });
}, 30_000);

afterAll(async () => {
  await connected.close();
});

describe('exemptions in the bot', () => {
  it('hides findings exempted in Teams or in the configuration from the summary; an expired one counts again', async () => {
    const result = bot.nextResult('a:exemptions');
    await bot.turn('a:exemptions', { text: 'audit apim-payments-legacy rule APIM-004 rule APIM-013 rule APIM-019' });
    const summary = await result;
    const text = fullText(summary);
    expect(text).toContain('Exempted 2');
    // APIM-013 (high) counts again; APIM-004 (high) does not.
    expect(text).toContain('High 1');

    const show = executeActions(summary).find((action) => action.verb === 'showFindings')?.data;
    const findings = await bot.turn('a:exemptions', click('showFindings', show ?? {}));
    const shown = findings.sent.map(fullText).join('\n');
    expect(shown).toContain(`Exempted until ${inDays(30)}: Front Door with WAF in front`);
    expect(shown).toContain(`Exempted until ${inDays(60)}: Scaled by hand during the migration (payments team)`);
    expect(shown).toContain('Exemption expired 2020-01-31 (Platform migration booked): the finding counts again.');
  }, 30_000);

  it('an exemption granted after the bot started applies to the next audit', async () => {
    await store.exemptions.add({ ruleId: 'APIM-001', resource: SERVICE, reason: 'Legacy clients until the cut-over', expires: inDays(10) }, ALEX);
    const result = bot.nextResult('a:exemptions-later');
    await bot.turn('a:exemptions-later', { text: 'audit apim-payments-legacy rule APIM-001' });
    expect(fullText(await result)).toContain('Exempted 1');
  }, 30_000);

  it('when the store cannot be read, the audit still runs, with the configured exemptions only', async () => {
    const failing = { ...store.exemptions, list: () => Promise.reject(new Error('storage account unreachable')) };
    const unlucky = inProcessBot({ runner: sandboxRunner(connected.target, config, { exemptions: failing }), config });
    const result = unlucky.nextResult('a:exemptions-down');
    await unlucky.turn('a:exemptions-down', { text: 'audit apim-payments-legacy rule APIM-004 rule APIM-019' });
    const text = fullText(await result);
    expect(text).not.toContain('did not finish');
    expect(text).toContain('Exempted 1');
    expect(text).toContain('High 1');
  }, 30_000);

  it('"exemptions" lists the configured and the accepted ones with their expiry', async () => {
    const answer = await bot.turn('a:exemptions-list', { text: 'exemptions' });
    const text = fullText(answer.sent[0]);
    expect(text).toMatch(/Exemptions \(\d+, 1 expired\)/);
    expect(text).toContain(`Exempted until ${inDays(60)} (60 days left)`);
    expect(text).toContain('Configuration file · owner payments team');
    expect(text).toContain(`Exempted until ${inDays(30)} (30 days left)`);
    expect(text).toContain(`Accepted in Teams by ${ALEX}`);
    expect(text).toContain('Exemption expired 2020-01-31: the finding counts again.');
    expect(text).not.toMatch(/--\w/);
    // The audit trail holds the acceptance.
    expect((await store.auditLog.read()).map((entry) => [entry.kind, entry.subject])).toEqual([['exemption.added', SERVICE]]);
  });

  it('help names the command, and the phrasings people use reach it', () => {
    expect(fullText(helpCard())).toContain('exemptions');
    for (const text of ['exemptions', 'Exemptions?', 'list exemptions', 'show exemptions', 'accepted risks', '<at>APIM posture</at> exemptions']) {
      expect(parseCommand(text, ['prod']), text).toEqual({ kind: 'exemptions' });
    }
    expect(parseCommand('exemptoins', ['prod'])).toMatchObject({ kind: 'help', suggestion: 'exemptions' });
  });
});
