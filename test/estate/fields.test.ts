import { describe, expect, it } from 'vitest';
import { equalsIgnoringCase, field, locationKey } from '../../src/estate/fields.js';

describe('equalsIgnoringCase', () => {
  it('answers as comparing both strings lower-cased would', () => {
    const pairs: [string, string][] = [
      ['ETag', 'etag'],
      ['Properties', 'properties'],
      ['Premium', 'PREMIUM'],
      ['name', 'type'],
      ['@', '`'],
      ['[', '{'],
      ['a_b', 'A_B'],
      ['Zone1', 'zone2'],
      ['', ''],
      ['İd', 'i̇d'],
      ['Ärger', 'ärger'],
      ['ÄRGER', 'ärgeR'],
      ['K', 'k'],
      ['short', 'shorter'],
    ];
    for (const [a, b] of pairs) expect(equalsIgnoringCase(a, b), `${a} / ${b}`).toBe(a.toLowerCase() === b.toLowerCase());
  });
});

describe('field', () => {
  it('reads the exact name first, then any casing, and nothing for an absent name', () => {
    expect(field({ Name: 'a', name: 'b' }, 'name')).toBe('b');
    expect(field({ NAME: 'a' }, 'name')).toBe('a');
    expect(field({ nAmE: 'a', type: 't' }, 'Name')).toBe('a');
    expect(field({ names: 'a', nam: 'b', game: 'c' }, 'name')).toBeUndefined();
  });
});

describe('locationKey', () => {
  it('keeps an ARG location as given and folds display names', () => {
    expect(locationKey('eastus')).toBe('eastus');
    expect(locationKey('East US 2')).toBe('eastus2');
    expect(locationKey(' westeurope\t')).toBe('westeurope');
    expect(locationKey('Südafrika Nord')).toBe('südafrikanord');
    expect(locationKey(undefined)).toBeUndefined();
  });
});
