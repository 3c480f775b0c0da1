import { describe, expect, it } from 'vitest';
import { assertWritableJson, assertWritableSerialised, parseStoredJson } from '../../src/store/json.js';

/** Nested arrays `levels` deep around a value. */
function nested(levels: number, inner: unknown = 0): unknown {
  let value = inner;
  for (let level = 0; level < levels; level++) value = [value];
  return value;
}

/**
 * The check of a value already serialised must refuse what the reader refuses and accept what it
 * reads, however brackets, quotes and backslashes sit inside strings.
 */
describe('assertWritableSerialised', () => {
  const cases: [string, unknown, boolean][] = [
    ['brackets inside strings do not count as nesting', { text: '[[[[{{{{'.repeat(40) }, true],
    ['an escaped quote does not end a string', { text: 'say \\"[[[[" '.repeat(40) }, true],
    ['an escaped backslash before the closing quote ends it', { path: 'C:\\', next: nested(64) }, false],
    ['a key that only contains __proto__', { x__proto__: 1, __proto__x: 2 }, true],
    ['a string value that spells the key', { text: '"__proto__":' }, true],
    ['64 levels', nested(64), true],
    ['65 levels', nested(65), false],
    ['a __proto__ key deep inside', JSON.parse('{"a":[{"b":{"__proto__":{"polluted":true}}}]}') as unknown, false],
  ];

  it.each(cases)('%s', (_label, value, readable) => {
    const text = JSON.stringify(value);
    // What the reader accepts, and the check that serialises and parses again.
    if (readable) {
      expect(() => parseStoredJson(text, 'value')).not.toThrow();
      expect(() => { assertWritableJson(value, 'value'); }).not.toThrow();
      expect(() => { assertWritableSerialised(value, text, 'value'); }).not.toThrow();
    } else {
      expect(() => parseStoredJson(text, 'value')).toThrow();
      expect(() => { assertWritableJson(value, 'value'); }).toThrow();
      expect(() => { assertWritableSerialised(value, text, 'value'); }).toThrow();
    }
  });

  it('names what was refused', () => {
    const deep = nested(65);
    expect(() => { assertWritableSerialised(deep, JSON.stringify(deep), 'report'); }).toThrow('report is nested deeper than 64 levels');
    const hostile = JSON.parse('{"__proto__":{}}') as unknown;
    expect(() => { assertWritableSerialised(hostile, JSON.stringify(hostile), 'report'); }).toThrow('report holds the forbidden key "__proto__"');
  });
});
