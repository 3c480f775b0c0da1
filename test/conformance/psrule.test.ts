import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/rules/types.js';
import { REPO_ROOT, runCliBinary, scratchDir, writeJson } from '../support/cli.js';

/**
 * Runs PSRule for Azure's public APIM fixture through the CLI and compares every mapped rule with
 * the outcomes the upstream Pester test asserts (test/fixtures/psrule/expected.json; source and
 * licence beside it).
 *
 * Mapping: a PSRule rule maps to our rule whose `sources.psrule` names it. PSRule judges a
 * top-level child entry (namedvalue-A, policy-B, api-policy-C …) as a target of its own, and a
 * service only with the children nested in it. The harness does the same with two runs: child
 * targets from the whole fixture (where those entries link to their service by id), service
 * targets from the fixture without its top-level child entries. Both runs use psrule-compat.json,
 * which selects PSRule's variant where a rule offers one (APIM-028 mode "all").
 */
const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'psrule');
const FIXTURE = join(FIXTURE_DIR, 'Resources.APIM.json');

/** Where we deliberately disagree with expected.json: each case, what we say, and why. */
const DEVIATIONS: readonly { psrule: string; target: string; upstream: Outcome; ours: Outcome; why: string }[] = [
  {
    psrule: 'Azure.APIM.Ciphers', target: 'apim-L', upstream: 'pass', ours: 'fail',
    why: 'The fixture misspells TLS_RSA_WITH_AES_128_CBC_SHA as TLS_iRSA_…, so the real key is absent, and an absent cipher key is enabled by default (REST spec). Upstream fails apim-B for the same absence.',
  },
  {
    psrule: 'Azure.APIM.MultiRegion', target: 'apim-I', upstream: 'fail', ours: 'pass',
    why: 'apim-I has two additional locations; the rule body is additionalLocations ≥ 1 (fixture README: suspicious expectation).',
  },
  {
    psrule: 'Azure.APIM.MultiRegion', target: 'apim-J', upstream: 'fail', ours: 'pass',
    why: 'apim-J has two additional locations; the rule body is additionalLocations ≥ 1 (fixture README: suspicious expectation).',
  },
  {
    psrule: 'Azure.APIM.AvailabilityZone', target: 'apim-J', upstream: 'fail', ours: 'pass',
    why: 'Every region of apim-J (australiaeast, Norway East; Antarctica South has no zones) has zones 1–3 and 3 units (fixture README: suspicious expectation).',
  },
];

/** Not asserted upstream at all, but the README says a plain reading fails them; we do. */
const UNASSERTED: readonly { psrule: string; target: string; ours: Outcome; why: string }[] = [
  { psrule: 'Azure.APIM.MultiRegionGateway', target: 'apim-I', ours: 'fail', why: 'multi-region with disableGateway: true in both additional locations' },
  { psrule: 'Azure.APIM.MultiRegionGateway', target: 'apim-J', ours: 'fail', why: 'multi-region with disableGateway: true in both additional locations' },
];

interface ReportJson {
  results: { ruleId: string; resourceId: string; serviceId: string; outcome: Outcome }[];
}
interface RuleJson {
  id: string;
  sources: { psrule?: string[] };
}
type Expected = Record<string, { pass?: string[]; fail?: string[]; none?: string[] }>;

function aggregate(outcomes: readonly Outcome[]): Outcome {
  if (outcomes.includes('fail')) return 'fail';
  if (outcomes.includes('error')) return 'error';
  if (outcomes.includes('pass')) return 'pass';
  return 'notApplicable';
}

describe('PSRule for Azure APIM fixture', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURE_DIR, 'expected.json'), 'utf8')) as Expected;
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>[];
  const rules = JSON.parse(runCliBinary(['rules', '--format', 'json']).stdout) as RuleJson[];
  const isService = (entry: Record<string, unknown>) => entry['Type'] === 'Microsoft.ApiManagement/service';
  const audit = (estate: string) => runCliBinary([
    'audit', '--estate', estate, '--format', 'json', '--fail-on', 'none',
    '--config', join(import.meta.dirname, 'psrule-compat.json'),
    // CertificateExpiry compares fixed dates (2020 and 2099); any date between them gives the same outcomes.
    '--as-of', '2026-06-01',
  ]);
  const run = audit(FIXTURE);
  const servicesOnly = audit(writeJson(scratchDir(), 'services-only.json', fixture.filter(isService)));
  const reports = { child: JSON.parse(run.stdout) as ReportJson, service: JSON.parse(servicesOnly.stdout) as ReportJson };

  const key = (id: unknown) => String(id).trim().toLowerCase();
  const targets = new Map(fixture.map((entry) => [String(entry['Name']), { id: key(entry['Id']), isService: isService(entry) }]));

  function outcomeOf(ruleId: string, targetName: string): Outcome {
    const target = targets.get(targetName);
    if (target === undefined) throw new Error(`fixture has no target ${targetName}`);
    const results = target.isService
      ? reports.service.results.filter((r) => r.ruleId === ruleId && key(r.serviceId) === target.id)
      : reports.child.results.filter((r) => r.ruleId === ruleId && key(r.resourceId) === target.id);
    if (results.length === 0) throw new Error(`no ${ruleId} result for ${targetName}`);
    return aggregate(results.map((r) => r.outcome));
  }

  function ruleFor(psrule: string): string {
    const rule = rules.find((r) => r.sources.psrule?.[0] === psrule);
    if (rule === undefined) throw new Error(`no rule maps ${psrule}`);
    return rule.id;
  }

  it('audits the fixture without errors', () => {
    expect(run.code).toBe(0);
    expect(servicesOnly.code).toBe(0);
    expect(reports.child.results.filter((r) => r.outcome === 'error')).toEqual([]);
    expect(reports.service.results.filter((r) => r.outcome === 'error')).toEqual([]);
  });

  it('maps all 22 PSRule APIM rules', () => {
    expect(Object.keys(expected)).toHaveLength(22);
    for (const psrule of Object.keys(expected)) expect(ruleFor(psrule)).toMatch(/^APIM-\d{3}$/);
  });

  for (const [psrule, lists] of Object.entries(expected)) {
    it(`${psrule} agrees with the upstream assertions, except named deviations`, () => {
      const ruleId = ruleFor(psrule);
      const wanted: [string, Outcome][] = [
        ...(lists.pass ?? []).map((t) => [t, 'pass'] as [string, Outcome]),
        ...(lists.fail ?? []).map((t) => [t, 'fail'] as [string, Outcome]),
        ...(lists.none ?? []).map((t) => [t, 'notApplicable'] as [string, Outcome]),
      ];
      for (const [target, upstream] of wanted) {
        const deviation = DEVIATIONS.find((d) => d.psrule === psrule && d.target === target);
        const actual = outcomeOf(ruleId, target);
        if (deviation === undefined) {
          expect(actual, `${ruleId} (${psrule}) on ${target}`).toBe(upstream);
        } else {
          expect(deviation.upstream, `deviation record for ${target} matches expected.json`).toBe(upstream);
          expect(actual, `${ruleId} on ${target}: ${deviation.why}`).toBe(deviation.ours);
        }
      }
      for (const extra of UNASSERTED.filter((u) => u.psrule === psrule)) {
        expect(outcomeOf(ruleId, extra.target), `${extra.target}: ${extra.why}`).toBe(extra.ours);
      }
    });
  }

  it('lists only deviations that exist in expected.json', () => {
    for (const d of DEVIATIONS) {
      const lists = expected[d.psrule];
      const upstreamList = d.upstream === 'notApplicable' ? lists?.none : d.upstream === 'pass' ? lists?.pass : lists?.fail;
      expect(upstreamList, `${d.psrule} ${d.target}`).toContain(d.target);
    }
  });
});
