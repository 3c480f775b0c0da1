import type { Severity } from '../rules/types.js';
import { expand } from './templates.js';
import { clip, SEVERITY_COLOR, SEVERITY_LABEL } from './text.js';
import type { AdaptiveCard } from './types.js';

export interface AlertRow {
  readonly ruleId: string;
  readonly severity: Severity;
  /** The rule's failure title: what is wrong now. */
  readonly title: string;
  readonly serviceName: string;
  /** The child resource when the finding is on one ("API orders"), else nothing. */
  readonly resource?: string;
  /** Who changed it, when the change history shows it. */
  readonly cause?: string;
}

export interface AlertModel {
  readonly environment: string;
  /** When the estate was last seen without these findings (ISO). */
  readonly since: string;
  readonly rows: readonly AlertRow[];
}

const SHOWN = 8;

/**
 * "prod got worse": the findings that appeared since the last check, at or above the subscription's
 * severity, each with where, since when and who changed it, and the way to Fix (audit the service:
 * its finding card carries Fix) and Explain.
 */
export function alertCard(model: AlertModel): AdaptiveCard {
  const since = `${model.since.slice(0, 16).replace('T', ' ')} UTC`;
  const title = `${clip(model.environment, 40)} got worse: ${model.rows.length === 1 ? '1 new finding' : `${model.rows.length} new findings`}`;
  const rows = model.rows.slice(0, SHOWN).map((row) => ({
    badge: `● ${SEVERITY_LABEL[row.severity]}`,
    color: SEVERITY_COLOR[row.severity],
    ruleId: row.ruleId,
    title: clip(row.title, 160),
    where: clip(`${row.serviceName}${row.resource === undefined ? '' : ` · ${row.resource}`} · new since ${since}`, 300),
    cause: clip(row.cause ?? 'The change history does not say who changed it.', 400),
    service: clip(row.serviceName, 40),
    audit: clip(`audit ${row.serviceName} in ${model.environment}`, 200),
  }));
  const more = model.rows.length - rows.length;
  return expand('alert', {
    fallbackText: title,
    title,
    subtitle: `Found by the scheduled audit; the last check without them was at ${since}.`,
    rows,
    hasMore: more > 0,
    more: `… and ${more} more: "audit apim in ${clip(model.environment, 40)}" lists them all.`,
  });
}
