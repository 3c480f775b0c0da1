import type { z } from 'zod';
import type { JsonObject, JsonValue } from './json.js';
import type {
  auditEntrySchema,
  auditRecordSchema,
  buttonRefSchema,
  conversationRecordSchema,
  exemptionRecordSchema,
  postureSnapshotInputSchema,
  postureSnapshotSchema,
  storedReportSchema,
  subscriptionSchema,
} from './records.js';

/**
 * What the bot and the CLI keep between restarts and share between instances. Small interfaces,
 * plain JSON records: nothing here knows about Teams or Azure Storage. Every write resolves only
 * once it is durable (fsync'd on disk, acknowledged by the storage service).
 */
export interface Store {
  /** `file` or `azure`, for the start-up log line. */
  readonly backend: 'file' | 'azure';
  /** Where the data lives (a directory, account endpoints), never a secret. */
  readonly location: string;
  readonly auditLog: AuditLog;
  readonly history: PostureHistory;
  readonly exemptions: ExemptionStore;
  readonly buttonRefs: ButtonRefStore;
  readonly conversations: ConversationStore;
  readonly subscriptions: SubscriptionStore;
  readonly lastReports: LastReportStore;
  readonly leases: LeaseStore;
  readonly idempotency: IdempotencyKeys;
  /** Resolves when the store answers reads and writes; rejects with a StoreUnavailableError. For /healthz. */
  ping(): Promise<void>;
}

/** A page of a longer listing; pass `next` back as `cursor` for the following page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

export interface PageRequest {
  /** 1 to 1000; 50 when absent. */
  readonly limit?: number;
  readonly cursor?: string;
}

export type AuditEntry = z.input<typeof auditEntrySchema>;
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** Where and how the chain breaks, or its length and head when it holds. */
export type ChainVerification =
  | { readonly ok: true; readonly count: number; readonly headHash: string | undefined }
  | {
      readonly ok: false;
      /** `edited`: a record's content no longer matches its hash; `missing`: a record was removed;
       * `reordered`: records are out of sequence; `torn`: the last write was cut short;
       * `malformed`: a record does not parse. */
      readonly problem: 'edited' | 'missing' | 'reordered' | 'torn' | 'malformed';
      /** The sequence number (or, for files, the line) where verification stopped. */
      readonly at: number;
      readonly message: string;
    };

/**
 * Append-only record of what the bot did. Records are never updated; each carries the hash of
 * the one before, so an edit, a deletion or a reordering shows up in `verify()`. The store keeps
 * the latest head (sequence and hash) as well, which catches a truncated tail; the chain cannot
 * defend against someone who rewrites all of it, so `verify()` returns the head hash to be
 * recorded elsewhere.
 */
export interface AuditLog {
  /** Appends a record after the current last one (across processes and instances). */
  append(entry: AuditEntry): Promise<AuditRecord>;
  /** Records in sequence order, after `afterSeq` (0: from the start). */
  read(options?: { readonly afterSeq?: number; readonly limit?: number }): Promise<readonly AuditRecord[]>;
  verify(): Promise<ChainVerification>;
}

export type PostureSnapshotInput = z.input<typeof postureSnapshotInputSchema>;
export type PostureSnapshot = z.infer<typeof postureSnapshotSchema>;

/** One compact snapshot per audit and environment, for trends and the weekly digest. */
export interface PostureHistory {
  record(snapshot: PostureSnapshotInput): Promise<PostureSnapshot>;
  /** Newest first. */
  list(environment: string, page?: PageRequest): Promise<Page<PostureSnapshot>>;
}

export type ExemptionRecord = z.infer<typeof exemptionRecordSchema>;

/** Exemptions granted from Teams, alongside those in the configuration file. */
export interface ExemptionStore {
  add(exemption: ExemptionRecord['exemption'], createdBy: string): Promise<ExemptionRecord>;
  remove(id: string): Promise<boolean>;
  list(): Promise<readonly ExemptionRecord[]>;
}

export type ButtonRef = z.infer<typeof buttonRefSchema>;

export interface ButtonRefRequest {
  /** What the button does (which audit, which finding, which fix); kept server-side. */
  readonly meaning: JsonObject;
  readonly conversationId: string;
  /** When set, only this user may use the button (actions that change Azure). */
  readonly userId?: string;
  readonly ttlInMs: number;
  /** A single-use button answers once: the first `consume` wins, every later one sees `consumed`. */
  readonly singleUse: boolean;
}

/** Who pressed the button, where. */
export interface ButtonContext {
  readonly conversationId: string;
  readonly userId?: string;
}

export type RefLookup =
  | { readonly ok: true; readonly ref: ButtonRef }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' | 'otherConversation' | 'otherUser' | 'consumed' };

/**
 * Opaque ids for card buttons. A card carries only the id; its meaning stays in the store, bound
 * to the conversation (and optionally the user) and expiring, so a forged or replayed payload
 * cannot point the bot at something else, and any instance can answer a button another issued.
 */
export interface ButtonRefStore {
  issue(request: ButtonRefRequest): Promise<string>;
  /** Looks a button up without using it (Show more, paging). Any value is accepted: card payloads are input. */
  resolve(id: unknown, context: ButtonContext): Promise<RefLookup>;
  /** Uses a button: for a single-use one, exactly one call across all instances gets `ok`. */
  consume(id: unknown, context: ButtonContext): Promise<RefLookup>;
  /** Deletes buttons that expired before `olderThanInMs` ago; returns how many. Run it now and then (a timer, the digest). */
  purgeExpired(olderThanInMs?: number): Promise<number>;
}

export type ConversationRecord = z.infer<typeof conversationRecordSchema>;

/** Where proactive messages go: the channel's conversation reference, kept as the bot received it. */
export interface ConversationStore {
  put(conversationId: string, reference: JsonObject): Promise<void>;
  get(conversationId: string): Promise<ConversationRecord | undefined>;
  remove(conversationId: string): Promise<boolean>;
  list(page?: PageRequest): Promise<Page<ConversationRecord>>;
}

export type Subscription = z.infer<typeof subscriptionSchema>;

/** Which conversations receive what (the weekly digest), one per conversation and topic. */
export interface SubscriptionStore {
  put(subscription: z.input<typeof subscriptionSchema>): Promise<void>;
  remove(conversationId: string, topic: string): Promise<boolean>;
  list(topic?: string): Promise<readonly Subscription[]>;
}

export type StoredReport = z.infer<typeof storedReportSchema>;

export type ReportPut = { readonly kept: true; readonly bytes: number } | { readonly kept: false; readonly bytes: number; readonly limit: number };

/** The last report shown in each conversation (for "last", Show more and Fix after a restart). */
export interface LastReportStore {
  /**
   * Keeps the report unless its JSON is larger than the store's cap. An oversized report is not
   * kept and the conversation's previous one is dropped, so "last" never answers with an older
   * report than the one just shown.
   */
  put(conversationId: string, report: JsonValue): Promise<ReportPut>;
  get(conversationId: string): Promise<StoredReport | undefined>;
}

/** Held by one process until it expires or is released; renew before `expiresAt`. */
export interface Lease {
  readonly name: string;
  readonly token: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/**
 * Single-writer work (the weekly digest run): at most one holder of a name at a time; after the
 * TTL passes without a renewal anyone may take it over.
 */
export interface LeaseStore {
  /** The lease, or undefined while another holder has it. */
  acquire(name: string, ttlInMs: number): Promise<Lease | undefined>;
  /** The extended lease, or undefined when it expired or was taken over. */
  renew(lease: Lease, ttlInMs: number): Promise<Lease | undefined>;
  release(lease: Lease): Promise<void>;
}

/** "Has this been done?" for exactly-once effects (a digest sent for a week and conversation). */
export interface IdempotencyKeys {
  /** True for the one call that marks the key, false for every later one, across instances. */
  markDone(key: string): Promise<boolean>;
  isDone(key: string): Promise<boolean>;
}
