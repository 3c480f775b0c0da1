import type { AlertModel } from '../cards/render.js';
import type { IdempotencyKeys, LeaseStore, Subscription } from '../store/index.js';
import { checkForAlerts, forSeverity, type AlertDependencies } from './alerts.js';
import type { AlertAuditDue } from './schedule.js';

export interface AlertRunnerOptions {
  readonly alerts: AlertDependencies;
  readonly leases: LeaseStore;
  readonly idempotency: IdempotencyKeys;
  /** The scheduler's due alert audits, and how it marks one done. */
  readonly due: (now: Date) => Promise<readonly AlertAuditDue[]>;
  readonly markDone: (key: string) => Promise<boolean>;
  /** Posts the alert card (rendered by the sender, with its buttons) to a subscription's conversation. */
  readonly send: (subscription: Subscription, alert: AlertModel) => Promise<'sent' | 'gone' | 'failed'>;
  readonly logger: { info(details: object, message: string): void; warn(details: object, message: string): void };
}

/** A scheduled audit may take minutes on a large estate; the lease outlives it. */
const AUDIT_LEASE_MS = 30 * 60 * 1000;

/**
 * Runs the alert audits the schedule says are due: one audit per environment and slot (under a
 * lease, so one instance does it), then for each alerts subscription of that environment the new
 * findings at or above its severity, sent once per check (an idempotency key per subscription and
 * snapshot). A failure is logged and retried in the next slot; it never stops the bot.
 */
export async function runDueAlerts(options: AlertRunnerOptions, now: Date): Promise<number> {
  let sent = 0;
  for (const due of await options.due(now)) {
    if (due.environment === '*') continue; // alerts name an environment; chat refuses anything else
    const lease = await options.leases.acquire(`alerts:${due.environment}`, AUDIT_LEASE_MS);
    if (lease === undefined) continue;
    try {
      const check = await checkForAlerts(options.alerts, due.environment);
      await options.markDone(due.key);
      if (check === undefined) continue;
      for (const subscription of due.subscriptions) {
        const rows = forSeverity(check.worse, subscription.minSeverity ?? 'high');
        if (rows.length === 0) continue;
        if (!(await options.idempotency.markDone(`alert:${subscription.conversationId}:${due.environment}:${check.at}`))) continue;
        const outcome = await options.send(subscription, { environment: due.environment, since: check.since, rows });
        if (outcome === 'sent') sent += 1;
        else options.logger.warn({ conversationId: subscription.conversationId, environment: due.environment, outcome }, 'alert not delivered');
      }
      options.logger.info({ environment: due.environment, worse: check.worse.length }, 'alert audit done');
    } catch (error) {
      options.logger.warn({ err: error, environment: due.environment }, 'alert audit failed; it runs again in the next slot');
    } finally {
      await options.leases.release(lease);
    }
  }
  return sent;
}
