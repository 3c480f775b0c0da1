import { describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit.js';
import type { Exemption } from '../../src/engine/exemptions.js';
import { loadEstateFile } from '../../src/estate/load-file.js';
import { exemptionsInForce, listExemptions } from '../../src/exemptions/in-force.js';
import { findRule } from '../../src/rules/index.js';
import type { ExemptionRecord } from '../../src/store/index.js';

const NOW = new Date('2026-12-03T15:00:00Z');
const SERVICE = '/subscriptions/6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a01/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/apim-payments-weu';

function stored(exemption: Exemption, createdAt: string, id: string): ExemptionRecord {
  return { id, exemption, createdBy: '00000000-0000-0000-0000-000000000020', createdAt };
}

async function apim004(exemptions: readonly Exemption[]) {
  const estate = await loadEstateFile('examples/estate.json', { maxBytes: 10_000_000 });
  const rule = findRule('APIM-004');
  if (rule === undefined) throw new Error('no APIM-004');
  const report = auditEstate(estate, { rules: [rule], now: NOW, exemptions, source: 'test', version: '0.0.0-test' });
  return report.results.find((result) => result.serviceId === SERVICE);
}

describe('exemptions in force', () => {
  it('a stored exemption applies like a configured one', async () => {
    const accepted = stored({ ruleId: 'APIM-004', resource: SERVICE, reason: 'WAF in front', expires: '2027-01-31' }, '2026-12-01T00:00:00Z', 'A'.repeat(16));
    expect((await apim004(exemptionsInForce([], [accepted])))?.exemption).toEqual({ reason: 'WAF in front', expires: '2027-01-31', expired: false });
  });

  it('the configured exemption wins where both cover a finding, even an expired one', async () => {
    const configured: Exemption = { ruleId: 'APIM-004', resource: 'apim-payments-*', reason: 'from the file', expires: '2026-11-30' };
    const accepted = stored({ ruleId: 'APIM-004', resource: SERVICE, reason: 'from Teams', expires: '2027-01-31' }, '2026-12-01T00:00:00Z', 'A'.repeat(16));
    expect((await apim004(exemptionsInForce([configured], [accepted])))?.exemption).toMatchObject({ reason: 'from the file', expired: true });
  });

  it('stored exemptions apply oldest first, whatever order the store lists them in', () => {
    const newer = stored({ ruleId: 'APIM-004', resource: SERVICE, reason: 'newer', expires: '2027-01-31' }, '2026-12-02T00:00:00Z', 'A'.repeat(16));
    const older = stored({ ruleId: 'APIM-004', resource: SERVICE, reason: 'older', expires: '2027-01-31' }, '2026-12-01T00:00:00Z', 'B'.repeat(16));
    expect(exemptionsInForce([], [newer, older]).map((exemption) => exemption.reason)).toEqual(['older', 'newer']);
  });

  it('lists days left through the last day, then expired', () => {
    const on = (expires: string) => listExemptions([{ ruleId: '*', resource: 'x', reason: 'r', expires }], [], NOW)[0];
    expect(on('2026-12-13')).toMatchObject({ source: 'configuration', daysLeft: 10, expired: false });
    expect(on('2026-12-03')).toMatchObject({ daysLeft: 0, expired: false });
    expect(on('2026-12-02')).toMatchObject({ daysLeft: 0, expired: true });
  });
});
