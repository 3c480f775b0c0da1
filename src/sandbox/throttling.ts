import { createHash } from 'node:crypto';

/**
 * The two throttling models Azure documents for what the product calls (reference/azure-sdk.md
 * §7): ARG's per-user query quota in a time window, and ARM's per-subscription token bucket for
 * reads. Both take the clock as an argument so they are plain state machines.
 */

export interface ArgQuotaOptions {
  /** Queries allowed per window and principal; ARG documents 15. */
  readonly limit?: number;
  /** Window length; ARG documents 5 s. */
  readonly windowMs?: number;
}

export interface QuotaDecision {
  readonly allowed: boolean;
  /** Queries left in the window after this one (0 when refused). */
  readonly remaining: number;
  /** Milliseconds until the window resets. */
  readonly resetsAfterMs: number;
}

/**
 * ARG's user quota: a fixed window per principal that starts with its first query. Every reply
 * carries `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after`; a refused query is a 429
 * *without* Retry-After, which is why the product must pace itself from these headers.
 */
export class ArgQuota {
  readonly limit: number;
  readonly windowMs: number;
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(options: ArgQuotaOptions = {}) {
    this.limit = options.limit ?? 15;
    this.windowMs = options.windowMs ?? 5_000;
  }

  take(token: string, now: number): QuotaDecision {
    // Keyed by a hash: the principal matters, the token text does not need to be kept.
    const principal = createHash('sha256').update(token).digest('hex');
    let window = this.windows.get(principal);
    if (window === undefined || now - window.start >= this.windowMs) {
      window = { start: now, used: 0 };
      this.windows.set(principal, window);
    }
    const resetsAfterMs = window.start + this.windowMs - now;
    if (window.used >= this.limit) return { allowed: false, remaining: 0, resetsAfterMs };
    window.used += 1;
    return { allowed: true, remaining: this.limit - window.used, resetsAfterMs };
  }
}

export interface ArmReadBudgetOptions {
  /** Bucket size; ARM documents 250 reads per subscription and principal. */
  readonly capacity?: number;
  /** Tokens added per second; ARM documents 25. */
  readonly refillPerSecond?: number;
}

export interface BudgetDecision {
  readonly allowed: boolean;
  /** Whole reads left after this one, for `x-ms-ratelimit-remaining-subscription-reads`. */
  readonly remaining: number;
  /** Seconds until one read is available again (only when refused). */
  readonly retryAfterSeconds: number;
}

/** ARM's token bucket for reads, one bucket per subscription. */
export class ArmReadBudget {
  readonly capacity: number;
  readonly refillPerSecond: number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: ArmReadBudgetOptions = {}) {
    this.capacity = options.capacity ?? 250;
    this.refillPerSecond = options.refillPerSecond ?? 25;
  }

  take(subscriptionId: string, now: number): BudgetDecision {
    const key = subscriptionId.toLowerCase();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.refillPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerSecond)) };
    }
    bucket.tokens -= 1;
    return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
  }
}
