import { systemClock, type Clock } from '../azure/clock.js';

/**
 * A token bucket per subscription for ARM reads, modelled on ARM's own limits (250 reads, refilled
 * at 25 per second per principal and subscription). Waiting here is cheaper than a 429: a throttled
 * request still costs a token and its Retry-After is usually longer than our wait.
 */
export interface ReadBudgetOptions {
  readonly capacity: number;
  readonly refillPerSecond: number;
  /**
   * Reads left unspent. ARM counts a read when it arrives, a little after we count it, and the first
   * reads of a subscription arrive later than the rest (a new connection); without a reserve that
   * head start is a read or two of debt, and every 429 it causes is retried with a read we never
   * counted, which causes the next one. Other clients of the same identity share the bucket too.
   */
  readonly reserve?: number;
}

export const ARM_READ_BUDGET: ReadBudgetOptions = { capacity: 250, refillPerSecond: 25, reserve: 5 };

export class ReadBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private waitedInMs = 0;

  constructor(
    private readonly options: ReadBudgetOptions = ARM_READ_BUDGET,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Takes one read for the subscription, waiting for a refill when the bucket is empty. */
  async take(subscriptionId: string, abortSignal?: AbortSignal): Promise<void> {
    for (;;) {
      const bucket = this.refill(subscriptionId);
      const needed = 1 + (this.options.reserve ?? 0);
      if (bucket.tokens >= needed) {
        bucket.tokens -= 1;
        return;
      }
      const waitInMs = Math.ceil(((needed - bucket.tokens) / this.options.refillPerSecond) * 1000);
      this.waitedInMs += waitInMs;
      await this.clock.sleep(waitInMs, abortSignal);
    }
  }

  /** Total time spent waiting for refills, for progress and benchmark reports. */
  get totalWaitedInMs(): number {
    return this.waitedInMs;
  }

  private refill(subscriptionId: string): { tokens: number; at: number } {
    const now = this.clock.now();
    const bucket = this.buckets.get(subscriptionId) ?? { tokens: this.options.capacity, at: now };
    bucket.tokens = Math.min(this.options.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.options.refillPerSecond);
    bucket.at = now;
    this.buckets.set(subscriptionId, bucket);
    return bucket;
  }
}
