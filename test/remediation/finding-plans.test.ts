import { describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { formatJson } from '../../src/output/json.js';
import { planFindings } from '../../src/remediation/finding-plans.js';
import { ALL_RULES, findRule } from '../../src/rules/index.js';
import type { AnyRule } from '../../src/rules/types.js';
import { apimService, GATEWAY, hardenedCustomProperties } from '../support/fixtures.js';

const now = new Date('2026-06-01T00:00:00Z');
const weak = (name: string) =>
  apimService({ name, identity: null, properties: { publicNetworkAccess: 'Enabled', customProperties: { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } } });
const estate = normalizeEstate([weak('apim-open'), weak('apim-exempt')]);

function rule(id: string): AnyRule {
  const found = findRule(id);
  if (found === undefined) throw new Error(`no rule ${id}`);
  return found;
}

describe('planFindings', () => {
  it('plans open failures of rules with a fix; not exempted ones, not manual rules, not passes', () => {
    const report = auditEstate(estate, {
      rules: ALL_RULES,
      now,
      source: 'test',
      version: '0',
      exemptions: [{ ruleId: 'APIM-001', resource: 'apim-exempt', reason: 'partner on TLS 1.0', expires: '2027-01-01' }],
    });
    const plans = planFindings(report.results, estate, { rules: ALL_RULES, now });
    const planned = [...plans.keys()].map((result) => `${result.ruleId} ${result.serviceId.split('/').pop() ?? ''}`);
    expect(planned).toContain('APIM-001 apim-open');
    expect(planned).not.toContain('APIM-001 apim-exempt');
    for (const result of plans.keys()) {
      expect(result.outcome).toBe('fail');
      expect(rule(result.ruleId).meta.fix).not.toBe('manual');
    }
    const tls = [...plans.entries()].find(([result]) => result.ruleId === 'APIM-001');
    expect(tls?.[1]).toMatchObject({ plan: { ruleId: 'APIM-001', request: { method: 'PATCH' } } });
  });

  it('records a plan that cannot be made, and still plans the rest', () => {
    const tls = rule('APIM-001');
    const broken: AnyRule = {
      ...tls,
      planFix: () => {
        throw new TypeError('unexpected shape');
      },
    };
    const rules = [broken, rule('APIM-003')];
    const report = auditEstate(estate, { rules, now, source: 'test', version: '0' });
    const found = planFindings(report.results, estate, { rules, now });
    const plans = [...found.entries()].map(([result, plan]) => [result.ruleId, 'error' in plan ? plan.error : 'plan']);
    expect(plans).toContainEqual(['APIM-001', 'unexpected shape']);
    expect(plans).toContainEqual(['APIM-003', 'plan']);
    // The JSON report says so on the result, beside the plans that could be made.
    const json = JSON.parse(formatJson(report, { fixPlans: found })) as { results: { ruleId: string; fixPlan?: { azRest?: string }; fixPlanError?: string }[] };
    expect(json.results.filter((r) => r.ruleId === 'APIM-001').map((r) => r.fixPlanError)).toEqual(['unexpected shape', 'unexpected shape']);
    expect(json.results.find((r) => r.ruleId === 'APIM-003')?.fixPlan?.azRest).toMatch(/^az rest --method patch /);
  });
});
