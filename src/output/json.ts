import type { RuleResult } from '../contracts/results.js';
import type { Report } from '../engine/report.js';
import type { FindingPlan } from '../remediation/finding-plans.js';
import { planView } from '../remediation/plan-text.js';
import { jsonChunks, LazyArray, type JsonReplacer } from './json-stream.js';

export interface JsonOptions {
  /** Plans of failing results (remediation/finding-plans.ts); each becomes the result's `fixPlan`. */
  readonly fixPlans?: ReadonlyMap<RuleResult, FindingPlan>;
  /** The ARM host the plans' URLs and commands name; default the public cloud. */
  readonly armEndpoint?: string;
  /** One line, no indentation: smaller and faster for machines (default: indented by two spaces). */
  readonly compact?: boolean;
}

/** Absent evidence values become null, so the JSON says "absent" explicitly. */
const absentAsNull: JsonReplacer = (key, value) => (key === 'actual' && value === undefined ? null : value);

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
  const withPlans =
    fixPlans === undefined || fixPlans.size === 0
      ? report
      : {
          ...report,
          results: new LazyArray(function* () {
            for (const result of report.results) {
              const found = fixPlans.get(result);
              if (found === undefined) yield result;
              else yield 'plan' in found ? { ...result, fixPlan: planView(found.plan, options.armEndpoint) } : { ...result, fixPlanError: found.error };
            }
          }),
        };
  yield* jsonChunks(withPlans, { replacer: absentAsNull, indent: options.compact === true ? 0 : 2 });
  yield '\n';
}
