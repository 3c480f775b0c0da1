import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ARM_READ_BUDGET, ReadBudget } from '../../src/inventory/read-budget.js';

describe('ReadBudget', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** When each of `reads` takes of one subscription got its read. */
  async function takenAt(budget: ReadBudget, reads: number): Promise<number[]> {
    const at: number[] = [];
    const all = Promise.all(Array.from({ length: reads }, () => budget.take('sub').then(() => at.push(Date.now()))));
    await vi.runAllTimersAsync();
    await all;
    return at;
  }

  it('spends the burst at once, then paces to the refill', async () => {
    const at = await takenAt(new ReadBudget({ capacity: 4, refillPerSecond: 10 }), 6);
    expect(at.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(at[4]).toBeGreaterThanOrEqual(100);
    expect(at[5]).toBeGreaterThanOrEqual(200);
  });

  it('leaves the reserve unspent, so ARM counting our reads a little later never finds the bucket short', async () => {
    const at = await takenAt(new ReadBudget({ capacity: 4, refillPerSecond: 10, reserve: 2 }), 3);
    expect(at.slice(0, 2)).toEqual([0, 0]);
    expect(at[2]).toBeGreaterThanOrEqual(100);
  });

  it('keeps a reserve against ARM\'s own bucket by default', () => {
    expect(ARM_READ_BUDGET).toMatchObject({ capacity: 250, refillPerSecond: 25 });
    expect(ARM_READ_BUDGET.reserve).toBeGreaterThan(0);
  });

  it('keeps one bucket per subscription', async () => {
    const budget = new ReadBudget({ capacity: 1, refillPerSecond: 1 });
    await budget.take('a');
    let other = false;
    void budget.take('b').then(() => (other = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(other).toBe(true);
  });
});
