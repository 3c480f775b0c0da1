import { abortableDelay, type AbortSignalLike } from './abort.js';

/**
 * Time as the quota gate sees it. Injected so tests can drive waits with vitest's fake timers
 * (or a hand-made clock) instead of sleeping for real.
 */
export interface Clock {
  /** Milliseconds on a clock that only moves forward during one process's life. */
  now(): number;
  /** Waits `ms`; rejects with an `AbortError` as soon as the signal fires. */
  sleep(ms: number, abortSignal?: AbortSignalLike): Promise<void>;
}

/**
 * The process clock. It reads `Date.now()` and uses `setTimeout` at call time (not captured at
 * import), which is what lets `vi.useFakeTimers()` control it in tests.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, abortSignal) => abortableDelay(ms, abortSignal),
};
