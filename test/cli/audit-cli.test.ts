import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apimService, childOf, extensionOf, GATEWAY, hardenedCustomProperties } from '../support/fixtures.js';
import { runCliBinary, scratchDir, writeJson } from '../support/cli.js';

const dir = scratchDir();
const weak = apimService({
  name: 'apim-weak',
  identity: null,
  properties: { customProperties: { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } },
});
const strong = apimService({ name: 'apim-strong' });
const estatePath = writeJson(dir, 'estate.json', [
  strong,
  weak,
  childOf(weak, 'apis/orders', 'Microsoft.ApiManagement/service/apis', { displayName: 'Orders', protocols: ['http', 'https'] }),
]);

describe('apim-posture audit (built binary)', () => {
  it('prints a table grouped by service, worst first, and exits 1 when something fails', () => {
    const run = runCliBinary(['audit', '--estate', estatePath]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`APIM posture · ${estatePath}`);
    expect(run.stdout).toMatch(/2 services · \d+ rules · score \d+\/100/);
    const weakAt = run.stdout.indexOf('apim-weak');
    expect(weakAt).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/CRITICAL\s+APIM-001\s+TLS 1\.0\/1\.1 or SSL 3\.0 enabled/);
    expect(run.stdout).toContain(`properties.customProperties['…Security.Protocols.Tls10'] = "True" (expected "False")`);
    // Not a TTY: no colour codes in pipelines.
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('judges services without diagnostic settings as having none when the file holds some, and says so once', () => {
    const logged = apimService({ name: 'apim-logged' });
    const silent = apimService({ name: 'apim-silent' });
    const setting = extensionOf(logged, 'Microsoft.Insights/diagnosticSettings', 'to-law', { workspaceId: 'law', logs: [{ categoryGroup: 'allLogs', enabled: true }] });
    const file = writeJson(dir, 'diagnostics.json', [logged, silent, setting]);
    const table = runCliBinary(['audit', '--estate', file, '--rules', 'APIM-020', '--fail-on', 'none']);
    expect(table.code).toBe(0);
    const note = 'note: The file holds diagnostic settings for some services, so services without any were judged as having none.';
    expect(table.stdout.split(note)).toHaveLength(2);
    const json = runCliBinary(['audit', '--estate', file, '--rules', 'APIM-020', '--format', 'json', '--fail-on', 'none']);
    const report = JSON.parse(json.stdout) as { results: { outcome: string; serviceId: string }[] };
    expect(report.results.map((r) => [r.serviceId.split('/').pop(), r.outcome])).toEqual([
      ['apim-logged', 'pass'],
      ['apim-silent', 'fail'],
    ]);
  });

  it('honours --fail-on: nothing critical left after filtering to low rules means exit 0', () => {
    expect(runCliBinary(['audit', '--estate', estatePath, '--fail-on', 'none']).code).toBe(0);
    expect(runCliBinary(['audit', '--estate', writeJson(dir, 'strong.json', [strong]), '--rules', 'APIM-001']).code).toBe(0);
  });

  it('writes JSON with results, evidence and the estate counts', () => {
    const run = runCliBinary(['audit', '--estate', estatePath, '--format', 'json', '--rules', 'APIM-001']);
    const report = JSON.parse(run.stdout) as { results: { ruleId: string; outcome: string; resourceId: string }[]; summary: { services: number } };
    expect(report.summary.services).toBe(2);
    // Results keep estate order; the services list is what sorts worst first.
    expect(report.results.map((r) => [r.resourceId.split('/').pop(), r.outcome])).toEqual([
      ['apim-strong', 'pass'],
      ['apim-weak', 'fail'],
    ]);
  });

  it('writes CSV with a header and an outcome per result, not checked included', () => {
    const run = runCliBinary(['audit', '--estate', estatePath, '--format', 'csv', '--rules', 'APIM-001,APIM-024,APIM-020']);
    const rows = parseCsv(run.stdout);
    expect(rows[0]).toEqual(['ruleId', 'severity', 'outcome', 'exemption', 'service', 'resourceId', 'title', 'reason', 'evidence', 'fix', 'target']);
    // Every row says where its data came from (a live audit names Azure or the sandbox there).
    expect(new Set(rows.slice(1).map((row) => row[10]))).toEqual(new Set([`estate file ${estatePath}`]));
    const outcomes = rows.slice(1).map((row) => `${row[0]} ${row[4]} ${row[2]}`);
    expect(outcomes).toContain('APIM-001 apim-weak fail');
    // Diagnostic settings are read by deep live audits only: not checked, not passed, not n/a.
    expect(outcomes).toContain('APIM-020 apim-strong notChecked');
    expect(outcomes).toContain('APIM-024 apim-weak fail');
  });

  it('neutralises CSV cells that a spreadsheet would run as formulas, from names in the estate', () => {
    const names = ['=HYPERLINK("https://evil.example","x")', '+cmd', '-2+3', '@SUM(A1)', '\tlead', '\rlead'];
    const run = runCliBinary(['audit', '--estate', writeJson(dir, 'csv.json', names.map((name) => apimService({ name }))), '--format', 'csv', '--rules', 'APIM-001']);
    const rows = parseCsv(run.stdout).slice(1);
    expect(rows.map((row) => row[4]).sort()).toEqual(names.map((name) => `'${name}`).sort());
    // No cell anywhere starts with a formula character.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('shows not checked apart from not applicable, and coverage beside every score', () => {
    const run = runCliBinary(['audit', '--estate', estatePath, '--rules', 'APIM-001,APIM-020,APIM-024', '--verbose']);
    expect(run.stdout).toMatch(/2 services · 3 rules · score \d+\/100 · 3\/6 service rules checked/);
    expect(run.stdout).toMatch(/Not checked 3 · Not applicable 0/);
    expect(run.stdout).toMatch(/^apim-weak {2}score \d+\/100 · 2\/3 rules checked/m);
    expect(run.stdout).toMatch(/^ {2}unchecked +APIM-020 +This rule needs diagnostic settings/m);
    expect(run.stdout).toMatch(/^ {2}APIM-020 on 2 services: This rule needs diagnostic settings/m);
    const json = JSON.parse(runCliBinary(['audit', '--estate', estatePath, '--rules', 'APIM-001,APIM-020,APIM-024', '--format', 'json']).stdout) as {
      summary: { notChecked: number; coverage: unknown };
      services: { name: string; coverage: unknown }[];
      notCheckedRules: { ruleId: string; services: number }[];
    };
    expect(json.summary.notChecked).toBe(3);
    expect(json.summary.coverage).toEqual({ checked: 3, applicable: 6 });
    expect(json.services.map((s) => [s.name, s.coverage])).toEqual([
      ['apim-weak', { checked: 2, applicable: 3 }],
      ['apim-strong', { checked: 1, applicable: 3 }],
    ]);
    expect(json.notCheckedRules).toMatchObject([
      { ruleId: 'APIM-020', services: 2 },
      { ruleId: 'APIM-024', services: 1 },
    ]);
  });

  it('writes the report to --output and says so on stderr', () => {
    const out = join(dir, 'report.json');
    const run = runCliBinary(['audit', '--estate', estatePath, '--format', 'json', '--output', out]);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`wrote json report to ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('summary');
  });

  it('audits the rest of the estate when one resource is broken, reporting an error for it', () => {
    const broken = { ...apimService({ name: 'apim-broken' }), properties: null };
    const run = runCliBinary(['audit', '--estate', writeJson(dir, 'broken.json', [broken, strong]), '--format', 'json', '--rules', 'APIM-001']);
    const report = JSON.parse(run.stdout) as { results: { outcome: string; reason: string }[] };
    expect(report.results.map((r) => r.outcome)).toEqual(['error', 'pass']);
    expect(report.results[0]?.reason).toContain('properties is null');
    expect(run.code).toBe(0);
  });

  it('applies exemptions from --config and marks them in the table', () => {
    const config = writeJson(dir, 'config.json', {
      exemptions: [{ ruleId: 'APIM-001', resource: 'apim-weak', reason: 'legacy partner until Q1', expires: '2099-01-31', owner: 'team-payments' }],
    });
    const run = runCliBinary(['audit', '--estate', estatePath, '--config', config, '--rules', 'APIM-001']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('exempted until 2099-01-31: legacy partner until Q1');
    const expired = writeJson(dir, 'expired.json', { exemptions: [{ ruleId: 'APIM-001', resource: 'apim-weak', reason: 'old', expires: '2020-01-01' }] });
    const again = runCliBinary(['audit', '--estate', estatePath, '--config', expired, '--rules', 'APIM-001']);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('exemption expired 2020-01-01 (old) — finding shown again');
  });

  it.each([
    ['truncated JSON', '[{"id":', /is not valid JSON/],
    ['not an array', '{"id":"x"}', /must hold a JSON array/],
    ['binary', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]), /not a JSON text file/],
    ['no services', '{"value": []}', /holds no API Management service \(no resources at all\); nothing to audit/],
  ])('exits 2 with one clear line for %s', (_name, content, message) => {
    const path = join(dir, `bad-${_name.replace(/\W/g, '')}.json`);
    writeFileSync(path, content);
    const run = runCliBinary(['audit', '--estate', path]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['audit'], /audit needs a scope: --env <name>, --subscription <id>, --service <name> or --estate <file.json>/],
    [['audit', '--env', 'prod', '--estate', 'x.json'], /either --estate or a live scope/],
    [['audit', '--estate', 'x.json', '--deep'], /--deep and --save-estate apply to live audits/],
    [['audit', '--estate', 'missing.json'], /cannot read estate file missing.json: no such file/],
    [['audit', '--estate', 'x.json', '--format', 'xml'], /unknown format "xml"/],
    [['audit', '--estate', 'x.json', '--fail-on', 'severe'], /unknown severity "severe"/],
    [['audit', '--estate', 'x.json', '--rules', 'APIM-999'], /unknown rule APIM-999/],
    [['audit', '--estate', 'x.json', '--frobnicate'], /Unknown option '--frobnicate'.*\(see --help\)/],
    [['audit', '--estate', 'x.json', '--as-of', 'soon'], /--as-of needs a date/],
    [['deploy'], /unknown command "deploy"/],
  ])('exits 2 on usage error %j', (args, message) => {
    const run = runCliBinary(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('apim-posture rules and explain (built binary)', () => {
  it('lists every rule', () => {
    const run = runCliBinary(['rules']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^APIM-001\s+critical\s+guarded\s+ARG\s+Legacy TLS\/SSL protocols are disabled$/m);
  });

  it('explains a rule from its docs, accepting a loosely typed id', () => {
    const run = runCliBinary(['explain', 'apim-1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^APIM-001 · Legacy TLS\/SSL protocols are disabled · Critical$/m);
    for (const heading of ['SYNOPSIS', 'WHY IT MATTERS', 'HOW TO FIX', 'HOW IT IS CHECKED', 'UPSTREAM REFERENCES']) expect(run.stdout).toContain(heading);
    expect(run.stdout).toContain('PSRule for Azure: Azure.APIM.Protocols, AZR-000054');
  });

  it('explains in Markdown identical to the generated docs page', () => {
    const run = runCliBinary(['explain', 'APIM-001', '--format', 'markdown']);
    expect(run.stdout).toBe(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rules', 'APIM-001.md'), 'utf8'));
  });

  it('says which rules exist when the id is unknown', () => {
    const run = runCliBinary(['explain', 'APIM-404']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/there is no rule "APIM-404"; rules are APIM-001 … APIM-0\d\d/);
  });
});

/** RFC 4180 rows, so tests assert the cell text a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text.charAt(i + 1) === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += ch;
  }
  return rows;
}
