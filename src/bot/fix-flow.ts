import type { Logger } from 'pino';
import { fixStatusCard, messageCard, type FixFlowButton, type FixStage } from '../cards/render.js';
import type { Report } from '../engine/report.js';
import type { Estate } from '../estate/model.js';
import { applyFinding, type ApplyDependencies, type ApplyResult, type RevertStep } from '../remediation/apply-finding.js';
import { planFindings, type Finding } from '../remediation/finding-fix.js';
import { mayApprove, mayRequest, needsApproval, rulesFor, type RemediationPolicy } from '../remediation/policy.js';
import { rereadFinding } from '../remediation/reread.js';
import { findRule } from '../rules/index.js';
import { revertFix, type RevertResult } from '../remediation/revert-fix.js';
import type { ButtonRefStore, RefLookup } from '../store/index.js';
import { fixAnswer } from './fix-answer.js';
import { fixMeaningJson, parseFixMeaning, type FixMeaning } from './fix-flow-refs.js';
import type { Card, Messenger } from './messenger.js';

/** Who clicked, where: the policy judges `aadObjectId`; refs are bound to `key`. */
export interface FixActor {
  readonly conversationId: string;
  /** `from.aadObjectId` when Teams sends one, else the channel account id: what a ref is bound to. */
  readonly key: string;
  readonly aadObjectId: string | undefined;
  readonly name: string;
}

export interface FixFlowOptions {
  readonly policy: RemediationPolicy;
  /** Target, clients, audit log and leases; built per action so each re-read has its own clock. */
  readonly dependencies: () => ApplyDependencies;
  readonly refs: ButtonRefStore;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly ruleOptions: Readonly<Record<string, unknown>>;
  readonly armEndpoint?: string;
  /** How long Apply / Cancel stay usable; default 15 minutes (the plan was read just now). */
  readonly confirmTtlInMs?: number;
  /** How long Revert stays offered; default 7 days. */
  readonly revertTtlInMs?: number;
  /** Least time between two progress edits of a fix card; default 30 s. */
  readonly progressIntervalInMs?: number;
}

export interface FixAnswer {
  readonly card: Card;
  /** The clicked card is replaced for everyone in the conversation, not only for the clicker. */
  readonly forEveryone?: boolean;
}

/** Where the clicked card is, so a fix running after the turn can edit it for everyone. */
export interface ClickedCard {
  readonly messenger: Messenger;
  readonly activityId: string;
}

const MINUTE = 60_000;

/**
 * Guarded remediation in the conversation: Fix shows a confirmation planned from a fresh read;
 * Apply (the requester only) asks a second person in production or applies at once; the fix runs
 * after the turn and edits its card with progress and the verified result; Revert puts the old
 * values back under the same guards. Every button is a single-use ref from the store, bound to the
 * conversation and, for Apply and Revert, to the person; nothing on the card is trusted.
 */
export class FixFlow {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: FixFlowOptions) {}

  /**
   * Fix on a digest or alert row: no audit is kept behind those cards, so the service is read now
   * and the confirmation (or the plan and why not) is built from that read like any other Fix.
   */
  async confirmFresh(actor: FixActor, input: { readonly finding: Finding; readonly environment: string }): Promise<Card> {
    const deps = this.options.dependencies();
    let read;
    try {
      read = await rereadFinding(deps.target, input.finding, deps.reread);
    } catch (error) {
      this.options.logger.warn({ err: error, serviceId: input.finding.serviceId }, 'fix: reading the service for a digest or alert row failed');
      return messageCard(`I could not read ${input.finding.serviceName} to plan the fix: ${errorText(error)}`, { tone: 'error' });
    }
    return this.confirm(actor, { finding: input.finding, environment: input.environment, report: read.report, estate: read.estate });
  }

  /** The Fix button: a confirmation when this person may apply here, else the plan and why not. */
  async confirm(actor: FixActor, input: { readonly finding: Finding; readonly also?: readonly Finding[]; readonly environment: string | undefined; readonly report: Report; readonly estate: Estate }): Promise<Card> {
    const { environment } = input;
    // Fix all: only the findings whose fix kind the policy allows here go into the one change.
    const allowed = new Set<string>((environment === undefined ? undefined : rulesFor(this.options.policy, environment))?.kinds ?? []);
    const offered = [input.finding, ...(input.also ?? [])];
    const kept = input.also === undefined || input.also.length === 0 ? offered : offered.filter((one) => allowed.has(findRule(one.ruleId)?.meta.fix ?? ''));
    const [finding = input.finding, ...also] = kept;
    const together = also.length === 0 ? {} : { also };
    const now = this.options.now();
    const planOnly = (estate: Estate, report: Report, notApplied?: string): Card =>
      fixAnswer({ ...finding, report }, estate, now, this.options.ruleOptions, { ...this.endpoint(), ...together, ...(notApplied === undefined ? {} : { notApplied }) });
    const audited = planFindings([finding, ...also], input.estate, input.report, now, this.options.ruleOptions);
    if (audited.state !== 'plans') return planOnly(input.estate, input.report);
    if (environment === undefined) return planOnly(input.estate, input.report, 'Apply is offered on audits of an environment ("audit apim in prod"): the environment decides who may apply and approve.');
    const decision = mayRequest(this.options.policy, { environment, userId: actor.aadObjectId, conversationId: actor.conversationId, kind: kindOf(audited.fixes) });
    if (!decision.ok) return planOnly(input.estate, input.report, decision.reason);
    // The confirmation shows what Apply would send now, not what the audit saw hours ago.
    const deps = this.options.dependencies();
    let read;
    try {
      read = await rereadFinding(deps.target, finding, deps.reread, also);
    } catch (error) {
      this.options.logger.warn({ err: error, serviceId: finding.serviceId }, 'fix: re-read before the confirmation failed');
      return messageCard(`I could not read ${finding.serviceName} again to confirm the fix: ${errorText(error)}`, { tone: 'error' });
    }
    if (read.fix.state !== 'plans') return planOnly(read.estate, read.report);
    const fresh = mayRequest(this.options.policy, { environment, userId: actor.aadObjectId, conversationId: actor.conversationId, kind: kindOf(read.fix.fixes) });
    if (!fresh.ok) return planOnly(read.estate, read.report, fresh.reason);
    const meaning: FixMeaning = {
      step: 'confirm',
      conversationId: actor.conversationId,
      environment,
      finding,
      ...together,
      change: { action: 'fix', confirmed: read.fix.fixes.map((fix) => ({ kind: fix.kind, request: fix.request, changes: fix.changes })) },
      requesterKey: actor.key,
      ...(actor.aadObjectId === undefined ? {} : { requesterId: actor.aadObjectId }),
      requesterName: actor.name,
    };
    // One ref for Apply and Cancel: whichever is clicked first uses it up.
    const ref = await this.issue(meaning, actor.conversationId, actor.key, this.options.confirmTtlInMs ?? 15 * MINUTE);
    return fixAnswer({ ...finding, report: read.report }, read.estate, now, this.options.ruleOptions, {
      ...this.endpoint(),
      ...together,
      confirm: { applyRef: ref, cancelRef: ref, approvalNeeded: needsApproval(this.options.policy, environment) },
    });
  }

  /** Apply, Cancel, Approve, Reject or Revert on a fix card. */
  async handle(actor: FixActor, verb: 'apply' | 'cancelFix' | 'approve' | 'reject' | 'revert', ref: string, clicked: ClickedCard): Promise<FixAnswer> {
    switch (verb) {
      case 'apply':
      case 'cancelFix':
        return this.onConfirm(actor, verb, ref, clicked);
      case 'approve':
      case 'reject':
        return this.onDecision(actor, verb, ref, clicked);
      case 'revert':
        return this.onRevert(actor, ref, clicked);
    }
  }

  /** Waits for fixes running after their turn (shutdown); true when all ended in time. */
  async drain(timeoutInMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => { resolve(false); }, timeoutInMs)));
    const done = await Promise.race([Promise.allSettled([...this.running]).then(() => true as const), timeout]);
    clearTimeout(timer);
    return done;
  }

  private async onConfirm(actor: FixActor, verb: 'apply' | 'cancelFix', ref: string, clicked: ClickedCard): Promise<FixAnswer> {
    const used = await this.use(ref, actor, 'confirm');
    if (!used.ok) return { card: used.refusal };
    const { meaning } = used;
    const { auditLog } = this.options.dependencies();
    if (verb === 'cancelFix') {
      await auditLog.append({ kind: 'fix.cancelled', actor: actorId(actor), subject: meaning.finding.serviceId, details: { ruleId: meaning.finding.ruleId } });
      return { card: statusCard(meaning, 'stopped', `Cancelled by ${actor.name}; nothing was changed.`), forEveryone: true };
    }
    return this.applyOrAsk(actor, meaning, clicked);
  }

  private async onRevert(actor: FixActor, ref: string, clicked: ClickedCard): Promise<FixAnswer> {
    const used = await this.use(ref, actor, 'revert');
    if (!used.ok) return { card: used.refusal };
    return this.applyOrAsk(actor, used.meaning, clicked);
  }

  /**
   * Uses a person-bound ref of one step: looked up and checked first, consumed only when it is that
   * step's, so a ref of another step (an open approval request) pressed on the wrong verb is not burnt.
   */
  private async use(ref: string, actor: FixActor, step: 'confirm' | 'revert'): Promise<{ ok: true; meaning: FixMeaning } | { ok: false; refusal: Card }> {
    const context = { conversationId: actor.conversationId, userId: actor.key };
    const found = await this.options.refs.resolve(ref, context);
    const meaning = found.ok ? parseFixMeaning(found.ref.meaning) : undefined;
    if (!found.ok || meaning?.step !== step) return { ok: false, refusal: refusedRef(found, step) };
    // The first use wins, across clicks and instances.
    const used = await this.options.refs.consume(ref, context);
    return used.ok ? { ok: true, meaning } : { ok: false, refusal: refusedRef(used, step) };
  }

  /** Production waits for a second person; elsewhere the change runs now. */
  private async applyOrAsk(actor: FixActor, meaning: FixMeaning, clicked: ClickedCard): Promise<FixAnswer> {
    const { policy } = this.options;
    const kind = meaning.change.action === 'fix' ? kindOf(meaning.change.confirmed) : meaning.change.kind;
    const decision = mayRequest(policy, { environment: meaning.environment, userId: actor.aadObjectId, conversationId: actor.conversationId, kind });
    const { auditLog } = this.options.dependencies();
    const what = meaning.change.action;
    if (!decision.ok) {
      await auditLog.append({ kind: `${what}.refused`, actor: actorId(actor), subject: meaning.finding.serviceId, details: { ruleId: meaning.finding.ruleId, reason: decision.reason } });
      return { card: statusCard(meaning, 'stopped', `Not applied: ${decision.reason}`), forEveryone: true };
    }
    if (!needsApproval(policy, meaning.environment)) return this.start(meaning, undefined, clicked);
    const requestedAt = this.options.now().toISOString();
    const approval: FixMeaning = { ...meaning, step: 'approval', requestedAt };
    const ref = await this.issue(approval, actor.conversationId, undefined, policy.approvalExpiresInMinutes * MINUTE);
    await auditLog.append({ kind: `${what}.approval-requested`, actor: actorId(actor), subject: meaning.finding.serviceId, details: { ruleId: meaning.finding.ruleId, environment: meaning.environment } });
    return { card: this.waitingCard(approval, ref), forEveryone: true };
  }

  private async onDecision(actor: FixActor, verb: 'approve' | 'reject', ref: string, clicked: ClickedCard): Promise<FixAnswer> {
    const context = { conversationId: actor.conversationId };
    const found = await this.options.refs.resolve(ref, context);
    const meaning = found.ok ? parseFixMeaning(found.ref.meaning) : undefined;
    if (!found.ok || meaning?.step !== 'approval') return { card: refusedRef(found, 'approval') };
    const { auditLog } = this.options.dependencies();
    const what = meaning.change.action;
    const approval = mayApprove(this.options.policy, { environment: meaning.environment, approverId: actor.aadObjectId, requesterId: meaning.requesterId ?? meaning.requesterKey, conversationId: actor.conversationId });
    // The requester may withdraw their own request; anyone else needs to be an approver to decide.
    const mayDecide = verb === 'reject' && actor.key === meaning.requesterKey ? { ok: true as const } : approval;
    if (!mayDecide.ok) {
      await auditLog.append({ kind: `${what}.approval-refused`, actor: actorId(actor), subject: meaning.finding.serviceId, details: { ruleId: meaning.finding.ruleId, reason: mayDecide.reason } });
      // Only the clicker sees the refusal; the request stays open for an approver.
      return { card: this.waitingCard(meaning, ref, mayDecide.reason) };
    }
    // The first decision wins, across clicks and instances.
    const used = await this.options.refs.consume(ref, context);
    if (!used.ok) return { card: refusedRef(used, 'approval') };
    if (verb === 'reject') {
      await auditLog.append({ kind: `${what}.rejected`, actor: actorId(actor), subject: meaning.finding.serviceId, details: { ruleId: meaning.finding.ruleId } });
      return { card: statusCard(meaning, 'stopped', `${actor.key === meaning.requesterKey ? 'Withdrawn' : 'Rejected'} by ${actor.name}; nothing was changed.`), forEveryone: true };
    }
    await auditLog.append({ kind: `${what}.approved`, actor: actorId(actor), subject: meaning.finding.serviceId, details: { ruleId: meaning.finding.ruleId, requestedBy: meaning.requesterId ?? meaning.requesterKey } });
    return this.start(meaning, actor, clicked);
  }

  /** Runs the change after the turn (it may take most of an hour) and edits the card as it goes. */
  private start(meaning: FixMeaning, approver: FixActor | undefined, clicked: ClickedCard): FixAnswer {
    const facts = people(meaning, approver);
    const working = (detail?: string): Card =>
      statusCard(meaning, 'working', meaning.change.action === 'fix' ? 'Applying: reading the service again, then sending the confirmed change.' : 'Reverting: reading the service again, then putting the old values back.', { facts, ...(detail === undefined ? {} : { detail }) });
    const interval = this.options.progressIntervalInMs ?? 30_000;
    let lastEdit = 0;
    const onPoll = (status: string, elapsedInMs: number): void => {
      const now = Date.now();
      if (now - lastEdit < interval) return;
      lastEdit = now;
      const detail = `Azure says ${status}, ${Math.max(1, Math.round(elapsedInMs / MINUTE))} min so far. API Management service updates take 15–45 minutes; this card changes when it ends.`;
      void clicked.messenger.update(clicked.activityId, working(detail)).catch((error: unknown) => { this.options.logger.warn({ err: error }, 'fix: progress edit failed'); });
    };
    const job = this.run(meaning, approver, onPoll, clicked)
      .catch((error: unknown): Card => {
        this.options.logger.error({ err: error, serviceId: meaning.finding.serviceId, ruleId: meaning.finding.ruleId }, 'fix: stopped with an error');
        return statusCard(meaning, 'failed', `Stopped with an error on my side: ${errorText(error)}`, { facts, detail: 'It has been logged. Audit the service again to see what it holds now.' });
      })
      .then((card) => clicked.messenger.update(clicked.activityId, card))
      .catch((error: unknown) => { this.options.logger.warn({ err: error }, 'fix: could not post the result'); });
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
    return { card: working(), forEveryone: true };
  }

  private async run(meaning: FixMeaning, approver: FixActor | undefined, onPoll: (status: string, elapsedInMs: number) => void, card: ClickedCard): Promise<Card> {
    const base = this.options.dependencies();
    const deps: ApplyDependencies = { ...base, send: { ...base.send, onPoll } };
    const who = { requesterId: meaning.requesterId, conversationId: meaning.conversationId, ...(approver?.aadObjectId === undefined ? {} : { approverId: approver.aadObjectId }) };
    const facts = people(meaning, approver);
    if (meaning.change.action === 'fix') {
      const result = await applyFinding(deps, { finding: meaning.finding, ...(meaning.also === undefined ? {} : { also: meaning.also }), environment: meaning.environment, confirmed: meaning.change.confirmed, card: { conversationId: meaning.conversationId, activityId: card.activityId }, ...who });
      return this.applied(meaning, result, facts);
    }
    const { change } = meaning;
    const result = await revertFix(deps, { finding: meaning.finding, environment: meaning.environment, kind: change.kind, steps: change.steps, ...(change.operation === undefined ? {} : { operation: change.operation }), ...who });
    return reverted(meaning, result, facts);
  }

  private async applied(meaning: FixMeaning, result: ApplyResult, facts: Facts): Promise<Card> {
    if (meaning.change.action !== 'fix') throw new Error('unreachable: an apply result for a revert');
    const changes = meaning.change.confirmed.flatMap((fix) => fix.changes);
    switch (result.state) {
      case 'refused':
        return statusCard(meaning, 'stopped', `Not applied: ${result.reason}`, { facts });
      case 'changed':
        return statusCard(meaning, 'stopped', `Nothing was sent: ${result.reason}`, {
          facts,
          detail: 'Click Fix on the finding again to confirm the change as it is now.',
          ...(result.fresh === undefined ? {} : { changes: result.fresh.flatMap((fix) => fix.changes), changeHeading: 'The change it would make now' }),
        });
      case 'failed':
        return statusCard(meaning, 'failed', `Azure did not apply the change: ${result.reason}`, { facts: [...facts, ...requestIds(result.outcomes)], changes, changeHeading: 'The change that was asked for' });
      case 'verified':
      case 'notVerified': {
        const revertable = result.revert.every((step) => step.snapshot.ok);
        const buttons = revertable ? [await this.revertButton(meaning, result.revert, changes)] : [];
        const rules = [meaning.finding, ...(meaning.also ?? [])].map((one) => one.ruleId).join(', ');
        const status = result.state === 'verified' ? `Verified: ${rules} ${meaning.also === undefined || meaning.also.length === 0 ? 'passes' : 'pass'} on a fresh read of ${meaning.finding.serviceName}.` : `Applied, but not verified: ${result.reason}`;
        const notRevertable = result.revert.find((step) => !step.snapshot.ok);
        return statusCard(meaning, result.state === 'verified' ? 'done' : 'partly', status, {
          facts: [...facts, { title: 'Applied', value: this.options.now().toISOString().slice(0, 16).replace('T', ' ') + ' UTC' }, ...requestIds(result.outcomes)],
          changes,
          changeHeading: 'Changed',
          buttons,
          ...(notRevertable !== undefined && !notRevertable.snapshot.ok ? { detail: `Revert is not offered: ${notRevertable.snapshot.reason}.` } : {}),
        });
      }
    }
  }

  private async revertButton(meaning: FixMeaning, steps: readonly RevertStep[], changes: readonly { readonly path: string; readonly before: unknown; readonly after: unknown }[]): Promise<FixFlowButton> {
    const confirmed = meaning.change.action === 'fix' ? meaning.change.confirmed : [];
    const revert: FixMeaning = {
      step: 'revert',
      conversationId: meaning.conversationId,
      environment: meaning.environment,
      finding: meaning.finding,
      ...(meaning.also === undefined ? {} : { also: meaning.also }),
      change: { action: 'revert', kind: kindOf(confirmed) === 'guarded' ? 'guarded' : 'safe', steps, changes: changes.map((change) => ({ path: change.path, before: change.after, after: change.before })) },
      requesterKey: meaning.requesterKey,
      ...(meaning.requesterId === undefined ? {} : { requesterId: meaning.requesterId }),
      requesterName: meaning.requesterName,
    };
    const ref = await this.issue(revert, meaning.conversationId, meaning.requesterKey, this.options.revertTtlInMs ?? 7 * 24 * 60 * MINUTE);
    return { title: 'Revert', verb: 'revert', ref, style: 'destructive' };
  }

  private waitingCard(meaning: FixMeaning, ref: string, notice?: string): Card {
    const expires = new Date(Date.parse(meaning.requestedAt ?? this.options.now().toISOString()) + this.options.policy.approvalExpiresInMinutes * MINUTE);
    const what = meaning.change.action === 'fix' ? 'fix' : 'revert';
    return statusCard(meaning, 'waiting', `Waiting for a second person to approve this ${what} (${meaning.environment}).`, {
      detail: `Any approver for ${meaning.environment} other than ${meaning.requesterName} can approve it until ${expires.toISOString().slice(0, 16).replace('T', ' ')} UTC. After the approval the service is read again and nothing is sent if it changed.`,
      facts: people(meaning, undefined),
      ...(notice === undefined ? {} : { notice }),
      buttons: [
        { title: 'Approve', verb: 'approve', ref, style: 'positive' },
        { title: 'Reject', verb: 'reject', ref },
      ],
    });
  }

  private issue(meaning: FixMeaning, conversationId: string, userId: string | undefined, ttlInMs: number): Promise<string> {
    return this.options.refs.issue({ meaning: fixMeaningJson(meaning), conversationId, ttlInMs, singleUse: true, ...(userId === undefined ? {} : { userId }) });
  }

  private endpoint(): { armEndpoint?: string } {
    return this.options.armEndpoint === undefined ? {} : { armEndpoint: this.options.armEndpoint };
  }
}

type Facts = readonly { readonly title: string; readonly value: string }[];

function people(meaning: FixMeaning, approver: FixActor | undefined): Facts {
  return [{ title: 'Requested by', value: meaning.requesterName }, ...(approver === undefined ? [] : [{ title: 'Approved by', value: approver.name }]), { title: 'Environment', value: meaning.environment }];
}

function requestIds(outcomes: readonly { readonly outcome: string; readonly requestId?: string }[]): Facts {
  const ids = outcomes.flatMap((outcome) => (outcome.requestId === undefined ? [] : [outcome.requestId]));
  return ids.length === 0 ? [] : [{ title: 'ARM request id', value: ids.join(', ') }];
}

function reverted(meaning: FixMeaning, result: RevertResult, facts: Facts): Card {
  const changes = meaning.change.action === 'revert' ? meaning.change.changes : [];
  switch (result.state) {
    case 'refused':
      return statusCard(meaning, 'stopped', `Not reverted: ${result.reason}`, { facts });
    case 'changed':
      return statusCard(meaning, 'stopped', `Not reverted: ${result.reason}`, { facts, detail: 'Audit the service to see its values now.' });
    case 'failed':
      return statusCard(meaning, 'failed', `Azure did not revert the change: ${result.reason}`, { facts: [...facts, ...requestIds(result.outcomes)], changes });
    case 'notVerified':
      return statusCard(meaning, 'partly', `Revert sent, but not verified: ${result.reason}`, { facts: [...facts, ...requestIds(result.outcomes)], changes, changeHeading: 'Put back' });
    case 'reverted':
      return statusCard(meaning, 'done', `Reverted: the values from before the fix are back on ${meaning.finding.serviceName}.`, { facts: [...facts, ...requestIds(result.outcomes)], changes, changeHeading: 'Put back' });
  }
}

function statusCard(
  meaning: FixMeaning,
  stage: FixStage,
  status: string,
  extra: { readonly detail?: string; readonly facts?: Facts; readonly changes?: readonly { readonly path: string; readonly before: unknown; readonly after: unknown }[]; readonly changeHeading?: string; readonly notice?: string; readonly buttons?: readonly FixFlowButton[] } = {},
): Card {
  const { finding } = meaning;
  const verb = meaning.change.action === 'fix' ? 'Fix' : 'Revert';
  const what = meaning.also === undefined || meaning.also.length === 0 ? finding.ruleId : [finding, ...meaning.also].map((one) => one.ruleId).join(', ');
  const changes = extra.changes ?? (meaning.change.action === 'fix' ? meaning.change.confirmed.flatMap((fix) => fix.changes) : meaning.change.changes);
  return fixStatusCard({ title: `${verb} ${what} on ${finding.serviceName}`, stage, status, ...extra, changes, changeHeading: extra.changeHeading ?? (verb === 'Fix' ? 'Change' : 'Put back') });
}

/** Why a button's ref was not usable, in one line. */
function refusedRef(lookup: RefLookup, step: FixMeaning['step']): Card {
  if (lookup.ok) return messageCard('That button does not belong to this step of a fix.', { tone: 'refusal' });
  const text: Record<typeof lookup.reason, string> = {
    unknown: 'I do not recognise that button. Click Fix on the finding again.',
    expired: step === 'approval' ? 'This approval request expired; nothing was changed. Ask again with Fix.' : 'This button expired; nothing was changed. Click Fix on the finding again for a fresh confirmation.',
    otherConversation: 'That button belongs to another conversation.',
    otherUser: step === 'revert' ? 'Only the person who applied this fix can revert it.' : 'Only the person who asked for this fix can apply or cancel it.',
    consumed: step === 'approval' ? 'This request has already been decided.' : 'This button has already been used.',
  };
  return messageCard(text[lookup.reason], { tone: 'refusal' });
}

/** The strictest kind among the requests: one manual step makes the whole fix manual (never applied). */
function kindOf(fixes: readonly { readonly kind: string }[]): 'safe' | 'guarded' | 'manual' {
  if (fixes.some((fix) => fix.kind === 'manual')) return 'manual';
  return fixes.some((fix) => fix.kind !== 'safe') ? 'guarded' : 'safe';
}

function actorId(actor: FixActor): string {
  return actor.aadObjectId ?? actor.key;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? 'unknown error' : 'unknown error';
}

/**
 * The card of a fix whose bot stopped while it ran, as the reconciliation after the restart found
 * it: applied, not applied, or unknown, in the re-read's words.
 */
export function reconciledCard(closed: { readonly serviceId: string; readonly result: 'applied' | 'not-applied' | 'unknown'; readonly detail: string }): Card {
  const service = closed.serviceId.split('/').at(-1) ?? closed.serviceId;
  const stage: FixStage = closed.result === 'applied' ? 'done' : closed.result === 'not-applied' ? 'stopped' : 'partly';
  const status = closed.result === 'applied' ? 'Applied (found after a restart of the bot).' : closed.result === 'not-applied' ? 'Not applied (found after a restart of the bot).' : 'Unknown whether it was applied (after a restart of the bot).';
  return fixStatusCard({ title: `Fix on ${service}`, stage, status, detail: `${closed.detail} Audit the service to check the rule; "history ${service}" shows the trail.` });
}
