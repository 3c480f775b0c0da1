import type { Exemption } from '../engine/exemptions.js';
import type { AuditRecord } from '../store/contracts.js';
import { fixActivity, FIX_ACTIVITY_KINDS, type FixActivity } from './activity.js';
import { digestFigures, latestFindings, serviceOfKey, type DigestFigures, type SnapshotLike } from './compute.js';
import { expiringExemptions, type ExpiringExemption } from './expiring-exemptions.js';

/** Names the JSON shape; a change that removes or renames a field gets a new number. */
export const DIGEST_SCHEMA = 'apim-posture/digest@1';

/** The weekly digest of an environment (docs/digest.md describes every field). */
export interface Digest extends DigestFigures {
  readonly schema: typeof DIGEST_SCHEMA;
  readonly environment: string;
  /** The period the digest covers: changes after `since`, up to `until` (the digest time). */
  readonly period: { readonly since: string; readonly until: string };
  /** Exemptions of this environment's findings that end within 14 days, soonest first. */
  readonly exemptionsExpiring: readonly ExpiringExemption[];
  /** Fixes applied and reverted in the period, from the audit log, and which kinds were counted. */
  readonly fixes: FixActivity & { readonly kinds: typeof FIX_ACTIVITY_KINDS };
}

export interface DigestInput {
  readonly environment: string;
  readonly snapshots: readonly SnapshotLike[];
  readonly auditRecords: Iterable<AuditRecord>;
  readonly exemptions: readonly { readonly exemption: Exemption; readonly source: 'store' | 'config' }[];
  readonly now: Date;
  readonly since: Date;
  readonly slaDays?: Parameters<typeof digestFigures>[1]['slaDays'];
}

/** Figures from history, expiring exemptions and fix activity, in one stable shape. Pure. */
export function buildDigest(input: DigestInput): Digest {
  const { now, since } = input;
  const figures = digestFigures(input.snapshots, { now, since, ...(input.slaDays === undefined ? {} : { slaDays: input.slaDays }) });
  const failing = latestFindings(input.snapshots, now);
  const latest = input.snapshots.filter((snapshot) => figures.auditedAt !== null && snapshot.at === figures.auditedAt)[0];
  const services = new Set([...(latest?.services ?? []).map((service) => service.id.toLowerCase()), ...failing.map((finding) => serviceOfKey(finding.key).toLowerCase())]);
  return {
    schema: DIGEST_SCHEMA,
    environment: input.environment,
    period: { since: since.toISOString(), until: now.toISOString() },
    ...figures,
    exemptionsExpiring: expiringExemptions(input.exemptions, failing, { now }),
    fixes: { ...fixActivity(input.auditRecords, { since, now, services }), kinds: FIX_ACTIVITY_KINDS },
  };
}
