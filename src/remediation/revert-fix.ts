import { getArmResource } from '../azure/arm-raw.js';
import type { FixRequest } from '../contracts/fix-plan.js';
import type { ApplyDependencies, RevertStep } from './apply-finding.js';
import type { Finding } from './finding-fix.js';
import { mayApprove, mayRequest, needsApproval } from './policy.js';
import { serviceIdParts, withFreshEtag } from './reread.js';
import { sendFix, type SendOutcome } from './send-fix.js';
import { stillAsFixed } from './snapshot.js';
import { FIX_LEASE, fixLeaseName, keepRenewing } from './fix-lease.js';

export interface RevertRequest {
  readonly finding: Finding;
  readonly environment: string;
  /** The kind of the fix being reverted: the same permission is needed to undo it. */
  readonly kind: 'safe' | 'guarded';
  readonly requesterId: string | undefined;
  readonly conversationId: string;
  readonly approverId?: string;
  /** What the fix recorded: the body it sent and the values from before, per request. */
  readonly steps: readonly RevertStep[];
  /** The audit-log sequence number of the fix's `fix.sending` record, to link the two. */
  readonly operation?: number;
}

export type RevertResult =
  | { readonly state: 'refused'; readonly reason: string }
  /** The values the fix set are no longer there: putting the old ones back would overwrite someone's change. */
  | { readonly state: 'changed'; readonly reason: string }
  | { readonly state: 'reverted'; readonly outcomes: readonly SendOutcome[] }
  | { readonly state: 'notVerified'; readonly outcomes: readonly SendOutcome[]; readonly reason: string }
  | { readonly state: 'failed'; readonly outcomes: readonly SendOutcome[]; readonly reason: string };

/**
 * Puts back the values a fix replaced, under the guards of the fix itself: authorization again,
 * a second person in production, the service's lease, and a fresh read that must still hold what
 * the fix set — a value changed since the fix is someone's decision, and Revert refuses rather than
 * overwrite it. Every step lands in the audit log (`revert.*`).
 */
export async function revertFix(deps: ApplyDependencies, request: RevertRequest): Promise<RevertResult> {
  const { finding } = request;
  const actor = request.requesterId ?? 'unknown';
  const refuse = async (reason: string, by = actor): Promise<RevertResult> => {
    await deps.auditLog.append({ kind: 'revert.refused', actor: by, subject: finding.serviceId, details: { ruleId: finding.ruleId, reason } });
    return { state: 'refused', reason };
  };
  const decision = mayRequest(deps.policy, { environment: request.environment, userId: request.requesterId, conversationId: request.conversationId, kind: request.kind });
  if (!decision.ok) return refuse(decision.reason);
  if (needsApproval(deps.policy, request.environment)) {
    if (request.approverId === undefined) return { state: 'refused', reason: `Reverts in ${request.environment} need a second person's approval first.` };
    const approval = mayApprove(deps.policy, { environment: request.environment, approverId: request.approverId, requesterId: actor, conversationId: request.conversationId });
    if (!approval.ok) return refuse(approval.reason, request.approverId);
  }
  const notRevertable = request.steps.find((step) => !step.snapshot.ok);
  if (notRevertable !== undefined && !notRevertable.snapshot.ok) return refuse(`This fix cannot be reverted: ${notRevertable.snapshot.reason}.`);
  const subscription = serviceIdParts(finding.serviceId)?.subscription;
  if (subscription === undefined) return { state: 'refused', reason: 'The finding does not name an API Management service.' };
  const timing = deps.lease ?? FIX_LEASE;
  const lease = await deps.leases.acquire(fixLeaseName(finding.serviceId), timing.ttlInMs);
  if (lease === undefined) return { state: 'refused', reason: `Another change to ${finding.serviceName} is in progress; try again when it has finished.` };
  const renewal = keepRenewing(deps.leases, lease, timing);
  try {
    return await revertUnderLease(deps, request, subscription, actor);
  } finally {
    await renewal.stop();
    await deps.leases.release(lease);
  }
}

async function revertUnderLease(deps: ApplyDependencies, request: RevertRequest, subscription: string, actor: string): Promise<RevertResult> {
  const { finding } = request;
  const client = deps.client(subscription);
  const requests: FixRequest[] = [];
  for (const step of request.steps) {
    if (!step.snapshot.ok) throw new Error('unreachable: checked before the lease');
    const { body } = await getArmResource(client, step.path, { apiVersion: step.apiVersion });
    const held = stillAsFixed(step.sent, body);
    if (!held.ok) {
      const reason = `${held.path} on ${finding.serviceName} changed since the fix; Revert would overwrite that change, so nothing was sent.`;
      await deps.auditLog.append({ kind: 'revert.changed-since-fix', actor, subject: finding.serviceId, details: { ruleId: finding.ruleId, path: held.path } });
      return { state: 'changed', reason };
    }
    requests.push(await withFreshEtag(client, { method: step.method, path: step.path, apiVersion: step.apiVersion, body: step.snapshot.body }));
  }
  // The intent, durable before anything is sent: reconciliation closes it after a crash, like a fix's.
  // Its "before" is what the fix set, which the revert replaces.
  const intent = await deps.auditLog.append({
    kind: 'revert.sending',
    actor,
    subject: finding.serviceId,
    details: {
      ruleId: finding.ruleId,
      ...(request.operation === undefined ? {} : { fixOperation: request.operation }),
      ...(request.approverId === undefined ? {} : { approvedBy: request.approverId }),
      requests: requests.map((sent) => ({ method: sent.method, path: sent.path, apiVersion: sent.apiVersion, body: sent.body as never })),
      before: request.steps.map((step) => step.sent as never),
    },
  });
  const link = { operation: intent.seq };
  const outcomes: SendOutcome[] = [];
  for (const sent of requests) {
    const outcome = await sendFix(client, sent, deps.send);
    outcomes.push(outcome);
    await deps.auditLog.append({ kind: `revert.${outcome.outcome}`, actor, subject: sent.path, details: { ruleId: finding.ruleId, ...link, status: outcome.status, ...('requestId' in outcome && outcome.requestId !== undefined ? { requestId: outcome.requestId } : {}), ...('message' in outcome ? { message: outcome.message } : {}) } });
    if (outcome.outcome !== 'succeeded') return { state: 'failed', outcomes, reason: outcome.message };
  }
  // Verified when every value the fix replaced reads back as it was before.
  for (const sent of requests) {
    const { body } = await getArmResource(client, sent.path, { apiVersion: sent.apiVersion });
    const back = stillAsFixed(sent.body, body);
    if (!back.ok) {
      await deps.auditLog.append({ kind: 'revert.not-verified', actor: 'system', subject: finding.serviceId, details: { ruleId: finding.ruleId, ...link, path: back.path } });
      return { state: 'notVerified', outcomes, reason: `${back.path} does not read back as it was before the fix yet.` };
    }
  }
  await deps.auditLog.append({ kind: 'revert.verified', actor: 'system', subject: finding.serviceId, details: { ruleId: finding.ruleId, ...link } });
  return { state: 'reverted', outcomes };
}
