import { beforeAll, describe, expect, it } from 'vitest';
import {
  CARD_BUDGET_BYTES,
  cardBytes,
  CARD_VERBS,
  explainCard,
  fixAnswerCard,
  helpCard,
  messageCard,
  progressCard,
  rulesCard,
  serviceFindingCards,
  summaryCard,
  type AdaptiveCard,
} from '../../src/cards/render.js';
import type { Report } from '../../src/engine/report.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { executeActions, exampleReport, fullText, recordingRefs, schemaErrors } from './support.js';

/**
 * Every Action.Execute: a known verb and data of only an opaque ref, a rule id and small parameters.
 * Returns how many actions it checked, so callers can insist the walk found some.
 */
function expectActionShapes(card: AdaptiveCard): number {
  const actions = executeActions(card);
  for (const action of actions) {
    expect(CARD_VERBS).toContain(action.verb);
    const keys = Object.keys(action.data).sort();
    switch (action.verb) {
      case 'fix':
      case 'deepAudit':
        expect(keys).toEqual(['ref']);
        break;
      case 'explain':
        // The card it sits on may travel as a ref, so the answer can leave that card whole.
        expect([['card', 'ruleId'], ['ruleId']]).toContainEqual(keys);
        expect(action.data['ruleId']).toMatch(/^APIM-\d{3}$/);
        break;
      case 'filter':
        expect(keys).toEqual(['minSeverity', 'ref']);
        break;
      case 'showFindings':
        expect(keys.filter((key) => key !== 'minSeverity')).toEqual(['page', 'ref']);
        expect(Number.isInteger(action.data['page'])).toBe(true);
        break;
    }
    if ('ref' in action.data) {
      expect(typeof action.data['ref']).toBe('string');
      expect(String(action.data['ref'])).toMatch(/^ref-\d+$/);
    }
    // Small: never evidence or resource ids.
    expect(JSON.stringify(action.data).length).toBeLessThan(120);
    expect(JSON.stringify(action.data)).not.toContain('/subscriptions/');
  }
  return actions.length;
}

/** Validates a card; returns how many Action.Execute it carries (see {@link expectActionShapes}). */
function expectValid(card: AdaptiveCard): number {
  expect(card.type).toBe('AdaptiveCard');
  expect(card.version).toBe('1.5');
  expect(schemaErrors(card)).toEqual([]);
  expect(JSON.stringify(card)).not.toContain('${');
  expect(JSON.stringify(card)).not.toMatch(/"\$(data|when)"/);
  expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
  return expectActionShapes(card);
}

describe('every card kind', () => {
  let report: Report;
  let partial: Report;
  beforeAll(async () => {
    report = await exampleReport({
      keep: 'all',
      exemptions: [
        { ruleId: 'APIM-024', resource: '*', reason: 'legacy partner integration', expires: '2026-12-31', owner: 'team-payments', ticket: 'SEC-42' },
        { ruleId: 'APIM-013', resource: 'apim-dev-weu', reason: 'migration planned', expires: '2026-01-31' },
      ],
    });
    partial = await exampleReport({
      keep: 'findings',
      scope: { echo: 'prod = 3 services in 1 subscription (payments-prod), tag env = prod; searched 2 subscriptions', target: 'sandbox (local emulator)' },
      coverage: { complete: false, notes: ['Subscription identity-prod could not be read: 403 AuthorizationFailed.'] },
    });
  });

  it('summary cards validate against the Adaptive Cards 1.5 schema', () => {
    const { refFor } = recordingRefs();
    // Both reports have findings, so both cards carry actions whose shapes were checked.
    expect(expectValid(summaryCard(report, { refFor }))).toBeGreaterThan(0);
    // Summary and finding cards always send the ref of the card an Explain sits on.
    const explains = executeActions(summaryCard(report, { refFor })).filter((action) => action.verb === 'explain');
    expect(explains.length).toBeGreaterThan(0);
    for (const action of explains) expect(Object.keys(action.data).sort()).toEqual(['card', 'ruleId']);
    expect(expectValid(summaryCard(partial, { refFor, trend: { previousScore: 80, since: 'last week' } }))).toBeGreaterThan(0);
  });

  it('service finding cards validate, every page, with and without a severity filter', () => {
    const { refFor } = recordingRefs();
    for (const minSeverity of [undefined, 'high', 'critical'] as const) {
      for (let page = 1; ; page += 1) {
        const result = serviceFindingCards(report, { page, pageSize: 2, refFor, ...(minSeverity === undefined ? {} : { minSeverity }) });
        // Every finding card has at least an Explain button: a walk that finds none is a broken walk.
        for (const card of result.cards) {
          expect(expectValid(card)).toBeGreaterThan(0);
          for (const action of executeActions(card).filter((a) => a.verb === 'explain')) expect(Object.keys(action.data).sort()).toEqual(['card', 'ruleId']);
        }
        if (result.nextPage === undefined) break;
      }
    }
  });

  it('explain cards validate for every rule', () => {
    for (const rule of ALL_RULES) {
      const card = explainCard(rule);
      expectValid(card);
      const text = fullText(card);
      expect(text).toContain(rule.meta.id);
      expect(text).toContain(rule.meta.docs.synopsis.slice(0, 40));
    }
  });

  it('help, rules, message, progress and fix-answer cards validate', () => {
    expectValid(helpCard());
    expectValid(helpCard({ suggestion: 'audit apim in prod', environments: ['prod', 'dev', 'sandbox'] }));
    expectValid(rulesCard(ALL_RULES.map((rule) => rule.meta)));
    expectValid(rulesCard(report.rules));
    expectValid(messageCard('I don\'t know the environment "prd".', { tone: 'refusal', suggestion: 'Did you mean prod? Known environments: prod, dev, sandbox.' }));
    expectValid(messageCard('The audit failed: Resource Graph answered 503.'));
    expectValid(messageCard('Done.', { tone: 'success' }));
    expectValid(progressCard({ scopeName: 'prod', scope: 'prod = 3 subscriptions, tag env = prod', phase: 'Reading child resources' }));
    expectValid(
      progressCard({ scopeName: 'prod', scope: 'prod', phase: 'Evaluating rules', subscriptions: 3, pages: 1, servicesFound: 12, rules: 40, childrenDone: 7, childrenTotal: 12 }),
    );
    const tls = ALL_RULES[0]?.meta;
    if (tls === undefined) throw new Error('no rules');
    expectValid(
      fixAnswerCard({
        rule: tls,
        serviceName: 'apim-payments-weu',
        resource: 'apim-payments-weu (payments-prod / rg-payments)',
        scopeName: 'prod',
        changes: [
          { path: "properties.customProperties['Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10']", before: 'True', after: 'False' },
          { path: "properties.customProperties['Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11']", before: 'True', after: 'False' },
        ],
        requests: [
          {
            method: 'PATCH',
            url: 'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim-payments-weu?api-version=2024-05-01',
            text: JSON.stringify({ properties: { customProperties: { 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'False' } } }, null, 2),
            command: "az rest --method patch --url 'https://management.azure.com/x?api-version=2024-05-01' --body '{}'",
            notes: ['A note.'],
          },
        ],
        note: 'Clients limited to TLS 1.0/1.1 will fail to connect.',
      }),
    );
    expectValid(fixAnswerCard({ rule: tls, serviceName: 'apim-x', changes: [] }));
  });
});

describe('card content', () => {
  it('summary: title with score, scope echo, severity counts, worst services and the three actions', async () => {
    const report = await exampleReport({
      keep: 'findings',
      scope: { echo: 'prod = 5 services in 3 subscriptions (payments-prod, identity-prod, dev), tag env = prod', target: 'sandbox (local emulator)' },
    });
    const { refFor, refs } = recordingRefs();
    const card = summaryCard(report, { refFor, trend: { previousScore: (report.summary.score ?? 0) + 4, since: 'last week' } });
    const text = fullText(card);
    expect(text).toContain(`APIM posture · prod · score ${report.summary.score}/100`);
    expect(text).toContain('▼4 since last week');
    expect(text).toContain('Scope: prod = 5 services in 3 subscriptions');
    const f = report.summary.failed;
    for (const part of [`Critical ${f.critical}`, `High ${f.high}`, `Medium ${f.medium}`, `Low ${f.low}`, `Exempted ${report.summary.exempted}`, `Not applicable ${report.summary.notApplicable}`, `Errors ${report.summary.errors}`]) {
      expect(text).toContain(part);
    }
    const worst = report.services[0];
    expect(text).toContain(worst?.name);
    expect(text).not.toContain('PARTIAL');
    const actions = executeActions(card);
    expect(actions.map((a) => a.verb)).toEqual(['showFindings', 'filter', 'explain']);
    expect(actions[0]?.data).toEqual({ ref: 'ref-1', page: 1 });
    expect(actions[1]?.data).toEqual({ ref: 'ref-1', minSeverity: 'high' });
    expect(actions[2]?.data['ruleId']).toMatch(/^APIM-\d{3}$/);
    // The top rule is critical.
    expect(ALL_RULES.find((rule) => rule.meta.id === actions[2]?.data['ruleId'])?.meta.severity).toBe('critical');
    expect(refs.get('ref-1')?.kind).toBe('report');
  });

  it('summary: a partial report says so and lists what was missed', async () => {
    const report = await exampleReport({
      coverage: { complete: false, notes: ['Subscription identity-prod could not be read: 403 AuthorizationFailed.', 'apim-x: child resources were not read (throttled).'] },
    });
    const text = fullText(summaryCard(report, { refFor: recordingRefs().refFor }));
    expect(text).toContain('PARTIAL REPORT');
    expect(text).toContain('identity-prod could not be read');
    expect(text).toContain('child resources were not read');
  });

  it('summary: a clean estate has no finding actions', () => {
    const report: Report = {
      tool: { name: 'apim-posture', version: '0' },
      generatedAt: '2026-06-01T00:00:00.000Z',
      source: 'test',
      rules: [],
      summary: { score: 100, services: 1, coverage: { checked: 3, applicable: 3 }, failed: { critical: 0, high: 0, medium: 0, low: 0 }, exempted: 0, passed: 3, notApplicable: 0, notChecked: 0, errors: 0 },
      notCheckedRules: [],
      services: [],
      results: [],
      estate: { entries: 1, services: 1, children: 0, ignoredByType: {}, orphans: 0, invalidEntries: 0, warnings: [] },
    };
    const { refFor, refs } = recordingRefs();
    const card = summaryCard(report, { refFor });
    expect(executeActions(card)).toEqual([]);
    expect(fullText(card)).toContain('No open findings');
    expect(refs.size).toBe(0);
    expect(schemaErrors(card)).toEqual([]);
  });

  it('explain: all the sections a person needs', () => {
    const rule = ALL_RULES.find((r) => r.meta.id === 'APIM-004');
    if (rule === undefined) throw new Error('APIM-004 missing');
    const text = fullText(explainCard(rule));
    for (const part of ['APIM-004', rule.meta.title, 'High', 'Synopsis', 'Why it matters', 'How to fix', 'Example: ', 'How it is checked', 'Not applicable when', 'Upstream references', 'Checkov: CKV_AZURE_174', 'Links', '](https://learn.microsoft.com/']) {
      expect(text).toContain(part);
    }
  });

  it('help lists the commands and can suggest one', () => {
    const text = fullText(helpCard({ suggestion: 'audit apim in prod' }));
    for (const command of ['audit apim in prod', 'audit apim-payments-prod-weu', 'audit apim in prod high and above', 'audit apim in prod deep', 'explain APIM-001', 'rules', 'last']) expect(text).toContain(command);
    expect(text).toContain('Did you mean ');
    expect(text).toContain('“audit apim in prod”');
    expect(fullText(helpCard())).not.toContain('Did you mean');
  });

  it('rules: one compact line per rule, grouped by severity', () => {
    const card = rulesCard(ALL_RULES.map((rule) => rule.meta));
    const text = fullText(card);
    expect(text).toContain(`Rules (${ALL_RULES.length})`);
    for (const rule of ALL_RULES) expect(text).toContain(rule.meta.title.slice(0, 60));
    expect(cardBytes(card)).toBeLessThan(CARD_BUDGET_BYTES / 2);
  });

  it('progress: scope, phase, counts and a text progress bar', () => {
    const text = fullText(progressCard({ scopeName: 'prod', scope: 'prod = 3 subscriptions (tag env=prod)', phase: 'Reading child resources', pages: 1, servicesFound: 12, rules: 40, childrenDone: 7, childrenTotal: 12 }));
    expect(text).toContain('Auditing prod …');
    expect(text).toContain('prod = 3 subscriptions (tag env=prod)');
    expect(text).toContain('1 page · 12 APIM services found');
    expect(text).toContain('▓▓▓▓▓▓▓░░░░░ 7/12');
  });

  it('fix answer: the change as given, and that nothing was applied', () => {
    const rule = ALL_RULES[0]?.meta;
    if (rule === undefined) throw new Error('no rules');
    const card = fixAnswerCard({
      rule,
      serviceName: 'apim-payments-weu',
      scopeName: 'prod',
      changes: [{ path: "properties.customProperties['Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10']", before: 'True', after: 'False' }],
      requests: [{ method: 'PATCH', url: 'https://management.azure.com/x?api-version=2024-05-01', text: '{\n  "properties": {}\n}', notes: [] }],
    });
    const text = fullText(card);
    expect(text).toContain('Fix APIM-001 on apim-payments-weu (prod)');
    // The finding being fixed is named as the problem, beside its severity.
    expect(text).toContain('● Critical');
    expect(text).toContain('TLS 1.0/1.1 or SSL 3.0 enabled');
    expect(text).not.toContain('Legacy TLS/SSL protocols are disabled');
    expect(text).toContain(`properties.customProperties['…Security.Protocols.Tls10']: "True" → "False"`);
    expect(text).toContain('\u00a0\u00a0"properties": {}');
    expect(text).toContain('Nothing was changed. Make this change yourself');
    expect(executeActions(card)).toEqual([{ title: 'Explain APIM-001', verb: 'explain', data: { ruleId: 'APIM-001' } }]);
  });
});

describe('counts in words', () => {
  it('never says "1 rules", "1 more failing rules" or "1 services" on any card of the example estates', async () => {
    const { refFor } = recordingRefs();
    const singular = /(^|[^\d.,])1 (more )?(failing )?(rules|services|lines|changes|subscriptions)\b/;
    const reports = [await exampleReport(), await exampleReport({ rules: ALL_RULES.filter((rule) => rule.meta.severity !== 'low') })];
    let checked = 0;
    for (const report of reports) {
      const cards = [summaryCard(report, { refFor }), ...serviceFindingCards(report, { pageSize: 25, refFor }).cards];
      for (const card of cards) {
        for (const line of fullText(card).split('\n')) expect(line).not.toMatch(singular);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(4);
    // The phrasing the guard protects exists: counts of one read in the singular.
    expect(fullText(progressCard({ scopeName: 'prod', scope: 'prod', phase: 'Starting', rules: 1 }))).toMatch(/evaluating 1 rule$/m);
  });
});
