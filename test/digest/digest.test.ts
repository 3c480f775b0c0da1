import { describe, expect, it } from 'vitest';
import { fixActivity, FIX_ACTIVITY_KINDS } from '../../src/digest/activity.js';
import type { SnapshotLike } from '../../src/digest/compute.js';
import { buildDigest, DIGEST_SCHEMA } from '../../src/digest/digest.js';
import { digestMarkdown } from '../../src/digest/markdown.js';
import type { AuditRecord } from '../../src/store/index.js';

/** The digest around the figures: expiring exemptions, fix activity, the JSON shape and the Markdown. */
const SUB = '/subscriptions/s1/resourcegroups/rg/providers/microsoft.apimanagement/service';
const PAY = `${SUB}/apim-pay`;
const ID = `${SUB}/apim-id`;
const OTHER = `${SUB}/apim-dev`;
const NOW = new Date('2026-12-07T09:00:00Z');
const SINCE = new Date('2026-11-30T09:00:00Z');

const snapshots: SnapshotLike[] = [
  {
    at: '2026-11-30T08:00:00Z',
    score: 60,
    findings: [
      { key: `APIM-004|${PAY}`, severity: 'high', firstSeen: '2026-10-01T08:00:00Z' },
      { key: `APIM-003|${ID}`, severity: 'medium', firstSeen: '2026-11-30T08:00:00Z' },
    ],
    services: [
      { id: PAY, name: 'apim-pay', owner: 'team [pay](https://evil.example)' },
      { id: ID, name: 'apim-id' },
    ],
  },
  {
    at: '2026-12-07T08:00:00Z',
    score: 72,
    findings: [
      { key: `APIM-004|${PAY}`, severity: 'high', firstSeen: '2026-10-01T08:00:00Z' },
      { key: `APIM-001|${PAY}/apis/orders`, severity: 'critical', firstSeen: '2026-12-07T08:00:00Z' },
      { key: `APIM-015|${ID}`, severity: 'high', firstSeen: '2026-11-01T08:00:00Z', exempted: true },
    ],
    services: [
      { id: PAY, name: 'apim-pay', owner: 'team [pay](https://evil.example)' },
      { id: ID, name: 'apim-id' },
    ],
  },
];

let seq = 0;
function record(kind: string, at: string, subject?: string): AuditRecord {
  seq += 1;
  return { seq, at, kind, actor: 'system', ...(subject === undefined ? {} : { subject }), details: {}, prevHash: '0'.repeat(64), hash: '0'.repeat(64) };
}

const exemption = (ruleId: string, resource: string, expires: string, extra: object = {}) => ({ ruleId, resource, reason: 'Accepted.', expires, ...extra });

describe('fixActivity', () => {
  it('counts verified fixes and reverts in the period, on the environment\'s services or without a resource', () => {
    const records = [
      record('fix.sending', '2026-12-01T10:00:00Z', PAY),
      record('fix.verified', '2026-12-01T10:01:00Z', PAY),
      record('fix.verified', '2026-12-02T10:01:00Z', `${PAY}/apis/orders`),
      record('fix.verified', '2026-12-02T11:00:00Z', OTHER), // another environment's service
      record('fix.verified', '2026-11-29T10:00:00Z', PAY), // before the period
      record('fix.verified', '2026-12-08T10:00:00Z', PAY), // after the digest time
      record('revert.verified', '2026-12-03T10:00:00Z'),
      record('fix.failed', '2026-12-03T11:00:00Z', PAY),
    ];
    expect(fixActivity(records, { since: SINCE, now: NOW, services: new Set([PAY, ID]) })).toEqual({ applied: 2, reverted: 1 });
    expect(FIX_ACTIVITY_KINDS).toEqual({ applied: ['fix.verified'], reverted: ['revert.verified'] });
  });
});

describe('buildDigest', () => {
  const digest = buildDigest({
    environment: 'prod',
    snapshots,
    auditRecords: [record('fix.verified', '2026-12-01T10:01:00Z', PAY)],
    exemptions: [
      { exemption: exemption('APIM-015', 'apim-id', '2026-12-17', { owner: 'alice', ticket: 'SEC-1' }), source: 'store' },
      { exemption: exemption('APIM-004', '*/apim-pay', '2026-12-07'), source: 'config' },
      { exemption: exemption('APIM-015', 'apim-id', '2026-12-22'), source: 'config' }, // 15 days: not yet
      { exemption: exemption('APIM-015', 'apim-id', '2026-12-06'), source: 'config' }, // ended yesterday
      { exemption: exemption('*', 'apim-dev', '2026-12-08'), source: 'config' }, // another environment
    ],
    now: NOW,
    since: SINCE,
  });

  it('has the documented shape', () => {
    expect(Object.keys(digest)).toEqual([
      'schema', 'environment', 'period', 'auditedAt', 'score', 'previousScore', 'trend', 'added', 'reopened', 'resolved', 'overdue', 'overdueBySeverity',
      'slaDays', 'worstServices', 'owners', 'open', 'exempted', 'exemptionsExpiring', 'fixes',
    ]);
    expect(digest).toMatchObject({ schema: DIGEST_SCHEMA, environment: 'prod', period: { since: SINCE.toISOString(), until: NOW.toISOString() }, score: 72, previousScore: 60, exempted: 1 });
    expect(digest.resolved.map((f) => f.ruleId)).toEqual(['APIM-003']);
    expect(digest.fixes).toEqual({ applied: 1, reverted: 0, kinds: FIX_ACTIVITY_KINDS });
    expect(JSON.parse(JSON.stringify(digest))).toEqual(digest);
  });

  it('lists exemptions of this environment\'s findings that end within 14 days, soonest first', () => {
    expect(digest.exemptionsExpiring).toEqual([
      { ruleId: 'APIM-004', resource: '*/apim-pay', expires: '2026-12-07', daysLeft: 0, owner: null, ticket: null, source: 'config', services: ['apim-pay'] },
      { ruleId: 'APIM-015', resource: 'apim-id', expires: '2026-12-17', daysLeft: 10, owner: 'alice', ticket: 'SEC-1', source: 'store', services: ['apim-id'] },
    ]);
  });

  it('renders Markdown where every finding line ends with the command that acts on it', () => {
    const markdown = digestMarkdown(digest);
    expect(markdown).toContain('# APIM posture digest: prod, 2026-W50');
    expect(markdown).toContain('**Score 72/100** (+12 since 2026-11-30)');
    expect(markdown).toContain('- apim-pay: APIM-004 high, open 67 days (SLA 30 days), owner team \\[pay\\]\\(https://evil.example\\) — `apim-posture plan APIM-004 apim-pay --env prod`');
    expect(markdown).toContain('## New since 2026-11-30 (1)');
    expect(markdown).toContain('- apim-pay: APIM-001 critical (apis/orders), owner team \\[pay\\]\\(https://evil.example\\) — `apim-posture plan APIM-001 apim-pay --env prod`');
    expect(markdown).toContain('- apim-id: APIM-003 medium resolved — keep it so: `apim-posture explain APIM-003`');
    expect(markdown).toContain('- APIM-015 on apim-id ends 2026-12-17 (in 10 days, owner alice, ticket SEC-1) — fix it or renew the exemption: `apim-posture plan APIM-015 apim-id --env prod`');
    expect(markdown).toContain('ends 2026-12-07 (today)');
    expect(markdown).toContain('Fixes this period: 1 applied, 0 reverted — review them: `apim-posture audit-log`');
    for (const line of markdown.split('\n').filter((text) => text.startsWith('- '))) expect(line).toMatch(/ — .*`apim-posture [^`]+`$|tag (it|them) with/);
    // Reopened and overdue-free sections are left out rather than shown empty.
    expect(markdown).not.toContain('## Reopened');
  });

  it('keeps hostile names out of commands and Markdown structure', () => {
    const hostile = buildDigest({
      environment: 'prod',
      snapshots: [{ at: '2026-12-07T08:00:00Z', score: 50, findings: [{ key: `APIM-004|${SUB}/x`, severity: 'high', firstSeen: '2026-12-07T08:00:00Z' }], services: [{ id: `${SUB}/x`, name: 'x` ; rm -rf ~ `', owner: '# heading' }] }],
      auditRecords: [],
      exemptions: [],
      now: NOW,
      since: SINCE,
    });
    const markdown = digestMarkdown(hostile);
    expect(markdown).toContain('`apim-posture plan APIM-004 xrm-rf --env prod`');
    expect(markdown).toContain('owner \\# heading');
    expect(markdown).not.toContain('rm -rf ~ `');
  });
});
