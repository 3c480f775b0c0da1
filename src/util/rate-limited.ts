/**
 * Lets at most `limit` events through per window and counts the rest, so that a flood of bad
 * requests (which anyone can send without a token) cannot flood the logs. The first event after a
 * window with suppressed ones learns how many were dropped.
 */
export class RateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private passed = 0;
  private suppressed = 0;

  constructor(
    private readonly limit: number,
    private readonly windowInMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `undefined` when the event must be dropped; otherwise how many were dropped before it. */
  take(): { readonly suppressedBefore: number } | undefined {
    const now = this.now();
    if (now - this.windowStart >= this.windowInMs) {
      this.windowStart = now;
      this.passed = 0;
    }
    if (this.passed >= this.limit) {
      this.suppressed += 1;
      return undefined;
    }
    this.passed += 1;
    const suppressedBefore = this.suppressed;
    this.suppressed = 0;
    return { suppressedBefore };
  }
}
