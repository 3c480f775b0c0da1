import type { AuditRecord } from '../store/contracts.js';
import { serviceOfKey } from './compute.js';

/**
 * Which audit-log kinds count as a fix applied or reverted in a digest: only outcomes verified by
 * reading Azure back, not attempts (`fix.sending`) or failures. One list, so the digest and its
 * documentation cannot disagree.
 */
export const FIX_ACTIVITY_KINDS = {
  applied: ['fix.verified'],
  reverted: ['revert.verified'],
} as const satisfies Record<string, readonly string[]>;

export interface FixActivity {
  readonly applied: number;
  readonly reverted: number;
}

/**
 * Fixes applied and reverted in the period (after `since`, up to `now`). A record whose subject is
 * a resource of a service outside the environment is left out; one without a resource subject is
 * counted, as the log does not say where else it belongs.
 */
export function fixActivity(records: Iterable<AuditRecord>, options: { readonly since: Date; readonly now: Date; readonly services: ReadonlySet<string> }): FixActivity {
  const applied = new Set<string>(FIX_ACTIVITY_KINDS.applied);
  const reverted = new Set<string>(FIX_ACTIVITY_KINDS.reverted);
  const counts = { applied: 0, reverted: 0 };
  for (const record of records) {
    const at = Date.parse(record.at);
    if (at <= options.since.getTime() || at > options.now.getTime()) continue;
    if (!inEnvironment(record.subject, options.services)) continue;
    if (applied.has(record.kind)) counts.applied += 1;
    else if (reverted.has(record.kind)) counts.reverted += 1;
  }
  return counts;
}

function inEnvironment(subject: string | undefined, services: ReadonlySet<string>): boolean {
  if (subject === undefined || !subject.startsWith('/subscriptions/')) return true;
  return services.has(serviceOfKey(`|${subject}`).toLowerCase());
}
