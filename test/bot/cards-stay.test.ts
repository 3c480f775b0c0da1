import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTarget, type ConnectedTarget } from '../../src/azure/connect.js';
import type { Card } from '../../src/bot/messenger.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { executeActions, fullText } from '../cards/support.js';
import { click, inProcessBot, type InProcessBot, sandboxRunner } from '../support/bot-in-process.js';

/**
 * Clicking a button never wipes the card it sits on: answers arrive as new messages, the clicked
 * card comes back whole (the summary saying what is below it, for everyone), and the cards say
 * which filters they apply. Against the sandbox, through botbuilder's TurnContext.
 */
let config: AppConfig;
let connected: ConnectedTarget;
let bot: InProcessBot;

beforeAll(async () => {
  config = await loadConfig(undefined, {});
  connected = await connectTarget(config.target, { argQuota: { limit: 10_000, windowMs: 1_000 } });
  const runner = sandboxRunner(connected.target, config);
  bot = inProcessBot({ runner, config });
}, 30_000);

afterAll(async () => {
  await connected.close();
});

async function audit(conversationId: string, text: string): Promise<Card> {
  const result = bot.nextResult(conversationId);
  await bot.turn(conversationId, { text });
  return result;
}

function action(card: unknown, verb: string, title?: RegExp): Record<string, unknown> {
  const found = executeActions(card).find((a) => a.verb === verb && (title === undefined || title.test(a.title)));
  if (found === undefined) throw new Error(`no ${verb} button${title === undefined ? '' : ` titled ${String(title)}`} on the card`);
  return found.data;
}

/** The card in botbuilder's invoke response (`{ status, body: { statusCode, type, value } }`). */
function invokeCard(response: unknown): Card {
  const body = (response as { body?: { type?: string; value?: Card } } | undefined)?.body;
  expect(body?.type).toBe('application/vnd.microsoft.card.adaptive');
  return body?.value ?? { type: 'AdaptiveCard', version: '1.5', body: [] };
}

describe('cards stay where they are', () => {
  it('Show findings posts the findings below and leaves the summary whole, for everyone', async () => {
    const summary = await audit('a:stay-show', 'audit apim in dev');
    const answer = await bot.turn('a:stay-show', click('showFindings', action(summary, 'showFindings')));
    const clicked = invokeCard(answer.invokeResponse);
    const text = fullText(clicked);
    // Scope, score and counts are still there, with a line saying where the findings went.
    for (const kept of ['Scope: dev', 'score', 'Critical', 'Not applicable']) expect(text).toContain(kept);
    expect(text).toContain('Findings are listed below');
    // It no longer offers the list it already shows.
    expect(executeActions(clicked).map((a) => a.verb)).not.toContain('showFindings');
    // Everyone sees the same card: the summary message is edited to it.
    expect(answer.updated).toEqual([{ id: 'activity-summary', card: clicked }]);
    // The findings themselves are new messages.
    expect(answer.sent.length).toBeGreaterThan(0);
    expect(answer.sent.every((card) => executeActions(card).some((a) => a.verb === 'explain'))).toBe(true);
  }, 30_000);

  it('Fix and Explain answer below a finding card and give that card back exactly as it was', async () => {
    const summary = await audit('a:stay-fix', 'audit apim-payments-legacy');
    const findings = (await bot.turn('a:stay-fix', click('showFindings', action(summary, 'showFindings')))).sent;
    const card = findings.find((c) => executeActions(c).some((a) => a.verb === 'fix'));
    expect(card).toBeDefined();
    const refsBefore = bot.refs.size;

    const fix = await bot.turn('a:stay-fix', click('fix', action(card, 'fix'), 'activity-finding'));
    expect(invokeCard(fix.invokeResponse)).toEqual(card);
    expect(fix.sent).toHaveLength(1);
    expect(fullText(fix.sent[0])).toContain('Nothing was changed');
    expect(fix.updated).toEqual([]);

    const explainData = action(card, 'explain');
    const explain = await bot.turn('a:stay-fix', click('explain', explainData, 'activity-finding'));
    expect(invokeCard(explain.invokeResponse)).toEqual(card);
    expect(fullText(explain.sent[0])).toContain(String(explainData['ruleId']));
    // Rendering the card again reused its refs: clicks do not mint new ones.
    expect(bot.refs.size).toBe(refsBefore);
  }, 30_000);

  it('an Explain without the card it came from still answers, in place', async () => {
    const answer = await bot.turn('a:stay-old', click('explain', { ruleId: 'APIM-004' }));
    expect(fullText(invokeCard(answer.invokeResponse))).toContain('APIM-004');
    expect(answer.sent).toEqual([]);
  });
});

describe('what the card says it did', () => {
  it('a quick audit says how many rules were not checked and offers a deep audit, which runs below the summary', async () => {
    const summary = await audit('a:deep', 'audit apim in dev');
    const text = fullText(summary);
    expect(text).toMatch(/\d+ rules? (was|were) not checked: this was a quick audit/);
    const deepData = action(summary, 'deepAudit', /^Deep audit$/);

    const result = bot.nextResult('a:deep');
    const clicked = await bot.turn('a:deep', click('deepAudit', deepData));
    // The summary stays; the deep audit's progress card is a new message.
    expect(fullText(invokeCard(clicked.invokeResponse))).toContain('Scope: dev');
    expect(clicked.sent).toHaveLength(1);
    expect(fullText(clicked.sent[0])).toMatch(/dev/);
    const deep = await result;
    expect(fullText(deep)).toMatch(/APIM posture · dev · deep · score/);
    expect(executeActions(deep).map((a) => a.verb)).not.toContain('deepAudit');
  }, 60_000);

  it('filters appear in the title and scope line, and a filtered card does not offer its own filter', async () => {
    const summary = await audit('a:filtered', 'audit apim in dev high and above');
    const text = fullText(summary);
    expect(text).toContain('APIM posture · dev · critical + high · score');
    expect(text).toMatch(/Scope: dev = .* · only critical \+ high/);
    expect(executeActions(summary).map((a) => a.title)).not.toContain('Only critical + high');
    const unfiltered = await audit('a:unfiltered', 'audit apim in dev');
    expect(fullText(unfiltered)).toMatch(/APIM posture · dev · score/);
  }, 60_000);
});
