import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';

describe('progress line', () => {
  it('counts in the singular for one subscription, page and service', () => {
    const written: string[] = [];
    const line = progressLine((text) => written.push(text), true, () => 1_000);
    line.update({ phase: 'subscriptions', subscriptions: 1 });
    expect(written.at(-1)).toBe('\r\u001b[2K1 subscription · Resource Graph: 0 pages · 0 APIM services');
    line.update({ phase: 'services', pages: 1, services: 1, batchesDone: 1, batchesTotal: 1 });
    expect(written).toHaveLength(1); // within 100 ms of the last write
    const later = progressLine((text) => written.push(text), true, () => 5_000);
    later.update({ phase: 'services', pages: 1, services: 1, batchesDone: 1, batchesTotal: 1 });
    expect(written.at(-1)).toBe('\r\u001b[2K0 subscriptions · Resource Graph: 1 page · 1 APIM service');
  });
});
