import { exemptionEndsAt, type Exemption } from '../engine/exemptions.js';
import type { ExemptionRecord } from '../store/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where an exemption comes from: the configuration file, or "Accept risk" in Teams (the store). */
export type ExemptionSource = 'configuration' | 'teams';

/** One exemption as `exemptions` lists it (CLI and chat), in the order audits apply them. */
export interface ListedExemption {
  readonly source: ExemptionSource;
  /** The store's id, for exemptions granted in Teams. */
  readonly id?: string;
  readonly ruleId: string;
  /** A resource id, a service id or name, or a pattern with `*`. */
  readonly resource: string;
  readonly reason: string;
  /** The last day it holds (UTC). */
  readonly expires: string;
  /** Whole days from today (UTC) to the expiry day; 0 on the last day and once expired. */
  readonly daysLeft: number;
  readonly expired: boolean;
  /** The owner the configuration names, or the Entra object id of who accepted the risk in Teams. */
  readonly who?: string;
  readonly ticket?: string;
  /** When it was granted in Teams. */
  readonly createdAt?: string;
}

/**
 * The exemptions an audit applies, in the order it tries them: the configured ones first, in file
 * order, so that where both cover a finding the configuration wins (the first match is applied);
 * then those granted in Teams, oldest first.
 */
export function exemptionsInForce(configured: readonly Exemption[], stored: readonly ExemptionRecord[]): Exemption[] {
  return [...configured, ...oldestFirst(stored).map((record) => record.exemption)];
}

/** Every exemption, configured and stored, with how long it has left as of `now`. */
export function listExemptions(configured: readonly Exemption[], stored: readonly ExemptionRecord[], now: Date): ListedExemption[] {
  const listed = (exemption: Exemption, source: ExemptionSource, extra: Partial<ListedExemption>): ListedExemption => {
    const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
    const expired = now.getTime() >= exemptionEndsAt(exemption.expires);
    return {
      source,
      ruleId: exemption.ruleId,
      resource: exemption.resource,
      reason: exemption.reason,
      expires: exemption.expires,
      daysLeft: expired ? 0 : Math.max(0, Math.round((Date.parse(`${exemption.expires}T00:00:00Z`) - today) / DAY_MS)),
      expired,
      ...(exemption.ticket === undefined ? {} : { ticket: exemption.ticket }),
      ...extra,
    };
  };
  return [
    ...configured.map((exemption) => listed(exemption, 'configuration', exemption.owner === undefined ? {} : { who: exemption.owner })),
    ...oldestFirst(stored).map((record) => listed(record.exemption, 'teams', { id: record.id, who: record.createdBy, createdAt: record.createdAt })),
  ];
}

/** The store lists records in key order (random ids); precedence and listings go by age instead. */
function oldestFirst(stored: readonly ExemptionRecord[]): ExemptionRecord[] {
  return [...stored].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
