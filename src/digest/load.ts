import type { Exemption } from '../engine/exemptions.js';
import type { AuditRecord, Store } from '../store/contracts.js';
import type { SnapshotLike } from './compute.js';
import { buildDigest, type Digest, type DigestInput } from './digest.js';

/**
 * The digest of an environment read from the store: the one path the CLI (`apim-posture digest`),
 * the bot (`digest now`) and the scheduled digest share, so they cannot disagree.
 */

/** The parts of the store a digest reads. */
export type DigestStore = Pick<Store, 'history' | 'auditLog' | 'exemptions'>;

export interface LoadDigestOptions {
  readonly now: Date;
  /** Default: 7 days before `now`. */
  readonly since?: Date;
  /** Exemptions from the configuration file (the store's are read here). */
  readonly configuredExemptions?: readonly Exemption[];
  readonly slaDays?: DigestInput['slaDays'];
}

const DAY = 24 * 60 * 60 * 1000;
/** Reopened findings are recognised this far back before the period and the trend. */
const LOOKBACK_MS = 182 * DAY;
const TREND_MS = 8 * 7 * DAY;
/** Snapshots read at most, newest first: a bound on memory when audits run every few minutes. */
const MAX_SNAPSHOTS = 5_000;
const PAGE = 500;

/** The digest, or undefined when the environment has no snapshot at or before `now`. */
export async function loadDigest(store: DigestStore, environment: string, options: LoadDigestOptions): Promise<Digest | undefined> {
  const { now } = options;
  const since = options.since ?? new Date(now.getTime() - 7 * DAY);
  const horizon = Math.min(since.getTime(), now.getTime() - TREND_MS) - LOOKBACK_MS;
  const snapshots = await snapshotsSince(store, environment, horizon);
  if (!snapshots.some((snapshot) => Date.parse(snapshot.at) <= now.getTime())) return undefined;
  return buildDigest({
    environment,
    snapshots,
    auditRecords: await auditRecordsAfter(store, since),
    exemptions: [
      ...(await store.exemptions.list()).map((record) => ({ exemption: record.exemption, source: 'store' as const })),
      ...(options.configuredExemptions ?? []).map((exemption) => ({ exemption, source: 'config' as const })),
    ],
    now,
    since,
    ...(options.slaDays === undefined ? {} : { slaDays: options.slaDays }),
  });
}

/** The environment's snapshots back to `horizon` (newest first in the store), at most {@link MAX_SNAPSHOTS}. */
async function snapshotsSince(store: DigestStore, environment: string, horizon: number): Promise<SnapshotLike[]> {
  const snapshots: SnapshotLike[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.history.list(environment, { limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    for (const snapshot of page.items) {
      if (Date.parse(snapshot.at) < horizon || snapshots.length >= MAX_SNAPSHOTS) return snapshots;
      snapshots.push(snapshot);
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return snapshots;
}

/** Audit-log records after `since`; the log is read in sequence order, which is time order. */
async function auditRecordsAfter(store: DigestStore, since: Date): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (let after = 0; ; ) {
    const page = await store.auditLog.read({ afterSeq: after, limit: PAGE });
    records.push(...page.filter((record) => Date.parse(record.at) > since.getTime()));
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return records;
    after = last.seq;
  }
}
