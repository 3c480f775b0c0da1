import { describe, expect, it } from 'vitest';
import { runCliBinary } from '../support/cli.js';

interface LiveReport {
  scope: { echo: string; target: string };
  services: { name: string; subscriptionId: string }[];
  results: { ruleId: string; outcome: string; serviceId: string }[];
  coverage: { complete: boolean };
}

describe('apim-posture audit --env prod (built binary, sandbox started in-process)', () => {
  it('audits the seeded prod estate across several subscriptions and says which target it used', () => {
    const run = runCliBinary(['audit', '--env', 'prod', '--format', 'json', '--fail-on', 'none'], { env: { APIM_POSTURE_TARGET: '' } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^apim-posture: SANDBOX — local emulator[^\n]*\napim-posture: auditing prod on sandbox at https:\/\/127\.0\.0\.1:\d+/);
    const report = JSON.parse(run.stdout) as LiveReport;
    expect(report.scope.echo).toMatch(/^prod = \d+ services in 2 subscriptions \(payments-prod, identity-prod\), tag env or environment = prod\/production; searched 4 subscriptions$/);
    expect(new Set(report.services.map((s) => s.subscriptionId)).size).toBe(2);
    expect(report.results.some((r) => r.outcome === 'fail')).toBe(true);
    expect(report.coverage.complete).toBe(true);
  }, 60_000);

  it('prints the table with the scope echo and exits 1 on findings', () => {
    const run = runCliBinary(['audit', '--env', 'prod', '--deep'], { env: { APIM_POSTURE_TARGET: '' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Scope: prod = \d+ services in 2 subscriptions/m);
    expect(run.stdout).toMatch(/CRITICAL\s+APIM-001/);
  }, 60_000);

  it('catches a mistyped environment before contacting anything', () => {
    const run = runCliBinary(['audit', '--env', 'prd']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('apim-posture: I don\'t know the environment "prd". Did you mean prod? Known environments: prod, dev, test, sandbox.\n');
  });

  it('a service name that matches nothing is an error with a suggestion, never a clean report', () => {
    const run = runCliBinary(['audit', '--env', 'prod', '--service', 'apim-paymnts'], { env: { APIM_POSTURE_TARGET: '' } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(
      "apim-posture: no APIM service named 'apim-paymnts' in prod; did you mean apim-payments-legacy, apim-payments-prod-weu or apim-payments-prod-eus2?",
    );
    expect(lines).toHaveLength(3); // the sandbox banner, what is audited, the error
  }, 60_000);

  it('one unknown name among several services is an error too', () => {
    const run = runCliBinary(['audit', '--service', 'apim-identity-ops', '--service', 'apim-idnetity-b2c-prod', '--format', 'json'], { env: { APIM_POSTURE_TARGET: '' } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(
      "apim-posture: no APIM service named 'apim-idnetity-b2c-prod' in the 4 subscriptions searched; did you mean apim-identity-b2c-prod?",
    );
  }, 60_000);

  it('an environment that matches no service is an error, not "no findings"', () => {
    const run = runCliBinary(['audit', '--env', 'test', '--format', 'sarif'], { env: { APIM_POSTURE_TARGET: '' } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(
      'apim-posture: test matched no API Management service in 4 subscriptions (tag env or environment = test); check the subscriptions and tags of this environment',
    );
  }, 60_000);
});
