import type { IdempotencyKeys, Lease, LeaseStore, Subscription, SubscriptionStore } from '../store/index.js';
import { ALERTS_TOPIC, DEFAULT_ALERT_INTERVAL_MS, DIGEST_TOPIC, dueAlertAudits, dueDigests, subscriptionLeaseName, type AlertAuditDue, type DuePeriod } from './schedule.js';

/**
 * Sends each subscription's weekly digest once per period, across restarts and instances.
 *
 * Per due period (schedule.ts), on every tick:
 *   1. take the store lease `digest:<subscription>` — whoever holds it is the only instance
 *      working on that subscription; everyone else skips it until the next tick;
 *   2. if the period's idempotency key is done, stop (another instance or an earlier run sent it);
 *   3. record an attempt (`attempt:<period key>`); finding one already there means an earlier
 *      holder started this period and neither finished nor failed cleanly (a crash, a hang);
 *   4. send; on `sent` mark the period key done, then release the lease;
 *      on `gone` (bot removed, channel deleted) disable the subscription, mark the period done and
 *      release; on `failed` keep the lease until it expires, so no instance retries sooner than
 *      the lease TTL (a store-wide back-off).
 *
 * Delivery is at-least-once. A crash after the connector accepted the message but before step 4
 * marked the key leaves the attempt recorded and the key not done; once the lease expires the next
 * holder sends again, so that digest arrives twice (the send is told `resumed: true`, and a
 * warning is logged). The window is one store write wide. The alternative, at-most-once (never
 * re-send a period with an attempt on record), would turn every crash before the send into a lost
 * digest; for a weekly summary a rare duplicate is the cheaper failure. Bot Framework offers no
 * idempotent proactive send to close the window (unverified). A send that outlives the lease TTL
 * can also overlap another instance's re-send: keep sends well inside `leaseTtlInMs`.
 */

export type SendOutcome = 'sent' | 'gone' | 'failed';

export interface SendDetails {
  /** Sent after the scheduled instant by more than schedule.ts LATE_AFTER_MS (downtime, retries). */
  readonly late: boolean;
  readonly scheduledFor: Date;
  /** An earlier attempt for this period did not finish: the digest may already have arrived once. */
  readonly resumed: boolean;
}

/** Delivers one digest; `gone` when the connector answers 403/404 (the bot or the channel is gone). */
export type DigestSend = (subscription: Subscription, details: SendDetails) => Promise<SendOutcome>;

/** What the scheduler logs; pino's Logger fits. */
export interface SchedulerLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface DigestSchedulerOptions {
  readonly subscriptions: SubscriptionStore;
  readonly leases: LeaseStore;
  readonly idempotency: IdempotencyKeys;
  readonly send: DigestSend;
  readonly logger: SchedulerLogger;
  readonly now?: () => Date;
  /** How long one instance owns a subscription's send; also the back-off after a failure. Default 15 minutes. */
  readonly leaseTtlInMs?: number;
  /** A send still running after this counts as failed, so one hung conversation cannot stall every later tick. Default 5 minutes; keep it well under `leaseTtlInMs`. */
  readonly sendTimeoutInMs?: number;
  /** How often `start()` ticks. Default one minute. */
  readonly tickEveryMs?: number;
  /** Slot length of scheduled alert audits. Default 60 minutes. */
  readonly alertIntervalInMs?: number;
}

/** What one tick did with each due period, by period key. */
export interface TickReport {
  readonly sent: string[];
  readonly gone: string[];
  readonly failed: string[];
  /** Already done, held by another instance, or waiting out a failure. */
  readonly skipped: string[];
}

export const DEFAULT_LEASE_TTL_MS = 15 * 60 * 1000;
const DEFAULT_SEND_TIMEOUT_MS = 5 * 60 * 1000;
const DEFAULT_TICK_MS = 60 * 1000;

export class DigestScheduler {
  private readonly now: () => Date;
  private readonly leaseTtlInMs: number;
  /** Period keys this instance knows are done: saves a store read per subscription per tick. */
  private readonly knownDone = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickReport> | undefined;

  constructor(private readonly options: DigestSchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.leaseTtlInMs = options.leaseTtlInMs ?? DEFAULT_LEASE_TTL_MS;
  }

  /** Sends every digest due at `now`; one subscription's failure does not stop the others. */
  async tick(now: Date = this.now()): Promise<TickReport> {
    const report: TickReport = { sent: [], gone: [], failed: [], skipped: [] };
    const due = dueDigests(await this.options.subscriptions.list(DIGEST_TOPIC), now);
    // Keys of periods no longer current are never asked about again.
    const current = new Set(due.map((period) => period.key));
    for (const key of this.knownDone) if (!current.has(key)) this.knownDone.delete(key);
    for (const period of due) {
      if (this.knownDone.has(period.key)) {
        report.skipped.push(period.key);
        continue;
      }
      try {
        report[await this.deliver(period)].push(period.key);
      } catch (error) {
        // A store fault: the lease (if taken) expires by itself and the next tick tries again.
        this.options.logger.error({ err: error, key: period.key }, 'digest not sent: the store failed');
        report.failed.push(period.key);
      }
    }
    return report;
  }

  private async deliver(period: DuePeriod): Promise<keyof TickReport> {
    const { leases, idempotency, logger } = this.options;
    const lease = await leases.acquire(subscriptionLeaseName(period.subscription), this.leaseTtlInMs);
    if (lease === undefined) return 'skipped';
    if (await idempotency.isDone(period.key)) {
      this.knownDone.add(period.key);
      await leases.release(lease);
      return 'skipped';
    }
    const resumed = !(await idempotency.markDone(`attempt:${period.key}`));
    if (resumed) logger.warn({ key: period.key }, 'sending a digest again after an earlier attempt did not finish; it may arrive twice');
    const outcome = await this.sendOnce(period, resumed);
    if (outcome === 'failed') {
      // The lease stays until it expires: the back-off before any instance tries again.
      logger.warn({ key: period.key, retryAfter: new Date(lease.expiresAt).toISOString() }, 'digest not sent; will try again');
      return 'failed';
    }
    if (outcome === 'gone') await this.disable(period.subscription, lease);
    await idempotency.markDone(period.key);
    this.knownDone.add(period.key);
    await leases.release(lease);
    if (outcome === 'sent') logger.info({ key: period.key, late: period.late, scheduledFor: period.scheduledFor.toISOString() }, 'digest sent');
    return outcome;
  }

  private async sendOnce(period: DuePeriod, resumed: boolean): Promise<SendOutcome> {
    const timeoutInMs = this.options.sendTimeoutInMs ?? DEFAULT_SEND_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, timeoutInMs);
      timer.unref();
    });
    try {
      const outcome = await Promise.race([this.options.send(period.subscription, { late: period.late, scheduledFor: period.scheduledFor, resumed }), timedOut]);
      if (outcome !== 'timeout') return outcome;
      // It may still arrive; the retry after the lease is then a repeat (at-least-once).
      this.options.logger.warn({ key: period.key, timeoutInMs }, 'digest send did not finish in time');
      return 'failed';
    } catch (error) {
      this.options.logger.warn({ err: error, key: period.key }, 'digest send threw');
      return 'failed';
    } finally {
      clearTimeout(timer);
    }
  }

  private async disable(subscription: Subscription, lease: Lease): Promise<void> {
    await this.options.subscriptions.put({ ...subscription, enabled: false, disabledAt: this.now().toISOString(), disabledReason: 'the bot was removed from the conversation or the channel was deleted' });
    this.options.logger.warn({ conversationId: subscription.conversationId, environment: subscription.environment, lease: lease.name }, 'subscription disabled: the conversation is gone');
  }

  /**
   * Alert audits due now that no instance has run yet: one per environment and interval slot.
   * The caller runs the audit and then calls `markAlertAuditDone(due.key)`.
   */
  async dueAlertAudits(now: Date = this.now()): Promise<AlertAuditDue[]> {
    const due = dueAlertAudits(await this.options.subscriptions.list(ALERTS_TOPIC), now, this.options.alertIntervalInMs ?? DEFAULT_ALERT_INTERVAL_MS);
    const open: AlertAuditDue[] = [];
    for (const audit of due) if (!(await this.options.idempotency.isDone(audit.key))) open.push(audit);
    return open;
  }

  /** True for the one caller, across instances, that marks the slot. */
  markAlertAuditDone(key: string): Promise<boolean> {
    return this.options.idempotency.markDone(key);
  }

  /** Ticks now (a digest missed during downtime goes out at once) and then every minute; the timer does not keep the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    const tickSafely = (): void => {
      // Ticks never overlap within an instance: a slow one makes the next wait.
      if (this.running !== undefined) return;
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
      this.running.catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'digest tick failed');
      });
    };
    this.timer = setInterval(tickSafely, this.options.tickEveryMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
    tickSafely();
  }

  /** Stops the timer and waits (at most `waitInMs`) for a running tick; an unfinished send is resumed by whichever instance ticks next. */
  async stop(waitInMs = 10_000): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const running = this.running;
    if (running === undefined) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([running.then(() => undefined, () => undefined), new Promise<void>((resolve) => (timeout = setTimeout(resolve, waitInMs)))]);
    clearTimeout(timeout);
  }
}
