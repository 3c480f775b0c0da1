import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSpecs, MANIFEST, resolveRef } from '../../scripts/refresh-azure-specs.js';
import { SPECS_ROOT } from '../support/azure-contract.js';

type Json = Record<string, unknown>;

/** The vendored files as the refresh script would find them upstream: extracting them again must change nothing. */
function vendored(): Map<string, Json> {
  const files = new Map<string, Json>();
  const queue = Object.keys(MANIFEST);
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === undefined || files.has(file)) continue;
    const doc = JSON.parse(readFileSync(join(SPECS_ROOT, file), 'utf8')) as Json;
    files.set(file, doc);
    for (const ref of JSON.stringify(doc).match(/"\$ref":"[^"#]*\.json#[^"]*"/g) ?? []) {
      const target = resolveRef(file, ref.slice(8, -1)).split('#')[0] ?? '';
      if (!target.includes('/examples/')) queue.push(target);
    }
  }
  return files;
}

describe('scripts/refresh-azure-specs.ts', () => {
  it('keeps only the listed operations and what they reach, and drops prose', () => {
    const upstream = new Map<string, Json>([
      ['spec/a.json', {
        swagger: '2.0', info: { title: 'A', version: '2024-05-01', description: 'prose' }, security: [{}],
        paths: {
          '/x': { get: { operationId: 'X_Get', tags: ['X'], description: 'prose', parameters: [{ $ref: './b.json#/parameters/P' }], responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/X' } } } } },
          '/y': { get: { operationId: 'Y_Get', responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/Y' } } } } },
        },
        definitions: {
          X: { type: 'object', description: 'prose', properties: { description: { type: 'string', description: 'a property named description' }, kind: { type: 'string', enum: ['a'], 'x-ms-enum': { name: 'K', modelAsString: true, values: [{ value: 'a', description: 'prose' }] } } } },
          Y: { type: 'object' },
        },
      }],
      ['spec/b.json', { swagger: '2.0', info: { title: 'B', version: '1' }, paths: {}, parameters: { P: { name: 'api-version', in: 'query', required: true, type: 'string' }, Q: { name: 'q', in: 'query', type: 'string' } } }],
    ]);
    const out = extractSpecs(upstream, { 'spec/a.json': ['X_Get'] });
    expect(out.get('spec/a.json')).toEqual({
      swagger: '2.0', info: { title: 'A', version: '2024-05-01' },
      paths: { '/x': { get: { operationId: 'X_Get', parameters: [{ $ref: './b.json#/parameters/P' }], responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/X' } } } } } },
      definitions: { X: { type: 'object', properties: { description: { type: 'string' }, kind: { type: 'string', enum: ['a'], 'x-ms-enum': { name: 'K', modelAsString: true } } } } },
      parameters: {},
    });
    expect(out.get('spec/b.json')?.['parameters']).toEqual({ P: { name: 'api-version', in: 'query', required: true, type: 'string' } });
    expect(() => extractSpecs(upstream, { 'spec/a.json': ['Z_Get'] })).toThrow('spec/a.json: no operation Z_Get');
  });

  it('is a fixed point on the vendored extracts: they hold exactly what the listed operations need', () => {
    const files = vendored();
    const extracted = extractSpecs(files);
    for (const [file, doc] of files) expect({ file, doc: extracted.get(file) }).toEqual({ file, doc });
    expect([...extracted.keys()].sort()).toEqual([...files.keys()].sort());
  });
});
