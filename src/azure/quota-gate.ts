import { throwIfAborted, type AbortSignalLike } from './abort.js';
import { systemClock, type Clock } from './clock.js';

/** ARG's documented default quota: 15 requests per user per 5-second window. */
export const ARG_DEFAULT_QUOTA = { limit: 15, windowInMs: 5_000 } as const;

/**
 * `x-ms-user-quota-resets-after` counts whole seconds, so a value can be up to a second short
 * (we cannot tell whether ARG rounds or truncates). Waiting that much longer past a reset keeps
 * the first request of the next window from landing in the old one.
 */
export const QUOTA_HEADER_RESOLUTION_IN_MS = 1_000;

/** Options for {@link QuotaGate}. */
export interface QuotaGateOptions {
  /** Requests per window assumed until ARG reports its own numbers. Default 15. */
  readonly limit?: number;
  /** Length of an assumed window. Default 5000 ms. */
  readonly windowInMs?: number;
  /** Extra wait past a window's reset before sending again. Default {@link QUOTA_HEADER_RESOLUTION_IN_MS}. */
  readonly safetyMarginInMs?: number;
  readonly clock?: Clock;
}

/** Options for {@link QuotaGate.acquire}. */
export interface AcquireOptions {
  readonly abortSignal?: AbortSignalLike;
}

/** Counters for progress lines and benchmarks. */
export interface QuotaGateStats {
  /** Requests let through. */
  readonly requests: number;
  /** Requests that had to wait for a window to reset. */
  readonly waits: number;
  /** Time spent waiting, summed over requests (concurrent waits add up). */
  readonly waitedInMs: number;
  /** Requests the gate believes the current window still allows. */
  readonly remaining: number;
  /** When the current window resets on the gate's clock; undefined before the first request of a window. */
  readonly resetsAt: number | undefined;
  /** Whether `remaining` comes from ARG's headers (true) or from the assumption (false). */
  readonly observed: boolean;
  /** Requests a fresh window is assumed to allow before ARG answers: the default, or less if ARG showed a smaller quota. */
  readonly assumedLimit: number;
}

/**
 * Paces Azure Resource Graph requests so that a large audit stays inside the per-user quota
 * instead of collecting 429s. ARG answers a 429 without a Retry-After header, which the SDK does not
 * retry, and every throttled request still costs quota, so waiting here is cheaper than reacting.
 *
 * The model is a fixed window: a bucket of `limit` tokens refilled whole when the window resets.
 * - Until ARG has answered, it assumes 15 requests per 5 s; a window starts with its first request.
 *   A window's first requests are sent before any answer, so when ARG has shown a smaller quota
 *   (its first answer in a window reports `remaining = quota - 1`), later windows assume that instead.
 * - Each response's `x-ms-user-quota-remaining` and `x-ms-user-quota-resets-after` replace the guess
 *   ({@link observe}). Requests still in flight may not be counted in that number yet, so they are
 *   subtracted from it: the gate may wait a little too long, never too little.
 * - When no tokens remain, callers wait until the reset plus a safety margin, then re-check.
 *
 * Call {@link acquire} before each request and exactly one of {@link observe} or {@link release}
 * when it ends; `argQuotaPolicy` does this for every attempt the SDK sends.
 */
export class QuotaGate {
  private readonly limit: number;
  private readonly windowInMs: number;
  private readonly safetyMarginInMs: number;
  private readonly clock: Clock;

  private assumedLimit: number;
  private remaining: number;
  private resetsAt: number | undefined;
  private observed = false;
  /** The largest quota the current observed window's answers prove (`remaining + 1`); undefined without such an answer. */
  private windowQuota: number | undefined;
  /** Acquired requests that have not been observed or released yet. */
  private inFlight = 0;

  private requests = 0;
  private waits = 0;
  private waitedInMs = 0;

  constructor(options: QuotaGateOptions = {}) {
    this.limit = positiveInteger(options.limit ?? ARG_DEFAULT_QUOTA.limit, 'limit');
    this.windowInMs = nonNegative(options.windowInMs ?? ARG_DEFAULT_QUOTA.windowInMs, 'windowInMs');
    this.safetyMarginInMs = nonNegative(options.safetyMarginInMs ?? QUOTA_HEADER_RESOLUTION_IN_MS, 'safetyMarginInMs');
    this.clock = options.clock ?? systemClock;
    this.assumedLimit = this.limit;
    this.remaining = this.limit;
  }

  /**
   * Resolves when one more request fits the quota, taking that slot. Rejects with an `AbortError`
   * as soon as the signal fires, without taking a slot.
   */
  async acquire(options: AcquireOptions = {}): Promise<void> {
    const { abortSignal } = options;
    throwIfAborted(abortSignal);
    let waitStartedAt: number | undefined;
    try {
      for (;;) {
        const now = this.clock.now();
        this.startNewWindowIfReset(now);
        if (this.remaining > 0) {
          this.remaining -= 1;
          this.inFlight += 1;
          this.requests += 1;
          // The window starts with its first request, as a fresh quota window does at ARG.
          this.resetsAt ??= now + this.windowInMs;
          return;
        }
        waitStartedAt ??= now;
        // remaining is only ever 0 after a request or an observation, both of which set resetsAt.
        const resetsAt = this.resetsAt ?? now;
        await this.clock.sleep(Math.max(0, resetsAt + this.safetyMarginInMs - now), abortSignal);
      }
    } finally {
      if (waitStartedAt !== undefined) {
        this.waits += 1;
        this.waitedInMs += this.clock.now() - waitStartedAt;
      }
    }
  }

  /**
   * Takes in ARG's view of the quota from one response: `remaining` requests until the window
   * resets in `resetsAfterInMs`. Ends that response's slot, so call it instead of {@link release}.
   */
  observe(remaining: number, resetsAfterInMs: number): void {
    this.release();
    if (!Number.isFinite(remaining) || !Number.isFinite(resetsAfterInMs) || remaining < 0 || resetsAfterInMs < 0) return;
    const now = this.clock.now();
    const observedResetsAt = now + resetsAfterInMs;
    const estimate = Math.max(0, Math.floor(remaining) - this.inFlight);
    const sameWindow =
      this.observed &&
      this.resetsAt !== undefined &&
      now < this.resetsAt &&
      // Readings of one window differ by up to the header's resolution; a later reset than that means ARG started a new window.
      observedResetsAt <= this.resetsAt + QUOTA_HEADER_RESOLUTION_IN_MS;
    // An answer with requests left proves the quota is at least `remaining + 1`; one with none (or a 429) proves nothing.
    const quota = remaining >= 1 ? Math.floor(remaining) + 1 : undefined;
    if (sameWindow) {
      // Responses can arrive out of order; within a window the lowest count and the latest reset are the safe reading.
      this.remaining = Math.min(this.remaining, estimate);
      this.resetsAt = Math.max(this.resetsAt ?? observedResetsAt, observedResetsAt);
      if (quota !== undefined) this.windowQuota = Math.max(this.windowQuota ?? quota, quota);
    } else {
      this.remaining = estimate;
      this.resetsAt = observedResetsAt;
      this.observed = true;
      this.windowQuota = quota;
    }
  }

  /** Ends a request's slot without quota headers (a transport error, or a response without them). */
  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** A snapshot of the counters and the current window. */
  get stats(): QuotaGateStats {
    return Object.freeze({
      requests: this.requests,
      waits: this.waits,
      waitedInMs: this.waitedInMs,
      remaining: this.remaining,
      resetsAt: this.resetsAt,
      observed: this.observed,
      assumedLimit: this.assumedLimit,
    });
  }

  private startNewWindowIfReset(now: number): void {
    if (this.resetsAt === undefined || now < this.resetsAt + this.safetyMarginInMs) return;
    // Past the reset nothing is known about the new window until ARG answers again: assume the
    // quota the last window proved, never more than the default (observations raise it within a window).
    if (this.windowQuota !== undefined) this.assumedLimit = Math.min(this.limit, this.windowQuota);
    this.remaining = this.assumedLimit;
    this.resetsAt = undefined;
    this.observed = false;
    this.windowQuota = undefined;
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${value}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`Expected \`${name}\` to be a non-negative number, got ${value}`);
  return value;
}
