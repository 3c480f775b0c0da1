import { describe, expect, it } from 'vitest';
import { acceptRiskCard, CARD_BUDGET_BYTES, cardBytes, exemptionsCard, parseCardAction } from '../../src/cards/render.js';
import { listExemptions } from '../../src/exemptions/in-force.js';
import type { ExemptionRecord } from '../../src/store/index.js';
import { executeActions, fullText, schemaErrors, walk } from './support.js';

const TODAY = new Date('2026-12-03T15:00:00Z');
const SERVICE = '/subscriptions/6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a01/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/apim-payments-weu';

function inputs(card: unknown): Record<string, Record<string, unknown>> {
  const found: Record<string, Record<string, unknown>> = {};
  walk(card, (node) => {
    if (typeof node['type'] === 'string' && node['type'].startsWith('Input.') && typeof node['id'] === 'string') found[node['id']] = node;
  });
  return found;
}

describe('the Accept risk form', () => {
  it('asks for a reason, an expiry between tomorrow and maxDays ahead and an optional ticket, and submits acceptRisk with the ref', () => {
    const card = acceptRiskCard({ ref: 'ref-7', ruleId: 'APIM-004', title: 'Public network access is enabled', serviceName: 'apim-payments-weu', today: TODAY, maxDays: 60 });
    expect(schemaErrors(card)).toEqual([]);
    const { reason, expires, ticket } = inputs(card);
    expect(reason).toMatchObject({ type: 'Input.Text', isRequired: true, maxLength: 500 });
    expect(expires).toMatchObject({ type: 'Input.Date', isRequired: true, min: '2026-12-04', max: '2027-02-01', value: '2027-01-02' });
    expect(ticket).toMatchObject({ type: 'Input.Text', style: 'Url', maxLength: 400 });
    expect(ticket?.['isRequired']).toBeUndefined();
    expect(executeActions(card)).toEqual([expect.objectContaining({ verb: 'acceptRisk', data: { ref: 'ref-7' } })]);
    expect(fullText(card)).toContain('Accept the risk: APIM-004 on apim-payments-weu');
  });

  it('defaults to 90 days and never suggests a date past the window', () => {
    expect(inputs(acceptRiskCard({ ref: 'r', ruleId: 'APIM-004', title: 't', serviceName: 's', today: TODAY }))['expires']).toMatchObject({ max: '2027-03-03' });
    expect(inputs(acceptRiskCard({ ref: 'r', ruleId: 'APIM-004', title: 't', serviceName: 's', today: TODAY, maxDays: 7 }))['expires']).toMatchObject({ max: '2026-12-10', value: '2026-12-10' });
  });
});

describe('parseCardAction acceptRisk (what Teams submits is input)', () => {
  it('accepts the ref with the entered values; an empty ticket is no ticket', () => {
    expect(parseCardAction('acceptRisk', { ref: 'r', reason: 'WAF in front', expires: '2027-01-31', ticket: 'https://t.example/1' })).toEqual({
      verb: 'acceptRisk',
      data: { ref: 'r', reason: 'WAF in front', expires: '2027-01-31', ticket: 'https://t.example/1' },
    });
    expect(parseCardAction('acceptRisk', { ref: 'r', reason: 'x', expires: '2027-01-31', ticket: ' ' })).toEqual({ verb: 'acceptRisk', data: { ref: 'r', reason: 'x', expires: '2027-01-31' } });
    // Missing values are left for acceptRisk to name ("the reason is required"), not refused as an unknown button.
    expect(parseCardAction('acceptRisk', { ref: 'r' })).toEqual({ verb: 'acceptRisk', data: { ref: 'r', reason: '', expires: '' } });
  });

  it('refuses other shapes and oversized values', () => {
    for (const data of [
      { reason: 'x', expires: '2027-01-31' },
      { ref: '', reason: 'x', expires: '2027-01-31' },
      { ref: 'x'.repeat(257), reason: 'x', expires: '2027-01-31' },
      { ref: 'r', reason: 'x', expires: '2027-01-31', ruleId: 'APIM-001' },
      { ref: 'r', reason: 'x', expires: '2027-01-31', resource: SERVICE },
      { ref: 'r', reason: 42, expires: '2027-01-31' },
      { ref: 'r', reason: 'x', expires: ['2027-01-31'] },
      { ref: 'r', reason: 'x'.repeat(2001), expires: '2027-01-31' },
      { ref: 'r', reason: 'x', expires: '2027-01-31', ticket: `https://t.example/${'a'.repeat(1600)}` },
      JSON.parse('{"ref":"r","reason":"x","expires":"2027-01-31","__proto__":{"admin":true}}') as unknown,
    ]) {
      expect(parseCardAction('acceptRisk', data), JSON.stringify(data)).toBeUndefined();
    }
  });
});

describe('the exemptions card', () => {
  const stored = (id: string, expires: string, createdAt: string): ExemptionRecord => ({
    id,
    exemption: { ruleId: 'APIM-004', resource: SERVICE, reason: 'Front Door with WAF in front', expires, ticket: 'https://t.example/SEC-1' },
    createdBy: '00000000-0000-0000-0000-000000000020',
    createdAt,
  });

  it('lists configured and accepted exemptions with their expiry, days left or expired, and where they come from', () => {
    const listed = listExemptions(
      [{ ruleId: 'APIM-017', resource: 'apim-*', reason: 'Tags are applied by policy', expires: '2027-06-30', owner: 'platform team' }],
      // Listed by the store in id order; shown oldest first.
      [stored('A'.repeat(16), '2027-01-31', '2026-12-01T10:00:00.000Z'), stored('B'.repeat(16), '2026-12-01', '2026-11-01T10:00:00.000Z')],
      TODAY,
    );
    const card = exemptionsCard(listed);
    expect(schemaErrors(card)).toEqual([]);
    const text = fullText(card);
    expect(text).toContain('Exemptions (3, 1 expired)');
    expect(text).toContain('APIM-017\n on apim-*');
    expect(text).toContain('Exempted until 2027-06-30 (209 days left)');
    expect(text).toContain('Configuration file · owner platform team');
    expect(text).toContain('APIM-004\n on apim-payments-weu');
    expect(text).toContain('Exemption expired 2026-12-01: the finding counts again.');
    expect(text).toContain('Exempted until 2027-01-31 (59 days left)');
    expect(text).toContain('Accepted in Teams by 00000000-0000-0000-0000-000000000020 on 2026-11-01');
    expect(text).toContain('Front Door with WAF in front (https://t.example/SEC-1)');
    // In the order audits apply them: the configuration's first, then the oldest accepted.
    expect(text.indexOf('APIM-017')).toBeLessThan(text.indexOf('2026-11-01'));
    expect(text.indexOf('on 2026-11-01')).toBeLessThan(text.indexOf('on 2026-12-01'));
  });

  it('says so when there are none, and fits the budget with thousands', () => {
    expect(fullText(exemptionsCard([]))).toContain('No exemptions');
    const many = Array.from({ length: 3000 }, (_, index) => stored(String(index).padStart(16, 'x'), '2027-01-31', '2026-12-01T10:00:00.000Z'));
    const card = exemptionsCard(listExemptions([], many.map((record) => ({ ...record, exemption: { ...record.exemption, reason: 'é'.repeat(500) } })), TODAY));
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(fullText(card)).toMatch(/… and \d+ more\./);
  });
});
