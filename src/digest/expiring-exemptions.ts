import type { RuleId } from '../contracts/rule-id.js';
import { exemptionCovers, type Exemption } from '../engine/exemptions.js';
import type { DigestFinding } from './compute.js';

export interface ExpiringExemption {
  readonly ruleId: string;
  /** The exemption's resource pattern, as written. */
  readonly resource: string;
  /** The last day it applies (exemptions run through the end of that day, UTC). */
  readonly expires: string;
  /** Whole days from the digest's day to the expiry day: 0 is today. */
  readonly daysLeft: number;
  readonly owner: string | null;
  readonly ticket: string | null;
  /** `store`: granted from Teams; `config`: in the configuration file. */
  readonly source: 'store' | 'config';
  /** Names of the environment's services with findings it covers. */
  readonly services: readonly string[];
}

const DAY = 24 * 60 * 60 * 1000;
export const EXPIRING_WITHIN_DAYS = 14;

/**
 * Exemptions that end within `withinDays` of `now` and cover a finding of the environment (open or
 * exempted in its latest snapshot): their findings count again when they lapse. Soonest first.
 */
export function expiringExemptions(
  exemptions: readonly { readonly exemption: Exemption; readonly source: 'store' | 'config' }[],
  findings: readonly DigestFinding[],
  options: { readonly now: Date; readonly withinDays?: number },
): ExpiringExemption[] {
  const today = Date.UTC(options.now.getUTCFullYear(), options.now.getUTCMonth(), options.now.getUTCDate());
  const within = options.withinDays ?? EXPIRING_WITHIN_DAYS;
  const expiring: ExpiringExemption[] = [];
  for (const { exemption, source } of exemptions) {
    const daysLeft = Math.round((Date.parse(`${exemption.expires}T00:00:00Z`) - today) / DAY);
    if (daysLeft < 0 || daysLeft > within) continue;
    const covered = findings.filter((finding) => exemptionCovers(exemption, { ruleId: finding.ruleId as RuleId, resourceId: finding.resourceId, serviceId: finding.serviceId }));
    if (covered.length === 0) continue;
    expiring.push({
      ruleId: exemption.ruleId,
      resource: exemption.resource,
      expires: exemption.expires,
      daysLeft,
      owner: exemption.owner ?? null,
      ticket: exemption.ticket ?? null,
      source,
      services: [...new Set(covered.map((finding) => finding.service))].sort(),
    });
  }
  return expiring.sort((a, b) => a.daysLeft - b.daysLeft || a.ruleId.localeCompare(b.ruleId) || a.resource.localeCompare(b.resource));
}
