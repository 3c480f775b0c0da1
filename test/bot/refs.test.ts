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
