import { describe, expect, it } from 'vitest';
import { byCount, plural } from '../../src/util/text.js';

describe('plural and byCount (counts in user-facing text)', () => {
  it('uses the singular for exactly one and the plural for everything else, zero included', () => {
    expect(plural(1, 'rule')).toBe('1 rule');
    expect(plural(2, 'rule')).toBe('2 rules');
    expect(plural(0, 'service')).toBe('0 services');
    expect(plural(1, 'more failing rule')).toBe('1 more failing rule');
  });

  it('takes an irregular plural by argument', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });

  it('picks the verb or pronoun that agrees with a count', () => {
    expect(`${plural(1, 'service')} ${byCount(1, 'has', 'have')}`).toBe('1 service has');
    expect(`${plural(4, 'service')} ${byCount(4, 'has', 'have')}`).toBe('4 services have');
  });
});
