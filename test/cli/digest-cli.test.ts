import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoWeek } from '../../src/digest/iso-week.js';
import type { Digest } from '../../src/digest/digest.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { isService } from '../../src/sandbox/state.js';
import type { JsonObject } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import { REPO_ROOT, scratchDir, withoutAzureCredentials, writeJson, type CliRun } from '../support/cli.js';
import { GATEWAY, hardenedCustomProperties } from '../support/fixtures.js';

/**
 * A scripted week of audits: the built binary audits a sandbox this test changes between audits,
 * recording into a temporary store, then `digest --format json` reads the figures back. The
 * sandbox runs in this process, so the binary runs asynchronously (a synchronous spawn would
 * stop the sandbox from answering).
 */
const DAY = 24 * 60 * 60 * 1000;
const dir = scratchDir();
const data = join(dir, 'data');
let sandbox: Sandbox;
let targetEnv: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox();
  const caFile = join(dir, 'sandbox-ca.pem');
  writeFileSync(caFile, sandbox.caPem);
  targetEnv = { APIM_POSTURE_TARGET: '', APIM_POSTURE_ARM_ENDPOINT: sandbox.url, APIM_POSTURE_CREDENTIAL: 'sandbox', NODE_EXTRA_CA_CERTS: caFile, APIM_POSTURE_DATA: data };
}, 60_000);

afterAll(async () => {
  await sandbox.close();
});

function run(args: readonly string[], env: Record<string, string> = {}, cwd = REPO_ROOT): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '', ...withoutAzureCredentials(), ...targetEnv, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** Replaces a sandbox service's gateway protocol settings, as a person fixing (or breaking) it would. */
function setProtocols(name: string, customProperties: JsonObject): void {
  const service = [...sandbox.state.all()].find((resource) => isService(resource) && resource['name'] === name);
  if (service === undefined) throw new Error(`no sandbox service ${name}`);
  sandbox.state.put({ ...service, properties: { ...(service['properties'] as JsonObject), customProperties } });
}

function servicePropertiesOf(name: string): JsonObject {
  const service = [...sandbox.state.all()].find((resource) => isService(resource) && resource['name'] === name);
  return (service?.['properties'] as JsonObject | undefined)?.['customProperties'] as JsonObject;
}

async function digest(args: readonly string[]): Promise<Digest> {
  const result = await run(['digest', '--env', 'prod', '--format', 'json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Digest;
}

const names = (findings: readonly { ruleId: string; service: string }[]): string[] => findings.map((finding) => `${finding.ruleId} ${finding.service}`);
const day = (time: number): string => new Date(time).toISOString().slice(0, 10);

describe('apim-posture digest after a scripted sequence of audits (built binary, sandbox)', () => {
  it('reports new, resolved and reopened findings, exemptions, overdue findings at a later date, and the weekly trend', async () => {
    const legacyProtocols = servicePropertiesOf('apim-payments-legacy');
    const config = writeJson(dir, 'config.json', {
      exemptions: [{ ruleId: 'APIM-004', resource: 'apim-payments-legacy', reason: 'Migration in progress.', expires: day(Date.now() + 10 * DAY), owner: 'alice' }],
    });

    // 1: the seeded estate.
    const first = await run(['audit', '--env', 'prod', '--fail-on', 'none', '--format', 'json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/apim-posture: recorded the posture of prod \(score \d+, \d+ open\) for the digest in /);
    const afterFirst = new Date();

    // 2: legacy's gateway protocols fixed.
    setProtocols('apim-payments-legacy', hardenedCustomProperties());
    expect((await run(['audit', '--env', 'prod', '--fail-on', 'none'])).code).toBe(0);
    const afterSecond = new Date();

    // 3: legacy broken again, TLS 1.0 newly on in identity, a public-access finding exempted (config).
    setProtocols('apim-payments-legacy', legacyProtocols);
    setProtocols('apim-identity-prod-neu', { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' });
    expect((await run(['audit', '--env', 'prod', '--fail-on', 'none', '--config', config])).code).toBe(0);

    const week1 = await digest(['--since', afterFirst.toISOString(), '--as-of', afterSecond.toISOString()]);
    expect(names(week1.resolved)).toContain('APIM-001 apim-payments-legacy');
    expect(week1.added).toEqual([]);
    expect(week1.score).toBeGreaterThan(week1.previousScore ?? 100);

    const week2 = await digest(['--since', afterSecond.toISOString(), '--config', config]);
    expect(names(week2.added)).toEqual(['APIM-001 apim-identity-prod-neu']);
    expect(names(week2.reopened)).toContain('APIM-001 apim-payments-legacy');
    expect(names(week2.reopened).every((name) => name.endsWith('apim-payments-legacy'))).toBe(true);
    // Exempted is not resolved; the exemption ends within 14 days.
    expect(names(week2.resolved)).not.toContain('APIM-004 apim-payments-legacy');
    expect(week2.exempted).toBe(1);
    expect(week2.exemptionsExpiring).toEqual([expect.objectContaining({ ruleId: 'APIM-004', daysLeft: 10, owner: 'alice', source: 'config', services: ['apim-payments-legacy'] })]);
    // Owners come from the services' tags; apim-identity-b2c-prod has none.
    expect(week2.owners.map((owner) => owner.owner)).toEqual(expect.arrayContaining(['team-payments', 'team-identity', null]));
    expect(week2.owners.at(-1)?.services).toEqual(['apim-identity-b2c-prod']);
    // 40 days on: critical and high findings are past their SLA, medium ones not, low ones never.
    const later = await digest(['--as-of', new Date(Date.now() + 40 * DAY).toISOString()]);
    expect(later.overdueBySeverity.critical).toBeGreaterThan(0);
    expect(later.overdueBySeverity.high).toBeGreaterThan(0);
    expect(later.overdueBySeverity.medium).toBe(0);
    expect(later.overdueBySeverity.low).toBe(0);
    expect(later.overdue.every((finding) => finding.openDays > finding.slaDays)).toBe(true);
    expect(names(later.overdue)).toContain('APIM-001 apim-payments-legacy');
    // A finding open through all three audits keeps its first sighting from the first one.
    const firstAuditAt = (await digest(['--since', new Date(afterFirst.getTime() - DAY).toISOString(), '--as-of', afterFirst.toISOString()])).auditedAt;
    expect(later.overdue.find((finding) => finding.ruleId === 'APIM-002' && finding.service === 'apim-payments-prod-eus2')?.firstSeen).toBe(firstAuditAt);

    // Two weeks on, the trend shows this week's last score two weeks back and nothing since.
    const trend = (await digest(['--as-of', new Date(Date.now() + 14 * DAY).toISOString()])).trend;
    expect(trend).toHaveLength(8);
    expect(trend[5]).toEqual({ week: isoWeek(new Date()), score: week2.score });
    expect([trend[6]?.score, trend[7]?.score]).toEqual([null, null]);

    // Markdown: the same figures, each line with its command.
    const markdown = await run(['digest', '--env', 'prod', '--since', afterSecond.toISOString(), '--config', config]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('## New since');
    expect(markdown.stdout).toContain('- apim-identity-prod-neu: APIM-001 critical, owner team-identity — `apim-posture plan APIM-001 apim-identity-prod-neu --env prod`');
    expect(markdown.stdout).toMatch(/- APIM-004 on apim-payments-legacy ends \d{4}-\d\d-\d\d \(in 10 days, owner alice\) — fix it or renew the exemption: `apim-posture plan APIM-004 apim-payments-legacy --env prod`/);
    expect(markdown.stdout).toContain('- no owner tag: apim-identity-b2c-prod');
  }, 180_000);

  it('counts fixes applied and reverted in the period from the audit log', async () => {
    const store = await openStore({ kind: 'file', directory: data });
    const legacy = '/subscriptions/3f6b9c2e-7a41-4d8e-b5c0-91e2d4a7f013/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-legacy';
    const dev = '/subscriptions/5c0e8b21-d3f4-4a69-9172-e84b6f3a0d5c/resourceGroups/rg-shared-dev/providers/Microsoft.ApiManagement/service/apim-shared-dev';
    for (const [kind, subject] of [['fix.sending', legacy], ['fix.verified', legacy], ['fix.verified', dev], ['revert.verified', legacy]] as const) {
      await store.auditLog.append({ kind, actor: 'system', subject, details: {} });
    }
    const { fixes } = await digest([]);
    expect([fixes.applied, fixes.reverted]).toEqual([1, 1]);
  }, 60_000);

  it('records only real audits of a whole environment', async () => {
    const count = async (): Promise<number> => (await (await openStore({ kind: 'file', directory: data })).history.list('prod', { limit: 1000 })).items.length;
    const before = await count();
    const partial = [
      ['audit', '--env', 'prod', '--service', 'apim-payments-legacy', '--fail-on', 'none'],
      ['audit', '--env', 'prod', '--rules', 'APIM-001', '--fail-on', 'none'],
      ['audit', '--env', 'prod', '--as-of', '2026-01-01', '--fail-on', 'none'],
      ['audit', '--env', 'prod', '--subscription', '3f6b9c2e-7a41-4d8e-b5c0-91e2d4a7f013', '--fail-on', 'none'],
    ];
    for (const args of partial) {
      const result = await run(args);
      expect(result.code).toBe(0);
      expect(result.stderr).not.toContain('recorded');
    }
    // The sandbox nobody chose (no Azure configuration at all) is a demo, not an environment's history.
    const demo = await run(['audit', '--env', 'prod', '--fail-on', 'none'], { APIM_POSTURE_ARM_ENDPOINT: '', APIM_POSTURE_CREDENTIAL: '' });
    expect(demo.code).toBe(0);
    expect(demo.stderr).toMatch(/SANDBOX/);
    expect(demo.stderr).not.toContain('recorded');
    expect(await count()).toBe(before);
  }, 180_000);

  it('a store that cannot be written warns and leaves the audit\'s report and exit code alone', async () => {
    // A store that reads (the audit applies its exemptions) but whose history collection is a file.
    const historyName = readdirSync(join(data, 'records')).find((name) => name.startsWith('history-'));
    if (historyName === undefined) throw new Error('the earlier audits recorded no history');
    const broken = join(scratchDir(), 'data');
    mkdirSync(join(broken, 'records'), { recursive: true });
    writeFileSync(join(broken, 'records', historyName), 'not a directory');
    const result = await run(['audit', '--env', 'prod', '--format', 'json', '--fail-on', 'critical'], { APIM_POSTURE_DATA: broken });
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/^apim-posture: warning: could not record the posture of prod: .+$/m);
  }, 60_000);

  it('without a configured store a plain audit creates no data directory', async () => {
    const cwd = scratchDir();
    const result = await run(['audit', '--env', 'prod', '--fail-on', 'none'], { APIM_POSTURE_DATA: '' }, cwd);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('recorded');
    expect(existsSync(join(cwd, '.apim-posture'))).toBe(false);
    const digestRun = await run(['digest', '--env', 'prod'], { APIM_POSTURE_DATA: '' }, cwd);
    expect(digestRun.code).toBe(2);
    expect(digestRun.stderr).toBe('apim-posture: no posture history for prod: no store is set up; set APIM_POSTURE_DATA (or APIM_POSTURE_STORE=azure with APIM_POSTURE_STORAGE_*) and run `apim-posture audit --env prod` first\n');
    expect(existsSync(join(cwd, '.apim-posture'))).toBe(false);
  }, 60_000);

  it('says what to do when there is no history, and refuses an unknown format with the usage hint', async () => {
    const none = await run(['digest', '--env', 'dev']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`apim-posture: no posture history for dev in ${data}; run \`apim-posture audit --env dev\` first\n`);
    const format = await run(['digest', '--env', 'prod', '--format', 'html']);
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('apim-posture: --format must be markdown or json, not "html" (see apim-posture digest --help)\n');
    const unknown = await run(['digest', '--env', 'prd']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^apim-posture: I don't know the environment "prd"\. Did you mean prod\?/);
    const help = await run(['--help']);
    expect(help.stdout).toContain('digest --env <name>');
  }, 60_000);
});
