import { closeSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ESTATE_BYTES, EstateInputError, loadEstateFile, MAX_ESTATE_NESTING, maxEstateBytes, parseEstateText } from '../../src/estate/load-file.js';
import { runCliBinary, scratchDir } from '../support/cli.js';

/**
 * Files built to break the loader rather than the rules: nesting deep enough to overflow any
 * recursive walk, and sizes past what V8 can hold as one string. Each must end in one clear line.
 */
const dir = scratchDir();
const SERVICE_ID = '/subscriptions/s/resourceGroups/r/providers/Microsoft.ApiManagement/service/a';
const LEVELS = 100_000;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('estate nesting limit', () => {
  const deepArrays = write('deep-arrays.json', '['.repeat(LEVELS) + ']'.repeat(LEVELS));
  const deepResources = write(
    'deep-resources.json',
    `[${`{"type":"Microsoft.ApiManagement/service","id":"${SERVICE_ID}","properties":{},"resources":[`.repeat(LEVELS)}${']}'.repeat(LEVELS)}]`,
  );
  const deepProtocols = write(
    'deep-protocols.json',
    JSON.stringify([{ type: 'Microsoft.ApiManagement/service', id: SERVICE_ID, properties: {} }]).slice(0, -1) +
      `,{"type":"Microsoft.ApiManagement/service/apis","id":"${SERVICE_ID}/apis/x","properties":{"protocols":${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}}}]`,
  );

  it.each([
    ['[[[…]]] 100,000 levels', deepArrays],
    ['{"resources":[{"resources":[…]}]} 100,000 levels', deepResources],
    ['an API whose protocols nest 100,000 levels', deepProtocols],
  ])('%s: exit 2 with one line saying it is nested too deeply', (_label, path) => {
    const run = runCliBinary(['audit', '--estate', path, '--format', 'json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`apim-posture: ${path} is nested too deeply (more than ${MAX_ESTATE_NESTING} levels of arrays and objects); an estate export is never that deep\n`);
  });

  it('accepts exactly the limit and refuses one level more', () => {
    const nested = (levels: number) => `[${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}]`;
    expect(parseEstateText(bytes(nested(MAX_ESTATE_NESTING)), 'at-limit.json')).toHaveLength(1);
    expect(() => parseEstateText(bytes(nested(MAX_ESTATE_NESTING + 1)), 'over.json')).toThrow(EstateInputError);
    expect(() => parseEstateText(bytes(nested(MAX_ESTATE_NESTING + 1)), 'over.json')).toThrow(/nested too deeply/);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const tricky = JSON.stringify([{ name: '['.repeat(1000), quoted: '"[[[', slash: '\\', more: `\\"${'{'.repeat(500)}` }]);
    expect(parseEstateText(bytes(tricky), 'strings.json')).toHaveLength(1);
  });

  it('loadEstateFile refuses the deep file with EstateInputError, never a RangeError', async () => {
    await expect(loadEstateFile(deepResources)).rejects.toThrow(EstateInputError);
  });
});

describe('estate size limit', () => {
  /** A sparse file: its size is real to stat, but it takes no disk space and is never read. */
  function sparse(name: string, size: number): string {
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    ftruncateSync(fd, size);
    closeSync(fd);
    return path;
  }

  it('refuses a file above the default limit before reading it', async () => {
    const path = sparse('huge.json', DEFAULT_MAX_ESTATE_BYTES + 1);
    await expect(loadEstateFile(path)).rejects.toThrow(new EstateInputError(
      `${path} is 256.0 MB, larger than the 256 MB an estate file may have; split the estate or raise APIM_POSTURE_MAX_ESTATE_MB`,
    ));
  });

  it('APIM_POSTURE_MAX_ESTATE_MB lowers the limit for the CLI: exit 2, one line', () => {
    const padding = { type: 'Microsoft.Web/sites', id: 'x', name: 'y'.repeat(2 * 1024 * 1024) };
    const service = { type: 'Microsoft.ApiManagement/service', id: SERVICE_ID, name: 'a', sku: { name: 'Developer', capacity: 1 }, properties: {} };
    const path = write('two-mb.json', JSON.stringify([service, padding]));
    const run = runCliBinary(['audit', '--estate', path, '--fail-on', 'none'], { env: { APIM_POSTURE_MAX_ESTATE_MB: '1' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^apim-posture: .*two-mb\.json is 2\.0 MB, larger than the 1 MB an estate file may have; split the estate or raise APIM_POSTURE_MAX_ESTATE_MB\n$/);
    expect(runCliBinary(['audit', '--estate', path, '--fail-on', 'none'], { env: { APIM_POSTURE_MAX_ESTATE_MB: '3' } }).code).toBe(0);
  });

  it('reads the limit from the environment and refuses nonsense', () => {
    expect(maxEstateBytes({})).toBe(DEFAULT_MAX_ESTATE_BYTES);
    expect(maxEstateBytes({ APIM_POSTURE_MAX_ESTATE_MB: '' })).toBe(DEFAULT_MAX_ESTATE_BYTES);
    expect(maxEstateBytes({ APIM_POSTURE_MAX_ESTATE_MB: '1024' })).toBe(1024 * 1024 * 1024);
    expect(maxEstateBytes({ APIM_POSTURE_MAX_ESTATE_MB: '0.5' })).toBe(512 * 1024);
    for (const bad of ['0', '-1', 'lots', 'Infinity', 'NaN']) {
      expect(() => maxEstateBytes({ APIM_POSTURE_MAX_ESTATE_MB: bad })).toThrow(EstateInputError);
    }
  });
});
