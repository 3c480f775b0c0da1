/** What {@link RequestCounters} has seen, for reports and benchmarks. */
export interface RequestCountsSnapshot {
  /** Every attempt sent, retries included. */
  readonly attempts: number;
  /** Attempts by HTTP status, e.g. `{ 200: 41, 429: 2 }`. */
  readonly byStatus: Readonly<Record<number, number>>;
  /** Attempts that got no response at all (connection refused, TLS failure, reset, …). */
  readonly transportErrors: number;
  /** Attempts cut short by an abort signal. */
  readonly aborted: number;
  /** 429 responses received. */
  readonly throttled: number;
  /** 429 responses after which the same request was sent again. */
  readonly throttledRetried: number;
  /**
   * 429 responses that were not retried: the retry budget ran out or the SDK saw no delay to wait.
   * Final only once every request has settled; a request still waiting to retry counts here until it does.
   */
  readonly throttledNotRetried: number;
}

/**
 * Tallies what the pipeline actually sent and received, so a report can say honestly how many
 * requests an audit cost and whether throttling was absorbed or surfaced. Fed by `requestCounterPolicy`.
 */
export class RequestCounters {
  private attempts = 0;
  private readonly byStatus = new Map<number, number>();
  private transportErrors = 0;
  private aborted = 0;
  private throttled = 0;
  private throttledRetried = 0;

  /** Records one response. */
  recordResponse(status: number): void {
    this.attempts += 1;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    if (status === 429) this.throttled += 1;
  }

  /** Records an attempt that ended without a response. */
  recordTransportError(): void {
    this.attempts += 1;
    this.transportErrors += 1;
  }

  /** Records an attempt cancelled by its abort signal. */
  recordAborted(): void {
    this.attempts += 1;
    this.aborted += 1;
  }

  /** Records that a request answered with 429 was sent again. */
  recordThrottledRetry(): void {
    this.throttledRetried += 1;
  }

  /** A frozen copy of the counts so far. */
  snapshot(): RequestCountsSnapshot {
    return Object.freeze({
      attempts: this.attempts,
      byStatus: Object.freeze(Object.fromEntries(this.byStatus)),
      transportErrors: this.transportErrors,
      aborted: this.aborted,
      throttled: this.throttled,
      throttledRetried: this.throttledRetried,
      throttledNotRetried: this.throttled - this.throttledRetried,
    });
  }
}
