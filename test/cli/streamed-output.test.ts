import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliBinary, scratchDir } from '../support/cli.js';

const ESTATE = 'examples/estate.json';
const AS_OF = ['--as-of', '2026-06-01', '--fail-on', 'none'];

describe('audit --compact and --output: streamed reports', () => {
  it.each(['json', 'sarif'])('--compact %s is the same document on one line', (format) => {
    const pretty = runCliBinary(['audit', '--estate', ESTATE, '--format', format, ...AS_OF]);
    const compact = runCliBinary(['audit', '--estate', ESTATE, '--format', format, '--compact', ...AS_OF]);
    expect(pretty.code).toBe(0);
    expect(compact.code).toBe(0);
    expect(compact.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(pretty.stdout.split('\n').length).toBeGreaterThan(100);
    expect(JSON.parse(compact.stdout)).toEqual(JSON.parse(pretty.stdout));
  });

  it.each(['table', 'json', 'csv', 'sarif'])('--output writes exactly what standard output gets (%s)', (format) => {
    const out = join(scratchDir(), `report.${format}`);
    const written = runCliBinary(['audit', '--estate', ESTATE, '--format', format, '--output', out, ...AS_OF]);
    const printed = runCliBinary(['audit', '--estate', ESTATE, '--format', format, ...AS_OF]);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(printed.stdout);
    expect(printed.stdout.length).toBeGreaterThan(1000);
  });
});
