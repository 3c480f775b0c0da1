import type { RuleResult } from '../contracts/results.js';
import type { Report } from '../engine/report.js';
import type { FindingPlan } from '../remediation/finding-plans.js';
import { planView } from '../remediation/plan-text.js';
import { jsonChunks, LazyArray } from './json-stream.js';

export interface JsonOptions {
  /** Plans of failing results (remediation/finding-plans.ts); each becomes the result's `fixPlan`. */
  readonly fixPlans?: ReadonlyMap<RuleResult, FindingPlan>;
  /** The ARM host the plans' URLs and commands name; default the public cloud. */
  readonly armEndpoint?: string;
  /** One line, no indentation: smaller and faster for machines (default: indented by two spaces). */
  readonly compact?: boolean;
}

/**
 * Absent evidence values become null, so the JSON says "absent" explicitly: what a replacer turning
 * every `actual: undefined` into null would write, applied to the values before they are written.
 * A replacer takes JSON.stringify off its fast path (a call back into JavaScript per key), which
 * made it most of the time spent writing a large report. Copies only what changes.
 */
export function absentAsNull(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // toJSON decides what such a value writes (a Date writes its ISO string): left as it is.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      const next = absentAsNull(item);
      if (next !== item) (copy ??= [...(value as unknown[])])[index] = next;
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const next = key === 'actual' && item === undefined ? null : absentAsNull(item);
    // defineProperty, not assignment: an own "__proto__" key stays a key.
    if (next !== item) Object.defineProperty((copy ??= { ...record }), key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return copy ?? value;
}

/**
 * The full report; absent evidence values become null so the JSON says "absent" explicitly. An open
 * failure whose rule plans fixes carries `fixPlan` (the request, its URL and `az rest` command, as
 * `apim-posture plan` prints them), or `fixPlanError` when its plan could not be made; results
 * without either are unchanged, so readers of earlier reports keep working.
 */
export function formatJson(report: Report, options: JsonOptions = {}): string {
  return [...jsonReportChunks(report, options)].join('');
}

/** {@link formatJson} in pieces, for reports too large to be one string; a result with its plan is made as it is written. */
export function* jsonReportChunks(report: Report, options: JsonOptions = {}): Generator<string> {
  const { fixPlans } = options;
  const results = new LazyArray(function* () {
    for (const result of report.results) {
      const found = fixPlans?.get(result);
      const evidence = absentAsNull(result.evidence) as RuleResult['evidence'];
      // Evidence is the only part of a result that holds values as read (RuleResult): the rest is checked no further.
      const written = evidence === result.evidence ? result : { ...result, evidence };
      if (found === undefined) yield written;
      else yield 'plan' in found ? { ...written, fixPlan: absentAsNull(planView(found.plan, options.armEndpoint)) } : { ...written, fixPlanError: found.error };
    }
  });
  // The report's own keys, in their order; results are made (with their plans) while they are written.
  const whole: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(report)) whole[key] = key === 'results' ? results : absentAsNull(value);
  yield* jsonChunks(whole, { indent: options.compact === true ? 0 : 2 });
  yield '\n';
}
