import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/engine/evaluate.js';
import type { RuleResult } from '../../src/contracts/results.js';
import type { ApimService } from '../../src/estate/model.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import type { PlannedFix } from '../../src/contracts/fix-plan.js';
import { FixDeclarationError, planFixFor } from '../../src/remediation/plan-fix.js';
import { ALL_RULES, findRule } from '../../src/rules/index.js';
import type { AnyRule, RuleContext } from '../../src/rules/types.js';
import { apimService, GATEWAY, hardenedCustomProperties, type Raw } from '../support/fixtures.js';

const context: RuleContext<unknown> = { now: new Date('2026-06-01T00:00:00Z'), options: {} };

function rule(id: string): AnyRule {
  const found = findRule(id);
  if (found === undefined) throw new Error(`no rule ${id}`);
  return found;
}

function serviceOf(raw: Raw): ApimService {
  const service = normalizeEstate([raw]).services[0];
  if (service === undefined) throw new Error('no service');
  return service;
}

function onlyResult(target: AnyRule, service: ApimService): RuleResult {
  const [result] = evaluateRule(target, service, context);
  if (result === undefined) throw new Error('no result');
  return result;
}

const tls10On = serviceOf(apimService({ properties: { customProperties: { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } } }));
const hardened = serviceOf(apimService());
const noIdentity = serviceOf(apimService({ identity: null }));
const developerTier = serviceOf(apimService({ sku: { name: 'Developer', capacity: 1 } }));

/** A plan that claims to fix `result`; each test bends one field of it. */
function planFor(result: RuleResult): PlannedFix {
  return {
    resourceId: result.resourceId,
    summary: 'Change something.',
    request: { method: 'PATCH', path: result.resourceId, apiVersion: '2024-05-01', body: {} },
    changes: [{ path: 'x', before: 1, after: 2 }],
    preconditions: [],
    blastRadius: 'None.',
  };
}

/** Catalog "Fix" column: S and G rules; every other rule is manual. */
const SAFE = ['APIM-003', 'APIM-014', 'APIM-020', 'APIM-022'];
const GUARDED = ['APIM-001', 'APIM-002', 'APIM-004', 'APIM-008', 'APIM-009', 'APIM-012', 'APIM-018', 'APIM-021', 'APIM-023', 'APIM-024', 'APIM-025', 'APIM-026', 'APIM-030', 'APIM-031'];

describe('fix declarations across ALL_RULES', () => {
  // APIM-025 is guarded rather than the catalog's manual: the plan only changes the URL's scheme,
  // behind a precondition that the backend serves HTTPS there.
  it('declares the catalog fix kinds: 4 safe, 14 guarded, the rest manual', () => {
    expect(ALL_RULES.filter((r) => r.meta.fix === 'safe').map((r) => r.meta.id)).toEqual(SAFE);
    expect(ALL_RULES.filter((r) => r.meta.fix === 'guarded').map((r) => r.meta.id)).toEqual(GUARDED);
  });

  for (const each of ALL_RULES) {
    const { id, fix } = each.meta;
    it(`${id} (${fix}) ${fix === 'manual' ? 'has no planFix' : 'has a planFix'}`, () => {
      if (fix === 'manual') expect(each.planFix, `${id} is manual but exports planFix`).toBeUndefined();
      else expect(typeof each.planFix, `${id} is ${fix} but has no planFix`).toBe('function');
    });
  }
});

describe('planFixFor', () => {
  it('plans the fix of a failing result', () => {
    const apim001 = rule('APIM-001');
    const plan = planFixFor(apim001, tls10On, onlyResult(apim001, tls10On), context);
    expect(plan?.kind).toBe('guarded');
    expect(plan?.request).toMatchObject({ method: 'PATCH', path: tls10On.id, apiVersion: '2024-05-01' });
  });

  it('returns undefined for results that do not fail', () => {
    const apim001 = rule('APIM-001');
    const passing = onlyResult(apim001, hardened);
    expect(passing.outcome).toBe('pass');
    expect(planFixFor(apim001, hardened, passing, context)).toBeUndefined();
    const apim008 = rule('APIM-008');
    const notApplicable = onlyResult(apim008, developerTier);
    expect(notApplicable.outcome).toBe('notApplicable');
    expect(planFixFor(apim008, developerTier, notApplicable, context)).toBeUndefined();
    const error: RuleResult = { ...passing, outcome: 'error', reason: 'The rule could not evaluate this resource: boom' };
    expect(planFixFor(apim001, hardened, error, context)).toBeUndefined();
  });

  it('returns undefined when the service as re-read leaves nothing to change', () => {
    const apim001 = rule('APIM-001');
    expect(planFixFor(apim001, hardened, onlyResult(apim001, tls10On), context)).toBeUndefined();
  });

  it('returns undefined for a failing result of a manual rule', () => {
    const apim013 = rule('APIM-013');
    const stv1 = serviceOf(apimService({ properties: { platformVersion: 'stv1' } }));
    const result = onlyResult(apim013, stv1);
    expect(result.outcome).toBe('fail');
    expect(planFixFor(apim013, stv1, result, context)).toBeUndefined();
  });

  it('throws when a manual rule returns a plan', () => {
    const apim013 = rule('APIM-013');
    const stv1 = serviceOf(apimService({ properties: { platformVersion: 'stv1' } }));
    const result = onlyResult(apim013, stv1);
    const rogue: AnyRule = { ...apim013, planFix: () => planFor(result) };
    expect(() => planFixFor(rogue, stv1, result, context)).toThrow(FixDeclarationError);
    expect(() => planFixFor(rogue, stv1, result, context)).toThrow("APIM-013: meta.fix is 'manual', but planFix returned a plan");
  });

  it('throws when a safe or guarded rule has no planFix', () => {
    const apim003 = rule('APIM-003');
    const result = onlyResult(apim003, noIdentity);
    const withoutPlan: AnyRule = { ...apim003, planFix: undefined };
    expect(() => planFixFor(withoutPlan, noIdentity, result, context)).toThrow("APIM-003: rules whose meta.fix is 'safe' must export planFix");
  });

  it('takes the rule id and kind from the metadata, whatever the plan object carries', () => {
    const apim003 = rule('APIM-003');
    const result = onlyResult(apim003, noIdentity);
    // A plan builder that smuggles its own id and kind in (not allowed by the type, possible at run time).
    const rogue: AnyRule = { ...apim003, planFix: () => ({ ...planFor(result), ruleId: 'APIM-014', kind: 'guarded' }) as PlannedFix };
    const plan = planFixFor(rogue, noIdentity, result, context);
    expect(plan?.ruleId).toBe('APIM-003');
    expect(plan?.kind).toBe('safe');
  });

  it('throws when the plan is for another resource', () => {
    const apim003 = rule('APIM-003');
    const result = onlyResult(apim003, noIdentity);
    const otherResource: AnyRule = { ...apim003, planFix: () => ({ ...planFor(result), resourceId: `${result.resourceId}/apis/orders` }) };
    expect(() => planFixFor(otherResource, noIdentity, result, context)).toThrow(/not for the finding's/);
  });

  it('throws when a plan sends If-Match "*", which would overwrite changes made since the read', () => {
    const apim003 = rule('APIM-003');
    const result = onlyResult(apim003, noIdentity);
    const plan = planFor(result);
    const wildcard: AnyRule = { ...apim003, planFix: () => ({ ...plan, request: { ...plan.request, headers: { 'if-match': ' * ' } } }) };
    expect(() => planFixFor(wildcard, noIdentity, result, context)).toThrow('APIM-003: planFix sends If-Match "*"');
    const etag: AnyRule = { ...apim003, planFix: () => ({ ...plan, request: { ...plan.request, headers: { 'If-Match': '"AAAA"' } } }) };
    expect(planFixFor(etag, noIdentity, result, context)?.request.headers).toEqual({ 'If-Match': '"AAAA"' });
  });

  it('throws when the result belongs to another rule or another service', () => {
    const apim003 = rule('APIM-003');
    const result = onlyResult(apim003, noIdentity);
    expect(() => planFixFor(rule('APIM-001'), noIdentity, result, context)).toThrow('APIM-001: asked to plan a fix for a result of APIM-003');
    const elsewhere = serviceOf(apimService({ name: 'apim-other', identity: null }));
    expect(() => planFixFor(apim003, elsewhere, result, context)).toThrow(/not about service/);
  });
});
