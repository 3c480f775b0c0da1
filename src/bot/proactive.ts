import { CardFactory, type CloudAdapter } from 'botbuilder';
import type { SendOutcome } from '../digest/digest-scheduler.js';
import type { JsonObject } from '../store/index.js';
import { isAllowedServiceUrl } from './activity-shape.js';
import type { Card } from './messenger.js';

/**
 * A message the bot starts itself (the weekly digest), to a conversation reference kept in the
 * store. The reference is stored data, so it is checked like input: its connector must be one the
 * bot would accept a request from, or the bot's token would go wherever the record points.
 */
export async function sendProactive(
  adapter: Pick<CloudAdapter, 'continueConversationAsync'>,
  appId: string,
  reference: JsonObject,
  card: Card,
  connectors: { readonly anonymous: boolean; readonly extraHosts?: readonly string[] },
): Promise<SendOutcome> {
  const serviceUrl = reference['serviceUrl'];
  const conversation = reference['conversation'];
  if (typeof serviceUrl !== 'string' || !isAllowedServiceUrl(serviceUrl, connectors) || typeof conversation !== 'object' || conversation === null || Array.isArray(conversation)) {
    // Nothing to retry: the stored reference can never work.
    return 'gone';
  }
  // The send's own failure is caught inside the turn: escaping it, the adapter's onTurnError would
  // post an apology to the conversation (and, if that went through, hide the failure).
  let failure: { readonly error: unknown } | undefined;
  try {
    await adapter.continueConversationAsync(appId, reference, async (turn) => {
      try {
        await turn.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
      } catch (error) {
        failure = { error };
      }
    });
  } catch (error) {
    failure = { error };
  }
  return failure === undefined ? 'sent' : outcomeOfSendError(failure.error);
}

/**
 * `gone` for the connector's 403 (the bot was removed from the team or chat) and 404 (the
 * conversation or channel was deleted): retrying cannot help. Anything else (throttling, 5xx, the
 * network) is `failed` and retried later. The status is the `statusCode` of the error botbuilder's
 * connector client throws (test/bot/server-digests.test.ts checks it against a local connector;
 * live Teams' answers are unverified).
 */
export function outcomeOfSendError(error: unknown): 'gone' | 'failed' {
  const status = typeof error === 'object' && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined;
  return status === 403 || status === 404 ? 'gone' : 'failed';
}
