import { randomBytes } from 'node:crypto';
import type { ButtonContext, ButtonRefStore, JsonObject } from '../store/index.js';

/** Separates the card's stored ref from the button's key within it. */
const SEPARATOR = '.';
const BUTTON_KEY = /^b[0-9]{1,4}$/;
const MAX_BUTTONS = 2_000;

export type CardRefLookup<T> = { readonly ok: true; readonly meaning: T } | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'otherConversation' | 'otherUser' | 'consumed' };

/**
 * The buttons of one card in one durable write. Cards are rendered synchronously and ask for a ref
 * per button; a write per button would make a card of fifty findings fifty fsyncs (or Table
 * inserts). So refs are handed out at once as `<card id>.<button key>` and their meanings are
 * written together by {@link commit}, before the card is sent. Any instance sharing the store
 * answers them, after a restart too.
 */
export class CardRefBatch<T extends JsonObject> {
  private readonly meanings: Record<string, T> = {};
  private readonly keys = new Map<string, string>();
  /** Placeholders are unguessable, so text in a card (a service named like one) is never taken for a ref. */
  private readonly placeholder = `~pending-${randomBytes(9).toString('base64url')}~`;
  private count = 0;
  private committed: Promise<string> | undefined;

  constructor(
    private readonly store: ButtonRefStore,
    private readonly conversationId: string,
    private readonly ttlInMs: number,
  ) {}

  /**
   * A ref for a button of this card; the same meaning gets the same ref. The card id is not known
   * until commit, so refs are placeholders until {@link commit} resolves them in the rendered card.
   */
  refFor(meaning: T): string {
    const canonical = JSON.stringify(meaning);
    const existing = this.keys.get(canonical);
    if (existing !== undefined) return existing;
    if (this.count >= MAX_BUTTONS) throw new Error(`a card may carry at most ${MAX_BUTTONS} buttons`);
    const key = `b${this.count}`;
    this.count += 1;
    this.meanings[key] = meaning;
    const placeholder = `${this.placeholder}${key}`;
    this.keys.set(canonical, placeholder);
    return placeholder;
  }

  /** Writes every meaning (one store write) and returns the card with its placeholders replaced by real refs. */
  async commit<C>(card: C): Promise<C> {
    if (this.count === 0) return card;
    this.committed ??= this.store.issue({ meaning: { buttons: this.meanings }, conversationId: this.conversationId, ttlInMs: this.ttlInMs, singleUse: false });
    const cardId = await this.committed;
    const issued = new Set(this.keys.values());
    return JSON.parse(JSON.stringify(card), (_key, value: unknown) =>
      typeof value === 'string' && issued.has(value) ? `${cardId}${SEPARATOR}${value.slice(this.placeholder.length)}` : value,
    ) as C;
  }
}

/**
 * What a button ref from a card means, if it exists, belongs to this conversation and has not
 * expired. Card data is input: anything that is not `<card id>.<button key>` is unknown.
 */
export async function resolveCardRef<T>(store: ButtonRefStore, ref: unknown, context: ButtonContext, parse: (meaning: unknown) => T | undefined): Promise<CardRefLookup<T>> {
  if (typeof ref !== 'string') return { ok: false, reason: 'unknown' };
  const at = ref.lastIndexOf(SEPARATOR);
  const cardId = ref.slice(0, at);
  const key = ref.slice(at + 1);
  if (at <= 0 || !BUTTON_KEY.test(key)) return { ok: false, reason: 'unknown' };
  const found = await store.resolve(cardId, context);
  if (!found.ok) return found;
  const buttons = found.ref.meaning['buttons'];
  // `key` is b<digits> (checked above), never a name Object.prototype has.
  const meaning = typeof buttons === 'object' && buttons !== null && !Array.isArray(buttons) ? (buttons as Record<string, unknown>)[key] : undefined;
  const parsed = meaning === undefined ? undefined : parse(meaning);
  return parsed === undefined ? { ok: false, reason: 'unknown' } : { ok: true, meaning: parsed };
}
