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

  describe('--findings-only', () => {
    it('json lists only failures and errors, says so, and counts every outcome as the full report does', () => {
      const full = JSON.parse(runCliBinary(['audit', '--estate', ESTATE, '--format', 'json', ...AS_OF]).stdout) as JsonReport;
      const run = runCliBinary(['audit', '--estate', ESTATE, '--format', 'json', '--findings-only', ...AS_OF]);
      expect(run.code).toBe(0);
      const findings = JSON.parse(run.stdout) as JsonReport;
      expect(findings.resultsKept).toBe('findings');
      expect(full.resultsKept).toBeUndefined();
      expect(findings.results.map((r) => `${r.ruleId} ${r.resourceId}`)).toEqual(
        full.results.filter((r) => r.outcome === 'fail' || r.outcome === 'error').map((r) => `${r.ruleId} ${r.resourceId}`),
      );
      expect(findings.results.length).toBeGreaterThan(0);
      expect(full.results.some((r) => r.outcome === 'pass')).toBe(true);
      expect(findings.summary).toEqual(full.summary);
      expect(findings.services).toEqual(full.services);
    });

    it('csv has one row per failure or error', () => {
      const full = runCliBinary(['audit', '--estate', ESTATE, '--format', 'csv', ...AS_OF]).stdout.trimEnd().split('\r\n');
      const run = runCliBinary(['audit', '--estate', ESTATE, '--format', 'csv', '--findings-only', ...AS_OF]);
      expect(run.code).toBe(0);
      const rows = run.stdout.trimEnd().split('\r\n');
      const outcome = (row: string): string | undefined => row.split(',')[2];
      expect(rows[0]).toBe(full[0]);
      expect(rows.slice(1)).toEqual(full.slice(1).filter((row) => outcome(row) === 'fail' || outcome(row) === 'error'));
      expect(rows.length).toBeLessThan(full.length);
    });

    it.each(['table', 'sarif'])('is a usage error with %s, which lists findings only already', (format) => {
      const run = runCliBinary(['audit', '--estate', ESTATE, '--format', format, '--findings-only', ...AS_OF]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--findings-only is for json and csv');
    });
  });
});

interface JsonReport {
  readonly resultsKept?: string;
  readonly summary: unknown;
  readonly services: unknown;
  readonly results: readonly { readonly ruleId: string; readonly resourceId: string; readonly outcome: string }[];
}
