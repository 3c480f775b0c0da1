import type { ListedExemption } from '../exemptions/in-force.js';
import { plural } from '../util/text.js';
import { CARD_BUDGET_BYTES, firstThatFits } from './templates.js';
import { clip, type CardColor } from './text.js';
import type { AdaptiveCard } from './types.js';

/** An exemption this close to its expiry is shown in the warning colour. */
const SOON_DAYS = 7;

/**
 * "exemptions": every exemption audits apply, in the order they apply them (the configuration's
 * first), each with its rule and resource, until when it holds or that it expired, the reason,
 * and where it comes from (the configuration file, or who accepted it in Teams and when).
 */
export function exemptionsCard(listed: readonly ListedExemption[], options: { readonly budgetBytes?: number } = {}): AdaptiveCard {
  if (listed.length === 0) {
    return firstThatFits(
      'exemptions',
      [
        () => ({
          fallbackText: 'No exemptions.',
          title: 'No exemptions',
          note: 'None in the configuration file and none accepted in Teams: every failing rule counts against the score.',
          items: [],
          hasMore: false,
          more: '',
        }),
      ],
      options.budgetBytes ?? CARD_BUDGET_BYTES,
    );
  }
  const expired = listed.filter((exemption) => exemption.expired).length;
  const model = (limit: number, reasonLength: number): object => {
    const shown = listed.slice(0, limit);
    return {
      fallbackText: `${plural(listed.length, 'exemption')}${expired === 0 ? '' : `, ${expired} expired`}.`,
      title: `Exemptions (${listed.length}${expired === 0 ? '' : `, ${expired} expired`})`,
      note: 'In the order audits apply them: the configuration file first, then those accepted in Teams. An expired exemption no longer hides its finding.',
      items: shown.map((exemption) => item(exemption, reasonLength)),
      hasMore: shown.length < listed.length,
      more: `… and ${listed.length - shown.length} more.`,
    };
  };
  return firstThatFits(
    'exemptions',
    [() => model(listed.length, 300), () => model(40, 160), () => model(15, 100), () => model(5, 60)],
    options.budgetBytes ?? CARD_BUDGET_BYTES,
  );
}

function item(exemption: ListedExemption, reasonLength: number): object {
  const [status, color] = statusOf(exemption);
  const reason = clip(exemption.reason, reasonLength);
  const origin =
    exemption.source === 'configuration'
      ? `Configuration file${exemption.who === undefined ? '' : ` · owner ${clip(exemption.who, 80)}`}`
      : `Accepted in Teams by ${clip(exemption.who ?? 'someone', 80)}${exemption.createdAt === undefined ? '' : ` on ${exemption.createdAt.slice(0, 10)}`}`;
  return {
    ruleId: exemption.ruleId === '*' ? 'Every rule' : exemption.ruleId,
    target: ` on ${clip(resourceName(exemption.resource), 120)}`,
    status,
    color,
    reason: exemption.ticket === undefined ? reason : `${reason} (${clip(exemption.ticket, 120)})`,
    origin,
  };
}

function statusOf(exemption: ListedExemption): readonly [string, CardColor] {
  if (exemption.expired) return [`Exemption expired ${exemption.expires}: the finding counts again.`, 'Warning'];
  const left = exemption.daysLeft === 0 ? 'last day' : `${plural(exemption.daysLeft, 'day')} left`;
  return [`Exempted until ${exemption.expires} (${left})`, exemption.daysLeft <= SOON_DAYS ? 'Warning' : 'Accent'];
}

/** A resource id by its name (the last segment); names and patterns as they are. */
function resourceName(resource: string): string {
  if (!resource.startsWith('/')) return resource;
  return resource.split('/').filter((part) => part !== '').pop() ?? resource;
}
