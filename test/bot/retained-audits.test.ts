import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/report.js';
import type { Estate } from '../../src/estate/model.js';
import { estimateBytes, RetainedAudits } from '../../src/bot/retained-audits.js';

/** A fake clock and fake results whose size is whatever the test says (the estimate is tested on its own). */
function setup(limits: { maxBytes?: number; maxAudits?: number; ttlInMs?: number }) {
  let clock = 1_000;
  const sizes = new WeakMap<object, number>();
  const store = new RetainedAudits(limits, () => clock, (kept) => sizes.get(kept.report) ?? 0);
  const result = (bytes: number, label = 'r') => {
    const report = { source: label } as unknown as Report;
    sizes.set(report, bytes);
    return { report, estate: { services: [] } as unknown as Estate };
  };
  return { store, result, advance: (ms: number) => (clock += ms) };
}

describe('RetainedAudits', () => {
  it('keeps the report and the estate, and answers "last" with the latest of the conversation', () => {
    const { store, result } = setup({});
    const first = store.keep('conv-a', result(10, 'first'));
    const second = store.keep('conv-a', result(10, 'second'));
    expect(store.last('conv-a')?.report.source).toBe('second');
    expect(Object.keys(second).sort()).toEqual(['bytes', 'conversationId', 'estate', 'id', 'report']);
    // The older audit stays reachable for buttons issued on its card.
    expect(store.get('conv-a', first.id)?.report.source).toBe('first');
  });

  it('refuses an audit id from another conversation', () => {
    const { store, result } = setup({});
    const audit = store.keep('conv-a', result(10));
    expect(store.get('conv-b', audit.id)).toBeUndefined();
    expect(store.last('conv-b')).toBeUndefined();
    expect(store.get('conv-a', audit.id)).toBe(audit);
  });

  it('caps the count, dropping the least recently used', () => {
    const { store, result } = setup({ maxAudits: 2 });
    const a = store.keep('conv-a', result(1));
    const b = store.keep('conv-b', result(1));
    store.get('conv-a', a.id); // a is now more recent than b
    const c = store.keep('conv-c', result(1));
    expect(store.size).toBe(2);
    expect(store.get('conv-b', b.id)).toBeUndefined();
    expect(store.last('conv-b')).toBeUndefined();
    expect(store.get('conv-a', a.id)).toBe(a);
    expect(store.get('conv-c', c.id)).toBe(c);
  });

  it('caps the total size, dropping least recently used first until the new audit fits', () => {
    const { store, result } = setup({ maxBytes: 100 });
    const a = store.keep('conv-a', result(40));
    const b = store.keep('conv-b', result(40));
    store.last('conv-a'); // "last" counts as a use
    const c = store.keep('conv-c', result(50));
    expect(store.bytes).toBe(90);
    expect(store.get('conv-b', b.id)).toBeUndefined();
    expect(store.get('conv-a', a.id)).toBe(a);
    // Another 50 bytes: c goes, as a was used after c was kept.
    const d = store.keep('conv-d', result(50));
    expect(store.get('conv-c', c.id)).toBeUndefined();
    expect(store.get('conv-a', a.id)).toBe(a);
    expect(store.get('conv-d', d.id)).toBe(d);
    expect(store.bytes).toBe(90);
  });

  it('does not keep an audit larger than the whole budget, nor let "last" answer with an older one', () => {
    const { store, result } = setup({ maxBytes: 100 });
    const small = store.keep('conv-a', result(60));
    const huge = store.keep('conv-a', result(101));
    expect(huge.bytes).toBe(101);
    expect(store.get('conv-a', huge.id)).toBeUndefined();
    expect(store.last('conv-a')).toBeUndefined();
    // What was kept before is untouched by the refusal.
    expect(store.get('conv-a', small.id)).toBe(small);
    expect(store.bytes).toBe(60);
  });

  it('expires audits unused for the time to live; each use renews it', () => {
    const { store, result, advance } = setup({ ttlInMs: 1_000 });
    const a = store.keep('conv-a', result(10));
    const b = store.keep('conv-b', result(10));
    advance(600);
    expect(store.get('conv-a', a.id)).toBe(a);
    advance(600);
    expect(store.get('conv-b', b.id)).toBeUndefined();
    expect(store.last('conv-a')).toBe(a);
    advance(1_000);
    expect(store.last('conv-a')).toBeUndefined();
    expect(store.bytes).toBe(0);
  });

  it('frees the budget of expired audits when the next one is kept', () => {
    const { store, result, advance } = setup({ ttlInMs: 1_000, maxBytes: 100 });
    store.keep('conv-a', result(60));
    advance(2_000);
    store.keep('conv-b', result(60));
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(60);
  });
});

describe('estimateBytes', () => {
  it('is the JSON length of the report and the estate', () => {
    const report = { source: 'x'.repeat(1_000) } as unknown as Report;
    const estate = { services: ['y'.repeat(500)] } as unknown as Estate;
    expect(estimateBytes({ report, estate })).toBe(JSON.stringify(report).length + JSON.stringify(estate).length);
    expect(estimateBytes({ report, estate })).toBeGreaterThan(1_500);
  });
});
