import { describe, expect, it } from 'vitest';
import { fixAnswer, requestText } from '../../src/bot/fix-answer.js';
import { auditEstate } from '../../src/engine/audit.js';
import type { Estate } from '../../src/estate/model.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { apimService, childOf, serviceId, type Raw } from '../support/fixtures.js';

const now = new Date('2026-06-01T00:00:00Z');
const service = apimService();
const PRODUCT = 'Microsoft.ApiManagement/service/products';

function openProduct(name: string, extra: Raw = {}): Raw {
  return { ...childOf(service, `products/${name}`, PRODUCT, { displayName: name, subscriptionRequired: false, approvalRequired: true, state: 'published' }), ...extra };
}

/** All strings of a card, joined, so a test can look for what a person reads. */
function textOf(card: unknown): string {
  return JSON.stringify(card);
}

function answer(estate: Estate, ruleId: string): string {
  const report = auditEstate(estate, { rules: ALL_RULES, now, source: 'test', version: '0.0.0' });
  const apim = estate.services[0];
  if (apim === undefined) throw new Error('no service');
  const resourceIds = report.results.filter((r) => r.ruleId === ruleId && r.outcome === 'fail').map((r) => r.resourceId);
  return textOf(fixAnswer({ report, serviceId: apim.id, serviceName: apim.name, ruleId, resourceIds }, estate, now, {}));
}

describe('fix answer', () => {
  it('shows the If-Match header each child request sends, and says when the ETag is read again first', () => {
    const estate = normalizeEstate([service, openProduct('starter', { etag: 'AAAAAAAQAAE=' }), openProduct('trial')]);
    const text = answer(estate, 'APIM-030');
    expect(text).toContain('Requests');
    expect(text).toContain('If-Match: \\"AAAAAAAQAAE=\\"');
    expect(text).toContain('If-Match: (the ETag of a fresh read; the remediation step re-reads the resource before applying)');
    expect(text).toContain("Precondition not met — The ETag of product 'trial' was read");
  });

  it('writes a request as headers, a blank line and the body; the request line only when several are shown', () => {
    const request = { method: 'PATCH' as const, path: serviceId('apim-test'), apiVersion: '2024-05-01', body: { properties: { enableClientCertificate: true } } };
    expect(requestText(request, false)).toBe(JSON.stringify(request.body, null, 2));
    expect(requestText({ ...request, headers: { 'If-Match': '"x"' } }, true)).toBe(`PATCH ${request.path}?api-version=2024-05-01\nIf-Match: "x"\n\n${JSON.stringify(request.body, null, 2)}`);
  });
});
