/** An Adaptive Card as JSON; cards come from src/cards. */
export type Card = Record<string, unknown>;

/**
 * How background work talks to one conversation after the turn that started it has ended:
 * send a card, or replace one in place. Implemented over botbuilder's proactive messaging.
 */
export interface Messenger {
  send(card: Card): Promise<string | undefined>;
  update(activityId: string, card: Card): Promise<void>;
}
