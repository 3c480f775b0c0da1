import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/engine/evaluate.js';
import type { RuleResult } from '../../src/contracts/results.js';
import type { ApimService } from '../../src/estate/model.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { resolveRuleOptions } from '../../src/engine/options.js';
import type { FixPlan, FixRequest } from '../../src/contracts/fix-plan.js';
import { planFixFor } from '../../src/remediation/plan-fix.js';
import { pathBelowService } from '../../src/rules/shared/children.js';
import type { AnyRule, Evidence, Outcome, RuleContext } from '../../src/rules/types.js';
import { isDeepStrictEqual } from 'node:util';
import type { Raw } from './fixtures.js';

/** The clock every rule test runs at unless a case says otherwise. */
export const TEST_NOW = new Date('2026-06-01T00:00:00Z');

interface BaseCase {
  /** What the case shows, e.g. "TLS 1.0 enabled on the client side". */
  readonly name: string;
  /** The service first, then any child entries (or a service with nested `resources`). */
  readonly resources: readonly Raw[];
  /** Expected reason of the service-level outcome (substring or pattern). */
  readonly reason?: string | RegExp;
  readonly options?: Record<string, unknown>;
  readonly now?: Date;
}

/**
 * Evidence a failing result must include. Fields left out are not compared; `actual: undefined`
 * (written out) asserts absence; `note` matches as a substring or pattern.
 */
export interface ExpectedEvidence {
  readonly path?: string;
  readonly actual?: unknown;
  readonly expected?: unknown;
  readonly note?: string | RegExp;
}

interface FailCase extends BaseCase {
  readonly evidence: readonly ExpectedEvidence[];
  /**
   * When set, exactly these resources fail (child rules). An entry with a "/" is the resource's id
   * path below the service (`apis/orders/policies/policy`); an entry without one is the last segment
   * of its id (`orders`), which is enough where child names are unique.
   */
  readonly failing?: readonly string[];
  /**
   * Set when a fixable rule's finding has no automatic fix (for example a setting that can only be
   * chosen when the service is created): no plan may exist, and the reason or an evidence note must
   * say why (substring or pattern).
   */
  readonly noFix?: string | RegExp;
}

interface NotApplicableCase extends BaseCase {
  readonly reason: string | RegExp;
}

/** The request a fix plan must make. Fields left out are not compared. */
export interface ExpectedFixRequest {
  readonly method?: FixRequest['method'];
  /** The end of the request path, e.g. `/apis/orders` (the service id ends the path of a service fix). */
  readonly path?: string;
  readonly apiVersion?: string;
  /** Deep-equal to the headers sent; `headers: undefined` (written out) asserts that none are. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Deep-equal to the body sent. */
  readonly body?: unknown;
}

/** One entry of the plan's before → after diff; `before: undefined` (written out) asserts absence. */
export interface ExpectedChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A precondition the plan must list: its description contains `description`. */
export interface ExpectedPrecondition {
  readonly description: string;
  readonly satisfied: boolean;
  /** Substring or pattern of the detail. */
  readonly detail?: string | RegExp;
}

/**
 * A fix plan case: the rule fails on `resources`, and the real planFix plans the fix of the failing
 * result (or of `resource`, named like `failing` entries, when several fail).
 */
export interface FixCase extends BaseCase {
  readonly resource?: string;
  /**
   * The resources as the fix flow re-reads them before planning, when they changed since the audit:
   * the finding comes from `resources`, the plan from these.
   */
  readonly reread?: readonly Raw[];
  readonly request?: ExpectedFixRequest;
  /** The whole diff, in order. */
  readonly changes?: readonly ExpectedChange[];
  /** Preconditions the plan must list (it may list more). */
  readonly preconditions?: readonly ExpectedPrecondition[];
  /** Substring or pattern of the summary. */
  readonly summary?: string | RegExp;
}

export interface RuleCases {
  readonly pass: readonly BaseCase[];
  readonly fail: readonly FailCase[];
  readonly notApplicable: readonly NotApplicableCase[];
  /** The rule applies but its data was not read: required for rules that need child collections. */
  readonly notChecked?: readonly NotApplicableCase[];
  readonly error?: readonly NotApplicableCase[];
  /** Required for rules whose meta.fix is safe or guarded; refused for manual rules. */
  readonly fix?: readonly FixCase[];
}

/** The outcome a person sees for a service: any fail wins, then error, not checked, pass (as the score counts it). */
export function aggregateOutcome(results: readonly RuleResult[]): Outcome {
  const outcomes = new Set(results.map((r) => r.outcome));
  if (outcomes.has('fail')) return 'fail';
  if (outcomes.has('error')) return 'error';
  if (outcomes.has('notChecked')) return 'notChecked';
  if (outcomes.has('pass')) return 'pass';
  return 'notApplicable';
}

interface PreparedCase {
  readonly service: ApimService;
  readonly context: RuleContext<unknown>;
  readonly results: RuleResult[];
}

/** Runs the rule on the first service of a case, through the same normaliser and engine path as an audit. */
function prepareCase(rule: AnyRule, testCase: BaseCase, resources: readonly Raw[] = testCase.resources): PreparedCase {
  const estate = normalizeEstate(resources);
  const service = estate.services[0];
  if (service === undefined) throw new Error(`case "${testCase.name}" has no APIM service`);
  const context: RuleContext<unknown> = { now: testCase.now ?? TEST_NOW, options: resolveRuleOptions(rule, testCase.options) };
  return { service, context, results: evaluateRule(rule, service, context) };
}

export function runCase(rule: AnyRule, testCase: BaseCase): RuleResult[] {
  return prepareCase(rule, testCase).results;
}

/**
 * The plan for the first failing result on `resources` when the service, as the fix flow re-reads
 * it, is `reread`: for guards that must plan nothing although a finding exists (e.g. the tier no
 * longer allows the change). Throws when the rule does not fail on `resources`.
 */
export function planAfterReread(rule: AnyRule, resources: readonly Raw[], reread: readonly Raw[], options?: Record<string, unknown>): FixPlan | undefined {
  const found = prepareCase(rule, { name: 'finding', resources, options });
  const failing = found.results.find((r) => r.outcome === 'fail');
  if (failing === undefined) throw new Error(`${rule.meta.id}: the rule does not fail on the finding's resources: ${JSON.stringify(found.results)}`);
  const current = prepareCase(rule, { name: 're-read', resources: reread, options });
  return planFixFor(rule, current.service, failing, found.context);
}

/**
 * Table-driven rule tests in the manner of ESLint's RuleTester: every case is named, checked for
 * duplicates, and asserted on outcome, reason and evidence. Fail cases must name their evidence.
 */
export const ruleTester = {
  run(rule: AnyRule, cases: RuleCases): void {
    const all = [
      ...cases.pass.map((c) => ['pass', c] as const),
      ...cases.fail.map((c) => ['fail', c] as const),
      ...cases.notApplicable.map((c) => ['notApplicable', c] as const),
      ...(cases.notChecked ?? []).map((c) => ['notChecked', c] as const),
      ...(cases.error ?? []).map((c) => ['error', c] as const),
    ];
    const names = new Set<string>();
    const bodies = new Map<string, string>();
    for (const [, c] of all) {
      if (names.has(c.name)) throw new Error(`${rule.meta.id}: duplicate test case name "${c.name}"`);
      names.add(c.name);
      const body = JSON.stringify([c.resources, c.options ?? null, c.now ?? null]);
      const twin = bodies.get(body);
      if (twin !== undefined) throw new Error(`${rule.meta.id}: detected duplicate test case "${c.name}" (same input as "${twin}")`);
      bodies.set(body, c.name);
    }
    const notChecked = cases.notChecked ?? [];
    if (cases.pass.length === 0 || cases.fail.length === 0 || cases.notApplicable.length + notChecked.length === 0) {
      throw new Error(`${rule.meta.id}: every rule needs pass, fail and notApplicable (or notChecked) cases`);
    }
    if (rule.meta.needs.length > 0 && notChecked.length === 0) {
      throw new Error(`${rule.meta.id}: a rule that needs ${rule.meta.needs.join(', ')} needs notChecked cases (data not collected)`);
    }
    const fixCases = cases.fix ?? [];
    if (rule.meta.fix !== 'manual' && fixCases.length === 0) throw new Error(`${rule.meta.id}: a ${rule.meta.fix} rule needs fix cases`);
    if (rule.meta.fix === 'manual' && fixCases.length > 0) throw new Error(`${rule.meta.id}: a manual rule has no fix cases`);
    const fixBodies = new Map<string, string>();
    for (const c of fixCases) {
      if (names.has(c.name)) throw new Error(`${rule.meta.id}: duplicate test case name "${c.name}"`);
      names.add(c.name);
      // Fix cases often reuse a fail case's input; only two fix cases with one input are duplicates.
      const body = JSON.stringify([c.resources, c.options ?? null, c.now ?? null, c.resource ?? null, c.reread ?? null]);
      const twin = fixBodies.get(body);
      if (twin !== undefined) throw new Error(`${rule.meta.id}: detected duplicate fix case "${c.name}" (same input as "${twin}")`);
      fixBodies.set(body, c.name);
    }

    describe(`${rule.meta.id} ${rule.meta.title}`, () => {
      for (const [expected, c] of all) {
        it(`${expected}: ${c.name}`, () => {
          const results = runCase(rule, c);
          expect(results.length).toBeGreaterThan(0);
          for (const result of results) {
            expect(result.ruleId).toBe(rule.meta.id);
            expect(result.reason.trim()).not.toBe('');
            expect(result.reason).not.toMatch(/\{\{|\$\{|undefined|\[object Object\]/);
          }
          expect(aggregateOutcome(results), JSON.stringify(results, null, 2)).toBe(expected);
          if (c.reason !== undefined) {
            const reasons = results.filter((r) => r.outcome === expected).map((r) => r.reason);
            const matches = reasons.some((reason) => (typeof c.reason === 'string' ? reason.includes(c.reason) : c.reason?.test(reason)));
            expect(matches, `no ${expected} reason matches ${String(c.reason)}: ${JSON.stringify(reasons)}`).toBe(true);
          }
          if (expected === 'fail') {
            const failCase = c;
            if (failCase.evidence.length === 0) throw new Error(`${rule.meta.id} "${c.name}": a fail case must name its evidence`);
            const failing = results.filter((r) => r.outcome === 'fail');
            const evidence = failing.flatMap((r) => r.evidence);
            for (const wanted of failCase.evidence) {
              expect(evidence.some((found) => evidenceMatches(found, wanted)), `no evidence matches ${describeEvidence(wanted)} in ${JSON.stringify(evidence)}`).toBe(true);
            }
            for (const result of failing) {
              expect(result.evidence.length, `fail result for ${result.resourceId} has no evidence`).toBeGreaterThan(0);
              expect(result.fix?.kind).toBe(rule.meta.fix);
            }
            if (failCase.failing !== undefined) {
              const names = failingNames(failing.map((r) => r.resourceId), failCase.failing);
              expect(names, 'failing resources').toEqual([...failCase.failing].sort());
            }
            // Every finding of a fixable rule has a plan that fixes it; a manual rule has none.
            const { service, context } = prepareCase(rule, c);
            for (const result of failing) {
              const plan = planFixFor(rule, service, result, context);
              if (rule.meta.fix === 'manual') expect(plan).toBeUndefined();
              else if (failCase.noFix !== undefined) {
                expect(plan, `${rule.meta.id} "${c.name}": noFix, yet a plan exists`).toBeUndefined();
                const texts = [result.reason, ...result.evidence.map((found) => found.note ?? '')];
                const noFix = failCase.noFix;
                expect(texts.some((text) => (typeof noFix === 'string' ? text.includes(noFix) : noFix.test(text))), `no reason or note says ${String(noFix)}`).toBe(true);
              } else checkPlan(rule, c, result, plan);
            }
          }
        });
      }
      for (const c of fixCases) {
        it(`fix: ${c.name}`, () => {
          const { service, context, results } = prepareCase(rule, c);
          const failing = results.filter((r) => r.outcome === 'fail');
          const chosen = c.resource === undefined ? failing : failing.filter((r) => failingName(r.resourceId, c.resource ?? '') === c.resource);
          if (failing.length === 0) throw new Error(`${rule.meta.id} fix case "${c.name}": the rule does not fail here: ${JSON.stringify(results)}`);
          if (chosen.length !== 1) {
            throw new Error(`${rule.meta.id} fix case "${c.name}": name one of the failing resources with \`resource\`: ${failing.map((r) => r.resourceId).join(', ')}`);
          }
          const result = chosen[0] as RuleResult;
          const current = c.reread === undefined ? { ...c, service } : { ...c, resources: c.reread, service: prepareCase(rule, c, c.reread).service };
          const plan = checkPlan(rule, current, result, planFixFor(rule, current.service, result, context));
          if (c.summary !== undefined) {
            expect(typeof c.summary === 'string' ? plan.summary.includes(c.summary) : c.summary.test(plan.summary), `summary ${plan.summary}`).toBe(true);
          }
          const request = c.request;
          if (request?.method !== undefined) expect(plan.request.method).toBe(request.method);
          if (request?.path !== undefined) expect(plan.request.path.endsWith(request.path), `path ${plan.request.path} ends with ${request.path}`).toBe(true);
          if (request?.apiVersion !== undefined) expect(plan.request.apiVersion).toBe(request.apiVersion);
          if (request !== undefined && 'headers' in request) expect(plan.request.headers, 'request headers').toStrictEqual(request.headers);
          if (request !== undefined && 'body' in request) expect(plan.request.body).toStrictEqual(request.body);
          if (c.changes !== undefined) expect(plan.changes).toStrictEqual(c.changes.map(({ path, before, after }) => ({ path, before, after })));
          for (const wanted of c.preconditions ?? []) {
            const found = plan.preconditions.filter((p) => p.description.includes(wanted.description));
            expect(found.length, `one precondition "${wanted.description}" in ${JSON.stringify(plan.preconditions)}`).toBe(1);
            const [precondition] = found;
            expect(precondition?.satisfied, precondition?.detail).toBe(wanted.satisfied);
            const detail = wanted.detail;
            if (detail !== undefined) {
              const text = precondition?.detail ?? '';
              expect(typeof detail === 'string' ? text.includes(detail) : detail.test(text), `detail ${text}`).toBe(true);
            }
          }
        });
      }
    });
  },
};

/**
 * Checks what every plan must be (the declared kind, the finding's resource, a whole-sentence
 * summary, a non-empty diff) and, when its preconditions hold, that it fixes the finding: the
 * request is applied to the case's resources as ARM would, and the rule no longer fails there.
 * In the manner of ESLint, which runs rules again after fixing.
 */
function checkPlan(rule: AnyRule, c: BaseCase, result: RuleResult, plan: FixPlan | undefined): FixPlan {
  const where = `${rule.meta.id} "${c.name}" ${result.resourceId}`;
  if (plan === undefined) throw new Error(`${where}: a failing result of a ${rule.meta.fix} rule has no fix plan`);
  expect(plan.ruleId).toBe(rule.meta.id);
  expect(plan.kind).toBe(rule.meta.fix);
  expect(plan.resourceId).toBe(result.resourceId);
  expect(plan.request.path.toLowerCase().startsWith(result.serviceId.toLowerCase()), `${where}: path ${plan.request.path}`).toBe(true);
  expect(plan.request.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
  expect(plan.changes.length, `${where}: the plan changes nothing`).toBeGreaterThan(0);
  for (const text of [plan.summary, plan.blastRadius, ...plan.preconditions.flatMap((p) => [p.description, p.detail])]) {
    expect(text.trim(), where).not.toBe('');
    expect(text, where).not.toMatch(/\{\{|\$\{|undefined|\[object Object\]/);
  }
  expect(plan.summary, where).toMatch(/^[A-Z].*\.$/s);
  // Preconditions a person confirms, or the re-read before applying satisfies, leave the request as
  // it is: it must fix the finding all the same.
  if (plan.preconditions.every((p) => p.satisfied || p.judgedBy === 'confirm' || p.judgedBy === 'reread')) {
    const after = prepareCase(rule, c, applyRequest(c.resources, plan.request)).results;
    const still = after.filter((r) => r.outcome === 'fail' && r.resourceId.toLowerCase() === plan.resourceId.toLowerCase());
    expect(still, `${where}: still fails after the fix`).toEqual([]);
  }
  return plan;
}

/**
 * The case's resources after ARM applied `request`: a PATCH merges objects and replaces arrays and
 * values; customProperties are replaced as a whole, because ARM resets the keys a PATCH omits to
 * their defaults (absence, here). A PUT creates or replaces the resource.
 */
export function applyRequest(resources: readonly Raw[], request: FixRequest): Raw[] {
  const wanted = request.path.toLowerCase();
  const target = { found: false };
  const visit = (entry: Raw): Raw => {
    if (typeof entry['id'] === 'string' && entry['id'].toLowerCase() === wanted) {
      target.found = true;
      return request.method === 'PUT' ? { ...entry, ...request.body } : mergePatch(entry, request.body);
    }
    const nested = entry['resources'];
    return Array.isArray(nested) ? { ...entry, resources: (nested as Raw[]).map(visit) } : entry;
  };
  const patched = resources.map(visit);
  if (target.found) return patched;
  if (request.method === 'PATCH') throw new Error(`the fix patches ${request.path}, which is not in the case`);
  const providers = request.path.lastIndexOf('/providers/');
  const [namespace, type, name] = request.path.slice(providers + '/providers/'.length).split('/');
  return [...patched, { id: request.path, name, type: `${namespace ?? ''}/${type ?? ''}`, ...request.body }];
}

const REPLACED_WHOLE = new Set(['customProperties']);

function mergePatch(target: Raw, patch: Raw): Raw {
  const merged: Raw = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(value) && isPlainObject(current) && !REPLACED_WHOLE.has(key) ? mergePatch(current, value) : structuredClone(value);
  }
  return merged;
}

function isPlainObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Names the failing resources the way the case's `failing` entries do, so the two lists compare:
 * each entry claims one result it names; results no entry names are shown by their path below the
 * service. Path entries claim first, as they name one resource exactly.
 */
function failingNames(resourceIds: readonly string[], expected: readonly string[]): string[] {
  const remaining = [...resourceIds];
  const names: string[] = [];
  const paths = expected.filter((wanted) => wanted.includes('/'));
  const lastSegments = expected.filter((wanted) => !wanted.includes('/'));
  for (const wanted of [...paths, ...lastSegments]) {
    const index = remaining.findIndex((id) => failingName(id, wanted) === wanted);
    if (index < 0) continue;
    names.push(wanted);
    remaining.splice(index, 1);
  }
  for (const id of remaining) names.push(pathBelowService(id) ?? id);
  return names.sort();
}

/** A resource id in the form of a `failing` entry: its path below the service, or its last segment. */
function failingName(resourceId: string, wanted: string): string {
  return wanted.includes('/') ? (pathBelowService(resourceId) ?? resourceId) : (resourceId.split('/').pop() ?? resourceId);
}

function evidenceMatches(found: Evidence, wanted: ExpectedEvidence): boolean {
  if (wanted.path !== undefined && found.path !== wanted.path) return false;
  if ('actual' in wanted && !isDeepStrictEqual(found.actual, wanted.actual)) return false;
  if ('expected' in wanted && !isDeepStrictEqual(found.expected, wanted.expected)) return false;
  if (wanted.note !== undefined) {
    const note = found.note ?? '';
    return typeof wanted.note === 'string' ? note.includes(wanted.note) : wanted.note.test(note);
  }
  return true;
}

function describeEvidence(wanted: ExpectedEvidence): string {
  return JSON.stringify(wanted, (_key, value: unknown) => (value instanceof RegExp ? String(value) : value === undefined ? '(absent)' : value));
}
