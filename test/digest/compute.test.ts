import { describe, expect, it } from 'vitest';
import { digestFigures, serviceOfKey, type SnapshotFinding, type SnapshotLike } from '../../src/digest/compute.js';

/**
 * New, reopened and resolved findings, overdue ones, the trend and the worst services, over a
 * scripted sequence of weekly audits (a fake clock: the dates are the clock).
 */
const SERVICE_A = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim-a';
const SERVICE_B = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim-b';
const tls: SnapshotFinding = { key: `APIM-001|${SERVICE_A}`, severity: 'critical', firstSeen: '2026-10-01T09:00:00Z' };
const identity: SnapshotFinding = { key: `APIM-003|${SERVICE_A}`, severity: 'medium', firstSeen: '2026-11-02T09:00:00Z' };
const http: SnapshotFinding = { key: `APIM-024|${SERVICE_B}/apis/orders`, severity: 'high', firstSeen: '2026-11-16T09:00:00Z' };
const publicAccess: SnapshotFinding = { key: `APIM-004|${SERVICE_B}`, severity: 'high', firstSeen: '2026-11-30T09:00:00Z' };

const snapshot = (at: string, score: number, findings: SnapshotFinding[]): SnapshotLike => ({ at, score, findings });
const history: SnapshotLike[] = [
  snapshot('2026-11-02T09:00:00Z', 60, [tls, identity]),
  snapshot('2026-11-09T09:00:00Z', 70, [tls]), // identity fixed
  snapshot('2026-11-16T09:00:00Z', 65, [tls, http]),
  snapshot('2026-11-23T09:00:00Z', 66, [tls, http]),
  // The digest on Monday 30 November compares with the audit a week earlier.
  snapshot('2026-11-30T08:00:00Z', 55, [tls, http, publicAccess, { ...identity }]), // identity back: reopened
];

describe('digestFigures', () => {
  const figures = digestFigures(history, { now: new Date('2026-11-30T09:00:00Z') });

  it('splits what changed since the last period into new, reopened and resolved', () => {
    expect(figures.added.map((f) => f.key)).toEqual([publicAccess.key]);
    expect(figures.reopened.map((f) => f.key)).toEqual([identity.key]);
    expect(figures.resolved).toEqual([]);
    const later = digestFigures([...history, snapshot('2026-12-07T08:00:00Z', 80, [tls])], { now: new Date('2026-12-07T09:00:00Z') });
    expect(later.resolved.map((f) => f.key)).toEqual([publicAccess.key, http.key, identity.key]);
    expect(later.added).toEqual([]);
  });

  it('lists open findings past their SLA, oldest first, with the default and configured SLAs', () => {
    expect(figures.overdue.map((f) => [f.key, f.openDays, f.slaDays])).toEqual([[tls.key, 60, 7]]);
    const strict = digestFigures(history, { now: new Date('2026-11-30T09:00:00Z'), slaDays: { high: 7, medium: 14 } });
    expect(strict.overdue.map((f) => f.key)).toEqual([tls.key, identity.key, http.key]);
  });

  it('gives the score trend per period, oldest first, with gaps for weeks without an audit', () => {
    expect(figures.score).toBe(55);
    expect(figures.trend.map((week) => week.score)).toEqual([null, null, null, 60, 70, 65, 66, 55]);
    expect(figures.trend.map((week) => week.week)).toEqual(['2026-W42', '2026-W43', '2026-W44', '2026-W45', '2026-W46', '2026-W47', '2026-W48', '2026-W49']);
    expect(figures.previousScore).toBe(66);
  });

  it('ranks services by their most severe open findings', () => {
    expect(figures.worstServices.map((s) => [s.serviceId, s.open])).toEqual([
      [SERVICE_A, 2],
      [SERVICE_B, 2],
    ]);
    expect(figures.open).toEqual({ critical: 1, high: 2, medium: 1, low: 0 });
  });

  it('ignores snapshots after the digest time, so a late digest says what was true then', () => {
    const early = digestFigures(history, { now: new Date('2026-11-23T10:00:00Z') });
    expect(early.score).toBe(66);
    expect(early.added).toEqual([]);
    expect(early.resolved).toEqual([]);
  });

  it('with no history says nothing rather than inventing figures', () => {
    const empty = digestFigures([], { now: new Date('2026-11-30T09:00:00Z') });
    expect(empty.score).toBeNull();
    expect(empty.trend.every((week) => week.score === null)).toBe(true);
    expect([empty.added, empty.reopened, empty.resolved, empty.overdue, empty.worstServices]).toEqual([[], [], [], [], []]);
  });
});

describe('serviceOfKey', () => {
  it('maps child findings to their service', () => {
    expect(serviceOfKey(http.key)).toBe(SERVICE_B);
    expect(serviceOfKey(tls.key)).toBe(SERVICE_A);
  });
});

describe('digestFigures: exemptions, owners, SLA and weeks', () => {
  const owned = [
    { id: SERVICE_A.toLowerCase(), name: 'apim-a', owner: 'team-a' },
    { id: SERVICE_B.toLowerCase(), name: 'apim-b' },
  ];
  const key = (finding: SnapshotFinding): SnapshotFinding => ({ ...finding, key: finding.key.toLowerCase().replace(/^apim/, 'APIM') });
  const [a1, a3, b24, b4] = [tls, identity, http, publicAccess].map(key) as [SnapshotFinding, SnapshotFinding, SnapshotFinding, SnapshotFinding];
  const lowB = key({ key: `APIM-019|${SERVICE_B}`, severity: 'low', firstSeen: '2025-01-01T00:00:00Z' });

  it('counts an exempted finding as neither open nor resolved, and its return after the exemption as reopened', () => {
    const exempting = [
      { at: '2026-11-16T09:00:00Z', score: 60, findings: [a1, b4] },
      { at: '2026-11-23T09:00:00Z', score: 70, findings: [a1, { ...b4, exempted: true }] },
    ];
    const figures = digestFigures(exempting, { now: new Date('2026-11-23T10:00:00Z') });
    expect(figures.resolved).toEqual([]);
    expect(figures.exempted).toBe(1);
    expect(figures.open).toEqual({ critical: 1, high: 0, medium: 0, low: 0 });
    const lapsed = digestFigures([...exempting, { at: '2026-11-30T09:00:00Z', score: 60, findings: [a1, b4] }], { now: new Date('2026-11-30T10:00:00Z') });
    expect(lapsed.reopened.map((f) => f.key)).toEqual([b4.key]);
    expect(lapsed.added).toEqual([]);
  });

  it('compares with the last snapshot at or before --since', () => {
    const figures = digestFigures(history, { now: new Date('2026-11-30T09:00:00Z'), since: new Date('2026-11-10T00:00:00Z') });
    expect(figures.previousScore).toBe(70);
    expect(figures.added.map((f) => f.key)).toEqual([publicAccess.key, http.key]);
    expect(figures.reopened.map((f) => f.key)).toEqual([identity.key]);
  });

  it('never counts low findings overdue by default, and counts overdue findings per severity', () => {
    const figures = digestFigures([{ at: '2026-11-30T08:00:00Z', score: 50, findings: [a1, a3, lowB] }], { now: new Date('2026-11-30T09:00:00Z') });
    expect(figures.overdue.map((f) => f.key)).toEqual([a1.key]);
    expect(figures.overdueBySeverity).toEqual({ critical: 1, high: 0, medium: 0, low: 0 });
    expect(figures.slaDays).toEqual({ critical: 7, high: 30, medium: 90, low: null });
    const configured = digestFigures([{ at: '2026-11-30T08:00:00Z', score: 50, findings: [a1, a3, lowB] }], { now: new Date('2026-11-30T09:00:00Z'), slaDays: { low: 365, critical: null } });
    expect(configured.overdue.map((f) => f.key)).toEqual([lowB.key]);
  });

  it('names services and owners from the snapshot, owners with the most overdue first and the unowned last', () => {
    const figures = digestFigures([{ at: '2026-11-30T08:00:00Z', score: 50, findings: [a1, a3, b24, b4], services: owned }], { now: new Date('2026-11-30T09:00:00Z') });
    expect(figures.owners).toEqual([
      { owner: 'team-a', open: 2, overdue: 1, services: ['apim-a'] },
      { owner: null, open: 2, overdue: 0, services: ['apim-b'] },
    ]);
    expect(figures.worstServices.map((s) => [s.service, s.owner])).toEqual([
      ['apim-a', 'team-a'],
      ['apim-b', null],
    ]);
    const unownedMost = digestFigures([{ at: '2026-11-30T08:00:00Z', score: 50, findings: [a3, b24, b4], services: owned }], { now: new Date('2026-11-30T09:00:00Z') });
    expect(unownedMost.owners.map((owner) => [owner.owner, owner.open])).toEqual([
      ['team-a', 1],
      [null, 2],
    ]);
    const child = figures.added.find((f) => f.ruleId === 'APIM-024');
    expect(child).toMatchObject({ service: 'apim-b', serviceId: SERVICE_B.toLowerCase(), resourceId: `${SERVICE_B}/apis/orders`.toLowerCase(), openDays: 14 });
  });

  it('buckets the trend by ISO week, the last snapshot of each week winning, across a year end', () => {
    const figures = digestFigures(
      [
        { at: '2026-12-28T09:00:00Z', score: 40, findings: [] }, // Monday of 2026-W53
        { at: '2027-01-03T22:00:00Z', score: 45, findings: [] }, // Sunday, same week
        { at: '2027-01-04T01:00:00Z', score: 50, findings: [] }, // Monday of 2027-W01
      ],
      { now: new Date('2027-01-05T00:00:00Z'), trendWeeks: 3 },
    );
    expect(figures.trend).toEqual([
      { week: '2026-W52', score: null },
      { week: '2026-W53', score: 45 },
      { week: '2027-W01', score: 50 },
    ]);
  });
});
