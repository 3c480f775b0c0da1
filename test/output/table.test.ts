import { describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { formatTable, tableChunks } from '../../src/output/table.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { apimService, GATEWAY, hardenedCustomProperties } from '../support/fixtures.js';

const RULES = ALL_RULES.filter((rule) => ['APIM-001', 'APIM-003'].includes(rule.meta.id));
const NOW = new Date('2026-06-01T00:00:00Z');

function table(resources: readonly unknown[], exemptions: Parameters<typeof auditEstate>[1]['exemptions'] = []): string {
  const report = auditEstate(normalizeEstate(resources), { rules: RULES, now: NOW, source: 'test estate', version: '0', exemptions });
  return formatTable(report, { color: false, verbose: false });
}

const weak = apimService({
  name: 'apim-weak',
  identity: null,
  properties: { customProperties: { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } },
});

describe('table output', () => {
  it('names each failing rule by its failure title, with the severity', () => {
    const text = table([weak]);
    expect(text).toMatch(/^ {2}CRITICAL +APIM-001 {2}TLS 1\.0\/1\.1 or SSL 3\.0 enabled$/m);
    expect(text).toMatch(/^ {2}MEDIUM +APIM-003 {2}No managed identity$/m);
    // The rule title states the secure condition; on a failure it would read as the opposite.
    expect(text).not.toContain('Legacy TLS/SSL protocols are disabled');
    expect(text).not.toContain('A managed identity is assigned');
  });

  it('names an exempted failure by its failure title too', () => {
    const text = table([weak], [{ ruleId: 'APIM-001', resource: 'apim-weak', reason: 'vendor appliance', expires: '2099-01-31' }]);
    expect(text).toMatch(/^ {2}EXEMPTED +APIM-001 {2}TLS 1\.0\/1\.1 or SSL 3\.0 enabled$/m);
  });

  it('keeps the rule title for a rule that could not be evaluated', () => {
    const text = table([{ ...apimService({ name: 'apim-broken' }), properties: null }]);
    expect(text).toMatch(/^ {2}ERROR +APIM-001 {2}Legacy TLS\/SSL protocols are disabled$/m);
    expect(text).not.toContain('TLS 1.0/1.1 or SSL 3.0 enabled');
  });
});

describe('table output counts', () => {
  const strong = apimService({ name: 'apim-strong' });

  it('says "1 service" and "1 rule" for a single service and rule, and agrees the quiet-services line', () => {
    const report = auditEstate(normalizeEstate([weak, strong, apimService({ name: 'apim-strong-2' })]), {
      rules: RULES.filter((rule) => rule.meta.id === 'APIM-001'),
      now: NOW,
      source: 'test estate',
      version: '0',
    });
    const text = formatTable(report, { color: false, verbose: false });
    expect(text).toMatch(/^3 services · 1 rule · score/m);
    expect(text).toContain('2 more services have no failing rule (--verbose lists them).');

    const single = formatTable(auditEstate(normalizeEstate([weak, strong]), { rules: RULES, now: NOW, source: 'test estate', version: '0' }), {
      color: false,
      verbose: false,
    });
    expect(single).toMatch(/^2 services · 2 rules · score/m);
    expect(single).toContain('1 more service has no failing rule (--verbose lists it).');

    const one = formatTable(auditEstate(normalizeEstate([weak]), { rules: RULES, now: NOW, source: 'test estate', version: '0' }), { color: false, verbose: false });
    expect(one).toMatch(/^1 service · 2 rules · score/m);
  });
});

describe('table output in chunks', () => {
  it('comes in several chunks of whole lines for a large estate, the same text as formatTable', () => {
    const services = Array.from({ length: 1500 }, (_, index) =>
      apimService({ name: `apim-${index}`, identity: null, properties: { customProperties: { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } } }),
    );
    const report = auditEstate(normalizeEstate(services), { rules: RULES, now: NOW, source: 'test estate', version: '0' });
    const chunks = [...tableChunks(report, { color: false, verbose: false })];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
    expect(chunks.join('')).toBe(formatTable(report, { color: false, verbose: false }));
    expect(chunks.join('').split('\n').length).toBeGreaterThan(5000);
  });
});
