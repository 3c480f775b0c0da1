import { describe, expect, it } from 'vitest';
import { RefStore } from '../../src/bot/refs.js';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('RefStore (button references)', () => {
  it('resolves a ref in the conversation it was issued in, before it expires', () => {
    const clock = fakeClock();
    const refs = new RefStore<string>(clock.now);
    const ref = refs.issue('conv-a', 'report-1', 60_000);
    expect(ref).toMatch(/^[A-Za-z0-9_-]{16}$/);
    clock.advance(59_999);
    expect(refs.resolve('conv-a', ref)).toBe('report-1');
  });

  it('refuses a ref from another conversation', () => {
    const clock = fakeClock();
    const refs = new RefStore<string>(clock.now);
    const ref = refs.issue('conv-a', 'report-1', 60_000);
    expect(refs.resolve('conv-b', ref)).toBeUndefined();
    // Refusing a foreign conversation does not spend the ref for its own.
    expect(refs.resolve('conv-a', ref)).toBe('report-1');
  });

  it('refuses a ref once it has expired, even in its own conversation', () => {
    const clock = fakeClock();
    const refs = new RefStore<string>(clock.now);
    const ref = refs.issue('conv-a', 'report-1', 60_000);
    clock.advance(60_000);
    expect(refs.resolve('conv-a', ref)).toBeUndefined();
    // Time going backwards (a forged payload replayed later) does not revive it: it was dropped.
    clock.advance(-30_000);
    expect(refs.resolve('conv-a', ref)).toBeUndefined();
  });

  it('refuses unknown and non-string refs', () => {
    const refs = new RefStore<string>(fakeClock().now);
    refs.issue('conv-a', 'report-1', 60_000);
    for (const forged of ['nope', '', 42, null, undefined, { ref: 'x' }]) expect(refs.resolve('conv-a', forged)).toBeUndefined();
  });

  it('drops the oldest refs when full, so memory stays bounded', () => {
    const refs = new RefStore<number>(fakeClock().now, 3);
    const issued = [0, 1, 2, 3].map((n) => refs.issue('conv-a', n, 60_000));
    expect(issued.map((ref) => refs.resolve('conv-a', ref))).toEqual([undefined, 1, 2, 3]);
  });
});
