import { DEFAULT_MAX_EXEMPTION_DAYS, MAX_REASON_LENGTH, MAX_TICKET_LENGTH } from '../exemptions/limits.js';
import { expand } from './templates.js';
import { clip } from './text.js';
import { checkRef, type AdaptiveCard } from './types.js';

export interface AcceptRiskForm {
  /** The opaque ref of the finding (its rule and service kept server-side); comes back in `data.ref`. */
  readonly ref: string;
  readonly ruleId: string;
  /** The rule's failure title: what is being accepted. */
  readonly title: string;
  readonly serviceName: string;
  /** Today (the caller's clock): the date picker allows tomorrow up to `maxDays` ahead. */
  readonly today: Date;
  readonly maxDays?: number;
}

/** Days suggested in the date picker, within the allowed window. */
const SUGGESTED_DAYS = 30;

/**
 * The "Accept risk" form for one finding: a reason, the last day the exemption holds, an optional
 * ticket link, and an Action.Execute `acceptRisk` with `{ ref }`. Teams adds the inputs to the
 * data (`reason`, `expires` as YYYY-MM-DD, `ticket`); parseCardAction checks their shape and
 * acceptRisk everything else, since the client's own checks (required, min, max) are advisory.
 */
export function acceptRiskCard(form: AcceptRiskForm): AdaptiveCard {
  const maxDays = form.maxDays ?? DEFAULT_MAX_EXEMPTION_DAYS;
  const title = `Accept the risk: ${form.ruleId} on ${clip(form.serviceName, 80)}`;
  return expand('accept-risk', {
    fallbackText: title,
    title,
    finding: clip(form.title, 200),
    explanation:
      'The finding stops counting against the score until the date you choose, then shows again as "exemption expired". Who accepted it, why and until when go into the audit log.',
    maxReason: MAX_REASON_LENGTH,
    maxTicket: MAX_TICKET_LENGTH,
    maxDays,
    min: isoDay(form.today, 1),
    max: isoDay(form.today, maxDays),
    suggested: isoDay(form.today, Math.min(SUGGESTED_DAYS, maxDays)),
    ref: checkRef(form.ref),
  });
}

function isoDay(today: Date, plusDays: number): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + plusDays)).toISOString().slice(0, 10);
}
