import { randomBytes } from 'node:crypto';
import type { RowButtons } from '../cards/render.js';
import type { Finding } from '../remediation/finding-fix.js';
import { findRule } from '../rules/index.js';
import type { JsonObject } from '../store/index.js';
import type { ButtonRefs, DetachedRef } from './bot-buttons.js';
import type { Card } from './messenger.js';

/**
 * A digest is read over its week and an alert may be acted on days later, so their buttons outlive
 * a report's (a day): two weeks.
 */
export const DETACHED_TTL_IN_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * A card with no kept audit behind it (the weekly digest, an alert), with its buttons: Fix for each
 * finding whose rule has an automatic fix (planned from a fresh read when clicked), and a kept copy
 * of the card, so that a click answers below it and the card itself comes back as it was instead of
 * being replaced by the answer. Two store writes: the card's buttons, then the kept copy, which
 * holds the finished card with a placeholder where its own ref goes (a card cannot contain the ref
 * of a record that stores it). Undefined when `render` has nothing to show.
 */
export async function detachedCard(
  buttons: ButtonRefs,
  conversationId: string,
  environment: string,
  render: (rows: RowButtons) => Card | undefined | Promise<Card | undefined>,
): Promise<Card | undefined> {
  const self = `~self-${randomBytes(12).toString('base64url')}~`;
  const batch = buttons.card(conversationId, DETACHED_TTL_IN_MS);
  const rendered = await render({
    card: self,
    fix: (finding) => {
      const kind = findRule(finding.ruleId)?.meta.fix;
      if (kind !== 'safe' && kind !== 'guarded') return undefined;
      return batch.refFor({ kind: 'rowFix', environment, serviceId: finding.serviceId, serviceName: finding.serviceName, ruleId: finding.ruleId, resourceIds: [finding.resourceId] });
    },
  });
  if (rendered === undefined) return undefined;
  const card = (await batch.commit(rendered)) as JsonObject;
  const keeper = buttons.card(conversationId, DETACHED_TTL_IN_MS);
  const { ref } = await keeper.commit({ ref: keeper.refFor({ kind: 'kept', card, self }) });
  return withSelf(card, self, ref);
}

/** The kept card as it was sent: its placeholder replaced by the ref it was found under. */
export function keptCardAgain(kept: Extract<DetachedRef, { kind: 'kept' }>, ref: string): Card {
  return withSelf(kept.card, kept.self, ref);
}

/** The finding a digest or alert row's Fix names, in the shape remediation plans from. */
export function rowFinding(stored: Extract<DetachedRef, { kind: 'rowFix' }>): Finding {
  return { serviceId: stored.serviceId, serviceName: stored.serviceName, ruleId: stored.ruleId, resourceIds: stored.resourceIds };
}

function withSelf(card: JsonObject, self: string, ref: string): Card {
  return JSON.parse(JSON.stringify(card), (_key, value: unknown) => (value === self ? ref : value)) as Card;
}
