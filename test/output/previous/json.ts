/**
 * The output formatters as they were before streaming (each built its whole text as one string),
 * kept verbatim as the reference the streaming writers must match. Test support only.
 */
import type { RuleResult } from '../../../src/contracts/results.js';
import type { Report } from '../../../src/engine/report.js';
import type { FindingPlan } from '../../../src/remediation/finding-plans.js';
import { planView } from '../../../src/remediation/plan-text.js';

interface JsonOptions {
  /** Plans of failing results (remediation/finding-plans.ts); each becomes the result's `fixPlan`. */
  readonly fixPlans?: ReadonlyMap<RuleResult, FindingPlan>;
  /** The ARM host the plans' URLs and commands name; default the public cloud. */
  readonly armEndpoint?: string;
}

/**
 * The full report; absent evidence values become null so the JSON says "absent" explicitly. An open
 * failure whose rule plans fixes carries `fixPlan` (the request, its URL and `az rest` command, as
 * `apim-posture plan` prints them), or `fixPlanError` when its plan could not be made; results
 * without either are unchanged, so readers of earlier reports keep working.
 */
export function previousJson(report: Report, options: JsonOptions = {}): string {
  const { fixPlans } = options;
  const withPlans =
    fixPlans === undefined || fixPlans.size === 0
      ? report
      : {
          ...report,
          results: report.results.map((result) => {
            const found = fixPlans.get(result);
            if (found === undefined) return result;
            return 'plan' in found ? { ...result, fixPlan: planView(found.plan, options.armEndpoint) } : { ...result, fixPlanError: found.error };
          }),
        };
  return `${JSON.stringify(withPlans, (key, value: unknown) => (key === 'actual' && value === undefined ? null : value), 2)}\n`;
}
