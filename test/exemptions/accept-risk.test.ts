import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { acceptRisk, revokeExemption, type AcceptRiskInput, type ExemptionDependencies } from '../../src/exemptions/accept-risk.js';
import { openStore, type AuditLog, type Store } from '../../src/store/index.js';

/**
 * "Accept risk" from Teams: what the person entered is checked (each guard has a case that passes
 * only while the guard is there), the exemption is stored for exactly one rule on one service, and
 * who accepted what, until when and why lands in the hash-chained audit log.
 */
const NOW = new Date('2026-12-03T15:00:00Z');
const SERVICE = '/subscriptions/6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a01/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/apim-payments-weu';
const ALEX = '00000000-0000-0000-0000-000000000020';
const CHAT = 'a:security-channel';

let store: Store;
let deps: ExemptionDependencies;

beforeEach(async () => {
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
  deps = { exemptions: store.exemptions, auditLog: store.auditLog, now: () => NOW };
});

function input(overrides: Partial<AcceptRiskInput> = {}): AcceptRiskInput {
  return {
    ruleId: 'APIM-004',
    service: SERVICE,
    reason: 'Public access is fronted by Front Door with WAF; private link planned for Q1.',
    expires: '2027-01-31',
    ticket: 'https://tickets.example.com/SEC-123',
    acceptedBy: ALEX,
    conversationId: CHAT,
    ...overrides,
  };
}

async function refusal(overrides: Partial<AcceptRiskInput>, options: Partial<ExemptionDependencies> = {}): Promise<string> {
  const result = await acceptRisk({ ...deps, ...options }, input(overrides));
  if (result.ok) throw new Error(`accepted ${JSON.stringify(overrides)}`);
  // Nothing is stored or logged for a refusal.
  expect(await store.exemptions.list()).toEqual([]);
  expect(await store.auditLog.read()).toEqual([]);
  return result.reason;
}

describe('acceptRisk', () => {
  it('stores an exemption for exactly that rule and service id, and logs exemption.added with who, what, why, until when', async () => {
    const result = await acceptRisk(deps, input({ ruleId: 'apim-4', reason: '  Fronted by   Front Door\twith WAF.  ' }));
    expect(result.ok).toBe(true);
    const [record] = await store.exemptions.list();
    expect(record).toMatchObject({
      createdBy: ALEX,
      exemption: { ruleId: 'APIM-004', resource: SERVICE, reason: 'Fronted by Front Door with WAF.', expires: '2027-01-31', ticket: 'https://tickets.example.com/SEC-123' },
    });
    const [entry] = await store.auditLog.read();
    expect(entry).toMatchObject({
      kind: 'exemption.added',
      actor: ALEX,
      subject: SERVICE,
      details: { exemptionId: record?.id, ruleId: 'APIM-004', resource: SERVICE, reason: 'Fronted by Front Door with WAF.', expires: '2027-01-31', ticket: 'https://tickets.example.com/SEC-123', conversationId: CHAT },
    });
    expect((await store.auditLog.verify()).ok).toBe(true);
  });

  it('finds a service by name among the audited ones, and refuses a name that is unknown or names several', async () => {
    const services = [
      { id: SERVICE, name: 'apim-payments-weu' },
      { id: SERVICE.replace('6f1c2a10', '7f1c2a10'), name: 'apim-twin' },
      { id: SERVICE.replace('6f1c2a10', '8f1c2a10'), name: 'apim-twin' },
    ];
    expect(await refusal({ service: 'apim-nowhere', services })).toBe('No audited service is named "apim-nowhere".');
    expect(await refusal({ service: 'apim-twin', services })).toMatch(/^2 audited services are named "apim-twin"/);
    const result = await acceptRisk(deps, input({ service: 'APIM-Payments-WEU', services }));
    expect(result.ok && result.record.exemption.resource).toBe(SERVICE);
  });

  it('refuses without an Entra object id: nobody accepts a risk anonymously', async () => {
    expect(await refusal({ acceptedBy: undefined })).toMatch(/^Teams did not say who you are/);
    expect(await refusal({ acceptedBy: '29:1abc-channel-account' })).toMatch(/^Teams did not say who you are/);
  });

  it('refuses a conversation id the audit log cannot hold', async () => {
    expect(await refusal({ conversationId: '' })).toMatch(/no usable id/);
  });

  it('refuses a rule that does not exist and the wildcard', async () => {
    expect(await refusal({ ruleId: 'APIM-999' })).toBe('There is no rule "APIM-999"; an exemption names one rule, such as APIM-004.');
    expect(await refusal({ ruleId: '*' })).toMatch(/^There is no rule "\*"/);
  });

  it('refuses anything but the resource id of one API Management service: no patterns, no other resources', async () => {
    expect(await refusal({ service: SERVICE.replace('rg-payments', '*') })).toMatch(/is not the resource id of an API Management service/);
    expect(await refusal({ service: `${SERVICE}/apis/echo` })).toMatch(/is not the resource id of an API Management service/);
    expect(await refusal({ service: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Web/sites/app' })).toMatch(/is not the resource id/);
    expect(await refusal({ service: '   ' })).toBe('Name the service the risk is accepted for.');
  });

  it('requires a reason of plain text, at most 500 characters after trimming', async () => {
    expect(await refusal({ reason: '  \n ' })).toBe('Say why the risk is accepted: the reason is required.');
    expect(await refusal({ reason: 'x'.repeat(501) })).toBe('The reason is 501 characters long; keep it to 500.');
    expect(await refusal({ reason: 'ok \u001b[31m red' })).toMatch(/^The reason must be plain text/);
    expect(await refusal({ reason: 'ok \u202e desrever' })).toMatch(/^The reason must be plain text/);
    // 500 characters with spaces around them is fine: the limit counts what is kept.
    expect((await acceptRisk(deps, input({ reason: `  ${'y'.repeat(500)}  ` }))).ok).toBe(true);
  });

  it('requires an expiry date after today and at most maxDays ahead (default 90)', async () => {
    expect(await refusal({ expires: 'next friday' })).toBe('The expiry must be a date such as 2027-01-02.');
    expect(await refusal({ expires: '2027-02-30' })).toMatch(/^The expiry must be a date such as/);
    expect(await refusal({ expires: '2026-12-03' })).toBe('The expiry must be after today (2026-12-03).');
    expect(await refusal({ expires: '2026-01-01' })).toBe('The expiry must be after today (2026-12-03).');
    expect(await refusal({ expires: '2027-03-04' })).toBe('An exemption may last at most 90 days: choose a date until 2027-03-03.');
    expect(await refusal({ expires: '2027-01-03' }, { maxDays: 30 })).toBe('An exemption may last at most 30 days: choose a date until 2027-01-02.');
    expect((await acceptRisk(deps, input({ expires: '2026-12-04' }))).ok).toBe(true);
    expect((await acceptRisk(deps, input({ expires: '2027-03-03' }))).ok).toBe(true);
  });

  it('takes an optional ticket that is an https link of at most 400 characters', async () => {
    expect(await refusal({ ticket: 'http://tickets.example.com/SEC-1' })).toMatch(/^The ticket must be an https link/);
    expect(await refusal({ ticket: 'javascript:alert(1)' })).toMatch(/^The ticket must be an https link/);
    expect(await refusal({ ticket: 'https://user:secret@tickets.example.com/SEC-1' })).toMatch(/^The ticket must be an https link/);
    expect(await refusal({ ticket: 'https://tickets.example.com/a b' })).toMatch(/^The ticket must be an https link/);
    expect(await refusal({ ticket: `https://tickets.example.com/${'a'.repeat(380)}` })).toBe('The ticket link is 408 characters long; keep it to 400.');
    const without = await acceptRisk(deps, input({ ticket: '  ' }));
    expect(without.ok && without.record.exemption.ticket).toBeUndefined();
  });

  it('removes the exemption again when the audit log refuses the record: nothing untraceable hides a finding', async () => {
    const failing: AuditLog = { ...store.auditLog, append: () => Promise.reject(new Error('disk full')) };
    await expect(acceptRisk({ ...deps, auditLog: failing }, input())).rejects.toThrow('disk full');
    expect(await store.exemptions.list()).toEqual([]);
  });
});

describe('revokeExemption', () => {
  it('logs exemption.removed with who revoked what, then removes it', async () => {
    const added = await acceptRisk(deps, input());
    if (!added.ok) throw new Error(added.reason);
    const SAM = '11111111-2222-3333-4444-555555555555';
    const revoked = await revokeExemption(deps, { id: added.record.id, revokedBy: SAM, conversationId: CHAT });
    expect(revoked.ok).toBe(true);
    expect(await store.exemptions.list()).toEqual([]);
    const entries = await store.auditLog.read();
    expect(entries.map((entry) => entry.kind)).toEqual(['exemption.added', 'exemption.removed']);
    expect(entries[1]).toMatchObject({ actor: SAM, subject: SERVICE, details: { exemptionId: added.record.id, ruleId: 'APIM-004', createdBy: ALEX, conversationId: CHAT } });
  });

  it('refuses an unknown id and an anonymous revoker, logging nothing', async () => {
    const added = await acceptRisk(deps, input());
    if (!added.ok) throw new Error(added.reason);
    expect(await revokeExemption(deps, { id: 'A'.repeat(16), revokedBy: ALEX, conversationId: CHAT })).toEqual({ ok: false, reason: expect.stringMatching(/^There is no such exemption/) as unknown });
    expect(await revokeExemption(deps, { id: added.record.id, revokedBy: undefined, conversationId: CHAT })).toMatchObject({ ok: false });
    expect(await store.exemptions.list()).toHaveLength(1);
    expect((await store.auditLog.read()).map((entry) => entry.kind)).toEqual(['exemption.added']);
  });
});
