import { describe, expect, it } from 'vitest';
import { runCliBinary, scratchDir, writeJson } from '../support/cli.js';
import { apimService, childOf, GATEWAY, hardenedCustomProperties } from '../support/fixtures.js';
import { azRestRequest, bashWords, shellWords } from '../support/shell-words.js';

/** `apim-posture plan --format json`, as parsed. */
interface PlanOutput {
  ruleId: string;
  armEndpoint: string;
  services: {
    name: string;
    note?: string;
    plans: {
      ruleIds: string[];
      resourceIds: string[];
      summary: string;
      request: { method: string; url: string; path: string; apiVersion: string; headers: Record<string, string>; body: unknown };
      azRest?: string;
      notes: string[];
    }[];
  }[];
}

const dir = scratchDir();
const weak = apimService({
  name: 'apim-weak',
  properties: { customProperties: { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } },
});
/** Values a shell would expand or split: the command must carry them as they are. */
const HOSTILE_URL = `http://legacy.internal/it's/"$HOME"/\`id\`/$(touch pwned)/a;b|c&d`;
const backends = apimService({ name: "apim-o'brien" });
const estate = writeJson(dir, 'estate.json', [
  weak,
  apimService({ name: 'apim-strong' }),
  { ...backends, collectedChildren: ['backends', 'apis'] },
  { ...childOf(backends, 'backends/legacy', 'Microsoft.ApiManagement/service/backends', { url: HOSTILE_URL, protocol: 'http' }), etag: 'AAAAAAAQAAE=' },
  childOf(backends, 'backends/other', 'Microsoft.ApiManagement/service/backends', { url: 'http://other.internal/api', protocol: 'http' }),
]);

function planJson(args: readonly string[]): PlanOutput {
  const run = runCliBinary(['plan', ...args, '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as PlanOutput;
}

describe('apim-posture plan (built binary)', () => {
  it('prints summary, changes, preconditions, blast radius, the whole request and the az rest command', () => {
    const run = runCliBinary(['plan', 'APIM-001', '--service', 'apim-weak', '--estate', estate]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const url = `https://management.azure.com${String(weak['id'])}?api-version=2024-05-01`;
    for (const part of ['== APIM-001 on apim-weak ==', 'Changes:', `properties.customProperties['${GATEWAY}.Security.Protocols.Tls10']: "True" → "False"`, 'Preconditions:', 'Blast radius: ', `PATCH ${url}\n`, '  "properties": {', 'Azure CLI:\naz rest --method patch']) {
      expect(run.stdout).toContain(part);
    }
    expect(run.stdout).not.toContain('…');
    const command = run.stdout.split('\n').find((line) => line.startsWith('az rest '));
    if (command === undefined) throw new Error('no az rest command');
    const sent = azRestRequest(bashWords(command));
    expect(sent.url).toBe(url);
    expect(sent.body).toEqual(planJson(['APIM-001', '--service', 'apim-weak', '--estate', estate]).services[0]?.plans[0]?.request.body);
  });

  it('fix --dry-run prints the same plan; fix without --dry-run refuses in one line', () => {
    const args = ['APIM-001', '--service', 'apim-weak', '--estate', estate];
    const plan = runCliBinary(['plan', ...args]);
    const dryRun = runCliBinary(['fix', ...args, '--dry-run']);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toBe(plan.stdout);
    const apply = runCliBinary(['fix', ...args]);
    expect(apply.code).toBe(2);
    expect(apply.stdout).toBe('');
    expect(apply.stderr).toMatch(/^apim-posture: applying fixes is not available yet; [^\n]*--dry-run[^\n]*\n$/);
    // --dry-run belongs to fix: plan never changes anything, so it has no such option.
    expect(runCliBinary(['plan', ...args, '--dry-run']).code).toBe(2);
    // The form chat cards quote: the service right after the rule id.
    expect(runCliBinary(['plan', 'APIM-001', 'apim-weak', '--estate', estate]).stdout).toBe(plan.stdout);
  });

  it('carries hostile values through the az rest command exactly, as JSON and the shell read them', () => {
    const output = planJson(['APIM-025', '--service', "apim-o'brien", '--estate', estate]);
    const plans = output.services[0]?.plans ?? [];
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      if (plan.azRest === undefined) throw new Error('no command');
      const expected = { method: 'patch', url: plan.request.url, headers: plan.request.path.endsWith('/legacy') ? { 'If-Match': '"AAAAAAAQAAE="' } : { 'If-Match': '<ETag of a fresh GET of this resource>' }, body: plan.request.body };
      expect(azRestRequest(shellWords(plan.azRest))).toEqual(expected);
      expect(azRestRequest(bashWords(plan.azRest))).toEqual(expected);
    }
    expect(plans[0]?.request.body).toEqual({ properties: { url: `https${HOSTILE_URL.slice(4)}` } });
    expect(new URL(plans[0]?.request.url ?? '').pathname).toContain("/service/apim-o'brien/backends/legacy");
  });

  it('says why a service has no plan: it passes, or the rule is fixed by hand', () => {
    expect(planJson(['APIM-001', '--service', 'apim-strong', '--estate', estate]).services[0]?.note).toBe('APIM-001 passes on apim-strong: nothing to fix.');
    const manual = runCliBinary(['plan', 'APIM-005', '--service', 'apim-weak', '--estate', estate]);
    expect(manual.code).toBe(0);
    expect(manual.stdout).toContain('APIM-005 fails on apim-weak and has no automatic fix; `apim-posture explain APIM-005` says how to fix it by hand.');
  });

  it('refuses unknown services and rules, and a missing --service, in one line', () => {
    const typo = runCliBinary(['plan', 'APIM-001', '--service', 'apim-waek', '--estate', estate]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(`apim-posture: no APIM service named 'apim-waek' in ${estate}; did you mean apim-weak?\n`);
    const rule = runCliBinary(['plan', 'APIM-999', '--service', 'apim-weak', '--estate', estate]);
    expect(rule.code).toBe(2);
    expect(rule.stderr).toMatch(/^apim-posture: there is no rule "APIM-999"/);
    const none = runCliBinary(['plan', 'APIM-001', '--estate', estate]);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('apim-posture: plan needs the service to plan for: --service <name>, or the name after the rule id\n');
  });

  it('plans on a live target: the sandbox, with its ARM host in the URL', () => {
    const run = runCliBinary(['plan', 'APIM-001', '--service', 'apim-payments-legacy', '--format', 'json'], { env: { APIM_POSTURE_TARGET: '' } });
    expect(run.code, run.stderr).toBe(0);
    const output = JSON.parse(run.stdout) as PlanOutput;
    expect(output.armEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const plan = output.services[0]?.plans[0];
    expect(plan?.request.url).toBe(`${output.armEndpoint}${plan?.request.path ?? ''}?api-version=2024-05-01`);
  }, 60_000);
});

describe('apim-posture audit --format json: fix plans', () => {
  it('adds fixPlan to open failures whose rule plans fixes, and nothing else changes', () => {
    const run = runCliBinary(['audit', '--estate', estate, '--format', 'json', '--fail-on', 'none']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { results: { ruleId: string; outcome: string; resourceId: string; fix?: { kind: string }; fixPlan?: PlanOutput['services'][number]['plans'][number] }[] };
    const tls = report.results.find((r) => r.ruleId === 'APIM-001' && r.outcome === 'fail');
    expect(tls?.fixPlan?.request.url).toBe(`https://management.azure.com${String(weak['id'])}?api-version=2024-05-01`);
    expect(tls?.fixPlan?.azRest).toMatch(/^az rest --method patch --url 'https:\/\/management\.azure\.com\//);
    for (const result of report.results) {
      if (result.outcome !== 'fail' || result.fix?.kind === 'manual') expect(result.fixPlan, `${result.ruleId} ${result.outcome}`).toBeUndefined();
    }
    // The same plan as `plan` prints for that finding.
    const plan = planJson(['APIM-001', '--service', 'apim-weak', '--estate', estate]).services[0]?.plans[0];
    expect(tls?.fixPlan?.azRest).toBe(plan?.azRest);
  });
});
