import { isDeepStrictEqual } from 'node:util';
import { getArmResource, type ArmJsonClient } from '../azure/arm-raw.js';
import type { AzureTarget } from '../azure/target.js';
import type { FixRequest } from '../contracts/fix-plan.js';
import type { AuditLog, JsonValue, LeaseStore } from '../store/index.js';
import type { CombinedFix } from './combine-plans.js';
import type { Finding } from './finding-fix.js';
import { FIX_LEASE, fixLeaseName, keepRenewing, type LeaseTiming } from './fix-lease.js';
import { mayApprove, mayRequest, needsApproval, type RemediationPolicy } from './policy.js';
import { rereadFinding, serviceIdParts, withFreshEtags, type RereadContext } from './reread.js';
import { sendFix, type SendFixOptions, type SendOutcome } from './send-fix.js';
import { snapshotOf, type Snapshot } from './snapshot.js';

export interface ApplyRequest {
  readonly finding: Finding;
  /** Other findings on the same service fixed by the same requests ("Fix all"); `finding` labels the records. */
  readonly also?: readonly Finding[];
  readonly environment: string;
  /** `from.aadObjectId` of the person who clicked Apply. */
  readonly requesterId: string | undefined;
  readonly conversationId: string;
  /** The requests the confirmation card showed; anything else is refused with a fresh plan. */
  readonly confirmed: readonly ConfirmedFix[];
  /** Set when a second person approved (production). */
  readonly approverId?: string;
  /** The card that shows this fix, kept with the intent so a restart can still tell it how it ended. */
  readonly card?: { readonly conversationId: string; readonly activityId: string };
}

export interface ApplyDependencies {
  readonly target: AzureTarget;
  readonly client: (subscriptionId: string) => ArmJsonClient;
  readonly policy: RemediationPolicy;
  readonly auditLog: AuditLog;
  readonly leases: LeaseStore;
  readonly reread: RereadContext;
  readonly send?: SendFixOptions;
  /** How long the service's lease lasts without renewal, and how often it is renewed; default {@link FIX_LEASE}. */
  readonly lease?: LeaseTiming;
}

export type ApplyResult =
  | { readonly state: 'refused'; readonly reason: string }
  /** The resource changed since the confirmation: nothing was sent; here is the plan from the fresh read. */
  | { readonly state: 'changed'; readonly fresh: readonly CombinedFix[] | undefined; readonly reason: string }
  /** Sent; the rule passes on the fresh read. */
  | { readonly state: 'verified'; readonly outcomes: readonly SendOutcome[]; readonly revert: readonly RevertStep[] }
  /** Sent, but the rule does not pass yet (a long-running update still landing, or ARM answered otherwise). */
  | { readonly state: 'notVerified'; readonly outcomes: readonly SendOutcome[]; readonly revert: readonly RevertStep[]; readonly reason: string }
  | { readonly state: 'failed'; readonly outcomes: readonly SendOutcome[]; readonly reason: string };

/** What a confirmation card showed of one request, and all that apply compares: kind, request and diff. */
export type ConfirmedFix = Pick<CombinedFix, 'kind' | 'request' | 'changes'>;

/** What Revert would send for one request of the fix: its path, what the fix sent and the values from before. */
export interface RevertStep {
  readonly path: string;
  readonly method: 'PATCH' | 'PUT';
  readonly apiVersion: string;
  /** The body the fix sent: Revert refuses when the resource no longer holds these values. */
  readonly sent: FixRequest['body'];
  readonly snapshot: Snapshot;
}

/**
 * Applies a confirmed fix: authorize again (a card is not a permission), hold the service's lease,
 * re-read and refuse when the plan is no longer the one confirmed, record the intent with the values
 * from before, send with the ETags of that read, record each outcome, then read again to verify.
 * Every step lands in the hash-chained audit log before the next one starts.
 */
export async function applyFinding(deps: ApplyDependencies, request: ApplyRequest): Promise<ApplyResult> {
  const { finding } = request;
  const kind = request.confirmed.some((fix) => fix.kind === 'guarded') ? 'guarded' : 'safe';
  const decision = mayRequest(deps.policy, { environment: request.environment, userId: request.requesterId, conversationId: request.conversationId, kind });
  const actor = request.requesterId ?? 'unknown';
  if (!decision.ok) {
    await deps.auditLog.append({ kind: 'fix.refused', actor, subject: finding.serviceId, details: { ruleId: finding.ruleId, reason: decision.reason } });
    return { state: 'refused', reason: decision.reason };
  }
  if (needsApproval(deps.policy, request.environment)) {
    if (request.approverId === undefined) return { state: 'refused', reason: `Fixes in ${request.environment} need a second person's approval first.` };
    // The approval is checked here too, not only when it was given: a card is not a permission.
    const approval = mayApprove(deps.policy, { environment: request.environment, approverId: request.approverId, requesterId: actor, conversationId: request.conversationId });
    if (!approval.ok) {
      await deps.auditLog.append({ kind: 'fix.refused', actor: request.approverId, subject: finding.serviceId, details: { ruleId: finding.ruleId, reason: approval.reason } });
      return { state: 'refused', reason: approval.reason };
    }
  }
  const subscription = serviceIdParts(finding.serviceId)?.subscription;
  if (subscription === undefined) return { state: 'refused', reason: 'The finding does not name an API Management service.' };
  const timing = deps.lease ?? FIX_LEASE;
  const lease = await deps.leases.acquire(fixLeaseName(finding.serviceId), timing.ttlInMs);
  if (lease === undefined) return { state: 'refused', reason: `Another fix on ${finding.serviceName} is in progress; try again when it has finished.` };
  const renewal = keepRenewing(deps.leases, lease, timing);
  try {
    return await applyUnderLease(deps, request, subscription, actor);
  } finally {
    await renewal.stop();
    await deps.leases.release(lease);
  }
}

async function applyUnderLease(deps: ApplyDependencies, request: ApplyRequest, subscription: string, actor: string): Promise<ApplyResult> {
  const { finding } = request;
  const client = deps.client(subscription);
  const also = request.also ?? [];
  const read = await rereadFinding(deps.target, finding, deps.reread, also);
  if (read.fix.state !== 'plans') {
    const reason = read.fix.state === 'passes' ? `${also.length === 0 ? finding.ruleId : 'Every finding'} already passes on ${finding.serviceName}; nothing was sent.` : read.fix.reason;
    return { state: 'changed', fresh: undefined, reason };
  }
  const fresh = read.fix.fixes;
  if (!samePlan(fresh, request.confirmed)) {
    await deps.auditLog.append({ kind: 'fix.changed-since-confirmation', actor, subject: finding.serviceId, details: { ruleId: finding.ruleId } });
    return { state: 'changed', fresh, reason: `${finding.serviceName} changed since the confirmation; review the fresh change before applying.` };
  }
  const revert: RevertStep[] = [];
  for (const fix of fresh) {
    const { body } = await getArmResource(client, fix.request.path, { apiVersion: fix.request.apiVersion });
    revert.push({ path: fix.request.path, method: fix.request.method, apiVersion: fix.request.apiVersion, sent: fix.request.body, snapshot: snapshotOf(fix.request.body, body) });
  }
  const guarded = await withFreshEtags(client, fresh);
  // The intent is durable before anything is sent: a crash after this line is reconciled, never lost.
  const intent = await deps.auditLog.append({
    kind: 'fix.sending',
    actor,
    subject: finding.serviceId,
    details: {
      ruleId: finding.ruleId,
      ...(also.length === 0 ? {} : { ruleIds: [...new Set([finding, ...also].map((one) => one.ruleId))] }),
      ...(request.approverId === undefined ? {} : { approvedBy: request.approverId }),
      ...(request.card === undefined || request.card.activityId === '' ? {} : { card: { conversationId: request.card.conversationId, activityId: request.card.activityId } }),
      requests: guarded.map((fix) => ({ method: fix.request.method, path: fix.request.path, apiVersion: fix.request.apiVersion, body: fix.request.body as JsonValue })),
      before: revert.map((step) => (step.snapshot.ok ? (step.snapshot.body as JsonValue) : null)),
    },
  });
  // Every later record of this fix names its intent, so reconciliation finds the ones never closed.
  const operation = intent.seq;
  const outcomes: SendOutcome[] = [];
  for (const fix of guarded) {
    const outcome = await sendFix(client, fix.request, deps.send);
    outcomes.push(outcome);
    await deps.auditLog.append({ kind: `fix.${outcome.outcome}`, actor, subject: fix.request.path, details: { operation, ruleId: finding.ruleId, status: outcome.status, ...('requestId' in outcome && outcome.requestId !== undefined ? { requestId: outcome.requestId } : {}), ...('message' in outcome ? { message: outcome.message } : {}) } });
    if (outcome.outcome !== 'succeeded') {
      return { state: 'failed', outcomes, reason: outcome.message };
    }
  }
  const after = await rereadFinding(deps.target, finding, deps.reread, also);
  const verified = after.fix.state === 'passes';
  await deps.auditLog.append({ kind: verified ? 'fix.verified' : 'fix.not-verified', actor: 'system', subject: finding.serviceId, details: { operation, ruleId: finding.ruleId, state: after.fix.state } });
  if (verified) return { state: 'verified', outcomes, revert };
  return { state: 'notVerified', outcomes, revert, reason: after.fix.state === 'plans' ? `${also.length === 0 ? finding.ruleId : 'a finding'} still fails on the fresh read.` : `the fresh read says: ${after.fix.reason}` };
}

/**
 * The same requests (method, path, body) with the same before → after diff, in the same order: what
 * was confirmed is what is sent. The diff matters on its own: a fix that re-sends a whole map sends
 * the same body whatever someone changed meanwhile, but the person confirmed other "before" values.
 */
function samePlan(fresh: readonly CombinedFix[], confirmed: readonly ConfirmedFix[]): boolean {
  if (fresh.length !== confirmed.length) return false;
  return fresh.every((fix, index) => {
    const other = confirmed[index];
    return (
      other !== undefined &&
      fix.request.method === other.request.method &&
      fix.request.path.toLowerCase() === other.request.path.toLowerCase() &&
      sameJson(fix.request.body, other.request.body) &&
      sameJson(fix.changes, other.changes)
    );
  });
}

/** Equal as JSON: a confirmed plan comes back from the store as JSON, without `undefined` members. */
function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));
}
