import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { auditLive } from '../audit/live-audit.js';
import type { QuotaGate } from '../azure/quota-gate.js';
import type { AzureTarget } from '../azure/target.js';
import { messageCard, progressCard, type AuditFilters } from '../cards/render.js';
import type { AuditConfig } from '../engine/audit-config.js';
import type { InventoryProgress } from '../inventory/collect.js';
import { ScopeError, type ResolvedScope } from '../inventory/scope.js';
import type { AnyRule } from '../rules/types.js';
import { FairScheduler, DEFAULT_FAIR_USE, type Admission, type FairUseLimits } from './fair-scheduler.js';
import type { Card, Messenger } from './messenger.js';
import { newAuditId, RetainedAudits, type AuditAsked, type RetainedAudit } from './retained-audits.js';
import type { Report } from '../engine/report.js';
import { isObject } from '../estate/fields.js';
import type { Estate } from '../estate/model.js';
import type { ExemptionRecord, ExemptionStore, JsonValue, LastReportStore, PostureHistory } from '../store/index.js';
import type { Exemption } from '../engine/exemptions.js';
import { exemptionsInForce } from '../exemptions/in-force.js';
import { recordPosture, wholeEnvironment } from '../digest/record.js';
import { suggestedAudits } from './suggested-audits.js';

export interface AuditJob {
  readonly conversationId: string;
  readonly scope: ResolvedScope;
  readonly rules: readonly AnyRule[];
  readonly deep: boolean;
  /** The filters asked for, kept with the result for its cards and a later "Deep audit". */
  readonly filters: AuditFilters;
  /** The progress card posted in the turn; it is replaced in place until the result arrives. */
  readonly progressActivityId: string;
  readonly messenger: Messenger;
  readonly logger: Logger;
  /** The result card, built by the conversation (it issues the refs behind the buttons). */
  readonly renderResult: (audit: RetainedAudit) => Promise<Card>;
}

/** Who asks for an audit of what; the runner admits it or says what is already running. */
export interface AuditRequest {
  readonly conversationId: string;
  /** The Entra object id when Teams sends one, else the channel account id. */
  readonly userId: string;
  readonly scope: ResolvedScope;
}

export type AuditAdmission =
  | {
      readonly ok: true;
      /** Runs the audit now or queues it (its progress card then says so). */
      start(job: AuditJob): void;
      /** Nothing will be started after all (the progress card could not be posted). */
      cancel(): void;
    }
  | { readonly ok: false; readonly refusal: Card };

export interface AuditRunnerOptions {
  readonly target: AzureTarget;
  readonly audit: AuditConfig;
  readonly gate: QuotaGate;
  readonly version: string;
  readonly now: () => Date;
  /** Least time between two progress edits of one card; Teams throttles message updates. */
  readonly progressIntervalInMs?: number;
  /** Audits in flight per conversation and per user, and running at once; default 2, 2, 4. */
  readonly fairUse?: FairUseLimits;
  /** Finished audits kept for buttons and "last" (bounded by size and count). */
  readonly retained?: RetainedAudits;
  /** The durable copy of each conversation's latest audit: buttons and "last" survive a restart and work on every instance. */
  readonly lastReports?: LastReportStore;
  /** Exemptions granted in Teams ("Accept risk"): every audit applies them after the configured ones. */
  readonly exemptions?: ExemptionStore;
  /** Where each audit of a whole environment records its posture snapshot, for the weekly digest. */
  readonly history?: PostureHistory;
  /** Tag names that give a service's owner in those snapshots; default `owner`, `team`. */
  readonly ownerTags?: readonly string[];
}

/** What outlives a finished audit, in memory and in the store. */
type KeptAudit = Pick<RetainedAudit, 'report' | 'estate'> & { readonly asked: AuditAsked };

interface ProgressState {
  subscriptions: number;
  pages: number;
  services: number;
  childrenDone: number;
  childrenTotal: number;
}

/**
 * Runs audits after the chat turn has been answered: the progress card is edited in place as pages
 * and services complete, then replaced by the result. A few audits run at once, fairly shared
 * between conversations (see {@link FairScheduler}); they share one Resource Graph quota gate.
 * Finished audits are kept, without their raw inventory, in a bounded store for buttons and "last".
 */
export class AuditRunner {
  /** Admitted audits until they settle, queued ones included: what a shutdown waits for. */
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly scheduler: FairScheduler;
  readonly retained: RetainedAudits;

  constructor(private readonly options: AuditRunnerOptions) {
    // Every running audit listens on this one signal (paging, pacing waits): dozens at once is normal.
    setMaxListeners(0, this.stopping.signal);
    this.scheduler = new FairScheduler(options.fairUse ?? DEFAULT_FAIR_USE);
    this.retained = options.retained ?? new RetainedAudits();
  }

  /** The ARM host audits read, which fix plans' URLs name. */
  get armEndpoint(): string {
    return this.options.target.endpoint;
  }

  /**
   * Reserves a place for an audit, or refuses when the conversation or the user already has the
   * most audits in flight. Decided within the turn, before anything is posted or started.
   */
  admit(request: AuditRequest): AuditAdmission {
    const admission = this.scheduler.admit({ conversationId: request.conversationId, userId: request.userId, label: request.scope.name });
    if (!admission.ok) return { ok: false, refusal: alreadyRunningCard(admission) };
    const { reservation } = admission;
    return {
      ok: true,
      start: (job) => {
        // The queued card is edited in before any progress of the audit itself can be.
        let queuedEdit = Promise.resolve();
        const { waiting, done } = reservation.run(() => this.run(job, queuedEdit));
        this.running.add(done);
        void done.finally(() => this.running.delete(done));
        if (waiting > 0) {
          queuedEdit = job.messenger.update(job.progressActivityId, queuedCard(job, this.scheduler.running, waiting)).catch((error: unknown) => {
            job.logger.warn({ err: error }, 'progress update failed');
          });
        }
      },
      cancel: () => {
        reservation.cancel();
      },
    };
  }

  /** The conversation's latest audit: from memory, else from the store (after a restart, or kept by another instance). */
  async last(conversationId: string): Promise<RetainedAudit | undefined> {
    return this.retained.last(conversationId) ?? (await this.recallStored(conversationId, undefined));
  }

  /** A kept audit by id: from memory, else the store's latest for the conversation when it is that one. */
  async recall(conversationId: string, auditId: string): Promise<RetainedAudit | undefined> {
    return this.retained.get(conversationId, auditId) ?? (await this.recallStored(conversationId, auditId));
  }

  private async recallStored(conversationId: string, auditId: string | undefined): Promise<RetainedAudit | undefined> {
    const stored = await this.options.lastReports?.get(conversationId);
    const kept = stored === undefined ? undefined : parseKeptAudit(stored.report);
    if (kept === undefined || (auditId !== undefined && kept.id !== auditId)) return undefined;
    return this.retained.adopt(conversationId, kept.id, kept);
  }

  /**
   * Writes the audit as the conversation's latest to the store; a failure is logged, the card still
   * shows it. Returns the size of the JSON written (kept or not), which is also what the audit
   * weighs in memory, so it is serialised once; undefined without a store or when the write failed.
   */
  private async persist(conversationId: string, id: string, kept: KeptAudit, logger: Logger): Promise<number | undefined> {
    const { lastReports } = this.options;
    if (lastReports === undefined) return undefined;
    try {
      const put = await lastReports.put(conversationId, { id, ...kept } as unknown as JsonValue);
      if (!put.kept) logger.warn({ bytes: put.bytes, limit: put.limit }, 'audit too large to keep in the store; its buttons work until this process restarts');
      return put.bytes;
    } catch (error) {
      logger.warn({ err: error }, 'could not keep the audit in the store');
      return undefined;
    }
  }

  /** The exemptions audits apply: configured, and granted in Teams (rejects when the store cannot be read). */
  async exemptions(): Promise<{ readonly configured: readonly Exemption[]; readonly stored: readonly ExemptionRecord[] }> {
    return { configured: this.options.audit.exemptions, stored: (await this.options.exemptions?.list()) ?? [] };
  }

  /**
   * The audit configuration with the exemptions granted in Teams added after the configured ones.
   * Read per audit, so an exemption granted a minute ago applies on every instance. When the store
   * does not answer, the audit still runs with the configured ones: it then shows findings someone
   * accepted, which is noisy but never hides one nobody did.
   */
  private async auditConfig(logger: Logger): Promise<AuditConfig> {
    const { audit } = this.options;
    if (this.options.exemptions === undefined) return audit;
    try {
      return { ...audit, exemptions: exemptionsInForce(audit.exemptions, await this.options.exemptions.list()) };
    } catch (error) {
      logger.warn({ err: error }, 'could not read the exemptions granted in Teams; this audit applies the configured ones only');
      return audit;
    }
  }

  /** Audits running now (queued ones not counted). */
  get active(): number {
    return this.scheduler.running;
  }

  get queued(): number {
    return this.scheduler.queued;
  }

  /** Waits for running audits (bounded), then aborts what is left: for graceful shutdown. */
  async drain(timeoutInMs: number): Promise<void> {
    const all = Promise.allSettled([...this.running]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutInMs);
    });
    await Promise.race([all, timeout]);
    clearTimeout(timer);
    this.stopping.abort(new Error('the bot is shutting down'));
    await all;
  }

  private async run(job: AuditJob, earlierEdit: Promise<void>): Promise<void> {
    const { options } = this;
    const state: ProgressState = { subscriptions: 0, pages: 0, services: 0, childrenDone: 0, childrenTotal: 0 };
    let lastEdit = 0;
    let edits = earlierEdit;
    const interval = options.progressIntervalInMs ?? 1_000;
    const onProgress = (step: InventoryProgress): void => {
      if (step.phase === 'subscriptions') state.subscriptions = step.subscriptions;
      else if (step.phase === 'services') Object.assign(state, { pages: step.pages, services: step.services });
      else Object.assign(state, { childrenDone: step.done, childrenTotal: step.total });
      const now = Date.now();
      if (now - lastEdit < interval) return;
      lastEdit = now;
      const card = progressFor(job, state, step);
      // Edits are chained so an older progress card never lands after a newer one.
      edits = edits.then(() => job.messenger.update(job.progressActivityId, card)).catch((error: unknown) => {
        job.logger.warn({ err: error }, 'progress update failed');
      });
    };
    try {
      const result = await auditLive(options.target, {
        scope: job.scope,
        rules: job.rules,
        deep: job.deep,
        now: options.now(),
        audit: await this.auditConfig(job.logger),
        keep: 'findings',
        version: options.version,
        gate: options.gate,
        onProgress,
        abortSignal: this.stopping.signal,
      });
      // Only the report and the estate outlive the audit; the raw inventory is left to the collector.
      const kept: KeptAudit = { report: result.report, estate: result.estate, asked: { scope: job.scope, filters: job.filters } };
      const id = newAuditId();
      // Stored before the card is shown, so another instance can answer its buttons at once.
      const bytes = await this.persist(job.conversationId, id, kept, job.logger);
      const audit = this.retained.adopt(job.conversationId, id, kept, bytes);
      await edits;
      await job.messenger.update(job.progressActivityId, await job.renderResult(audit));
      job.logger.info({ scope: job.scope.name, services: result.report.summary.services, score: result.report.summary.score }, 'audit finished');
      const environment = wholeEnvironment(job.scope, job.rules);
      if (options.history !== undefined && environment !== undefined) {
        // After the card: the person waits for the result, not for the history write; a failure is only logged.
        await recordPosture({
          history: options.history,
          environment,
          report: result.report,
          estate: result.estate,
          at: new Date(result.report.generatedAt),
          ...(options.ownerTags === undefined ? {} : { ownerTags: options.ownerTags }),
          warn: (message) => {
            job.logger.warn({ scope: job.scope.name }, message);
          },
        });
      }
    } catch (error) {
      await edits;
      if (error instanceof ScopeError) {
        // Nothing matched (a typo, an empty environment): a clear answer with the suggestion, never a summary saying "no findings".
        job.logger.info({ scope: job.scope.name }, 'audit scope matched nothing');
        const text = `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`.replace(/\?\.$/, '?');
        await job.messenger.update(job.progressActivityId, messageCard(text, { tone: 'refusal', commands: suggestedAudits(error, job.filters) })).catch((updateError: unknown) => {
          job.logger.error({ err: updateError }, 'could not report the empty scope');
        });
        return;
      }
      const message = error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
      job.logger.error({ err: error, scope: job.scope.name }, 'audit failed');
      const card = messageCard(`The audit of ${job.scope.name} did not finish: ${message}`, { tone: 'error' });
      await job.messenger.update(job.progressActivityId, card).catch((updateError: unknown) => {
        job.logger.error({ err: updateError }, 'could not report the failure');
      });
    }
  }
}

/**
 * A kept audit read back from the store. Storage is input too: anything without the shape the
 * bot wrote (an id, a report with results, an estate with services) is treated as not kept.
 */
export function parseKeptAudit(value: unknown): { id: string; report: Report; estate: Estate; asked?: AuditAsked } | undefined {
  if (!isObject(value)) return undefined;
  const { id, report, estate, asked } = value;
  if (typeof id !== 'string' || id === '' || !isObject(report) || !Array.isArray(report['results']) || !Array.isArray(report['services'])) return undefined;
  if (!isObject(estate) || !Array.isArray(estate['services'])) return undefined;
  return { id, report: report as unknown as Report, estate: estate as unknown as Estate, ...(isObject(asked) ? { asked: asked as unknown as AuditAsked } : {}) };
}

function progressFor(job: AuditJob, state: ProgressState, step: InventoryProgress): Card {
  const phase =
    step.phase === 'subscriptions'
      ? 'Finding subscriptions'
      : step.phase === 'services'
        ? 'Reading APIM services from Resource Graph'
        : 'Reading child resources from ARM';
  return progressCard({
    scopeName: job.scope.name,
    scope: scopeText(job.scope),
    phase,
    subscriptions: state.subscriptions,
    pages: state.pages,
    servicesFound: state.services,
    rules: job.rules.length,
    childrenDone: state.childrenDone,
    childrenTotal: state.childrenTotal,
  });
}

/** The first progress card, posted in the turn before anything is read. */
export function initialProgressCard(scope: ResolvedScope, rules: number): Card {
  return progressCard({ scopeName: scope.name, scope: scopeText(scope), phase: 'Starting', rules });
}

function queuedCard(job: AuditJob, running: number, waiting: number): Card {
  return progressCard({
    scopeName: job.scope.name,
    scope: scopeText(job.scope),
    phase: `Queued: ${running} ${running === 1 ? 'audit is' : 'audits are'} running and ${waiting} waiting; this one starts when a slot frees`,
    rules: job.rules.length,
  });
}

/** One line: what is already running, and when to try again. Nothing has been started. */
function alreadyRunningCard(refusal: Extract<Admission, { ok: false }>): Card {
  const what = refusal.inFlight.map((label) => `audit of ${label}`).join(', ');
  const who = refusal.limit === 'conversation' ? 'in this conversation' : 'for you';
  return messageCard(`Already running ${who}: ${what} (${refusal.max} at a time). Try again when one finishes.`, { tone: 'info' });
}

function scopeText(scope: ResolvedScope): string {
  return `${scope.name}${scope.filterText === '' ? '' : ` (${scope.filterText})`}`;
}
