import { messageCard } from '../cards/render.js';
import type { DigestSend, SendOutcome } from '../digest/digest-scheduler.js';
import type { ConversationStore, JsonObject } from '../store/index.js';
import type { Card } from './messenger.js';

/**
 * The scheduler's `send`: looks up the conversation's stored reference and posts the digest card.
 * The card is a placeholder naming the environment and the week until the digest card
 * (renderDigestCard) is merged.
 */
export function digestSender(options: {
  readonly conversations: ConversationStore;
  readonly sendProactive: (reference: JsonObject, card: Card) => Promise<SendOutcome>;
}): DigestSend {
  return async (subscription, details) => {
    const record = await options.conversations.get(subscription.conversationId);
    // No reference: the bot never heard from this conversation (or it was removed), so nothing can reach it.
    if (record === undefined) return 'gone';
    return options.sendProactive(record.reference, digestPlaceholderCard(subscription.environment, details));
  };
}

export function digestPlaceholderCard(environment: string | undefined, details: { readonly scheduledFor: Date; readonly late: boolean; readonly resumed: boolean }): Card {
  const scope = environment === undefined ? 'all environments' : environment;
  const when = details.scheduledFor.toISOString().slice(0, 16).replace('T', ' ');
  const timing = details.late ? `late: it was due ${when} UTC` : `scheduled ${when} UTC`;
  const repeat = details.resumed ? ' (an earlier attempt was interrupted, so this may be a repeat)' : '';
  return messageCard(`Weekly posture digest for ${scope}, ${timing}${repeat}.`, { tone: 'info' });
}
