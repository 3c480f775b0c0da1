import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliBinary, scratchDir } from '../support/cli.js';

/**
 * A live audit without Azure configuration reads the in-process sandbox: stderr says so first, in
 * every format, and the report itself names the target; machine formats get no banner on stdout.
 * runCliBinary gives every run an empty home directory and blanks the Azure variables.
 */
const BANNER = /^apim-posture: SANDBOX — local emulator with a made-up estate, not your Azure estate\. To audit real services, set APIM_POSTURE_TARGET=azure \(README, "Auditing live Azure \(or the sandbox\)"\)\.$/;

function homeWithAzureCli(): string {
  const home = scratchDir();
  mkdirSync(join(home, '.azure'));
  writeFileSync(join(home, '.azure', 'azureProfile.json'), '{"subscriptions": []}');
  return home;
}

describe('the sandbox made obvious (built binary)', () => {
  it('table: the banner is the first line, then how to use the Azure CLI login found, and the table says SANDBOX too', () => {
    const run = runCliBinary(['audit', '--env', 'prod', '--fail-on', 'none'], { env: { APIM_POSTURE_TARGET: '', HOME: homeWithAzureCli() } });
    expect(run.code).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(BANNER);
    expect(lines[1]).toBe(
      'apim-posture: Azure credentials found on this machine (~/.azure/azureProfile.json), but no Azure target is configured: run with APIM_POSTURE_TARGET=azure (or "azure": { "target": "azure" } in the --config file) to audit your Azure estate with them.',
    );
    expect(lines[2]).toMatch(/^apim-posture: auditing prod on sandbox at https:\/\/127\.0\.0\.1:\d+$/);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual(['APIM posture · prod', 'SANDBOX — local emulator with a made-up estate, not your Azure estate']);
  }, 60_000);

  it('json: no credentials hint on a machine without them, nothing but JSON on stdout, and the report says sandbox', () => {
    const run = runCliBinary(['audit', '--env', 'prod', '--format', 'json', '--fail-on', 'none'], { env: { APIM_POSTURE_TARGET: '' } });
    expect(run.code).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(BANNER);
    expect(lines[1]).toMatch(/^apim-posture: auditing prod on sandbox/);
    expect(lines).toHaveLength(2);
    const report = JSON.parse(run.stdout) as { scope: { target: string; targetKind: string } };
    expect(report.scope.targetKind).toBe('sandbox');
    expect(report.scope.target).toMatch(/^sandbox at https:\/\/127\.0\.0\.1:\d+$/);
  }, 60_000);

  it('sarif and csv name the sandbox as the target; a sandbox chosen on purpose gets the banner but no credentials hint', () => {
    const env = { APIM_POSTURE_TARGET: 'sandbox', HOME: homeWithAzureCli(), AZURE_TENANT_ID: 'contoso' };
    const sarif = runCliBinary(['audit', '--service', 'apim-payments-legacy', '--format', 'sarif', '--fail-on', 'none'], { env });
    expect(sarif.code).toBe(0);
    expect(sarif.stderr.split('\n')[0]).toMatch(BANNER);
    expect(sarif.stderr).not.toContain('credentials found');
    const log = JSON.parse(sarif.stdout) as { runs: { properties: Record<string, unknown>; results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const run = log.runs[0];
    expect(run?.properties['targetKind']).toBe('sandbox');
    expect(run?.properties['target']).toMatch(/^sandbox at https:/);
    expect(run?.properties['scope']).toMatch(/^service apim-payments-legacy = 1 service/);
    expect(run?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('sandbox/service-apim-payments-legacy');

    const csv = runCliBinary(['audit', '--service', 'apim-payments-legacy', '--format', 'csv', '--fail-on', 'none'], { env });
    const rows = csv.stdout.trimEnd().split('\r\n');
    expect(rows[0]?.endsWith(',fix,target')).toBe(true);
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows.slice(1)) expect(row).toMatch(/,sandbox at https:\/\/127\.0\.0\.1:\d+$/);
  }, 60_000);
});
