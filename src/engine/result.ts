import type { Evidence, FixKind, Outcome, Severity } from '../rules/types.js';

/** An exemption as it applies to one result. */
export interface AppliedExemption {
  readonly reason: string;
  readonly expires: string;
  readonly owner?: string;
  readonly ticket?: string;
  /** An expired exemption no longer hides the finding; it is shown again, marked. */
  readonly expired: boolean;
}

/** One judgement of one rule about one resource (the DESIGN.md results contract). */
export interface RuleResult {
  readonly ruleId: string;
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
