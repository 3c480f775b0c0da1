import { describe, expect, it } from 'vitest';
import { RefStore } from '../../src/bot/refs.js';

function setup(limits: { maxEntries?: number; maxBytes?: number } = {}) {
  let clock = 1_000;
  // A value's size is its length: tests choose it.
  const store = new RefStore<string>(() => clock, limits, (value) => value.length);
  return { store, advance: (ms: number) => (clock += ms) };
}

/** Per-entry overhead the store adds to a value's own size (ref, conversation id, map entry). */
const overhead = (conversationId: string) => 256 + 2 * conversationId.length;

describe('RefStore', () => {
  it('resolves a ref only in the conversation it was issued in', () => {
    const { store } = setup();
    const ref = store.issue('conv-a', 'report', 60_000);
    expect(store.resolve('conv-a', ref)).toBe('report');
    expect(store.resolve('conv-b', ref)).toBeUndefined();
    expect(store.resolve('conv-a', 'forged')).toBeUndefined();
    expect(store.resolve('conv-a', { ref })).toBeUndefined();
  });

  it('expires refs after their time to live', () => {
    const { store, advance } = setup();
    const ref = store.issue('conv-a', 'report', 1_000);
    advance(999);
    expect(store.resolve('conv-a', ref)).toBe('report');
    advance(1);
    expect(store.resolve('conv-a', ref)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('caps the count, evicting the least recently used', () => {
    const { store } = setup({ maxEntries: 2 });
    const a = store.issue('c', 'a', 60_000);
    const b = store.issue('c', 'b', 60_000);
    store.resolve('c', a); // used: b is now the oldest
    const c = store.issue('c', 'c', 60_000);
    expect(store.size).toBe(2);
    expect(store.resolve('c', b)).toBeUndefined();
    expect(store.resolve('c', a)).toBe('a');
    expect(store.resolve('c', c)).toBe('c');
  });

  it('caps the total size, evicting least recently used until the new ref fits', () => {
    const entry = overhead('c') + 100;
    const { store } = setup({ maxBytes: 2 * entry });
    const a = store.issue('c', 'a'.repeat(100), 60_000);
    const b = store.issue('c', 'b'.repeat(100), 60_000);
    expect(store.bytes).toBe(2 * entry);
    store.resolve('c', a);
    const c = store.issue('c', 'c'.repeat(100), 60_000);
    expect(store.resolve('c', b)).toBeUndefined();
    expect(store.resolve('c', a)).toBe('a'.repeat(100));
    expect(store.resolve('c', c)).toBe('c'.repeat(100));
    expect(store.bytes).toBe(2 * entry);
    // A bigger value evicts as many as it takes.
    store.issue('c', 'd'.repeat(150), 60_000);
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(overhead('c') + 150);
  });
});

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('RefStore (button references, guards)', () => {
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
    const refs = new RefStore<number>(fakeClock().now, { maxEntries: 3 });
    const issued = [0, 1, 2, 3].map((n) => refs.issue('conv-a', n, 60_000));
    expect(issued.map((ref) => refs.resolve('conv-a', ref))).toEqual([undefined, 1, 2, 3]);
  });
});

describe('RefStore.issueOnce', () => {
  it('gives the same ref for the same key in a conversation, and a new one once it expired or was evicted', () => {
    const clock = fakeClock();
    const refs = new RefStore<string>(clock.now, { maxEntries: 2 });
    const first = refs.issueOnce('conv-a', 'card-1', 'summary', 60_000);
    expect(refs.issueOnce('conv-a', 'card-1', 'summary', 60_000)).toBe(first);
    expect(refs.size).toBe(1);
    // Keys are per conversation: another conversation never shares a ref.
    const elsewhere = refs.issueOnce('conv-b', 'card-1', 'summary', 60_000);
    expect(elsewhere).not.toBe(first);
    expect(refs.resolve('conv-a', elsewhere)).toBeUndefined();
    clock.advance(60_000);
    const renewed = refs.issueOnce('conv-a', 'card-1', 'summary', 60_000);
    expect(renewed).not.toBe(first);
    expect(refs.resolve('conv-a', first)).toBeUndefined();
    // Evicted by newer refs: the key does not hand out the dropped ref.
    refs.issue('conv-a', 'x', 60_000);
    refs.issue('conv-a', 'y', 60_000);
    expect(refs.resolve('conv-a', renewed)).toBeUndefined();
    const again = refs.issueOnce('conv-a', 'card-1', 'summary', 60_000);
    expect(again).not.toBe(renewed);
    expect(refs.resolve('conv-a', again)).toBe('summary');
  });
});
