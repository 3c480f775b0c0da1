import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EstateInputError, loadEstateFile, parseEstateText } from '../../src/estate/load-file.js';
import { scratchDir } from '../support/cli.js';
import { apimService, childOf } from '../support/fixtures.js';

const parse = (text: string | Uint8Array) => parseEstateText(typeof text === 'string' ? new TextEncoder().encode(text) : text, 'estate.json');

describe('parseEstateText', () => {
  it.each([
    ['truncated JSON', '[{"id": "/subscriptions/a"', /estate\.json is not valid JSON: .*line 1/],
    ['an object', '{"id": "x"}', /must hold a JSON array of ARM resources, but it holds an object/],
    ['a number', '42', /but it holds a number/],
    ['null', 'null', /but it holds null/],
    ['empty file', '   \n', /is empty/],
  ])('rejects %s with one clear line', (_name, text, message) => {
    expect(() => parse(text)).toThrow(EstateInputError);
    expect(() => parse(text)).toThrow(message);
    try {
      parse(text);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('rejects binary input', () => {
    expect(() => parse(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]))).toThrow(/contains binary data/);
    expect(() => parse(new Uint8Array([0x5b, 0xff, 0xfe, 0x5d]))).toThrow(/not valid UTF-8/);
  });

  it('accepts an array, a byte-order mark, and ARM/ARG response wrappers', () => {
    expect(parse('[1]')).toEqual([1]);
    expect(parse('\ufeff[2]')).toEqual([2]);
    expect(parse('{"value": [3], "nextLink": null}')).toEqual([3]);
    expect(parse('{"data": [4], "totalRecords": 1}')).toEqual([4]);
  });
});

describe('loadEstateFile', () => {
  const dir = scratchDir();
  const child = childOf(apimService({ name: 'apim-gone' }), 'apis/orders', 'Microsoft.ApiManagement/service/apis', { displayName: 'Orders' });

  it.each([
    ['an empty array', '[]', /holds no API Management service \(no resources at all\); nothing to audit/],
    ['an empty ARM list', '{"value": []}', /holds no API Management service \(no resources at all\)/],
    ['only children', JSON.stringify([child]), /holds no API Management service \(1 resource but none of type Microsoft\.ApiManagement\/service\)/],
  ])('rejects an estate with no service: %s', async (name, text, message) => {
    const path = join(dir, `${name.replace(/\W/g, '-')}.json`);
    writeFileSync(path, text);
    await expect(loadEstateFile(path)).rejects.toThrow(EstateInputError);
    await expect(loadEstateFile(path)).rejects.toThrow(message);
  });

  it('loads an estate with one service', async () => {
    const path = join(dir, 'one.json');
    writeFileSync(path, JSON.stringify([apimService({ name: 'apim-one' })]));
    expect((await loadEstateFile(path)).services.map((s) => s.name)).toEqual(['apim-one']);
  });
});
