import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { auditLive, type LiveAuditResult } from '../audit/live-audit.js';
import type { QuotaGate } from '../azure/quota-gate.js';
import type { AzureTarget } from '../azure/target.js';
import { messageCard, progressCard } from '../cards/render.js';
import type { AuditConfig } from '../engine/audit-config.js';
import type { InventoryProgress } from '../inventory/collect.js';
import { ScopeError, type ResolvedScope } from '../inventory/scope.js';
import type { AnyRule } from '../rules/types.js';
import type { Card, Messenger } from './messenger.js';

export interface AuditJob {
  readonly conversationId: string;
  readonly scope: ResolvedScope;
  readonly rules: readonly AnyRule[];
  readonly deep: boolean;
  /** The progress card posted in the turn; it is replaced in place until the result arrives. */
  readonly progressActivityId: string;
  readonly messenger: Messenger;
  readonly logger: Logger;
  /** The result card, built by the conversation (it issues the refs behind the buttons). */
  readonly renderResult: (result: LiveAuditResult) => Card;
}

export interface AuditRunnerOptions {
  readonly target: AzureTarget;
  readonly audit: AuditConfig;
  readonly gate: QuotaGate;
  readonly version: string;
  readonly now: () => Date;
  /** Least time between two progress edits of one card; Teams throttles message updates. */
  readonly progressIntervalInMs?: number;
}

interface ProgressState {
  subscriptions: number;
  pages: number;
  services: number;
  childrenDone: number;
  childrenTotal: number;
}

/**
 * Runs audits after the chat turn has been answered: the progress card is edited in place as pages
 * and services complete, then replaced by the result. Many audits may run at once (in one
 * conversation or across many); they share one Resource Graph quota gate. The latest result of
 * each conversation is kept for "last".
 */
export class AuditRunner {
  private readonly running = new Set<Promise<void>>();
  private readonly lastResults = new Map<string, LiveAuditResult>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: AuditRunnerOptions) {
    // Every running audit listens on this one signal (paging, pacing waits): dozens at once is normal.
    setMaxListeners(0, this.stopping.signal);
  }

  /** Starts the job without waiting for it; failures end up on the card, never as a crash. */
  start(job: AuditJob): void {
    const task = this.run(job).finally(() => this.running.delete(task));
    this.running.add(task);
  }

  last(conversationId: string): LiveAuditResult | undefined {
    return this.lastResults.get(conversationId);
  }

  get active(): number {
    return this.running.size;
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

  private async run(job: AuditJob): Promise<void> {
    const { options } = this;
    const state: ProgressState = { subscriptions: 0, pages: 0, services: 0, childrenDone: 0, childrenTotal: 0 };
    let lastEdit = 0;
    let edits = Promise.resolve();
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
        audit: options.audit,
        keep: 'findings',
        version: options.version,
        gate: options.gate,
        onProgress,
        abortSignal: this.stopping.signal,
      });
      this.lastResults.set(job.conversationId, result);
      await edits;
      await job.messenger.update(job.progressActivityId, job.renderResult(result));
      job.logger.info({ scope: job.scope.name, services: result.report.summary.services, score: result.report.summary.score }, 'audit finished');
    } catch (error) {
      await edits;
      if (error instanceof ScopeError) {
        // Nothing matched (a typo, an empty environment): a clear answer with the suggestion, never a summary saying "no findings".
        job.logger.info({ scope: job.scope.name }, 'audit scope matched nothing');
        const text = `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`.replace(/\?\.$/, '?');
        await job.messenger.update(job.progressActivityId, messageCard(text, { tone: 'refusal' })).catch((updateError: unknown) => {
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

function progressFor(job: AuditJob, state: ProgressState, step: InventoryProgress): Card {
  const phase =
    step.phase === 'subscriptions'
      ? 'Finding subscriptions'
      : step.phase === 'services'
        ? 'Reading APIM services from Resource Graph'
        : 'Reading child resources from ARM';
  return progressCard({
    scopeName: job.scope.name,
    scope: `${job.scope.name}${job.scope.filterText === '' ? '' : ` (${job.scope.filterText})`}`,
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
  return progressCard({ scopeName: scope.name, scope: `${scope.name}${scope.filterText === '' ? '' : ` (${scope.filterText})`}`, phase: 'Starting', rules });
}
