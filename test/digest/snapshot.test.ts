import { describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { findingKey, snapshotFromReport } from '../../src/digest/snapshot.js';
import { recordPosture, wholeEnvironment } from '../../src/digest/record.js';
import { defineRule, evidence, fail, notChecked, pass } from '../../src/rules/define-rule.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { resolveScope } from '../../src/inventory/scope.js';
import type { AnyRule, RuleId, Severity } from '../../src/rules/types.js';
import type { Report } from '../../src/engine/report.js';
import type { PostureHistory, PostureSnapshot, PostureSnapshotInput } from '../../src/store/index.js';
import { apimService, serviceId } from '../support/fixtures.js';

/** Snapshots from reports: stable keys, carried first sightings, exemptions, owners, rules not checked. */
const T1 = new Date('2026-11-02T09:00:00Z');
const T2 = new Date('2026-11-09T09:00:00Z');

function rule(id: RuleId, severity: Severity, verdict: (name: string) => 'fail' | 'pass' | 'notChecked'): AnyRule {
  return defineRule({
    meta: {
      id, title: `${id} title`, failureTitle: `${id} failing`, severity, category: 'network', pillar: 'security', needs: [], fix: 'manual', sources: {},
      docs: { synopsis: 's', description: 'd', recommendation: 'r', howChecked: 'h', examples: [], links: [] },
    },
    evaluate: (svc) => {
      const outcome = verdict(svc.name);
      return outcome === 'fail' ? fail(`${svc.name} fails ${id}.`, [evidence('name', svc.name, 'other')]) : outcome === 'pass' ? pass('Fine.') : notChecked('Not read.');
    },
  });
}

const estate = normalizeEstate([
  apimService({ name: 'apim-Pay', tags: { Owner: 'team-payments', team: 'ignored' } }),
  apimService({ name: 'apim-id', tags: { team: 'team\u0007identity\nops' } }),
  apimService({ name: 'apim-none', tags: null }),
]);

function audit(rules: AnyRule[], options: { exemptions?: Parameters<typeof auditEstate>[1]['exemptions']; now?: Date } = {}): Report & { summary: { score: number } } {
  const report = auditEstate(estate, { rules, now: options.now ?? T1, source: 'test', version: '0', keep: 'findings', ...(options.exemptions === undefined ? {} : { exemptions: options.exemptions }) });
  if (report.summary.score === null) throw new Error('no score');
  return report as Report & { summary: { score: number } };
}

const failsPay = rule('APIM-901', 'critical', (name) => (name === 'apim-Pay' ? 'fail' : 'pass'));
const failsAll = rule('APIM-902', 'low', () => 'fail');

describe('snapshotFromReport', () => {
  it('keys findings by rule and lower-cased resource id, and first sightings start at the audit', () => {
    const snapshot = snapshotFromReport(audit([failsPay]), estate, { environment: 'prod', at: T1 });
    expect(snapshot.findings).toEqual([{ key: `APIM-901|${serviceId('apim-Pay').toLowerCase()}`, severity: 'critical', firstSeen: T1.toISOString() }]);
    expect(findingKey('APIM-001', '/Subscriptions/X/Service/A')).toBe('APIM-001|/subscriptions/x/service/a');
  });

  it('carries first sightings over from the previous snapshot for findings still failing, so "open for N days" holds', () => {
    const first = snapshotFromReport(audit([failsPay]), estate, { environment: 'prod', at: T1 });
    const second = snapshotFromReport(audit([failsPay, failsAll], { now: T2 }), estate, { environment: 'prod', at: T2, previous: first });
    expect(second.findings.find((finding) => finding.key.startsWith('APIM-901'))?.firstSeen).toBe(T1.toISOString());
    expect(second.findings.filter((finding) => finding.key.startsWith('APIM-902')).map((finding) => finding.firstSeen)).toEqual([T2.toISOString(), T2.toISOString(), T2.toISOString()]);
  });

  it('marks findings under an active exemption, and an expired exemption leaves the finding open', () => {
    const exemption = { ruleId: 'APIM-901', resource: 'apim-pay', reason: 'Accepted.', expires: '2026-11-05' };
    const exempted = snapshotFromReport(audit([failsPay], { exemptions: [exemption] }), estate, { environment: 'prod', at: T1 });
    expect(exempted.findings.map((finding) => finding.exempted)).toEqual([true]);
    const lapsed = snapshotFromReport(audit([failsPay], { exemptions: [exemption], now: T2 }), estate, { environment: 'prod', at: T2 });
    expect(lapsed.findings.map((finding) => finding.exempted)).toEqual([undefined]);
  });

  it('names each service with its owner from the first tag found (case-insensitive), as one printable line', () => {
    const snapshot = snapshotFromReport(audit([failsPay]), estate, { environment: 'prod', at: T1 });
    expect(snapshot.services.map((service) => [service.name, service.owner])).toEqual([
      ['apim-Pay', 'team-payments'],
      ['apim-id', 'team identity ops'],
      ['apim-none', undefined],
    ]);
    expect(snapshot.services[0]?.id).toBe(serviceId('apim-Pay').toLowerCase());
    const byTeam = snapshotFromReport(audit([failsPay]), estate, { environment: 'prod', at: T1, ownerTags: ['TEAM'] });
    expect(byTeam.services.map((service) => service.owner)).toEqual(['ignored', 'team identity ops', undefined]);
  });

  it('keeps the previous findings of a rule the audit did not check, on services it still audited', () => {
    const checked = rule('APIM-903', 'high', (name) => (name === 'apim-id' ? 'fail' : 'pass'));
    const unchecked = rule('APIM-903', 'high', () => 'notChecked');
    const first = snapshotFromReport(audit([failsPay, checked]), estate, { environment: 'prod', at: T1 });
    const gone = { key: `APIM-903|${serviceId('apim-gone').toLowerCase()}`, severity: 'high' as const, firstSeen: T1.toISOString() };
    const previous = { ...first, findings: [...first.findings, gone] };
    const second = snapshotFromReport(audit([failsPay, unchecked], { now: T2 }), estate, { environment: 'prod', at: T2, previous });
    expect(second.findings.map((finding) => `${finding.key.slice(0, 8)} ${finding.key.split('/').pop() ?? ''}`)).toEqual(['APIM-901 apim-pay', 'APIM-903 apim-id']);
    // Checked and passing now: resolved, not carried.
    const third = snapshotFromReport(audit([failsPay, rule('APIM-903', 'high', () => 'pass')], { now: T2 }), estate, { environment: 'prod', at: T2, previous });
    expect(third.findings.map((finding) => finding.key.slice(0, 8))).toEqual(['APIM-901']);
  });
});

/** A history that keeps records in memory, or fails as told. */
function memoryHistory(failing?: 'list' | 'record'): PostureHistory & { kept: PostureSnapshot[] } {
  const kept: PostureSnapshot[] = [];
  return {
    kept,
    record(input: PostureSnapshotInput) {
      if (failing === 'record') return Promise.reject(new Error('disk\nfull'));
      const snapshot = { id: String(kept.length), ...input } as PostureSnapshot;
      kept.unshift(snapshot);
      return Promise.resolve(snapshot);
    },
    list() {
      if (failing === 'list') return Promise.reject(new Error('store unreachable'));
      return Promise.resolve({ items: kept });
    },
  };
}

describe('recordPosture', () => {
  const recording = (history: PostureHistory, report: Report, warnings: string[], at = T1) => ({ history, environment: 'prod', report, estate, at, warn: (message: string) => warnings.push(message) });

  it('records the snapshot with first sightings carried from the last one', async () => {
    const history = memoryHistory();
    const warnings: string[] = [];
    await recordPosture(recording(history, audit([failsPay]), warnings));
    await recordPosture(recording(history, audit([failsPay], { now: T2 }), warnings, T2));
    expect(warnings).toEqual([]);
    expect(history.kept.map((snapshot) => [snapshot.at, snapshot.findings[0]?.firstSeen])).toEqual([
      [T2.toISOString(), T1.toISOString()],
      [T1.toISOString(), T1.toISOString()],
    ]);
  });

  it('never throws: a store failure is one warning line', async () => {
    for (const failing of ['list', 'record'] as const) {
      const warnings: string[] = [];
      await expect(recordPosture(recording(memoryHistory(failing), audit([failsPay]), warnings))).resolves.toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^could not record the posture of prod: (store unreachable|disk full)$/);
    }
  });

  it('does not record an audit that judged nothing, or a partial one (unread services would look fixed)', async () => {
    const history = memoryHistory();
    const warnings: string[] = [];
    const report = audit([failsPay]);
    await recordPosture(recording(history, { ...report, summary: { ...report.summary, score: null } }, warnings));
    await recordPosture(recording(history, { ...report, coverage: { complete: false, notes: ['subscription x could not be read'] } }, warnings));
    expect(history.kept).toEqual([]);
    expect(warnings).toEqual(['posture of prod not recorded: the audit could judge no rule', 'posture of prod not recorded: the audit is partial (subscription x could not be read)']);
  });
});

describe('wholeEnvironment', () => {
  it('is the environment only for an audit of all of it with every rule', () => {
    const scope = resolveScope({ environment: 'production' });
    expect(wholeEnvironment(scope, ALL_RULES)).toBe('prod');
    expect(wholeEnvironment(resolveScope({ environment: 'prod', services: ['apim-a'] }), ALL_RULES)).toBeUndefined();
    expect(wholeEnvironment(scope, ALL_RULES.slice(1))).toBeUndefined();
    expect(wholeEnvironment(resolveScope({ services: ['apim-a'] }), ALL_RULES)).toBeUndefined();
  });
});
