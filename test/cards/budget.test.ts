import { describe, expect, it } from 'vitest';
import {
  CARD_BUDGET_BYTES,
  cardBytes,
  explainCard,
  fixAnswerCard,
  messageCard,
  progressCard,
  rulesCard,
  serviceFindingCards,
  summaryCard,
  type AdaptiveCard,
} from '../../src/cards/render.js';
import type { Report } from '../../src/engine/report.js';
import type { RuleId } from '../../src/contracts/rule-id.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { scaleEstate } from '../../src/sandbox/scale.js';
import { audit, executeActions, fullText, largeEstate, recordingRefs, schemaErrors } from './support.js';

/** Renders every page of "Show findings" and returns all cards. */
function allPages(report: Report, pageSize: number, budgetBytes?: number): { cards: AdaptiveCard[]; pages: number } {
  const { refFor } = recordingRefs();
  const cards: AdaptiveCard[] = [];
  let page = 1;
  let pages = 0;
  for (;;) {
    const result = serviceFindingCards(report, { page, pageSize, refFor, ...(budgetBytes === undefined ? {} : { budgetBytes }) });
    cards.push(...result.cards);
    pages += 1;
    expect(result.bytes).toEqual(result.cards.map(cardBytes));
    if (result.nextPage === undefined) break;
    page = result.nextPage;
  }
  return { cards, pages };
}

describe('the 28 KB budget', () => {
  it('counts size as UTF-16: two bytes per code unit of the JSON', () => {
    expect(cardBytes({ a: 'x' })).toBe(JSON.stringify({ a: 'x' }).length * 2);
    expect(cardBytes({ a: '▓' })).toBe(18);
    expect(cardBytes({ a: '😀' })).toBe(20);
    expect(CARD_BUDGET_BYTES).toBe(28 * 1024);
  });

  it('holds for every card of every page on a large estate with many failing children', () => {
    // 24 services × 40 failing APIs, backends, named values, products and subscriptions each.
    const report = audit(largeEstate(24, 40), { keep: 'all' });
    expect(report.summary.services).toBe(24);
    expect(report.results.filter((result) => result.outcome === 'fail').length).toBeGreaterThan(24 * 40 * 5);

    const { refFor } = recordingRefs();
    const summary = summaryCard(report, { refFor });
    expect(cardBytes(summary)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(schemaErrors(summary)).toEqual([]);

    const { cards, pages } = allPages(report, 5);
    expect(pages).toBe(5);
    const sizes = cards.map(cardBytes);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    for (const card of cards) {
      expect(schemaErrors(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toContain('${');
    }
    // Services too big for one card continue on labelled parts; every failing rule is still shown.
    const text = cards.map(fullText).join('\n');
    expect(text).toMatch(/\(part 1 of \d\)/);
    const firstService = report.services[0];
    if (firstService === undefined) throw new Error('no services');
    const failing = new Set(report.results.filter((r) => r.serviceId === firstService.id && r.outcome === 'fail').map((r) => r.ruleId));
    const explained = new Set(
      cards
        .filter((card) => fullText(card).includes(firstService.name))
        .flatMap((card) => executeActions(card))
        .filter((action) => action.verb === 'explain')
        .map((action) => String(action.data['ruleId'])),
    );
    expect(failing.size).toBeGreaterThan(0);
    expect(explained).toEqual(failing);
    expect(text).toMatch(/\d+ of 40 APIs fail/);
    console.info(`large estate: ${cards.length} cards over ${pages} pages, largest ${Math.max(...sizes)} bytes, median ${sizes.sort((a, b) => a - b)[Math.floor(sizes.length / 2)]} bytes; summary ${cardBytes(summary)} bytes`);
  });

  it('holds on the sandbox scale estate (1 000 services), every page', () => {
    const data = scaleEstate({ services: 1_000, subscriptions: 50, seed: 3 });
    const report = audit(data.resources, { keep: 'findings' });
    const { cards, pages } = allPages(report, 10);
    const withFindings = report.services.filter(({ counts: { failed: f, errors, exempted } }) => f.critical + f.high + f.medium + f.low + errors + exempted > 0);
    expect(pages).toBe(Math.ceil(withFindings.length / 10));
    const sizes = cards.map(cardBytes);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    // Validate a sample: the schema check is the slow part.
    for (const card of cards.filter((_, index) => index % 25 === 0)) expect(schemaErrors(card)).toEqual([]);
    console.info(`scale estate: ${cards.length} cards over ${pages} pages, largest ${Math.max(...sizes)} bytes`);
  });

  it('a smaller budget shortens and splits instead of overflowing', () => {
    const report = audit(largeEstate(3, 10), { keep: 'all' });
    for (const budget of [12_000, 16_000, 20_000]) {
      const { cards } = allPages(report, 3, budget);
      expect(Math.max(...cards.map(cardBytes))).toBeLessThanOrEqual(budget);
      expect(cards.map(fullText).join('\n')).toContain('Some details are shortened to fit a Teams card');
    }
  });

  it('long inputs to the other cards are cut to fit', () => {
    const long = 'x'.repeat(100_000);
    for (const card of [
      messageCard(long, { suggestion: long }),
      progressCard({ scopeName: long, scope: long, phase: long, childrenDone: 5, childrenTotal: 3 }),
      rulesCard(Array.from({ length: 500 }, (_, i) => ({ id: `APIM-${String(i).padStart(3, '0')}` as RuleId, title: long, severity: 'high' as const }))),
      fixAnswerCard({
        rule: { id: 'APIM-001', title: long, failureTitle: long, severity: 'critical' },
        serviceName: long,
        changes: Array.from({ length: 500 }, () => ({ path: long, before: long, after: long })),
        requests: Array.from({ length: 50 }, () => ({ method: 'PATCH', url: long, text: `${long}\n`.repeat(500), command: long, notes: [long] })),
        note: long,
      }),
    ]) {
      expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
      expect(schemaErrors(card)).toEqual([]);
    }
    const rule = ALL_RULES[3];
    if (rule === undefined) throw new Error('no rule');
    const bloated = { ...rule, meta: { ...rule.meta, docs: { ...rule.meta.docs, description: long, recommendation: long, howChecked: long, notes: long, examples: [{ title: long, language: 'json' as const, code: `${long}\n`.repeat(100) }] } } };
    const card = explainCard(bloated);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(schemaErrors(card)).toEqual([]);
  });
});
