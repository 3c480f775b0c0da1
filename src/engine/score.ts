import type { Outcome, Severity } from '../rules/types.js';
import { SEVERITIES } from '../contracts/results.js';
import type { RuleCoverage, SeverityCounts, StandingCounts } from './report.js';

/**
 * Severity weights of the posture score. A service scores
 *
 *     100 × Σ weight(passing rules) / Σ weight(passing + failing rules)
 *
 * rounded to a whole number, where each rule counts once per service (a rule fails on a service if
 * any of its results there is an open failure). Not-applicable, not-checked and error outcomes and
 * exempted failures are left out of both sums, like Defender for Cloud's secure score leaves out exempted
 * resources. The estate score pools every service's rules with the same formula, so large
 * services weigh more than small ones. No judged rule ⇒ no score (null), never 100.
 *
 * Beside the score goes its coverage ({@link ScoreTally.coverage}): how many of the rules that apply
 * were actually judged. A score over 17 of 40 applicable rules is not a complete score.
 */
export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = { critical: 10, high: 5, medium: 3, low: 1 };

/** How one rule came out on one service, after exemptions. */
export type RuleStanding = Outcome | 'exempted';

/**
 * What one rule's verdicts on one service contained, after exemptions: these bits or-ed together.
 * A number rather than an object of flags, because the engine forms one per rule and service.
 */
export const OUTCOME_BITS = { openFailure: 1, exempted: 2, error: 4, notChecked: 8, pass: 16 } as const;

/**
 * One rule's standing on one service from its {@link OUTCOME_BITS}: an open failure anywhere wins,
 * then exemptions, errors, data not checked, passes. A rule that passed on the children it read but
 * could not read them all is not checked, never passed.
 */
export function standingOf(bits: number): RuleStanding {
  if ((bits & OUTCOME_BITS.openFailure) !== 0) return 'fail';
  if ((bits & OUTCOME_BITS.exempted) !== 0) return 'exempted';
  if ((bits & OUTCOME_BITS.error) !== 0) return 'error';
  if ((bits & OUTCOME_BITS.notChecked) !== 0) return 'notChecked';
  if ((bits & OUTCOME_BITS.pass) !== 0) return 'pass';
  return 'notApplicable';
}

/** Running counts and score over (service, rule) standings; one per service and one for the estate. */
export class ScoreTally {
  private earned = 0;
  private possible = 0;
  private readonly failed: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  private exempted = 0;
  private passed = 0;
  private notApplicable = 0;
  private notChecked = 0;
  private errors = 0;

  add(severity: Severity, standing: RuleStanding): void {
    switch (standing) {
      case 'pass':
        this.passed += 1;
        this.earned += SEVERITY_WEIGHTS[severity];
        this.possible += SEVERITY_WEIGHTS[severity];
        return;
      case 'fail':
        this.failed[severity] += 1;
        this.possible += SEVERITY_WEIGHTS[severity];
        return;
      case 'exempted':
        this.exempted += 1;
        return;
      case 'notApplicable':
        this.notApplicable += 1;
        return;
      case 'notChecked':
        this.notChecked += 1;
        return;
      case 'error':
        this.errors += 1;
        return;
    }
  }

  /** Adds another tally's counts: the estate sums its services once each, not every (service, rule) pair twice. */
  addAll(other: ScoreTally): void {
    this.earned += other.earned;
    this.possible += other.possible;
    for (const severity of SEVERITIES) this.failed[severity] += other.failed[severity];
    this.exempted += other.exempted;
    this.passed += other.passed;
    this.notApplicable += other.notApplicable;
    this.notChecked += other.notChecked;
    this.errors += other.errors;
  }

  score(): number | null {
    return this.possible === 0 ? null : Math.round((100 * this.earned) / this.possible);
  }

  /**
   * Checked: rules judged from data that was read — passed, failed or exempted (an exempted rule
   * was judged; it failed). Applicable: checked plus the rules that apply but were not checked (data
   * not read) or could not be evaluated (error). Not-applicable rules are in neither.
   */
  coverage(): RuleCoverage {
    const failed = this.failed.critical + this.failed.high + this.failed.medium + this.failed.low;
    const checked = this.passed + failed + this.exempted;
    return { checked, applicable: checked + this.notChecked + this.errors };
  }

  counts(): StandingCounts {
    const failed: SeverityCounts = { ...this.failed };
    return { failed, exempted: this.exempted, passed: this.passed, notApplicable: this.notApplicable, notChecked: this.notChecked, errors: this.errors };
  }
}
