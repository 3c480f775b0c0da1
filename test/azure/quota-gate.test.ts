import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QuotaGate } from '../../src/azure/quota-gate.js';

/** Starts an acquire and reports whether it has resolved yet, without awaiting it. */
function track(promise: Promise<void>): { readonly done: boolean; readonly promise: Promise<void> } {
  const state = { done: false, promise };
  promise.then(
    () => (state.done = true),
    () => undefined,
  );
  return state;
}

describe('QuotaGate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets 15 requests through at once and holds the 16th until the window resets plus the margin', async () => {
    const gate = new QuotaGate();
    for (let i = 0; i < 15; i += 1) await gate.acquire();
    const sixteenth = track(gate.acquire());

    // Window: 5000 ms from the first request; margin: one second of header resolution.
    await vi.advanceTimersByTimeAsync(5_999);
    expect(sixteenth.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(sixteenth.done).toBe(true);
    expect(gate.stats).toMatchObject({ requests: 16, waits: 1, waitedInMs: 6_000, remaining: 14, observed: false });
  });

  it('holds requests until ARG’s reported reset once remaining reaches 0', async () => {
    const gate = new QuotaGate({ safetyMarginInMs: 0 });
    await gate.acquire();
    gate.observe(0, 3_000);
    const next = track(gate.acquire());

    await vi.advanceTimersByTimeAsync(2_999);
    expect(next.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next.done).toBe(true);
  });

  it('trusts ARG’s count over the assumed default, including a larger one', async () => {
    const gate = new QuotaGate({ safetyMarginInMs: 0 });
    await gate.acquire();
    gate.observe(40, 4_000);
    for (let i = 0; i < 40; i += 1) await gate.acquire();
    expect(gate.stats).toMatchObject({ requests: 41, waits: 0, remaining: 0, observed: true, resetsAt: 4_000 });
  });

  it('subtracts requests still in flight from ARG’s count, which may not include them yet', async () => {
    const gate = new QuotaGate();
    for (let i = 0; i < 3; i += 1) await gate.acquire();
    gate.observe(10, 4_000);
    expect(gate.stats.remaining).toBe(8);
  });

  it('keeps the lowest count when responses of one window arrive out of order', async () => {
    const gate = new QuotaGate();
    await gate.acquire();
    await gate.acquire();
    gate.observe(5, 4_000);
    gate.observe(9, 4_000);
    expect(gate.stats.remaining).toBe(4);
  });

  it('adopts a new window when ARG reports a reset more than one header step later', async () => {
    const gate = new QuotaGate();
    await gate.acquire();
    gate.observe(0, 5_000);
    await vi.advanceTimersByTimeAsync(2_000);
    // ARG reset its window early (another client's window, clock skew): 14 left until 7000.
    gate.observe(14, 5_000);
    expect(gate.stats).toMatchObject({ remaining: 14, resetsAt: 7_000 });
  });

  it('assumes the quota ARG showed for later windows, never more than the default', async () => {
    const gate = new QuotaGate({ safetyMarginInMs: 0 });
    await gate.acquire();
    gate.observe(9, 5_000); // first answer of a window: the quota is 10
    await vi.advanceTimersByTimeAsync(5_000);
    await gate.acquire();
    expect(gate.stats).toMatchObject({ assumedLimit: 10, remaining: 9, observed: false });

    gate.observe(39, 5_000); // a larger quota is used within its window but not assumed beyond 15
    await vi.advanceTimersByTimeAsync(5_000);
    await gate.acquire();
    expect(gate.stats).toMatchObject({ assumedLimit: 15, remaining: 14 });
  });

  it('learns nothing about the quota from answers with none left', async () => {
    const gate = new QuotaGate({ safetyMarginInMs: 0 });
    await gate.acquire();
    gate.observe(0, 5_000); // a 429, or another client spent the window
    await vi.advanceTimersByTimeAsync(5_000);
    await gate.acquire();
    expect(gate.stats).toMatchObject({ assumedLimit: 15, remaining: 14 });
  });

  it('rejects an acquire promptly with an AbortError when aborted during a long wait, and removes its listener', async () => {
    const gate = new QuotaGate();
    await gate.acquire();
    gate.observe(0, 60_000);
    const controller = new AbortController();
    const waiting = gate.acquire({ abortSignal: controller.signal });
    const outcome = waiting.then(
      () => 'resolved',
      (error: unknown) => error,
    );

    await vi.advanceTimersByTimeAsync(100);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);

    expect(await outcome).toMatchObject({ name: 'AbortError' });
    expect(Date.now()).toBe(100);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
    // The aborted caller took no slot: the next window still has its full default.
    expect(gate.stats).toMatchObject({ requests: 1, waits: 1, waitedInMs: 100 });
  });

  it('removes its abort listener after a wait that ends normally', async () => {
    const gate = new QuotaGate({ safetyMarginInMs: 0 });
    await gate.acquire();
    gate.observe(0, 1_000);
    const controller = new AbortController();
    const waiting = gate.acquire({ abortSignal: controller.signal });
    await vi.advanceTimersByTimeAsync(1_000);
    await waiting;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects at once when the signal is already aborted, without taking a slot', async () => {
    const gate = new QuotaGate();
    await expect(gate.acquire({ abortSignal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(gate.stats).toMatchObject({ requests: 0, remaining: 15 });
  });

  it('names the option it rejects', () => {
    expect(() => new QuotaGate({ limit: 0 })).toThrow('Expected `limit` to be a positive integer, got 0');
    expect(() => new QuotaGate({ windowInMs: -1 })).toThrow('Expected `windowInMs` to be a non-negative number, got -1');
  });
});
