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
export type AuditRef =
  | { readonly kind: 'report'; readonly auditId: string; readonly origin: CardOrigin }
  | { readonly kind: 'fixAll'; readonly auditId: string; readonly origin: CardOrigin; readonly serviceId: string; readonly serviceName: string }
  | ({ readonly kind: 'fix'; readonly auditId: string } & Omit<RefPayloads['fix'], 'report'>);

/**
 * The buttons of cards with no kept audit behind them (the weekly digest, alerts): a finding to fix
 * from a fresh read, and a kept copy of the card, whose own ref inside it is the placeholder `self`.
 */
export type DetachedRef =
  | { readonly kind: 'rowFix'; readonly environment: string; readonly serviceId: string; readonly serviceName: string; readonly ruleId: string; readonly resourceIds: readonly string[] }
  | { readonly kind: 'kept'; readonly card: JsonObject; readonly self: string };

export type StoredRef = AuditRef | DetachedRef;

export function isAuditRef(ref: StoredRef): ref is AuditRef {
  return ref.kind === 'report' || ref.kind === 'fixAll' || ref.kind === 'fix';
}

/**
 * Approximate heap bytes of a stored ref (for the ref store's size cap): its ids at two bytes a
 * character (they may outlive the report they came from) and a slot per resource id.
 */
export function storedRefBytes(ref: StoredRef): number {
  if (ref.kind === 'kept') return 2 * (JSON.stringify(ref.card).length + ref.self.length);
  const resources = ref.kind === 'fix' || ref.kind === 'rowFix' ? ref.resourceIds : [];
  const chars = resources.reduce((n, id) => n + id.length, 0) + (ref.kind === 'report' ? 0 : ref.serviceId.length + ref.serviceName.length) + (ref.kind === 'fix' || ref.kind === 'rowFix' ? ref.ruleId.length : 0);
  if (ref.kind === 'rowFix') return 2 * (chars + ref.environment.length) + 32 * resources.length;
  const origin = ref.origin.view === 'findings' ? ref.origin.serviceId.length + 32 : 16;
  return 2 * (ref.auditId.length + chars + origin) + 32 * resources.length;
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
  /** The buttons of one card; they expire after the store's default TTL, or `ttlInMs`. */
  card(conversationId: string, ttlInMs?: number): CardButtons;
  /** What a button means, if it exists, belongs to this conversation and has not expired. */
  resolve(conversationId: string, ref: unknown): Promise<StoredRef | undefined>;
}

/** Buttons in process memory, bounded by the RefStore's caps; a card rendered again keeps its refs. */
export class MemoryButtonRefs implements ButtonRefs {
  constructor(
    readonly refs: RefStore<StoredRef>,
    private readonly ttlInMs: number,
  ) {}

  card(conversationId: string, ttlInMs = this.ttlInMs): CardButtons {
    return {
      refFor: (meaning) => this.refs.issueOnce(conversationId, JSON.stringify(meaning), meaning, ttlInMs),
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

  card(conversationId: string, ttlInMs = this.ttlInMs): CardButtons {
    const batch = new CardRefBatch<JsonObject>(this.store, conversationId, ttlInMs);
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
const ruleId = z.string().regex(/^[A-Z][A-Z0-9]*-\d{3,4}$/);
/** A kept card is at most the card budget (28 KB) with room for its refs; anything larger was not written by us. */
const MAX_KEPT_CARD_CHARS = 40_000;
const keptCard = z
  .record(z.string(), z.unknown())
  .refine((card) => card['type'] === 'AdaptiveCard' && JSON.stringify(card).length <= MAX_KEPT_CARD_CHARS)
  .transform((card) => card as JsonObject);
const storedRefSchema = z.union([
  z.strictObject({ kind: z.literal('report'), auditId: id, origin }),
  z.strictObject({ kind: z.literal('fixAll'), auditId: id, origin, serviceId: id, serviceName: id }),
  z.strictObject({ kind: z.literal('fix'), auditId: id, origin, serviceId: id, serviceName: id, ruleId, resourceIds: z.array(id).max(10_000) }),
  z.strictObject({ kind: z.literal('rowFix'), environment: z.string().min(1).max(200), serviceId: id, serviceName: id, ruleId, resourceIds: z.array(id).min(1).max(100) }),
  z.strictObject({ kind: z.literal('kept'), card: keptCard, self: z.string().regex(/^~self-[A-Za-z0-9_-]{12,32}~$/) }),
]);

/** A stored meaning read back: storage is input too, so anything but a button's shape is unknown. */
export function parseStoredRef(value: unknown): StoredRef | undefined {
  const parsed = storedRefSchema.safeParse(value);
  return parsed.success ? (parsed.data) : undefined;
}
