import { SEVERITIES, type Severity } from '../rules/types.js';

/** One finding in a posture snapshot: rule and resource as a key, with its severity and first sighting. */
export interface SnapshotFinding {
  /** `APIM-001|/subscriptions/…/service/apim-x` (rule id, a bar, the resource id). */
  readonly key: string;
  readonly severity: Severity;
  readonly firstSeen: string;
}

/** The shape the store keeps per audit (src/store PostureSnapshot fits it). */
export interface SnapshotLike {
  readonly at: string;
  readonly score: number;
  readonly findings: readonly SnapshotFinding[];
}

export interface DigestOptions {
  /** The end of the period the digest covers. */
  readonly now: Date;
  /** How long a period is; default 7 days. */
  readonly periodInMs?: number;
  /** Days an open finding may stay open per severity before it is overdue. */
  readonly slaDays?: Readonly<Partial<Record<Severity, number>>>;
  /** Periods of score trend; default 8. */
  readonly trendPeriods?: number;
}

export const DEFAULT_SLA_DAYS: Readonly<Record<Severity, number>> = { critical: 7, high: 30, medium: 90, low: 180 };

export interface OverdueFinding extends SnapshotFinding {
  readonly ageInDays: number;
  readonly slaDays: number;
}

export interface DigestFigures {
  /** The latest snapshot's score, or undefined when the period has none. */
  readonly score: number | undefined;
  /** Last score of each period, oldest first; undefined for a period without an audit. */
  readonly trend: readonly (number | undefined)[];
  /** Open now, not open at the end of the previous period, and never seen before. */
  readonly added: readonly SnapshotFinding[];
  /** Open now, not open at the end of the previous period, but open at some earlier time. */
  readonly reopened: readonly SnapshotFinding[];
  /** Open at the end of the previous period and not now. */
  readonly resolved: readonly SnapshotFinding[];
  /** Open now and older than the SLA of their severity, oldest first. */
  readonly overdue: readonly OverdueFinding[];
  /** Open findings per service (resource id up to the service), most first. */
  readonly worstServices: readonly { readonly serviceId: string; readonly open: number; readonly bySeverity: Readonly<Record<Severity, number>> }[];
  /** Open findings by severity now. */
  readonly open: Readonly<Record<Severity, number>>;
}

const DAY = 24 * 60 * 60 * 1000;
const SERVICE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/[^/]+/i;

/**
 * The figures of a digest from posture history alone: what is new, reopened and resolved since the
 * last period, what is overdue, the trend and the worst services. Pure: the same snapshots give the
 * same digest, whichever instance computes it.
 */
export function digestFigures(snapshots: readonly SnapshotLike[], options: DigestOptions): DigestFigures {
  const periodInMs = options.periodInMs ?? 7 * DAY;
  const end = options.now.getTime();
  const sorted = snapshots.filter((snapshot) => Date.parse(snapshot.at) <= end).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const latest = sorted.at(-1);
  const previous = [...sorted].reverse().find((snapshot) => Date.parse(snapshot.at) <= end - periodInMs);
  const earlier = new Set(sorted.filter((snapshot) => previous === undefined || Date.parse(snapshot.at) < Date.parse(previous.at)).flatMap((snapshot) => snapshot.findings.map((finding) => finding.key)));
  const now = keyed(latest?.findings ?? []);
  const before = keyed(previous?.findings ?? []);

  const added: SnapshotFinding[] = [];
  const reopened: SnapshotFinding[] = [];
  for (const [key, finding] of now) {
    if (before.has(key)) continue;
    (earlier.has(key) ? reopened : added).push(finding);
  }
  const resolved = [...before].filter(([key]) => !now.has(key)).map(([, finding]) => finding);

  const sla = { ...DEFAULT_SLA_DAYS, ...options.slaDays };
  const overdue = [...now.values()]
    .map((finding) => ({ ...finding, ageInDays: Math.floor((end - Date.parse(finding.firstSeen)) / DAY), slaDays: sla[finding.severity] }))
    .filter((finding) => finding.ageInDays > finding.slaDays)
    .sort((a, b) => b.ageInDays - a.ageInDays || a.key.localeCompare(b.key));

  const trendPeriods = options.trendPeriods ?? 8;
  const trend: (number | undefined)[] = [];
  for (let period = trendPeriods - 1; period >= 0; period -= 1) {
    const periodEnd = end - period * periodInMs;
    const inPeriod = sorted.filter((snapshot) => Date.parse(snapshot.at) <= periodEnd && Date.parse(snapshot.at) > periodEnd - periodInMs);
    trend.push(inPeriod.at(-1)?.score);
  }

  return { score: latest?.score, trend, added: byUrgency(added), reopened: byUrgency(reopened), resolved: byUrgency(resolved), overdue, worstServices: worstServices(now.values()), open: countBySeverity(now.values()) };
}

/** The service a finding's resource belongs to (children included), or the resource itself. */
export function serviceOfKey(key: string): string {
  const resource = key.slice(key.indexOf('|') + 1);
  return SERVICE_ID.exec(resource)?.[0] ?? resource;
}

function keyed(findings: readonly SnapshotFinding[]): Map<string, SnapshotFinding> {
  return new Map(findings.map((finding) => [finding.key, finding]));
}

function byUrgency(findings: SnapshotFinding[]): SnapshotFinding[] {
  return findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.key.localeCompare(b.key));
}

function countBySeverity(findings: Iterable<SnapshotFinding>): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

function worstServices(findings: Iterable<SnapshotFinding>): DigestFigures['worstServices'] {
  const services = new Map<string, SnapshotFinding[]>();
  for (const finding of findings) {
    const id = serviceOfKey(finding.key);
    services.set(id, [...(services.get(id) ?? []), finding]);
  }
  return [...services]
    .map(([serviceId, list]) => ({ serviceId, open: list.length, bySeverity: countBySeverity(list) }))
    .sort((a, b) => {
      for (const severity of SEVERITIES) {
        const difference = b.bySeverity[severity] - a.bySeverity[severity];
        if (difference !== 0) return difference;
      }
      return a.serviceId.localeCompare(b.serviceId);
    });
}
