import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/engine/evaluate.js';
import type { RuleResult } from '../../src/engine/result.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { resolveRuleOptions } from '../../src/engine/options.js';
import { pathBelowService } from '../../src/rules/shared/children.js';
import type { AnyRule, Evidence, Outcome } from '../../src/rules/types.js';
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
}

interface NotApplicableCase extends BaseCase {
  readonly reason: string | RegExp;
}

export interface RuleCases {
  readonly pass: readonly BaseCase[];
  readonly fail: readonly FailCase[];
  readonly notApplicable: readonly NotApplicableCase[];
  readonly error?: readonly NotApplicableCase[];
}

/** The outcome a person sees for a service: any fail wins, then error, then pass. */
export function aggregateOutcome(results: readonly RuleResult[]): Outcome {
  const outcomes = new Set(results.map((r) => r.outcome));
  if (outcomes.has('fail')) return 'fail';
  if (outcomes.has('error')) return 'error';
  if (outcomes.has('pass')) return 'pass';
  return 'notApplicable';
}

/** Runs the rule on the first service of a case, through the same normaliser and engine path as an audit. */
export function runCase(rule: AnyRule, testCase: BaseCase): RuleResult[] {
  const estate = normalizeEstate(testCase.resources);
  const service = estate.services[0];
  if (service === undefined) throw new Error(`case "${testCase.name}" has no APIM service`);
  const options = resolveRuleOptions(rule, testCase.options);
  return evaluateRule(rule, service, { now: testCase.now ?? TEST_NOW, options });
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
    if (cases.pass.length === 0 || cases.fail.length === 0 || cases.notApplicable.length === 0) {
      throw new Error(`${rule.meta.id}: every rule needs pass, fail and notApplicable cases`);
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
          }
        });
      }
    });
  },
};

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
