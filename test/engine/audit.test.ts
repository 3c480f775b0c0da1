import { describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit.js';
import { evaluateRule } from '../../src/engine/evaluate.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { defineRule, evidence, fail, notApplicable, notChecked, pass } from '../../src/rules/define-rule.js';
import type { AnyRule, RuleId, RuleMeta, Severity } from '../../src/rules/types.js';
import { apimService } from '../support/fixtures.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function meta(id: RuleId, severity: Severity): RuleMeta {
  return {
    id, title: `${id} title`, failureTitle: `${id} failing`, severity, category: 'network', pillar: 'security', needs: [], fix: 'manual', sources: {},
    docs: { synopsis: 's', description: 'd', recommendation: 'r', howChecked: 'h', examples: [], links: [] },
  };
}

/** A rule that fails services whose name contains `bad`, so tests control outcomes by naming. */
function nameRule(id: RuleId, severity: Severity, marker = 'bad'): AnyRule {
  return defineRule({
    meta: meta(id, severity),
    evaluate: (svc) => (svc.name.includes(marker) ? fail(`${svc.name} is ${marker}.`, [evidence('name', svc.name, 'good')]) : pass('Fine.')),
  });
}

describe('auditEstate', () => {
  const estate = normalizeEstate([apimService({ name: 'apim-good' }), apimService({ name: 'apim-bad' }), apimService({ name: 'apim-bad-worse' })]);
  const rules = [nameRule('APIM-901', 'critical'), nameRule('APIM-902', 'low'), nameRule('APIM-903', 'high', 'worse')];

  it('scores each service with the severity-weighted formula and sorts worst first', () => {
    const report = auditEstate(estate, { rules, now: NOW, source: 'test', version: '0' });
    // Weights 10 + 1 + 5 = 16. apim-bad fails 10+1 → 5/16 → 31; apim-bad-worse fails all → 0.
    expect(report.services.map((s) => [s.name, s.score])).toEqual([
      ['apim-bad-worse', 0],
      ['apim-bad', 31],
      ['apim-good', 100],
    ]);
    // Pooled: earned 16 + 5 + 0 = 21 of 48.
    expect(report.summary.score).toBe(44);
    expect(report.summary.failed).toEqual({ critical: 2, high: 1, medium: 0, low: 2 });
    expect(report.summary.passed).toBe(4);
  });

  it('orders services of equal standing by name, and services of one name as the estate lists them', () => {
    const names = ['apim-c', 'apim-bad-b', 'apim-a', 'apim-bad-a', 'apim-b'];
    const many = normalizeEstate([...names.map((name) => apimService({ name })), { ...apimService({ name: 'apim-a' }), id: `${String(apimService({ name: 'apim-a' })['id'])}-2` }]);
    const report = auditEstate(many, { rules, now: NOW, source: 'test', version: '0' });
    expect(report.services.map((s) => [s.name, s.score, s.id.endsWith('-2')])).toEqual([
      ['apim-bad-a', 31, false],
      ['apim-bad-b', 31, false],
      ['apim-a', 100, false],
      ['apim-a', 100, true],
      ['apim-b', 100, false],
      ['apim-c', 100, false],
    ]);
  });

  it('lists each rule with its title and the failure title findings lists lead with', () => {
    const report = auditEstate(estate, { rules, now: NOW, source: 'test', version: '0' });
    expect(report.rules[0]).toMatchObject({ id: 'APIM-901', title: 'APIM-901 title', failureTitle: 'APIM-901 failing' });
  });

  it('applies exemptions by rule and name pattern; an expired one shows the finding again, marked', () => {
    const report = auditEstate(estate, {
      rules, now: NOW, source: 'test', version: '0',
      exemptions: [
        { ruleId: 'APIM-901', resource: 'apim-bad', reason: 'legacy clients until migration', expires: '2026-06-30' },
        { ruleId: '*', resource: '*worse', reason: 'decommissioning', expires: '2026-05-31' },
      ],
    });
    const bad = report.results.find((r) => r.ruleId === 'APIM-901' && r.serviceId.endsWith('/apim-bad'));
    expect(bad?.exemption).toEqual({ reason: 'legacy clients until migration', expires: '2026-06-30', expired: false });
    const worse = report.results.filter((r) => r.serviceId.endsWith('/apim-bad-worse') && r.outcome === 'fail');
    expect(worse.every((r) => r.exemption?.expired === true)).toBe(true);
    expect(report.summary.exempted).toBe(1);
    // The exempted critical no longer counts against apim-bad: only the low fails (1 of 6).
    expect(report.services.find((s) => s.name === 'apim-bad')?.score).toBe(83);
  });

  it('keeps only findings when asked, still counting and scoring everything', () => {
    const all = auditEstate(estate, { rules, now: NOW, source: 'test', version: '0' });
    const lean = auditEstate(estate, { rules, now: NOW, source: 'test', version: '0', keep: 'findings' });
    expect(lean.results.map((r) => r.outcome)).toEqual(all.results.filter((r) => r.outcome === 'fail').map((r) => r.outcome));
    expect(lean.results.length).toBeLessThan(all.results.length);
    expect(lean.summary).toEqual(all.summary);
    expect(lean.services).toEqual(all.services);
  });

  it('renders reasons and evidence only for the results it keeps', () => {
    let rendered = 0;
    const counting = defineRule({
      meta: meta('APIM-904', 'low'),
      evaluate: (svc) =>
        svc.name.includes('bad')
          ? fail(() => `${svc.name} is bad.`, () => [evidence('name', svc.name, 'good', String((rendered += 1)))])
          : pass(() => `${svc.name} is fine (${String((rendered += 1))}).`, () => [evidence('name', svc.name, 'good')]),
    });
    const lean = auditEstate(estate, { rules: [counting], now: NOW, source: 'test', version: '0', keep: 'findings' });
    // Two failures kept, each rendered once; the pass of apim-good is counted but never explained.
    expect(rendered).toBe(2);
    expect(lean.results.map((r) => r.reason)).toEqual(['apim-bad is bad.', 'apim-bad-worse is bad.']);
    expect(lean.summary.passed).toBe(1);
    const all = auditEstate(estate, { rules: [counting], now: NOW, source: 'test', version: '0' });
    expect(all.results.map((r) => r.reason)).toContain('apim-good is fine (3).');
  });

  it('rejects invalid rule options before evaluating anything', () => {
    const strict = defineRule({ meta: meta('APIM-904', 'low'), evaluate: () => pass('Fine.') });
    expect(() => auditEstate(estate, { rules: [strict], now: NOW, source: 't', version: '0', ruleOptions: { 'APIM-904': { bogus: 1 } } })).toThrow(
      'APIM-904 takes no options, but bogus were given',
    );
  });

  it('gives a null score, not 100, when nothing could be judged', () => {
    const broken = normalizeEstate([{ ...apimService({ name: 'apim-broken' }), properties: null }]);
    const report = auditEstate(broken, { rules, now: NOW, source: 't', version: '0' });
    expect(report.services[0]?.score).toBeNull();
    expect(report.summary.errors).toBe(3);
  });
});

describe('evaluateRule', () => {
  const service = normalizeEstate([apimService()]).services[0];
  if (service === undefined) throw new Error('fixture');

  it('turns a throwing rule into an error result instead of aborting', () => {
    const throwing = defineRule({ meta: meta('APIM-905', 'high'), evaluate: () => { throw new Error('boom'); } });
    expect(evaluateRule(throwing, service, { now: NOW, options: {} })).toEqual([
      expect.objectContaining({ outcome: 'error', reason: 'The rule could not evaluate this resource: boom' }),
    ]);
  });

  it('reports a rule that returns no verdict', () => {
    const empty = defineRule({ meta: meta('APIM-906', 'high'), evaluate: () => [] });
    expect(evaluateRule(empty, service, { now: NOW, options: {} })[0]?.outcome).toBe('error');
  });

  it('turns a reason or evidence that throws when rendered into an error result', () => {
    const badReason = defineRule({ meta: meta('APIM-908', 'high'), evaluate: () => fail(() => { throw new Error('no words'); }, []) });
    const badEvidence = defineRule({ meta: meta('APIM-909', 'high'), evaluate: () => pass('Fine.', () => { throw new Error('no proof'); }) });
    expect(evaluateRule(badReason, service, { now: NOW, options: {} })).toEqual([
      expect.objectContaining({ outcome: 'error', reason: 'The rule could not explain its verdict on this resource: no words', evidence: [], fix: undefined }),
    ]);
    expect(evaluateRule(badEvidence, service, { now: NOW, options: {} })).toEqual([
      expect.objectContaining({ outcome: 'error', reason: 'The rule could not explain its verdict on this resource: no proof', evidence: [] }),
    ]);
  });

  it('attaches the fix kind to failures only', () => {
    const results = evaluateRule(nameRule('APIM-907', 'low', 'apim'), service, { now: NOW, options: {} });
    expect(results[0]).toMatchObject({ outcome: 'fail', fix: { kind: 'manual' }, resourceId: service.id, serviceId: service.id });
  });

});

describe('not checked and coverage', () => {
  const estate = normalizeEstate([apimService({ name: 'apim-good' }), apimService({ name: 'apim-bad' }), apimService({ name: 'apim-bad-worse' })]);
  const rules = [nameRule('APIM-901', 'critical'), nameRule('APIM-902', 'low'), nameRule('APIM-903', 'high', 'worse')];

  it('counts not checked apart from not applicable and says how much of each score was checked', () => {
    const unread = defineRule({ meta: meta('APIM-905', 'high'), evaluate: (svc) => notChecked(`Service '${svc.name}': APIs were not read (run with --deep).`) });
    const absent = defineRule({ meta: meta('APIM-906', 'medium'), evaluate: () => notApplicable('The tier has no such feature.') });
    const report = auditEstate(estate, { rules: [...rules, unread, absent], now: NOW, source: 'test', version: '0', keep: 'findings' });
    expect(report.summary.notChecked).toBe(3);
    expect(report.summary.notApplicable).toBe(3);
    // Per service: 3 rules judged (pass/fail) of 4 applicable; the not-applicable rule is in neither.
    expect(report.services.map((s) => s.coverage)).toEqual([1, 2, 3].map(() => ({ checked: 3, applicable: 4 })));
    expect(report.summary.coverage).toEqual({ checked: 9, applicable: 12 });
    // The score is unchanged by rules that were not checked: apim-good still passes all it was judged on.
    expect(report.services.find((s) => s.name === 'apim-good')?.score).toBe(100);
    // Kept by rule even when the report keeps findings only, so every output can say what was not looked at.
    expect(report.notCheckedRules).toEqual([{ ruleId: 'APIM-905', services: 3, reason: "Service 'apim-good': APIs were not read (run with --deep)." }]);
    expect(report.results.some((r) => r.outcome === 'notChecked')).toBe(false);
  });

  it('says so when the reason for not checking cannot be rendered', () => {
    const unread = defineRule({ meta: meta('APIM-905', 'high'), evaluate: () => notChecked(() => { throw new Error('no words'); }) });
    const report = auditEstate(estate, { rules: [unread], now: NOW, source: 'test', version: '0', keep: 'findings' });
    expect(report.notCheckedRules).toEqual([{ ruleId: 'APIM-905', services: 3, reason: 'The rule could not explain why it did not check: no words' }]);
  });

  it('counts exempted rules as checked and errors as applicable but not checked', () => {
    const broken = normalizeEstate([{ ...apimService({ name: 'apim-broken' }), properties: null }]);
    const report = auditEstate(broken, { rules, now: NOW, source: 't', version: '0' });
    expect(report.services[0]?.coverage).toEqual({ checked: 0, applicable: 3 });
    const exempted = auditEstate(estate, {
      rules, now: NOW, source: 'test', version: '0',
      exemptions: [{ ruleId: 'APIM-901', resource: 'apim-bad', reason: 'legacy', expires: '2026-06-30' }],
    });
    expect(exempted.services.find((s) => s.name === 'apim-bad')?.coverage).toEqual({ checked: 3, applicable: 3 });
  });
});
