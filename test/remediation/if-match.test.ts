import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/engine/evaluate.js';
import type { FixPlan } from '../../src/contracts/fix-plan.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { ETAG_READ, withEtagPrecondition } from '../../src/remediation/etag-precondition.js';
import { planFixFor } from '../../src/remediation/plan-fix.js';
import { findRule } from '../../src/rules/index.js';
import { ifMatchValue, patchChild, requiresIfMatch } from '../../src/rules/shared/fix-plans.js';
import type { AnyRule, RuleContext } from '../../src/rules/types.js';
import { apimService, childOf, serviceId, type Raw } from '../support/fixtures.js';

const context: RuleContext<unknown> = { now: new Date('2026-06-01T00:00:00Z'), options: {} };
const service = apimService();
const PRODUCT = 'Microsoft.ApiManagement/service/products';

function openProduct(extra: Raw = {}): Raw {
  return { ...childOf(service, 'products/starter', PRODUCT, { displayName: 'Starter', subscriptionRequired: false, approvalRequired: false, state: 'published' }), ...extra };
}

function planOf(id: string, resources: readonly Raw[]): FixPlan {
  const rule = findRule(id) as AnyRule;
  const [apim] = normalizeEstate(resources).services;
  if (apim === undefined) throw new Error('no service');
  const failing = evaluateRule(rule, apim, context).find((result) => result.outcome === 'fail');
  if (failing === undefined) throw new Error(`${id} does not fail`);
  const plan = planFixFor(rule, apim, failing, context);
  if (plan === undefined) throw new Error(`${id} has no plan`);
  return plan;
}

describe('ETags on child updates', () => {
  it('estate entries keep the etag they were read with, for children and services', () => {
    const estate = normalizeEstate([{ ...service, etag: 'AAAAAAAAAAE=' }, openProduct({ etag: 'AAAAAAAQAAE=' }), childOf(service, 'apis/orders', 'Microsoft.ApiManagement/service/apis', {})]);
    const [apim] = estate.services;
    expect(apim?.etag).toBe('AAAAAAAAAAE=');
    expect(apim?.children.products?.[0]?.etag).toBe('AAAAAAAQAAE=');
    expect(apim?.children.apis?.[0]).not.toHaveProperty('etag');
  });

  it('a child update sends If-Match with the ETag that was read, quoted as a header', () => {
    const plan = planOf('APIM-030', [service, openProduct({ etag: 'AAAAAAAQAAE=' })]);
    expect(plan.request.headers).toEqual({ 'If-Match': '"AAAAAAAQAAE="' });
    const etag = plan.preconditions.find((p) => p.description.startsWith(ETAG_READ));
    expect(etag).toMatchObject({ description: "The ETag of product 'starter' was read", satisfied: true });
  });

  it('without an ETag in the data read, sends no If-Match (never "*") and lists an unsatisfied re-read precondition', () => {
    const plan = planOf('APIM-030', [service, openProduct()]);
    expect(plan.request.headers).toBeUndefined();
    const etag = plan.preconditions.find((p) => p.description.startsWith(ETAG_READ));
    expect(etag).toMatchObject({ satisfied: false, judgedBy: 'reread' });
    expect(etag?.detail).toMatch(/re-reads the resource before applying/);
    expect(etag?.detail).toContain('never "*"');
  });

  it('treats If-Match "*" as no ETag read', () => {
    const [apim] = normalizeEstate([service, openProduct()]).services;
    if (apim === undefined) throw new Error('no service');
    const path = `${serviceId('apim-test')}/products/starter`;
    const plan = withEtagPrecondition({ request: { method: 'PATCH', path, apiVersion: '2024-05-01', headers: { 'If-Match': '*' }, body: {} }, preconditions: [] }, apim);
    expect(plan.preconditions).toMatchObject([{ satisfied: false, judgedBy: 'reread' }]);
  });

  it('service updates need no If-Match and get no ETag precondition', () => {
    const plan = planOf('APIM-018', [apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { enableClientCertificate: false } })]);
    expect(plan.request.headers).toBeUndefined();
    expect(plan.preconditions.some((p) => p.description.startsWith(ETAG_READ))).toBe(false);
  });

  it('knows which updates ARM refuses without If-Match (REST spec 2024-05-01)', () => {
    const base = serviceId('apim-test');
    for (const child of ['apis/orders', 'backends/legacy', 'products/starter', 'tenant/access', 'portalconfigs/default', 'APIS/Orders']) {
      expect(requiresIfMatch({ method: 'PATCH', path: `${base}/${child}` }), child).toBe(true);
    }
    expect(requiresIfMatch({ method: 'PUT', path: `${base}/tenant/access` })).toBe(true);
    expect(requiresIfMatch({ method: 'PUT', path: `${base}/portalconfigs/default` })).toBe(true);
    expect(requiresIfMatch({ method: 'PUT', path: `${base}/apis/orders` })).toBe(false);
    expect(requiresIfMatch({ method: 'PATCH', path: base })).toBe(false);
    expect(requiresIfMatch({ method: 'PUT', path: `${base}/providers/Microsoft.Insights/diagnosticSettings/audit` })).toBe(false);
    expect(requiresIfMatch({ method: 'PATCH', path: `${base}/apis/orders/policies/policy` })).toBe(false);
  });

  it('quotes a bare ETag and keeps one that is already quoted', () => {
    expect(ifMatchValue('AAAAAAAQAAE=')).toBe('"AAAAAAAQAAE="');
    expect(ifMatchValue('"AAAAAAAQAAE="')).toBe('"AAAAAAAQAAE="');
    expect(ifMatchValue('W/"x"')).toBe('W/"x"');
  });

  it('patchChild leaves the header out when no ETag was read', () => {
    const [apim] = normalizeEstate([service, openProduct()]).services;
    const product = apim?.children.products?.[0];
    if (product === undefined) throw new Error('no product');
    expect(patchChild(product, {})).not.toHaveProperty('headers');
    expect(patchChild({ ...product, etag: 'e1' }, {}).headers).toEqual({ 'If-Match': '"e1"' });
  });
});
