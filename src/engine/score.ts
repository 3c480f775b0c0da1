import type { Outcome, Severity } from '../rules/types.js';
import { isExempted, isOpenFailure, type RuleResult } from './result.js';

/**
 * Severity weights of the posture score. A service scores
 *
 *     100 × Σ weight(passing rules) / Σ weight(passing + failing rules)
 *
 * rounded to a whole number, where each rule counts once per service (a rule fails on a service if
 * any of its results there is an open failure). Not-applicable and error outcomes and exempted
 * failures are left out of both sums, like Defender for Cloud's secure score leaves out exempted
 * resources. The estate score pools every service's rules with the same formula, so large
 * services weigh more than small ones. No judged rule ⇒ no score (null), never 100.
 */
export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = { critical: 10, high: 5, medium: 3, low: 1 };

/** How one rule came out on one service, after exemptions. */
export type RuleStanding = Exclude<Outcome, 'fail'> | 'fail' | 'exempted';

export interface Standing {
  readonly serviceId: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly standing: RuleStanding;
}

/** Collapses one rule's results on one service into its standing: an open failure anywhere wins. */
export function standingOf(list: readonly RuleResult[]): RuleStanding {
  if (list.some(isOpenFailure)) return 'fail';
  if (list.some(isExempted)) return 'exempted';
  if (list.some((r) => r.outcome === 'error')) return 'error';
  if (list.some((r) => r.outcome === 'pass')) return 'pass';
  return 'notApplicable';
}

export function score(list: readonly Standing[]): number | null {
  let earned = 0;
  let possible = 0;
  for (const { severity, standing } of list) {
    if (standing !== 'pass' && standing !== 'fail') continue;
    const weight = SEVERITY_WEIGHTS[severity];
    possible += weight;
    if (standing === 'pass') earned += weight;
  }
  return possible === 0 ? null : Math.round((100 * earned) / possible);
}
