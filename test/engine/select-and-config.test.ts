import { describe, expect, it } from 'vitest';
import { toAuditConfig } from '../../src/engine/audit-config.js';
import { parseConfigFile } from '../../src/config.js';

const parseAuditConfig = (json: unknown, source: string) => toAuditConfig(parseConfigFile(json, source), source);
import { normaliseRuleId, parseSeverity, selectRules } from '../../src/engine/select-rules.js';
import { ALL_RULES } from '../../src/rules/index.js';

describe('selectRules', () => {
  it('normalises loosely typed ids', () => {
    expect(['apim-4', 'APIM-004', '4', ' Apim004 '].map(normaliseRuleId)).toEqual(['APIM-004', 'APIM-004', 'APIM-004', 'APIM-004']);
  });

  it('filters by id and by minimum severity', () => {
    expect(selectRules(ALL_RULES, { ids: ['apim-1'] }).map((r) => r.meta.id)).toEqual(['APIM-001']);
    const critical = selectRules(ALL_RULES, { minSeverity: 'critical' });
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((r) => r.meta.severity === 'critical')).toBe(true);
  });

  it('names unknown rules, categories and severities instead of auditing nothing', () => {
    expect(() => selectRules(ALL_RULES, { ids: ['APIM-999'] })).toThrow(/unknown rule APIM-999/);
    expect(() => selectRules(ALL_RULES, { categories: ['tls'] })).toThrow(/unknown category tls; categories are/);
    expect(() => parseSeverity('severe')).toThrow(/use one of critical, high, medium, low/);
  });
});

describe('parseAuditConfig', () => {
  it('accepts rule options keyed by loose ids and valid exemptions', () => {
    const config = parseAuditConfig(
      { rules: { 'apim-1': {} }, exemptions: [{ ruleId: 'apim-001', resource: 'apim-*', reason: 'r', expires: '2026-12-31' }] },
      'posture.json',
    );
    expect(Object.keys(config.ruleOptions)).toEqual(['APIM-001']);
    expect(config.exemptions[0]?.ruleId).toBe('APIM-001');
  });

  it.each([
    [{ exemptions: [{ ruleId: 'APIM-001', resource: 'x', reason: 'r', expires: 'next year' }] }, 'posture.json: exemptions[0].expires: must be a date such as 2026-12-31'],
    [{ exemptions: [{ ruleId: 'APIM-001', resource: 'x', reason: ' ', expires: '2026-12-31' }] }, 'posture.json: exemptions[0].reason: must say why the risk is accepted'],
    [{ exemptions: [{ ruleId: 'TLS', resource: 'x', reason: 'r', expires: '2026-12-31' }] }, 'posture.json: exemptions[0].ruleId: must be a rule id'],
    [{ rules: { 'APIM-999': {} } }, 'posture.json: rules.APIM-999: there is no rule APIM-999'],
    [{ rule: {} }, 'posture.json: the file: Unrecognized key'],
  ])('rejects %j with a message naming the field', (json, message) => {
    expect(() => parseAuditConfig(json, 'posture.json')).toThrow(message);
  });
});
