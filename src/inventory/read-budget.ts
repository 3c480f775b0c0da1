import { systemClock, type Clock } from '../azure/clock.js';

/**
 * A token bucket per subscription for ARM reads, modelled on ARM's own limits (250 reads, refilled
 * at 25 per second per principal and subscription). Waiting here is cheaper than a 429: a throttled
 * request still costs a token and its Retry-After is usually longer than our wait.
 */
export interface ReadBudgetOptions {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export const ARM_READ_BUDGET: ReadBudgetOptions = { capacity: 250, refillPerSecond: 25 };

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
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      const waitInMs = Math.ceil(((1 - bucket.tokens) / this.options.refillPerSecond) * 1000);
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
