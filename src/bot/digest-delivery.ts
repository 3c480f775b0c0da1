import { alertCard, messageCard, type AlertModel, type RowButtons } from '../cards/render.js';
import type { DigestSend, SendOutcome } from '../digest/digest-scheduler.js';
import type { ConversationStore, JsonObject, Subscription } from '../store/index.js';
import type { Card } from './messenger.js';

export interface DigestDetails {
  readonly scheduledFor: Date;
  readonly late: boolean;
  readonly resumed: boolean;
}

/** Renders a digest or alert card with its buttons (Fix per finding, a kept copy of the card) for a conversation. */
export type DetachedCards = (conversationId: string, environment: string, render: (rows: RowButtons) => Promise<Card | undefined>) => Promise<Card | undefined>;

/**
 * The scheduler's `send`: looks up the conversation's stored reference and posts the digest card
 * the caller renders (from the posture history) with its buttons; without history, a one-line card
 * saying so.
 */
export function digestSender(options: {
  readonly conversations: ConversationStore;
  readonly sendProactive: (reference: JsonObject, card: Card) => Promise<SendOutcome>;
  readonly detached: DetachedCards;
  readonly render: (subscription: Subscription, details: DigestDetails, rows: RowButtons) => Promise<Card | undefined>;
}): DigestSend {
  return async (subscription, details) => {
    const record = await options.conversations.get(subscription.conversationId);
    // No reference: the bot never heard from this conversation (or it was removed), so nothing can reach it.
    if (record === undefined) return 'gone';
    const environment = subscription.environment ?? 'prod';
    const card = (await options.detached(subscription.conversationId, environment, (rows) => options.render(subscription, details, rows))) ?? noHistoryCard(subscription.environment, details);
    return options.sendProactive(record.reference, card);
  };
}

/** The alert runner's `send`: the alert card with its buttons, to the conversation's stored reference. */
export function alertSender(options: {
  readonly conversations: ConversationStore;
  readonly sendProactive: (reference: JsonObject, card: Card) => Promise<SendOutcome>;
  readonly detached: DetachedCards;
}): (subscription: Subscription, alert: AlertModel) => Promise<SendOutcome> {
  return async (subscription, alert) => {
    const record = await options.conversations.get(subscription.conversationId);
    if (record === undefined) return 'gone';
    const card = await options.detached(subscription.conversationId, alert.environment, (rows) => Promise.resolve(alertCard(alert, rows)));
    return card === undefined ? 'failed' : options.sendProactive(record.reference, card);
  };
}

/** The scheduled digest of an environment with no posture history yet: what to do about it. */
export function noHistoryCard(environment: string | undefined, details: DigestDetails): Card {
  const scope = environment === undefined ? 'all environments' : environment;
  const when = details.scheduledFor.toISOString().slice(0, 16).replace('T', ' ');
  const timing = details.late ? `late: it was due ${when} UTC` : `scheduled ${when} UTC`;
  const repeat = details.resumed ? ' (an earlier attempt was interrupted, so this may be a repeat)' : '';
  return messageCard(`Weekly posture digest for ${scope}, ${timing}${repeat}: there is no posture history yet.`, {
    tone: 'info',
    commands: [`audit apim in ${environment ?? 'prod'}`],
  });
}
