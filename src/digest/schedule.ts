import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import type { Subscription } from '../store/index.js';

/**
 * When digests are due. Pure functions of the subscriptions and a time; the scheduler
 * (digest-scheduler.ts) adds the store's lease and idempotency keys.
 *
 * A digest subscription names a weekday, a local time and an IANA time zone; croner turns them
 * into UTC instants. Daylight saving follows croner 11 (Vixie cron), which the tests pin down:
 * - the local time keeps its wall-clock hour across a change: Monday 09:00 Europe/Berlin is
 *   08:00 UTC in winter and 07:00 UTC in summer;
 * - a time that does not exist on the day of the change (02:30 on the last Sunday of March) runs
 *   at the first valid time after the gap, 03:00 local, once;
 * - a time that happens twice (02:30 on the last Sunday of October) runs once, at the first
 *   occurrence (02:30 summer time).
 */

/** Store topics: what chat's "subscribe digest" and "subscribe alerts" write, and what the scheduler reads. */
export const DIGEST_TOPIC = 'weekly-digest';
export const ALERTS_TOPIC = 'alerts';

/** Missing schedule fields: weekly, Monday 09:00 UTC. */
export const DEFAULT_SCHEDULE = { day: 'monday', time: '09:00', timeZone: 'UTC' } as const;

/** A digest sent this long after its scheduled instant is marked late (the scheduler ticks every minute). */
export const LATE_AFTER_MS = 15 * 60 * 1000;

/** Longest key the store accepts (records.ts callerKeySchema), less room for the scheduler's `attempt:` prefix. */
const MAX_KEY_LENGTH = 512 - 16;

export interface DuePeriod {
  readonly subscription: Subscription;
  /** When the digest should have gone out: the latest scheduled instant at or before now. */
  readonly scheduledFor: Date;
  /** `digest:<conversationId>:<environment>:<scheduled instant ISO UTC>`; the idempotency key. */
  readonly key: string;
  /** Sent more than LATE_AFTER_MS after `scheduledFor` (downtime, a failed earlier attempt). */
  readonly late: boolean;
}

/** Whether a subscription still receives anything: `enabled: false` is set when its channel is gone. */
export function isEnabled(subscription: Subscription): boolean {
  return subscription.enabled !== false;
}

/** The cron pattern of a subscription (weekly on its day, or daily), in its own time zone. */
function weeklyCron(subscription: Subscription): Cron {
  const days = subscription.cadence === 'daily' ? '*' : (subscription.day ?? DEFAULT_SCHEDULE.day).slice(0, 3).toUpperCase();
  const [hours, minutes] = (subscription.time ?? DEFAULT_SCHEDULE.time).split(':');
  return new Cron(`${Number(minutes)} ${Number(hours)} * * ${days}`, {
    timezone: subscription.timeZone ?? DEFAULT_SCHEDULE.timeZone,
    paused: true,
  });
}

/**
 * The latest scheduled instant at or before `now`, or undefined when there is none since the
 * subscription was created (a digest is never sent for a week before someone subscribed).
 */
export function periodOf(subscription: Subscription, now: Date): DuePeriod | undefined {
  const cron = weeklyCron(subscription);
  // Walk forward from eight days back: croner's nextRun is strictly after its argument, and the
  // weekly run before `now` lies within the last seven days (eight covers a DST-shifted hour).
  let latest: Date | undefined;
  for (let run = cron.nextRun(new Date(now.getTime() - 8 * DAY_MS)); run !== null && run.getTime() <= now.getTime(); run = cron.nextRun(run)) latest = run;
  if (latest === undefined || latest.getTime() < Date.parse(subscription.createdAt)) return undefined;
  return {
    subscription,
    scheduledFor: latest,
    key: periodKey(subscription, latest),
    late: now.getTime() - latest.getTime() > LATE_AFTER_MS,
  };
}

/** The next scheduled instant strictly after `now` (for "next digest: …" answers and logs). */
export function nextRunOf(subscription: Subscription, now: Date): Date | undefined {
  return weeklyCron(subscription).nextRun(now) ?? undefined;
}

/**
 * The digests due at `now`: one per enabled digest subscription, for its latest period. After
 * downtime of any length only the latest missed period is due (sent once, late), never a backlog;
 * whether it was already sent is the store's idempotency key, checked by the scheduler.
 */
export function dueDigests(subscriptions: readonly Subscription[], now: Date): DuePeriod[] {
  const due: DuePeriod[] = [];
  for (const subscription of subscriptions) {
    if (subscription.topic !== DIGEST_TOPIC || !isEnabled(subscription)) continue;
    const period = periodOf(subscription, now);
    if (period !== undefined) due.push(period);
  }
  return due;
}

export function periodKey(subscription: Subscription, scheduledFor: Date): string {
  return boundedKey('digest', [subscription.conversationId, subscription.environment ?? '*'], scheduledFor.toISOString());
}

/** The lease name for work on one subscription: at most one instance sends its digest at a time. */
export function subscriptionLeaseName(subscription: Subscription): string {
  return boundedKey('digest', [subscription.conversationId, subscription.topic, subscription.environment ?? '*'], 'lease');
}

/** An alerts audit due for one environment in one interval slot, with the subscriptions it serves. */
export interface AlertAuditDue {
  /** The environment to audit; '*' for subscriptions without one (the whole estate). */
  readonly environment: string;
  readonly slotStart: Date;
  /** `alerts:<environment>:<slot start ISO UTC>`; mark it done once the audit ran. */
  readonly key: string;
  readonly subscriptions: readonly Subscription[];
}

export const DEFAULT_ALERT_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Scheduled audits for alert subscriptions: fixed slots of `intervalInMs` counted from the epoch,
 * one audit per environment per slot however many conversations subscribed to it.
 */
export function dueAlertAudits(subscriptions: readonly Subscription[], now: Date, intervalInMs: number = DEFAULT_ALERT_INTERVAL_MS): AlertAuditDue[] {
  if (!Number.isInteger(intervalInMs) || intervalInMs < 1_000) throw new RangeError('the alert interval must be a whole number of milliseconds, at least a second');
  const slotStart = new Date(Math.floor(now.getTime() / intervalInMs) * intervalInMs);
  const byEnvironment = new Map<string, Subscription[]>();
  for (const subscription of subscriptions) {
    if (subscription.topic !== ALERTS_TOPIC || !isEnabled(subscription)) continue;
    const environment = subscription.environment ?? '*';
    byEnvironment.set(environment, [...(byEnvironment.get(environment) ?? []), subscription]);
  }
  return [...byEnvironment].map(([environment, subscribed]) => ({
    environment,
    slotStart,
    key: boundedKey('alerts', [environment], slotStart.toISOString()),
    subscriptions: subscribed,
  }));
}

/**
 * `<prefix>:<parts…>:<suffix>`, readable in the store; conversation ids and environment names are
 * up to 512 characters each, so when the whole would exceed the store's limit the middle is
 * replaced by its SHA-256 (still unique, still stable).
 */
function boundedKey(prefix: string, parts: readonly string[], suffix: string): string {
  const readable = [prefix, ...parts, suffix].join(':');
  if (readable.length <= MAX_KEY_LENGTH) return readable;
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${prefix}:sha256-${digest}:${suffix}`;
}

const DAY_MS = 24 * 60 * 60 * 1000;
