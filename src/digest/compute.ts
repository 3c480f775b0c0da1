import { SEVERITIES, type Severity } from '../rules/types.js';
import { isoWeek } from './iso-week.js';

/** One finding in a posture snapshot: rule and resource as a key, with its severity and first sighting. */
export interface SnapshotFinding {
  /** `APIM-001|/subscriptions/…/service/apim-x` (rule id, a bar, the resource id in lower case). */
  readonly key: string;
  readonly severity: Severity;
  readonly firstSeen: string;
  /** Failing but covered by an active exemption: not open. */
  readonly exempted?: boolean | undefined;
}

/** A service an audit covered, with its owner from tags. */
export interface SnapshotService {
  readonly id: string;
  readonly name: string;
  readonly owner?: string | undefined;
}

/** The shape the store keeps per audit (src/store PostureSnapshot fits it). */
export interface SnapshotLike {
  readonly at: string;
  readonly score: number;
  readonly findings: readonly SnapshotFinding[];
  /** Absent in snapshots recorded before services were kept: names then come from the ids. */
  readonly services?: readonly SnapshotService[] | undefined;
}

/** Days an open finding may stay open per severity; null: never overdue. */
export type SlaDays = Readonly<Record<Severity, number | null>>;

export interface DigestOptions {
  /** The end of the period the digest covers. */
  readonly now: Date;
  /** The start of the period: changes are counted against the last snapshot at or before it. Default: 7 days before `now`. */
  readonly since?: Date;
  /** Overrides of {@link DEFAULT_SLA_DAYS}. */
  readonly slaDays?: Readonly<Partial<Record<Severity, number | null>>>;
  /** ISO weeks of score trend, the current one included; default 8. */
  readonly trendWeeks?: number;
}

export const DEFAULT_SLA_DAYS: SlaDays = { critical: 7, high: 30, medium: 90, low: null };

/** A finding as a digest names it: rule, service, owner and how long it has been open. */
export interface DigestFinding {
  readonly key: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly resourceId: string;
  readonly serviceId: string;
  /** The service's name (from the snapshot, else the last segment of its id). */
  readonly service: string;
  /** From the service's owner tag; null when it has none. */
  readonly owner: string | null;
  readonly firstSeen: string;
  /** Whole days since it was first seen, at the digest time. */
  readonly openDays: number;
}

export interface OverdueFinding extends DigestFinding {
  readonly slaDays: number;
}

export interface ServiceFigures {
  readonly serviceId: string;
  readonly service: string;
  readonly owner: string | null;
  readonly open: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
}

export interface OwnerFigures {
  /** null: services without an owner tag. */
  readonly owner: string | null;
  readonly open: number;
  readonly overdue: number;
  /** Names of the owner's services with open findings, worst first. */
  readonly services: readonly string[];
}

export interface DigestFigures {
  /** When the latest snapshot was taken, or null without one. */
  readonly auditedAt: string | null;
  /** The latest snapshot's score, or null when there is none. */
  readonly score: number | null;
  /** The score at the start of the period (last snapshot at or before it), or null. */
  readonly previousScore: number | null;
  /** Last score of each ISO week, oldest first; null for a week without an audit. */
  readonly trend: readonly { readonly week: string; readonly score: number | null }[];
  /** Open now, not open at the start of the period, and never seen before. */
  readonly added: readonly DigestFinding[];
  /** Open now, not open at the start of the period, but seen before (fixed and back, or its exemption ended). */
  readonly reopened: readonly DigestFinding[];
  /** Open at the start of the period and gone now (not merely exempted). */
  readonly resolved: readonly DigestFinding[];
  /** Open now and older than the SLA of their severity, oldest first. */
  readonly overdue: readonly OverdueFinding[];
  readonly overdueBySeverity: Readonly<Record<Severity, number>>;
  readonly slaDays: SlaDays;
  /** Open findings per service, most severe first. */
  readonly worstServices: readonly ServiceFigures[];
  /** Open findings per owner, most overdue then most open first; services without an owner last. */
  readonly owners: readonly OwnerFigures[];
  /** Open findings by severity now. */
  readonly open: Readonly<Record<Severity, number>>;
  /** Failing findings covered by an active exemption now. */
  readonly exempted: number;
}

const DAY = 24 * 60 * 60 * 1000;
const SERVICE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+/i;

/**
 * The figures of a digest from posture history alone: what is new, reopened and resolved since the
 * start of the period, what is overdue, the trend, the worst services and the owners. Pure: the
 * same snapshots give the same digest, whichever instance computes it.
 */
export function digestFigures(snapshots: readonly SnapshotLike[], options: DigestOptions): DigestFigures {
  const end = options.now.getTime();
  const start = options.since?.getTime() ?? end - 7 * DAY;
  const sorted = snapshots.filter((snapshot) => Date.parse(snapshot.at) <= end).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const latest = sorted.at(-1);
  const previous = [...sorted].reverse().find((snapshot) => Date.parse(snapshot.at) <= start);
  const services = serviceDirectory(latest?.services ?? []);
  const view = (finding: SnapshotFinding): DigestFinding => findingView(finding, services, end);

  // Seen in any state (open or exempted) before the start of the period: back again is "reopened".
  const seenBefore = new Set(sorted.filter((snapshot) => Date.parse(snapshot.at) <= start).flatMap((snapshot) => snapshot.findings.map((finding) => finding.key)));
  const now = openFindings(latest);
  const before = openFindings(previous);
  const stillFailing = new Set((latest?.findings ?? []).map((finding) => finding.key));

  const added: DigestFinding[] = [];
  const reopened: DigestFinding[] = [];
  for (const [key, finding] of now) {
    if (before.has(key)) continue;
    (seenBefore.has(key) ? reopened : added).push(view(finding));
  }
  const resolved = [...before].filter(([key]) => !stillFailing.has(key)).map(([, finding]) => view(finding));

  const slaDays: SlaDays = { ...DEFAULT_SLA_DAYS, ...options.slaDays };
  const overdue: OverdueFinding[] = [];
  for (const finding of now.values()) {
    const sla = slaDays[finding.severity];
    const shown = view(finding);
    if (sla !== null && shown.openDays > sla) overdue.push({ ...shown, slaDays: sla });
  }
  overdue.sort((a, b) => b.openDays - a.openDays || a.key.localeCompare(b.key));

  const open = [...now.values()].map(view);
  return {
    auditedAt: latest?.at ?? null,
    score: latest?.score ?? null,
    previousScore: previous?.score ?? null,
    trend: weeklyTrend(sorted, options.now, options.trendWeeks ?? 8),
    added: byUrgency(added),
    reopened: byUrgency(reopened),
    resolved: byUrgency(resolved),
    overdue,
    overdueBySeverity: countBySeverity(overdue),
    slaDays,
    worstServices: worstServices(open),
    owners: owners(open, overdue),
    open: countBySeverity(open),
    exempted: (latest?.findings ?? []).filter((finding) => finding.exempted === true).length,
  };
}

/** Every failing finding of the latest snapshot at or before `now`, exempted ones included, as a digest names them. */
export function latestFindings(snapshots: readonly SnapshotLike[], now: Date): DigestFinding[] {
  const end = now.getTime();
  const latest = snapshots.filter((snapshot) => Date.parse(snapshot.at) <= end).reduce<SnapshotLike | undefined>((last, snapshot) => (last === undefined || Date.parse(snapshot.at) > Date.parse(last.at) ? snapshot : last), undefined);
  const services = serviceDirectory(latest?.services ?? []);
  return (latest?.findings ?? []).map((finding) => findingView(finding, services, end));
}

/** The service a finding's resource belongs to (children included), or the resource itself. */
export function serviceOfKey(key: string): string {
  const resource = key.slice(key.indexOf('|') + 1);
  return SERVICE_ID.exec(resource)?.[0] ?? resource;
}

/** The last score of each ISO week (Monday to Sunday, UTC), the week of `now` last. */
function weeklyTrend(sorted: readonly SnapshotLike[], now: Date, weeks: number): DigestFigures['trend'] {
  const lastOfWeek = new Map<string, number>();
  for (const snapshot of sorted) lastOfWeek.set(isoWeek(new Date(snapshot.at)), snapshot.score);
  const trend: { week: string; score: number | null }[] = [];
  for (let back = weeks - 1; back >= 0; back -= 1) {
    const week = isoWeek(new Date(now.getTime() - back * 7 * DAY));
    trend.push({ week, score: lastOfWeek.get(week) ?? null });
  }
  return trend;
}

function openFindings(snapshot: SnapshotLike | undefined): Map<string, SnapshotFinding> {
  return new Map((snapshot?.findings ?? []).filter((finding) => finding.exempted !== true).map((finding) => [finding.key, finding]));
}

function serviceDirectory(services: readonly SnapshotService[]): Map<string, SnapshotService> {
  return new Map(services.map((service) => [service.id.toLowerCase(), service]));
}

function findingView(finding: SnapshotFinding, services: ReadonlyMap<string, SnapshotService>, end: number): DigestFinding {
  const bar = finding.key.indexOf('|');
  const serviceId = serviceOfKey(finding.key);
  const service = services.get(serviceId.toLowerCase());
  return {
    key: finding.key,
    ruleId: bar < 0 ? finding.key : finding.key.slice(0, bar),
    severity: finding.severity,
    resourceId: finding.key.slice(bar + 1),
    serviceId,
    service: service?.name ?? serviceId.split('/').pop() ?? serviceId,
    owner: service?.owner ?? null,
    firstSeen: finding.firstSeen,
    openDays: Math.max(0, Math.floor((end - Date.parse(finding.firstSeen)) / DAY)),
  };
}

function byUrgency<T extends DigestFinding>(findings: T[]): T[] {
  return findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.key.localeCompare(b.key));
}

function countBySeverity(findings: Iterable<{ readonly severity: Severity }>): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

function worstServices(findings: readonly DigestFinding[]): ServiceFigures[] {
  const services = new Map<string, DigestFinding[]>();
  for (const finding of findings) services.set(finding.serviceId, [...(services.get(finding.serviceId) ?? []), finding]);
  return [...services]
    .map(([serviceId, list]) => ({ serviceId, service: list[0]?.service ?? serviceId, owner: list[0]?.owner ?? null, open: list.length, bySeverity: countBySeverity(list) }))
    .sort((a, b) => {
      for (const severity of SEVERITIES) {
        const difference = b.bySeverity[severity] - a.bySeverity[severity];
        if (difference !== 0) return difference;
      }
      return a.serviceId.localeCompare(b.serviceId);
    });
}

function owners(open: readonly DigestFinding[], overdue: readonly OverdueFinding[]): OwnerFigures[] {
  const late = new Set(overdue.map((finding) => finding.key));
  const byOwner = new Map<string | null, DigestFinding[]>();
  for (const finding of open) byOwner.set(finding.owner, [...(byOwner.get(finding.owner) ?? []), finding]);
  return [...byOwner]
    .map(([owner, list]) => ({
      owner,
      open: list.length,
      overdue: list.filter((finding) => late.has(finding.key)).length,
      services: worstServices(list).map((service) => service.service),
    }))
    .sort((a, b) => Number(a.owner === null) - Number(b.owner === null) || b.overdue - a.overdue || b.open - a.open || (a.owner ?? '').localeCompare(b.owner ?? ''));
}
