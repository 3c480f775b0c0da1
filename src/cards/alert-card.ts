import type { Severity } from '../rules/types.js';
import { expand } from './templates.js';
import { clip, SEVERITY_COLOR, SEVERITY_LABEL } from './text.js';
import type { AdaptiveCard, RowButtons } from './types.js';

export interface AlertRow {
  readonly ruleId: string;
  /** The failing resource and its service, for Fix. */
  readonly resourceId: string;
  readonly serviceId: string;
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
 * severity, each with where, since when and who changed it, Fix (when the rule has an automatic
 * fix and the card has buttons), Explain, and an audit of the service.
 */
export function alertCard(model: AlertModel, buttons?: RowButtons): AdaptiveCard {
  // Buttons name the card's kept copy, so a click answers below it and the card stays.
  const keptCard = buttons === undefined ? {} : { card: buttons.card };
  const since = `${model.since.slice(0, 16).replace('T', ' ')} UTC`;
  const title = `${clip(model.environment, 40)} got worse: ${model.rows.length === 1 ? '1 new finding' : `${model.rows.length} new findings`}`;
  const rows = model.rows.slice(0, SHOWN).map((row) => {
    const fixRef = buttons?.fix({ serviceId: row.serviceId, serviceName: row.serviceName, ruleId: row.ruleId, resourceId: row.resourceId }) ?? '';
    return {
    badge: `● ${SEVERITY_LABEL[row.severity]}`,
    color: SEVERITY_COLOR[row.severity],
    ruleId: row.ruleId,
    title: clip(row.title, 160),
    where: clip(`${row.serviceName}${row.resource === undefined ? '' : ` · ${row.resource}`} · new since ${since}`, 300),
    cause: clip(row.cause ?? 'The change history does not say who changed it.', 400),
    service: clip(row.serviceName, 40),
    auditData: { text: clip(`audit ${row.serviceName} in ${model.environment}`, 200), ...keptCard },
    explainData: { ruleId: row.ruleId, ...keptCard },
    fix: fixRef,
    fixData: { ref: fixRef, ...keptCard },
  };
  });
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
