import { describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit.js';
import { REDACTED, redactValue } from '../../src/engine/redact.js';
import { parseEstateText } from '../../src/estate/load-file.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { formatTable } from '../../src/output/table.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { withField } from '../../src/rules/shared/fix-plans.js';

/**
 * Keys named after Object.prototype members, as JSON.parse hands them over (own properties): they
 * must count, copy and print like any other key, never reach or replace a prototype.
 */
const SERVICE_ID = '/subscriptions/s/resourceGroups/r/providers/Microsoft.ApiManagement/service/apim-proto';
const parse = (text: string): unknown[] => parseEstateText(new TextEncoder().encode(text), 'proto.json');

describe('prototype-named keys from an estate', () => {
  it('counts ignored resource types named constructor and __proto__ as numbers', () => {
    const estate = normalizeEstate(parse('[{"type":"constructor","id":"a"},{"type":"constructor","id":"b"},{"type":"__proto__","id":"c"},{"type":"toString"}]'));
    // Compared as entries: an object literal cannot even spell an own "__proto__" key.
    expect(Object.entries(estate.stats.ignoredByType)).toEqual([['constructor', 2], ['__proto__', 1], ['tostring', 1]]);
    expect(Object.getPrototypeOf(estate.stats.ignoredByType)).toBe(Object.prototype);
    const report = auditEstate(estate, { rules: ALL_RULES, now: new Date('2026-06-01T00:00:00Z'), source: 'proto.json', version: '0' });
    expect(formatTable(report, { color: false, verbose: false })).toContain('4 resources of types no rule reads were ignored: constructor (2), __proto__ (1), tostring (1).');
  });

  it('keeps a tag named __proto__ as a tag', () => {
    const [service] = normalizeEstate(parse(`[{"type":"Microsoft.ApiManagement/service","id":"${SERVICE_ID}","properties":{},"tags":{"__proto__":"x","constructor":"y","env":"prod"}}]`)).services;
    expect(Object.keys(service?.tags ?? {})).toEqual(['__proto__', 'constructor', 'env']);
    expect(Object.getPrototypeOf(service?.tags)).toBe(Object.prototype);
  });

  it('redaction keeps a __proto__ key as an own key and still redacts inside it', () => {
    const [value] = parse('[{"__proto__":{"password":"hunter2","keep":"me"},"other":1}]');
    const redacted = redactValue(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(JSON.stringify(redacted)).toBe(`{"__proto__":{"password":"${REDACTED}","keep":"me"},"other":1}`);
  });

  it('fix bodies copy a __proto__ key instead of turning it into the prototype', () => {
    const [record] = parse('[{"__proto__":{"polluted":true},"Zones":["1"],"keep":1}]') as Record<string, unknown>[];
    const copy = withField(record ?? {}, 'zones', ['1', '2']);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"keep":1,"zones":["1","2"]}');
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
