import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/engine/evaluate.js';
import type { FixPlan } from '../../src/contracts/fix-plan.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { changeSegments, combinePlans, CombinePlansError } from '../../src/remediation/combine-plans.js';
import { planFixFor } from '../../src/remediation/plan-fix.js';
import { findRule } from '../../src/rules/index.js';
import type { AnyRule, RuleContext } from '../../src/rules/types.js';
import { apimService, GATEWAY, hardenedCustomProperties, type Raw } from '../support/fixtures.js';
import { applyRequest } from '../support/rule-tester.js';

const context: RuleContext<unknown> = { now: new Date('2026-06-01T00:00:00Z'), options: {} };
const TLS10 = `${GATEWAY}.Security.Protocols.Tls10`;
const WEAK = `${GATEWAY}.Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA`;

function rule(id: string): AnyRule {
  const found = findRule(id);
  if (found === undefined) throw new Error(`no rule ${id}`);
  return found;
}

function outcomes(resources: readonly Raw[], ids: readonly string[]): string[] {
  const [service] = normalizeEstate(resources).services;
  if (service === undefined) throw new Error('no service');
  return ids.flatMap((id) => evaluateRule(rule(id), service, context).map((result) => `${id} ${result.outcome}`));
}

function onePlan(resources: readonly Raw[], id: string): FixPlan {
  const [plan] = plansFor(resources, [id]);
  if (plan === undefined) throw new Error(`${id}: no plan`);
  return plan;
}

function plansFor(resources: readonly Raw[], ids: readonly string[]): FixPlan[] {
  const [service] = normalizeEstate(resources).services;
  if (service === undefined) throw new Error('no service');
  return ids.flatMap((id) =>
    evaluateRule(rule(id), service, context)
      .filter((result) => result.outcome === 'fail')
      .map((result) => {
        const plan = planFixFor(rule(id), service, result, context);
        if (plan === undefined) throw new Error(`${id}: no plan`);
        return plan;
      }),
  );
}

/** TLS 1.0 on and one weak cipher on; everything else hardened. */
const weakService = apimService({ properties: { customProperties: { ...hardenedCustomProperties(), [TLS10]: 'True', [WEAK]: 'True' } } });

describe('combinePlans', () => {
  it('APIM-001 and APIM-002 on one service become one request that disables both, and both rules then pass', () => {
    const plans = plansFor([weakService], ['APIM-001', 'APIM-002']);
    expect(plans).toHaveLength(2);
    // Sent one after the other, the second map would switch TLS 1.0 back on: each re-sends what it read.
    const [protocols, ciphers] = plans;
    expect((protocols?.request.body['properties'] as Raw)['customProperties']).toMatchObject({ [TLS10]: 'False', [WEAK]: 'True' });
    expect((ciphers?.request.body['properties'] as Raw)['customProperties']).toMatchObject({ [TLS10]: 'True', [WEAK]: 'False' });

    const combined = combinePlans(plans);
    expect(combined).toHaveLength(1);
    const [fix] = combined;
    expect(fix?.ruleIds).toEqual(['APIM-001', 'APIM-002']);
    expect(fix?.request.method).toBe('PATCH');
    const map = (fix?.request.body['properties'] as Raw)['customProperties'] as Raw;
    expect(map).toEqual({ ...hardenedCustomProperties(), [TLS10]: 'False', [WEAK]: 'False' });
    expect(fix?.changes.map((c) => c.path)).toEqual([`properties.customProperties['${TLS10}']`, `properties.customProperties['${WEAK}']`]);
    expect(fix?.preconditions.filter((p) => p.description === 'No other operation is running on the service')).toHaveLength(1);
    expect(fix?.summary).toMatch(/^One request for APIM-001, APIM-002: /);

    expect(outcomes([weakService], ['APIM-001', 'APIM-002'])).toEqual(['APIM-001 fail', 'APIM-002 fail']);
    if (fix === undefined) throw new Error('no combined fix');
    const after = applyRequest([weakService], fix.request);
    expect(outcomes(after, ['APIM-001', 'APIM-002'])).toEqual(['APIM-001 pass', 'APIM-002 pass']);
  });

  it('keeps plans for different resources apart, in order', () => {
    const plan = onePlan([weakService], 'APIM-001');
    const other = { ...plan, request: { ...plan.request, path: `${plan.request.path}/apis/orders` } };
    expect(combinePlans([plan, other]).map((fix) => fix.request.path)).toEqual([plan.request.path, other.request.path]);
  });

  it('refuses plans that set one value differently', () => {
    const [protocols] = plansFor([weakService], ['APIM-001']);
    if (protocols === undefined) throw new Error('no plan');
    const rival: FixPlan = {
      ...protocols,
      ruleId: 'APIM-002',
      request: { ...protocols.request, body: { properties: { customProperties: { ...hardenedCustomProperties(), [TLS10]: 'True', [WEAK]: 'True' } } } },
      changes: [{ path: `properties.customProperties['${TLS10}']`, before: 'False', after: 'True' }],
    };
    expect(() => combinePlans([protocols, rival])).toThrow(CombinePlansError);
    expect(() => combinePlans([protocols, rival])).toThrow(/APIM-001 and APIM-002 both change .* they set properties\.customProperties\.Microsoft[^ ]*Tls10 to "False" and "True"/);
  });

  it('refuses plans made from different reads (a value neither plan changes differs)', () => {
    const protocols = onePlan([weakService], 'APIM-001');
    const ciphers = onePlan([apimService({ properties: { customProperties: { ...hardenedCustomProperties(), [TLS10]: 'True', [WEAK]: 'True', [`${GATEWAY}.Protocols.Server.Http2`]: 'True' } } })], 'APIM-002');
    expect(() => combinePlans([protocols, ciphers])).toThrow(/planned from different reads/);
  });

  it('refuses different methods, api-versions and If-Match headers on one path', () => {
    const [plan] = plansFor([weakService], ['APIM-001']);
    if (plan === undefined) throw new Error('no plan');
    expect(() => combinePlans([plan, { ...plan, request: { ...plan.request, method: 'PUT' } }])).toThrow(/one with PATCH and one with PUT/);
    expect(() => combinePlans([plan, { ...plan, request: { ...plan.request, apiVersion: '2023-05-01-preview' } }])).toThrow(/different api-versions/);
    const a = { ...plan, request: { ...plan.request, headers: { 'If-Match': '"a"' } } };
    const b = { ...plan, request: { ...plan.request, headers: { 'if-match': '"b"' } } };
    expect(() => combinePlans([a, b])).toThrow(/different if-match headers/);
    expect(combinePlans([a, { ...plan }])[0]?.request.headers).toEqual({ 'If-Match': '"a"' });
  });

  it('reads change paths as body places', () => {
    expect(changeSegments("properties.customProperties['a.b.c']")).toEqual(['properties', 'customProperties', 'a.b.c']);
    expect(changeSegments('apis/orders: properties.protocols')).toEqual(['properties', 'protocols']);
    expect(changeSegments('properties.additionalLocations[1].zones')).toEqual(['properties', 'additionalLocations', '1', 'zones']);
  });
});
