import { z } from 'zod';
import type { CardOrigin, RefPayloads } from '../cards/render.js';
import { SEVERITIES } from '../rules/types.js';
import type { ButtonRefStore, JsonObject } from '../store/index.js';
import { CardRefBatch, resolveCardRef } from './card-refs.js';
import type { RefStore } from './refs.js';

/** Buttons of a report stay usable for a day; older cards answer "run the audit again". */
export const REF_TTL_IN_MS = 24 * 60 * 60 * 1000;

/**
 * What a button's opaque ref means: the kept audit it came from, by id, and for a Fix button the
 * finding. Never the report itself, so an evicted audit is really freed and its buttons expire.
 */
export type StoredRef =
  | { readonly kind: 'report'; readonly auditId: string; readonly origin: CardOrigin }
  | { readonly kind: 'fixAll'; readonly auditId: string; readonly origin: CardOrigin; readonly serviceId: string; readonly serviceName: string }
  | ({ readonly kind: 'fix'; readonly auditId: string } & Omit<RefPayloads['fix'], 'report'>);

/**
 * Approximate heap bytes of a stored ref (for the ref store's size cap): its ids at two bytes a
 * character (they may outlive the report they came from) and a slot per resource id.
 */
export function storedRefBytes(ref: StoredRef): number {
  const origin = ref.origin.view === 'findings' ? ref.origin.serviceId.length + 32 : 16;
  if (ref.kind === 'report') return 2 * (ref.auditId.length + origin);
  if (ref.kind === 'fixAll') return 2 * (ref.auditId.length + ref.serviceId.length + ref.serviceName.length + origin);
  const chars = ref.auditId.length + ref.serviceId.length + ref.serviceName.length + ref.ruleId.length + ref.resourceIds.reduce((n, id) => n + id.length, 0);
  return 2 * (chars + origin) + 32 * ref.resourceIds.length;
}

/** The refs of one card (or one page of cards): handed out while rendering, written before sending. */
export interface CardButtons {
  refFor(meaning: StoredRef): string;
  commit<C>(card: C): Promise<C>;
}

/**
 * Where the bot keeps what its buttons mean: in memory (tests, a single short-lived process) or in
 * the durable store, where a button survives a restart and any instance can answer it.
 */
export interface ButtonRefs {
  card(conversationId: string): CardButtons;
  /** What a button means, if it exists, belongs to this conversation and has not expired. */
  resolve(conversationId: string, ref: unknown): Promise<StoredRef | undefined>;
}

/** Buttons in process memory, bounded by the RefStore's caps; a card rendered again keeps its refs. */
export class MemoryButtonRefs implements ButtonRefs {
  constructor(
    readonly refs: RefStore<StoredRef>,
    private readonly ttlInMs: number,
  ) {}

  card(conversationId: string): CardButtons {
    return {
      refFor: (meaning) => this.refs.issueOnce(conversationId, JSON.stringify(meaning), meaning, this.ttlInMs),
      commit: (card) => Promise.resolve(card),
    };
  }

  resolve(conversationId: string, ref: unknown): Promise<StoredRef | undefined> {
    return Promise.resolve(this.refs.resolve(conversationId, ref));
  }
}

/** Buttons in the store: one write per card, answered after a restart and by other instances. */
export class DurableButtonRefs implements ButtonRefs {
  constructor(
    private readonly store: ButtonRefStore,
    private readonly ttlInMs: number,
  ) {}

  card(conversationId: string): CardButtons {
    const batch = new CardRefBatch<JsonObject>(this.store, conversationId, this.ttlInMs);
    return { refFor: (meaning) => batch.refFor(meaning), commit: (card) => batch.commit(card) };
  }

  async resolve(conversationId: string, ref: unknown): Promise<StoredRef | undefined> {
    const found = await resolveCardRef(this.store, ref, { conversationId }, parseStoredRef);
    return found.ok ? found.meaning : undefined;
  }
}

const severity = z.enum(SEVERITIES as [string, ...string[]]).transform((value) => value as (typeof SEVERITIES)[number]);
const id = z.string().min(1).max(2_000);
const origin = z.union([
  z.strictObject({ view: z.literal('summary'), shownBelow: z.union([severity, z.literal('all')]).optional() }),
  z.strictObject({ view: z.literal('findings'), page: z.number().int().min(1).max(100_000), minSeverity: severity.optional(), serviceId: id }),
]);
const storedRefSchema = z.union([
  z.strictObject({ kind: z.literal('report'), auditId: id, origin }),
  z.strictObject({ kind: z.literal('fixAll'), auditId: id, origin, serviceId: id, serviceName: id }),
  z.strictObject({ kind: z.literal('fix'), auditId: id, origin, serviceId: id, serviceName: id, ruleId: z.string().regex(/^[A-Z][A-Z0-9]*-\d{3,4}$/), resourceIds: z.array(id).max(10_000) }),
]);

/** A stored meaning read back: storage is input too, so anything but a button's shape is unknown. */
export function parseStoredRef(value: unknown): StoredRef | undefined {
  const parsed = storedRefSchema.safeParse(value);
  return parsed.success ? (parsed.data) : undefined;
}
