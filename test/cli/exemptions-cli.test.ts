import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { REPO_ROOT, runCliBinary, scratchDir, writeJson } from '../support/cli.js';

/**
 * Exemptions granted in Teams live in the bot's store; the CLI applies them in `audit` when it can
 * see that store (never creating one), marks them expired after their day, and lists them with the
 * configured ones in `apim-posture exemptions`.
 */
const SERVICE = '/subscriptions/6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a01/resourceGroups/rg-payments/providers/Microsoft.ApiManagement/service/apim-payments-weu';
const ALEX = '00000000-0000-0000-0000-000000000020';
const ESTATE = join(REPO_ROOT, 'examples', 'estate.json');
const dir = scratchDir();
const data = join(dir, 'data');
const env = { APIM_POSTURE_DATA: data, APIM_POSTURE_STORE: 'file' };
const config = writeJson(dir, 'config.json', {
  exemptions: [{ ruleId: 'APIM-001', resource: 'apim-payments-*', reason: 'TLS 1.0 clients retire in January', expires: '2026-12-31', owner: 'payments team' }],
});

interface Result {
  readonly ruleId: string;
  readonly serviceId: string;
  readonly outcome: string;
  readonly exemption?: { readonly reason: string; readonly expires: string; readonly expired: boolean };
}

function auditJson(args: readonly string[], runEnv: Record<string, string>): { results: Result[]; stderr: string } {
  const run = runCliBinary(['audit', '--estate', ESTATE, '--format', 'json', '--rules', 'APIM-001,APIM-004', '--fail-on', 'none', ...args], { env: runEnv });
  expect(run.code, run.stderr).toBe(0);
  return { results: (JSON.parse(run.stdout) as { results: Result[] }).results, stderr: run.stderr };
}

function apim004(results: readonly Result[]): Result | undefined {
  return results.find((result) => result.ruleId === 'APIM-004' && result.serviceId === SERVICE);
}

beforeAll(async () => {
  const store = await openStore({ kind: 'file', directory: data });
  await store.exemptions.add({ ruleId: 'APIM-004', resource: SERVICE, reason: 'Front Door with WAF in front', expires: '2027-01-31', ticket: 'https://tickets.example.com/SEC-1' }, ALEX);
});

describe('audit applies the exemptions granted in Teams', () => {
  it('hides the finding while the exemption holds, and says where the exemption came from', () => {
    const { results, stderr } = auditJson(['--as-of', '2026-12-03'], env);
    expect(apim004(results)).toMatchObject({ outcome: 'fail', exemption: { reason: 'Front Door with WAF in front', expires: '2027-01-31', expired: false } });
    expect(stderr).toContain(`apim-posture: applying 1 exemption granted in Teams (${data})`);
    const table = runCliBinary(['audit', '--estate', ESTATE, '--rules', 'APIM-004', '--as-of', '2026-12-03', '--fail-on', 'high'], { env });
    expect(table.stdout).toContain('exempted until 2027-01-31: Front Door with WAF in front');
    // The only APIM-004 failure (high) is exempted: it no longer fails the run, as it does without the store.
    expect(table.code).toBe(0);
    expect(runCliBinary(['audit', '--estate', ESTATE, '--rules', 'APIM-004', '--as-of', '2026-12-03', '--fail-on', 'high'], { env: { APIM_POSTURE_DATA: join(dir, 'none') } }).code).toBe(1);
  });

  it('plan makes no plan for a finding exempted in Teams, as for a configured exemption', () => {
    const run = runCliBinary(['plan', 'APIM-004', '--service', 'apim-payments-weu', '--estate', ESTATE, '--as-of', '2026-12-03'], { env });
    expect(run.stdout).toContain('APIM-004 fails on apim-payments-weu but is exempted until 2027-01-31 (Front Door with WAF in front); no plan is made.');
  });

  it('shows the finding again, marked, once the exemption expired', () => {
    const { results } = auditJson(['--as-of', '2027-02-01'], env);
    expect(apim004(results)?.exemption).toMatchObject({ expires: '2027-01-31', expired: true });
    const table = runCliBinary(['audit', '--estate', ESTATE, '--rules', 'APIM-004', '--as-of', '2027-02-01', '--fail-on', 'none'], { env }).stdout;
    expect(table).toContain('exemption expired 2027-01-31 (Front Door with WAF in front)');
  });

  it('without a store, audits with the configured exemptions only and creates no data directory', () => {
    const absent = join(scratchDir(), 'no-data');
    const { results, stderr } = auditJson(['--as-of', '2026-12-03'], { APIM_POSTURE_DATA: absent });
    expect(apim004(results)?.exemption).toBeUndefined();
    expect(stderr).not.toContain('granted in Teams');
    expect(existsSync(absent)).toBe(false);
    // Nor the default directory, in the working directory.
    const cwd = scratchDir();
    const run = runCliBinary(['audit', '--estate', ESTATE, '--fail-on', 'none'], { cwd, env: { APIM_POSTURE_DATA: '' } });
    expect(run.code).toBe(0);
    expect(existsSync(join(cwd, '.apim-posture'))).toBe(false);
  });

  it('a misconfigured store is one line and exit 2, not an audit that quietly ignores it', () => {
    const run = runCliBinary(['audit', '--estate', ESTATE], { env: { APIM_POSTURE_STORE: 'azure' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^apim-posture: APIM_POSTURE_STORE=azure needs [^\n]*\n$/);
  });
});

describe('apim-posture exemptions', () => {
  it('lists configured and stored exemptions with source, who, expiry, days left and expired, as JSON', () => {
    const run = runCliBinary(['exemptions', '--config', config, '--format', 'json', '--as-of', '2027-01-01'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      { source: 'configuration', ruleId: 'APIM-001', resource: 'apim-payments-*', reason: 'TLS 1.0 clients retire in January', expires: '2026-12-31', daysLeft: 0, expired: true, who: 'payments team' },
      {
        source: 'teams',
        id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) as unknown,
        ruleId: 'APIM-004',
        resource: SERVICE,
        reason: 'Front Door with WAF in front',
        expires: '2027-01-31',
        daysLeft: 30,
        expired: false,
        who: ALEX,
        ticket: 'https://tickets.example.com/SEC-1',
        createdAt: expect.any(String) as unknown,
      },
    ]);
  });

  it('as a table and as CSV', () => {
    const table = runCliBinary(['exemptions', '--config', config, '--as-of', '2027-01-01'], { env }).stdout.split('\n').filter(Boolean);
    expect(table[0]).toBe('SOURCE\tRULE\tEXPIRES\tLEFT\tWHO\tRESOURCE\tREASON');
    expect(table[1]).toBe('configuration\tAPIM-001\t2026-12-31\texpired\tpayments team\tapim-payments-*\tTLS 1.0 clients retire in January');
    expect(table[2]).toBe(`teams\tAPIM-004\t2027-01-31\t30 days\t${ALEX}\t${SERVICE}\tFront Door with WAF in front (https://tickets.example.com/SEC-1)`);
    const csv = runCliBinary(['exemptions', '--format', 'csv'], { env }).stdout.split('\r\n').filter(Boolean);
    expect(csv[0]).toBe('source,id,ruleId,resource,expires,daysLeft,expired,who,ticket,createdAt,reason');
    expect(csv).toHaveLength(2);
  });

  it('prints what the store holds without its control characters: an edited store cannot drive the terminal', async () => {
    const hostile = join(scratchDir(), 'data');
    const store = await openStore({ kind: 'file', directory: hostile });
    await store.exemptions.add({ ruleId: 'APIM-004', resource: SERVICE, reason: 'ok\u001b[2J\u001b]0;pwned\u0007 then\nnext line', expires: '2027-01-31' }, ALEX);
    const run = runCliBinary(['exemptions'], { env: { APIM_POSTURE_DATA: hostile } });
    expect(run.code).toBe(0);
    for (const control of ['\u001b', '\u0007', '\r']) expect(run.stdout).not.toContain(control);
    expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(run.stdout).toContain('ok [2J ]0;pwned  then next line');
  });

  it('without a store lists the configured ones and says so on stderr, creating nothing', () => {
    const absent = join(scratchDir(), 'no-data');
    const run = runCliBinary(['exemptions', '--config', config, '--format', 'json'], { env: { APIM_POSTURE_DATA: absent } });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { source: string }[]).map((listed) => listed.source)).toEqual(['configuration']);
    expect(run.stderr).toContain('no store here');
    expect(existsSync(absent)).toBe(false);
    expect(runCliBinary(['exemptions', 'nonsense'], { env }).code).toBe(2);
    expect(runCliBinary(['exemptions', '--format', 'xml'], { env }).code).toBe(2);
  });
});
