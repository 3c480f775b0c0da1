import { acceptRiskCard, messageCard, type AcceptRiskSubmission } from '../cards/render.js';
import { acceptRisk } from '../exemptions/accept-risk.js';
import { mayAcceptRisk, type RemediationPolicy } from '../remediation/policy.js';
import { findRule } from '../rules/index.js';
import type { AuditLog, ExemptionStore } from '../store/index.js';
import type { FixActor } from './fix-flow.js';
import type { Card } from './messenger.js';

export interface RiskFlowOptions {
  readonly policy: RemediationPolicy;
  readonly exemptions: ExemptionStore;
  readonly auditLog: AuditLog;
  readonly now: () => Date;
  /** The furthest expiry allowed, in days (configuration `acceptRisk.maxDays`). */
  readonly maxDays: number;
}

/** The finding a button names: its ref's meaning, kept server-side. */
export interface RiskFinding {
  readonly ref: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly ruleId: string;
  /** The environment of the audit that showed it; undefined for an audit by service name alone. */
  readonly environment: string | undefined;
}

/**
 * "Accept risk" on a finding: the form (only for people who may accept risks here), then the
 * exemption for exactly that rule on that service, recorded in the audit trail. The same people
 * and conversations as fixes: an exemption hides a finding as surely as a fix removes it.
 */
export class RiskFlow {
  constructor(private readonly options: RiskFlowOptions) {}

  /** The form, or why this person cannot accept the risk here. */
  form(actor: FixActor, finding: RiskFinding): Card {
    const refusal = this.refusal(actor, finding);
    if (refusal !== undefined) return refusal;
    const rule = findRule(finding.ruleId);
    return acceptRiskCard({ ref: finding.ref, ruleId: finding.ruleId, title: rule?.meta.failureTitle ?? finding.ruleId, serviceName: finding.serviceName, today: this.options.now(), maxDays: this.options.maxDays });
  }

  /** Stores the exemption the form submitted; the answer replaces the form. */
  async accept(actor: FixActor, finding: RiskFinding, submission: AcceptRiskSubmission): Promise<{ readonly card: Card; readonly accepted: boolean }> {
    const refusal = this.refusal(actor, finding);
    if (refusal !== undefined) return { card: refusal, accepted: false };
    const result = await acceptRisk(
      { exemptions: this.options.exemptions, auditLog: this.options.auditLog, now: this.options.now, maxDays: this.options.maxDays },
      { ruleId: finding.ruleId, service: finding.serviceId, reason: submission.reason, expires: submission.expires, ...(submission.ticket === undefined ? {} : { ticket: submission.ticket }), acceptedBy: actor.aadObjectId, conversationId: actor.conversationId },
    );
    if (!result.ok) return { card: messageCard(`Not accepted: ${result.reason}`, { tone: 'refusal' }), accepted: false };
    const { exemption } = result.record;
    return {
      card: messageCard(`${actor.name} accepted the risk of ${finding.ruleId} on ${finding.serviceName} until ${exemption.expires}. Audits show it as exempted until then, and as "exemption expired" after.`, {
        tone: 'success',
        commands: [`history ${finding.serviceName}`],
      }),
      accepted: true,
    };
  }

  private refusal(actor: FixActor, finding: RiskFinding): Card | undefined {
    if (finding.environment === undefined) return messageCard('Accept risk is offered on audits of an environment ("audit apim in prod"): the environment decides who may accept risks.', { tone: 'refusal' });
    const decision = mayAcceptRisk(this.options.policy, { environment: finding.environment, userId: actor.aadObjectId, conversationId: actor.conversationId });
    return decision.ok ? undefined : messageCard(decision.reason, { tone: 'refusal' });
  }
}
