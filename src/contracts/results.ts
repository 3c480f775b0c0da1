/**
 * The results contract (DESIGN.md "Results"): what a rule judges and what every consumer — the
 * engine, the outputs, the cards, remediation — reads. It depends on nothing else in the product, so
 * any layer can import it without a cycle.
 */
import type { RuleId } from './rule-id.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/**
 * `notApplicable`: the rule does not apply to this service (a tier without the feature, a disabled
 * portal) and says why. `notChecked`: the rule applies, but the data it needs was not read (not a
 * deep audit) or its listing failed; it says what is missing. Neither is ever a pass.
 */
export type Outcome = 'pass' | 'fail' | 'notApplicable' | 'notChecked' | 'error';
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'notApplicable', 'notChecked', 'error'];

/** `safe`: automatic PATCH; `guarded`: PATCH after a precondition check or opt-in; `manual`: a person. */
export type FixKind = 'safe' | 'guarded' | 'manual';

/** One piece of evidence: where we looked, what we found, what would be compliant. */
export interface Evidence {
  readonly path: string;
  /** `undefined` means the value is absent; {@link note} then says what the platform does. */
  readonly actual: unknown;
  readonly expected: unknown;
  readonly note?: string;
}

/** An exemption as it applies to one result. */
export interface AppliedExemption {
  readonly reason: string;
  readonly expires: string;
  readonly owner?: string;
  readonly ticket?: string;
  /** An expired exemption no longer hides the finding; it is shown again, marked. */
  readonly expired: boolean;
}

/** One judgement of one rule about one resource. */
export interface RuleResult {
  readonly ruleId: RuleId;
  /** The service id, or a child id under it for child findings. */
  readonly resourceId: string;
  /** Always the service id, so results group by service without parsing ids. */
  readonly serviceId: string;
  readonly outcome: Outcome;
  readonly severity: Severity;
  readonly title: string;
  readonly evidence: readonly Evidence[];
  readonly reason: string;
  /** Set on failures: how the finding can be fixed. */
  readonly fix?: { readonly kind: FixKind } | undefined;
  readonly exemption?: AppliedExemption;
}

/** A failure that counts: not covered by an active exemption. */
export function isOpenFailure(result: RuleResult): boolean {
  return result.outcome === 'fail' && (result.exemption === undefined || result.exemption.expired);
}

export function isExempted(result: RuleResult): boolean {
  return result.outcome === 'fail' && result.exemption !== undefined && !result.exemption.expired;
}
