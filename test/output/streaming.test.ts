import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit.js';
import type { Report } from '../../src/engine/report.js';
import { parseEstateText } from '../../src/estate/load-file.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { csvChunks, formatCsv } from '../../src/output/csv.js';
import { batched, jsonChunks, LazyArray } from '../../src/output/json-stream.js';
import { formatJson, jsonReportChunks } from '../../src/output/json.js';
import { lineIndex } from '../../src/output/line-index.js';
import { formatSarif, sarifChunks } from '../../src/output/sarif.js';
import { planFindings } from '../../src/remediation/finding-plans.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { scaleEstate } from '../../src/sandbox/scale.js';
import { apimService, GATEWAY, hardenedCustomProperties } from '../support/fixtures.js';
import { previousCsv } from './previous/csv.js';
import { previousJson } from './previous/json.js';
import { previousLineLocator, previousSarif } from './previous/sarif.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const EXAMPLE_PATH = new URL('../../examples/estate.json', import.meta.url).pathname;
const EXAMPLE_TEXT = readFileSync(EXAMPLE_PATH, 'utf8');

function audit(entries: readonly unknown[], extra: Partial<Parameters<typeof auditEstate>[1]> = {}): { report: Report; estate: ReturnType<typeof normalizeEstate> } {
  const estate = normalizeEstate(entries);
  return { estate, report: auditEstate(estate, { rules: ALL_RULES, now: NOW, source: 'examples/estate.json', version: '1.2.3', ...extra }) };
}

/** Example estates: the shipped example, and one with exemptions, a broken entry and a URL credential. */
function examples(): { name: string; report: Report; estate: ReturnType<typeof normalizeEstate> }[] {
  const weak = apimService({
    name: 'apim-weak',
    identity: null,
    properties: { publicNetworkAccess: 'Enabled', customProperties: { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } },
  });
  const broken = { ...apimService({ name: 'apim-broken' }), properties: null };
  const exemptions = [{ ruleId: 'APIM-001' as const, resource: 'apim-weak', reason: 'partner, "quoted", =formula', expires: '2027-01-01' }];
  return [
    { name: 'examples/estate.json', ...audit(parseEstateText(Buffer.from(EXAMPLE_TEXT), 'examples/estate.json')) },
    { name: 'exemptions and errors', ...audit([weak, broken], { exemptions }) },
    { name: 'live scope', ...audit([weak], { scope: { echo: 'prod = 1 subscription', target: 'sandbox (local emulator)', targetKind: 'sandbox' } }) },
  ];
}

describe('jsonChunks', () => {
  const replacer = (key: string, value: unknown): unknown => (key === 'actual' && value === undefined ? null : value);
  const values: unknown[] = [
    { a: 1, b: [1, 'two', { c: null, d: undefined, actual: undefined }], e: {}, f: [], g: () => 1, h: 'line\nbreak "quoted"' },
    [undefined, () => 1, [], {}, [[[1]]], { x: { y: { z: [true, false] } } }],
    { date: new Date('2026-01-02T03:04:05Z'), nested: { deep: { deeper: { deepest: [{ actual: undefined }] } } } },
    'plain',
    42,
    null,
    [],
    {},
  ];
  for (const indent of [0, 2]) {
    for (const openDepth of [0, 1, 2, 3, 6]) {
      it(`writes what JSON.stringify writes (indent ${indent}, opened ${openDepth} levels)`, () => {
        for (const value of values) {
          expect([...jsonChunks(value, { indent, openDepth, replacer })].join('')).toBe(JSON.stringify(value, replacer, indent));
          expect([...jsonChunks(value, { indent, openDepth })].join('')).toBe(JSON.stringify(value, null, indent));
        }
      });
    }
  }

  it('writes a lazy array like the array of its items, making them only while writing', () => {
    let made = 0;
    const lazy = new LazyArray(function* () {
      for (let index = 0; index < 3; index += 1) {
        made += 1;
        yield { index, absent: undefined };
      }
    });
    const chunks = jsonChunks({ list: lazy, empty: new LazyArray(() => []) }, { indent: 2 });
    expect(made).toBe(0);
    expect([...chunks].join('')).toBe(JSON.stringify({ list: [0, 1, 2].map((index) => ({ index })), empty: [] }, null, 2));
    expect(made).toBe(3);
  });

  it('opens an item that holds a lazy array, among items written whole in batches', () => {
    const lazy = () => new LazyArray(function* () {
      yield { note: 1 };
      yield { note: 2 };
    });
    const value = { runs: [{ a: 1 }, { b: [1, 2] }, { notes: lazy(), after: 'x' }, { c: 'last' }] };
    const plain = { runs: [{ a: 1 }, { b: [1, 2] }, { notes: [{ note: 1 }, { note: 2 }], after: 'x' }, { c: 'last' }] };
    for (const indent of [0, 2]) {
      // Opened to the runs (2) their items are written whole, but for the one holding the lazy array.
      for (const openDepth of [2, 3]) {
        expect([...jsonChunks(value, { indent, openDepth })].join(''), `indent ${indent}, opened ${openDepth}`).toBe(JSON.stringify(plain, null, indent));
      }
    }
  });

  it('writes many whole items in batches of a few kilobytes, the same text as one by one', () => {
    const items = Array.from({ length: 5000 }, (_, index) => ({ index, text: 'x'.repeat(index % 300), nested: { list: [index, null] } }));
    for (const indent of [0, 2]) {
      const chunks = [...jsonChunks({ report: { items } }, { indent, openDepth: 3 })];
      expect(chunks.join('')).toBe(JSON.stringify({ report: { items } }, null, indent));
      // Fewer chunks than items (batched), none of them large.
      expect(chunks.length).toBeLessThan(items.length / 4);
      expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThan(32 * 1024);
    }
  });

  it('batches small chunks without changing the text', () => {
    const pieces = Array.from({ length: 1000 }, (_, index) => `${index},`);
    const out = [...batched(pieces, 100)];
    expect(out.join('')).toBe(pieces.join(''));
    expect(out.length).toBeGreaterThan(10);
    expect(Math.max(...out.map((chunk) => chunk.length))).toBeLessThan(110);
  });
});

describe('streaming outputs match the previous whole-string formats', () => {
  for (const { name, report, estate } of examples()) {
    it(`JSON, byte for byte, with and without fix plans (${name})`, () => {
      expect(formatJson(report)).toBe(previousJson(report));
      const fixPlans = planFindings(report.results, estate, { rules: ALL_RULES, now: NOW });
      expect(formatJson(report, { fixPlans, armEndpoint: 'https://management.usgovcloudapi.net' })).toBe(previousJson(report, { fixPlans, armEndpoint: 'https://management.usgovcloudapi.net' }));
      // Compact is the same document on one line.
      const compact = formatJson(report, { fixPlans, compact: true });
      expect(compact.trimEnd()).not.toContain('\n');
      expect(JSON.parse(compact)).toEqual(JSON.parse(previousJson(report, { fixPlans })));
    });

    it(`CSV, byte for byte (${name})`, () => {
      expect(formatCsv(report)).toBe(previousCsv(report));
    });

    it(`SARIF, byte for byte, compact parsing the same (${name})`, () => {
      const options = { artifactUri: 'examples/estate.json', rules: ALL_RULES, lineOf: previousLineLocator(EXAMPLE_TEXT) };
      expect(formatSarif(report, options)).toBe(previousSarif(report, options));
      expect(JSON.parse(formatSarif(report, { ...options, compact: true }))).toEqual(JSON.parse(previousSarif(report, options)));
    });
  }

  it('finds every resource id on the line the previous search found it', () => {
    const ids = [...EXAMPLE_TEXT.matchAll(/"(\/subscriptions\/[^"]+)"/g)].map((match) => match[1] ?? '');
    expect(ids.length).toBeGreaterThan(10);
    const previous = previousLineLocator(EXAMPLE_TEXT);
    const lines = lineIndex(EXAMPLE_TEXT, [...ids, '/subscriptions/not-there', 'not-an-id']);
    for (const id of ids) expect(lines.get(id)).toBe(previous(id));
    expect(lines.get('/subscriptions/not-there')).toBeUndefined();
  });

  it('finds ids in a text without line breaks, and ids whose literal ends in an escaped backslash', () => {
    const ids = Array.from({ length: 2000 }, (_, index) => `/subscriptions/s/providers/x/service/a${index}`);
    const text = JSON.stringify(ids.map((id) => ({ id, note: 'a "/quoted" \\ value' })));
    const lines = lineIndex(text, ids);
    expect(lines.size).toBe(ids.length);
    expect(new Set(lines.values())).toEqual(new Set([1]));
    const backslashed = '/subscriptions/a\\';
    expect(lineIndex(`[\n"x\\\\",\n${JSON.stringify(backslashed)}\n]`, [backslashed]).get(backslashed)).toBe(3);
  });

  it('skips escaped quotes and finds ids after them', () => {
    const text = '[\n{"note": "say \\"/subscriptions/a\\"",\n "id": "/subscriptions/a"}\n]';
    expect(lineIndex(text, ['/subscriptions/a']).get('/subscriptions/a')).toBe(3);
  });
});

describe('a large estate is written in chunks, never as one string', () => {
  it('20,000 services complete in JSON, CSV and SARIF with every chunk small', () => {
    const rows = scaleEstate({ services: 20_000, subscriptions: 2_000, seed: 7 }).resources.filter((r) => String(r['type']).toLowerCase() === 'microsoft.apimanagement/service');
    const rules = ALL_RULES.filter((rule) => ['APIM-001', 'APIM-003', 'APIM-004'].includes(rule.meta.id));
    const report = auditEstate(normalizeEstate(rows), { rules, now: NOW, source: 'scale.json', version: '0' });
    expect(report.results.length).toBe(60_000);
    const formats: [string, Iterable<string>][] = [
      ['json', jsonReportChunks(report)],
      ['csv', csvChunks(report)],
      ['sarif', sarifChunks(report, { artifactUri: 'scale.json', rules: ALL_RULES, lineOf: () => 1 })],
    ];
    for (const [format, chunks] of formats) {
      let total = 0;
      let longest = 0;
      for (const chunk of batched(chunks)) {
        total += chunk.length;
        longest = Math.max(longest, chunk.length);
      }
      // Megabytes of report, none of it in a piece longer than a batch and one result.
      expect(total, format).toBeGreaterThan(5_000_000);
      expect(longest, format).toBeLessThan(80 * 1024);
    }
  });
});
