import { describe, expect, it } from 'vitest';
import { serviceFindingCards, summaryCard, type AdaptiveCard, type RefPayloads } from '../../src/cards/render.js';
import { CardRenderError, expand } from '../../src/cards/templates.js';
import type { Report } from '../../src/engine/report.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { apimService, childOf, GATEWAY, type Raw } from '../support/fixtures.js';
import { audit, executeActions, exampleReport, fullText, recordingRefs, schemaErrors, walk } from './support.js';

const RULES = ALL_RULES.filter((rule) => ['APIM-001', 'APIM-003', 'APIM-013', 'APIM-024', 'APIM-025'].includes(rule.meta.id));

/** 12 services with findings (legacy TLS; every third without identity; the first with 3 of 7 APIs on http) and 3 clean ones. */
function estate(): Raw[] {
  const resources: Raw[] = [];
  for (let i = 0; i < 12; i += 1) {
    const bad = apimService({
      name: `apim-bad-${String(i).padStart(2, '0')}`,
      ...(i % 3 === 0 ? { identity: null } : {}),
      properties: { customProperties: { [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } },
    });
    resources.push(bad);
    if (i === 0) {
      for (let a = 0; a < 7; a += 1) {
        resources.push(childOf(bad, `apis/api-${a}`, 'Microsoft.ApiManagement/service/apis', { protocols: a < 3 ? ['http', 'https'] : ['https'], serviceUrl: 'https://backend', path: `p${a}`, type: 'http', isCurrent: true }));
      }
    }
  }
  for (let i = 0; i < 3; i += 1) resources.push(apimService({ name: `apim-good-${i}` }));
  return resources;
}

function serviceName(card: AdaptiveCard): string | undefined {
  return fullText(card).split('\n').find((line) => line.startsWith('apim-'));
}

describe('service finding cards', () => {
  const report = audit(estate(), { rules: RULES });

  it('pages services worst first: "Showing 5 of 12 services" with Next and Previous', () => {
    const { refFor, refs } = recordingRefs();
    const first = serviceFindingCards(report, { page: 1, pageSize: 5, refFor });
    expect(first).toMatchObject({ page: 1, pageCount: 3, pageSize: 5, totalServices: 12, from: 1, to: 5, nextPage: 2 });
    expect(first.cards).toHaveLength(5);
    expect(first.cards.map(serviceName)).toEqual(report.services.slice(0, 5).map((service) => service.name));
    const last = first.cards[4];
    if (last === undefined) throw new Error('no cards');
    expect(fullText(last)).toContain('Showing 5 of 12 services with findings (1–5), worst first · 3 more without any');
    // Only the last card of a page carries the pager.
    expect(first.cards.slice(0, 4).every((card) => !fullText(card).includes('Showing'))).toBe(true);
    // The pager travels with the ref of the card it sits on: the page's last service.
    const lastServiceId = first.serviceIds.at(-1);
    const reportRef = [...refs].find(([, value]) => value.kind === 'report' && 'origin' in value.payload && value.payload.origin.view === 'findings' && value.payload.origin.serviceId === lastServiceId)?.[0];
    expect(reportRef).toBeDefined();
    expect(executeActions(last).filter((a) => a.verb === 'showFindings')).toEqual([{ title: 'Next 5', verb: 'showFindings', data: { ref: reportRef, page: 2 } }]);

    const middle = serviceFindingCards(report, { page: 2, pageSize: 5, refFor });
    expect(middle).toMatchObject({ page: 2, from: 6, to: 10, nextPage: 3 });
    const pager = executeActions(middle.cards.at(-1)).filter((a) => a.verb === 'showFindings');
    expect(pager.map((a) => [a.title, a.data['page']])).toEqual([
      ['Previous 5', 1],
      ['Next 2', 3],
    ]);

    const end = serviceFindingCards(report, { page: 3, pageSize: 5, refFor });
    expect(end).toMatchObject({ page: 3, from: 11, to: 12, nextPage: undefined });
    expect(end.cards).toHaveLength(2);
    expect(fullText(end.cards.at(-1))).toContain('Showing 2 of 12 services with findings (11–12)');
    expect(executeActions(end.cards.at(-1)).filter((a) => a.verb === 'showFindings').map((a) => a.title)).toEqual(['Previous 5']);

    // Out-of-range pages clamp.
    expect(serviceFindingCards(report, { page: 99, pageSize: 5, refFor }).page).toBe(3);
    expect(serviceFindingCards(report, { page: 0, pageSize: 5, refFor }).page).toBe(1);
  });

  it('shows severity badge, rule, failure title, reason, evidence and the recommendation for each finding', () => {
    const { refFor } = recordingRefs();
    const card = serviceFindingCards(report, { pageSize: 1, refFor }).cards[0];
    const text = fullText(card);
    expect(text).toContain('● Critical');
    expect(text).toContain('APIM-001');
    // The problem, named; the rule title (the secure condition) reads wrong on a finding.
    expect(text).toContain('TLS 1.0/1.1 or SSL 3.0 enabled');
    expect(text).not.toContain('Legacy TLS/SSL protocols are disabled');
    expect(text).toContain('Legacy protocols are enabled: client TLS 1.0.');
    expect(text).toContain(`properties.customProperties['…Security.Protocols.Tls10'] = "True" (expected "False")`);
    expect(text).toContain('Recommendation: \nSet all six protocol flags to "False".');
    expect(text).not.toContain('Why it matters');
    // Location and SKU of the service.
    expect(text).toContain('Premium · West Europe · rg-apim');
  });

  it('names a known failure of the example estate by its failure title, with severity in words and colour', async () => {
    const example = await exampleReport();
    const { refFor } = recordingRefs();
    const cards = serviceFindingCards(example, { pageSize: 10, refFor }).cards;
    const payments = cards.find((card) => serviceName(card) === 'apim-payments-weu');
    const badges: Record<string, unknown>[] = [];
    walk(payments, (node) => {
      if (typeof node['text'] === 'string' && /^● \w+ {2}APIM-0(01|04) {2}$/.test(node['text'])) badges.push(node);
    });
    expect(badges).toEqual([
      { type: 'TextRun', text: '● Critical  APIM-001  ', color: 'Attention', weight: 'Bolder' },
      { type: 'TextRun', text: '● High  APIM-004  ', color: 'Attention', weight: 'Bolder' },
    ]);
    const text = fullText(payments);
    expect(text).toContain('● Critical  APIM-001  \nTLS 1.0/1.1 or SSL 3.0 enabled');
    expect(text).toContain('● High  APIM-004  \nPublic network access enabled');
    expect(text).not.toContain('Public network access is disabled');
    // Medium warns; low is the accent colour.
    const colours = new Map<string, unknown>();
    walk(cards, (node) => {
      const match = typeof node['text'] === 'string' ? /^● (Medium|Low) {2}APIM/.exec(node['text']) : null;
      if (match?.[1] !== undefined) colours.set(match[1], node['color']);
    });
    expect(Object.fromEntries(colours)).toEqual({ Medium: 'Warning', Low: 'Accent' });
    const summary = fullText(summaryCard(example, { refFor }));
    expect(summary).toContain('● Critical \nTLS 1.0/1.1 or SSL 3.0 enabled (APIM-001)');
    expect(summary).not.toContain('Legacy TLS/SSL protocols are disabled');
    for (const card of [...cards, summaryCard(example, { refFor })]) expect(schemaErrors(card)).toEqual([]);
  });

  it('keeps the rule title for a rule that could not be evaluated: an error is not the named failure', () => {
    const broken = audit([{ ...apimService({ name: 'apim-broken' }), properties: null }], { rules: RULES });
    const text = fullText(serviceFindingCards(broken, { refFor: recordingRefs().refFor }).cards[0]);
    expect(text).toContain('⚠ Error  APIM-001  \nLegacy TLS/SSL protocols are disabled');
    expect(text).not.toContain('TLS 1.0/1.1 or SSL 3.0 enabled');
  });

  it('summarises child findings as "3 of 7 APIs" with the first names', () => {
    const { refFor } = recordingRefs();
    const card = serviceFindingCards(report, { pageSize: 12, refFor }).cards.find((c) => serviceName(c) === 'apim-bad-00');
    const text = fullText(card);
    expect(text).toContain('3 of 7 APIs fail: api-0, api-1, api-2');
    expect(text).toContain('apis/api-0');
    expect(text).toContain('apis/api-0: properties.protocols = ["http","https"] (expected ["https"])');
    // Without passing results the total is unknown.
    const lean = audit(estate(), { rules: RULES, keep: 'findings' });
    const leanText = fullText(serviceFindingCards(lean, { pageSize: 12, refFor }).cards.find((c) => serviceName(c) === 'apim-bad-00'));
    expect(leanText).toContain('APIs failing: 3: api-0, api-1, api-2');
  });

  it('offers Fix only for open findings whose fix is safe or guarded, with an opaque ref', () => {
    const { refFor, refs } = recordingRefs();
    const cards = serviceFindingCards(report, { pageSize: 12, refFor }).cards;
    const fixable = new Set<string>(ALL_RULES.filter((rule) => rule.meta.fix !== 'manual').map((rule) => rule.meta.id));
    let fixes = 0;
    for (const card of cards) {
      for (const action of executeActions(card)) {
        if (action.verb !== 'fix') continue;
        fixes += 1;
        const recorded = refs.get(String(action.data['ref']));
        expect(recorded?.kind).toBe('fix');
        const payload = recorded?.payload as RefPayloads['fix'];
        expect(fixable.has(payload.ruleId)).toBe(true);
        expect(payload.report).toBe(report);
        expect(payload.resourceIds.length).toBeGreaterThan(0);
      }
    }
    // APIM-001 (guarded) on 12 services, APIM-003 (safe) on 4, APIM-024 (guarded) on 1.
    expect(fixes).toBe(17);
    const first = cards.find((c) => serviceName(c) === 'apim-bad-00');
    const apis = [...refs.values()].find((r) => r.kind === 'fix' && (r.payload as RefPayloads['fix']).ruleId === 'APIM-024');
    expect((apis?.payload as RefPayloads['fix']).resourceIds.map((id) => id.split('/').slice(-2).join('/'))).toEqual(['apis/api-0', 'apis/api-1', 'apis/api-2']);
    // Every finding can be explained.
    expect(executeActions(first).filter((a) => a.verb === 'explain').map((a) => a.data['ruleId'])).toEqual(['APIM-001', 'APIM-024', 'APIM-003']);
  });

  it('manual-fix findings get Explain but no Fix', async () => {
    const example = await exampleReport();
    const { refFor } = recordingRefs();
    const cards = serviceFindingCards(example, { pageSize: 10, refFor }).cards;
    const manual = new Set<string>(ALL_RULES.filter((rule) => rule.meta.fix === 'manual').map((rule) => rule.meta.id));
    const explainedManual = cards.flatMap((card) => executeActions(card)).filter((a) => a.verb === 'explain' && manual.has(String(a.data['ruleId'])));
    expect(explainedManual.length).toBeGreaterThan(0);
    for (const card of cards) {
      // Within one finding container the Execute actions are [Fix?, Explain]; a Fix is always followed by the Explain of a fixable rule.
      const actions = executeActions(card);
      expect(actions.length).toBeGreaterThan(0);
      actions.forEach((action, index) => {
        if (action.verb === 'fix') expect(manual.has(String(actions[index + 1]?.data['ruleId']))).toBe(false);
      });
    }
  });

  it('marks exempted findings, and expired exemptions as counting again', () => {
    const exempted = audit(estate(), {
      rules: RULES,
      exemptions: [
        { ruleId: 'APIM-001', resource: 'apim-bad-01', reason: 'vendor appliance needs TLS 1.0', expires: '2026-12-31', owner: 'team-edge', ticket: 'SEC-7' },
        { ruleId: 'APIM-001', resource: 'apim-bad-02', reason: 'old exemption', expires: '2026-01-31' },
      ],
    });
    const { refFor, refs } = recordingRefs();
    const cards = serviceFindingCards(exempted, { pageSize: 12, refFor }).cards;
    const one = fullText(cards.find((c) => serviceName(c) === 'apim-bad-01'));
    expect(one).toContain('○ Exempted (Critical)  APIM-001  \nTLS 1.0/1.1 or SSL 3.0 enabled');
    expect(one).toContain('Exempted until 2026-12-31: vendor appliance needs TLS 1.0 (team-edge, SEC-7)');
    const two = fullText(cards.find((c) => serviceName(c) === 'apim-bad-02'));
    expect(two).toContain('● Critical');
    expect(two).toContain('Exemption expired 2026-01-31 (old exemption): the finding counts again.');
    // An active exemption gets no Fix; the expired one does.
    const fixRules = [...refs.values()].filter((r) => r.kind === 'fix').map((r) => r.payload as RefPayloads['fix']);
    expect(fixRules.some((p) => p.serviceName === 'apim-bad-01' && p.ruleId === 'APIM-001')).toBe(false);
    expect(fixRules.some((p) => p.serviceName === 'apim-bad-02' && p.ruleId === 'APIM-001')).toBe(true);
    expect(fullText(summaryCard(exempted, { refFor }))).toContain('Exempted 1');
  });

  it('filters by severity and keeps the filter when paging', () => {
    const { refFor } = recordingRefs();
    const high = serviceFindingCards(report, { pageSize: 5, minSeverity: 'high', refFor });
    // Only APIM-001 (critical) and APIM-024 (high) remain; APIM-003 (medium) is filtered out.
    const text = high.cards.map(fullText).join('\n');
    expect(text).not.toContain('APIM-003');
    expect(text).toContain('critical + high only');
    expect(fullText(high.cards.at(-1))).toContain('Showing 5 of 12 services with critical + high findings (1–5)');
    const next = executeActions(high.cards.at(-1)).find((a) => a.title.startsWith('Next'));
    expect(next?.data).toMatchObject({ page: 2, minSeverity: 'high' });

    const none = serviceFindingCards(audit([apimService({ name: 'apim-fine' })], { rules: RULES }), { refFor });
    expect(none.totalServices).toBe(0);
    expect(fullText(none.cards[0])).toContain('No open findings');
    expect(schemaErrors(none.cards[0])).toEqual([]);
  });

  it('neutralises "${" in estate text, and a template binding the model misses is an error', () => {
    const service = apimService({ name: 'apim-x' });
    const hostile = audit(
      [service, childOf(service, 'apis/orders', 'Microsoft.ApiManagement/service/apis', { protocols: ['http', '${secret}'], serviceUrl: 'https://b', path: 'o', type: 'http', isCurrent: true })],
      { rules: RULES, coverage: { complete: false, notes: ['${env:HOME} could not be read'] } },
    );
    const { refFor } = recordingRefs();
    for (const card of [serviceFindingCards(hostile, { refFor }).cards[0], summaryCard(hostile, { refFor })]) {
      const json = JSON.stringify(card);
      expect(json).not.toContain('${');
      expect(json).toMatch(/\$\u200b\{(secret|env:HOME)\}/);
      expect(schemaErrors(card)).toEqual([]);
    }
    expect(() => expand('message', { text: 'no icon, colour or suggestion' })).toThrow(CardRenderError);
    expect(() => expand('message', { text: 'no icon, colour or suggestion' })).toThrow(/template "message" left an unbound expression/);
  });
});

describe('report shapes from the engine', () => {
  it('a service that cannot be audited shows its errors, unscored and first', () => {
    const report = audit([apimService({ name: 'apim-fine' }), apimService({ name: 'apim-z', identity: null }), { ...apimService({ name: 'apim-broken' }), properties: null }], { rules: RULES });
    const { refFor, refs } = recordingRefs();
    const page = serviceFindingCards(report, { refFor });
    expect(page.cards.map(serviceName)).toEqual(['apim-broken', 'apim-z']);
    const broken = fullText(page.cards[0]);
    expect(broken).toContain('⚠ Error');
    expect(broken).toContain('n/a');
    expect(broken).toContain('The resource cannot be audited');
    expect(executeActions(page.cards[0]).map((a) => a.verb)).not.toContain('fix');
    // One card ref per service card (its Explain buttons carry it) and a Fix ref per fixable finding.
    expect([...refs.values()].map((r) => r.kind)).toEqual(['report', 'report', 'fix']);
    expect([...refs.values()].map((r) => ('origin' in r.payload ? r.payload.origin : undefined))).toEqual([
      { view: 'findings', page: 1, serviceId: page.serviceIds[0] },
      { view: 'findings', page: 1, serviceId: page.serviceIds[1] },
      { view: 'findings', page: 1, serviceId: page.serviceIds[1] },
    ]);
    const summary = fullText(summaryCard(report, { refFor }));
    expect(summary).toMatch(/5 rules could not be evaluated/);
    for (const card of page.cards) expect(schemaErrors(card)).toEqual([]);
  });

  it('a report without scope or coverage still renders its source as the scope', () => {
    const report: Report = audit([apimService({ name: 'apim-y', identity: null })], { rules: RULES });
    const text = fullText(summaryCard(report, { refFor: recordingRefs().refFor }));
    expect(text).toContain('APIM posture · test estate · score');
    expect(text).toContain('Scope: test estate');
  });

  it('not checked is a quiet count beside passed, never styled like a failure, and coverage stands beside each score', () => {
    // APIM-020 needs diagnostic settings, which a bare estate does not carry: not checked on both services.
    const rules = ALL_RULES.filter((rule) => ['APIM-003', 'APIM-020'].includes(rule.meta.id));
    const report = audit([apimService({ name: 'apim-fine' }), apimService({ name: 'apim-z', identity: null })], { rules, keep: 'findings' });
    expect(report.summary.notChecked).toBe(2);
    const { refFor } = recordingRefs();
    const summary = summaryCard(report, { refFor });
    const runs: Record<string, unknown>[] = [];
    walk(summary, (node) => {
      if (typeof node['text'] === 'string' && node['text'].startsWith('Not checked')) runs.push(node);
    });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ text: 'Not checked 2 · ', color: 'Default', weight: 'Default', isSubtle: true });
    const summaryText = fullText(summary);
    expect(summaryText).toContain('2/4 service rules checked');
    expect(summaryText).toContain('1/2 rules checked');
    const [card] = serviceFindingCards(report, { refFor }).cards;
    const quiet: Record<string, unknown>[] = [];
    walk(card, (node) => {
      if (typeof node['text'] === 'string' && node['text'].startsWith('Not checked')) quiet.push(node);
    });
    expect(quiet).toMatchObject([{ text: 'Not checked 1 · ', color: 'Default', weight: 'Default', isSubtle: true }]);
    // Not applicable is as quiet; a failure count is not subtle.
    const runsOf = (target: unknown, prefix: string): Record<string, unknown>[] => {
      const found: Record<string, unknown>[] = [];
      walk(target, (node) => {
        if (typeof node['text'] === 'string' && node['text'].startsWith(prefix)) found.push(node);
      });
      return found;
    };
    for (const target of [summary, card]) {
      expect(runsOf(target, 'Not applicable')).toMatchObject([{ color: 'Default', isSubtle: true }]);
      expect(runsOf(target, 'Medium 1')).toMatchObject([{ color: 'Warning', weight: 'Bolder', isSubtle: false }]);
    }
    expect(fullText(card)).toContain('1/2 rules checked');
    expect(schemaErrors(summary)).toEqual([]);
    expect(schemaErrors(card)).toEqual([]);
  });

  it('never says every rule passed when rules were not checked', () => {
    const rules = ALL_RULES.filter((rule) => ['APIM-003', 'APIM-020'].includes(rule.meta.id));
    const report = audit([apimService({ name: 'apim-fine' })], { rules, keep: 'findings' });
    const { refFor } = recordingRefs();
    const summary = fullText(summaryCard(report, { refFor }));
    expect(summary).toContain('No open findings in what was checked; 1 service rule was not checked (data not read).');
    expect(summary).not.toContain('every rule passed');
    const none = fullText(serviceFindingCards(report, { refFor }).cards[0]);
    expect(none).toContain('No open findings in test estate in what was checked');
    expect(none).not.toContain('every rule passed');
  });
});
