import type { z } from 'zod';
import type {
  ButtonContext,
  ButtonRef,
  ButtonRefRequest,
  ButtonRefStore,
  ConversationRecord,
  ConversationStore,
  ExemptionRecord,
  ExemptionStore,
  IdempotencyKeys,
  LastReportStore,
  Lease,
  LeaseStore,
  Page,
  PageRequest,
  PostureHistory,
  PostureSnapshot,
  PostureSnapshotInput,
  RefLookup,
  ReportPut,
  StoredReport,
  Subscription,
  SubscriptionStore,
} from './contracts.js';
import { StoreError } from './errors.js';
import { keyFor, randomId } from './hashing.js';
import { assertWritableJson, readStored, type JsonObject, type JsonValue } from './json.js';
import type { DocumentBox, RecordTable } from './primitives.js';
import {
  buttonRefSchema,
  callerKeySchema,
  conversationRecordSchema,
  doneRecordSchema,
  exemptionRecordSchema,
  leaseRecordSchema,
  postureSnapshotInputSchema,
  postureSnapshotSchema,
  storedReportSchema,
  subscriptionSchema,
} from './records.js';
import { exemptionSchema } from '../engine/exemptions.js';

export type Clock = () => Date;

/** Compare-and-swap loops retry this often before giving up: contention beyond it is a fault. */
const MAX_CAS_ATTEMPTS = 50;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;
/** Ids this module issues (randomId): what a caller hands back is checked against it before it becomes a key. */
const RECORD_ID = /^[A-Za-z0-9_-]{16,64}$/;
/** History keys sort newest first: a fixed-width count of milliseconds before this time. */
const HISTORY_EPOCH_END = 10 ** 15;
const HISTORY_KEY = /^\d{15}-[A-Za-z0-9_-]{1,40}$/;

export function pageLimit(page: PageRequest | undefined): number {
  const limit = page?.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new RangeError(`page limit must be an integer from 1 to ${MAX_PAGE}`);
  return limit;
}

function checkCallerKey(value: string, what: string): string {
  const parsed = callerKeySchema.safeParse(value);
  if (!parsed.success) throw new RangeError(`${what} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

function checkTtl(ttlInMs: number): void {
  if (!Number.isInteger(ttlInMs) || ttlInMs < 1 || ttlInMs > 366 * 24 * 60 * 60 * 1000) throw new RangeError('ttlInMs must be a positive integer of at most a year');
}

/** Records one collection holds, read back through its schema. */
class Collection<T> {
  constructor(
    private readonly table: RecordTable,
    readonly name: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  private where(key: string): string {
    return `store record ${this.name}/${key}`;
  }

  async get(key: string): Promise<{ value: T; etag: string } | undefined> {
    const found = await this.table.get(this.name, key);
    return found === undefined ? undefined : { value: readStored(this.schema, found.text, this.where(key)), etag: found.etag };
  }

  create(key: string, value: T): Promise<boolean> {
    return this.table.create(this.name, key, JSON.stringify(value));
  }

  replace(key: string, value: T, etag: string): Promise<boolean> {
    return this.table.replace(this.name, key, JSON.stringify(value), etag);
  }

  put(key: string, value: T): Promise<void> {
    return this.table.put(this.name, key, JSON.stringify(value));
  }

  delete(key: string): Promise<boolean> {
    return this.table.delete(this.name, key);
  }

  async page(limit: number, after?: string): Promise<Array<{ key: string; value: T }>> {
    const rows = await this.table.list(this.name, { limit, ...(after === undefined ? {} : { after }) });
    return rows.map((row) => ({ key: row.key, value: readStored(this.schema, row.text, this.where(row.key)) }));
  }

  async all(): Promise<T[]> {
    const values: T[] = [];
    let after: string | undefined;
    for (;;) {
      const rows = await this.page(MAX_PAGE, after);
      values.push(...rows.map((row) => row.value));
      if (rows.length < MAX_PAGE) return values;
      after = rows.at(-1)?.key;
    }
  }
}

/** Cursors are the last key of the previous page, wrapped so callers treat them as opaque. */
function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined, pattern: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!pattern.test(key)) throw new RangeError('invalid page cursor');
  return key;
}

export function createHistory(table: RecordTable): PostureHistory {
  const collectionFor = (environment: string) => new Collection<PostureSnapshot>(table, `history-${keyFor(environment).slice(0, 40)}`, postureSnapshotSchema);
  return {
    async record(input: PostureSnapshotInput): Promise<PostureSnapshot> {
      const checked = postureSnapshotInputSchema.parse(input);
      const time = Date.parse(checked.at);
      const id = `${String(HISTORY_EPOCH_END - time).padStart(15, '0')}-${randomId(9)}`;
      const snapshot: PostureSnapshot = { id, ...checked };
      if (!(await collectionFor(checked.environment).create(id, snapshot))) throw new StoreError('a posture snapshot id collided; record it again');
      return snapshot;
    },
    async list(environment: string, page?: PageRequest): Promise<Page<PostureSnapshot>> {
      checkCallerKey(environment, 'environment');
      const limit = pageLimit(page);
      const after = decodeCursor(page?.cursor, HISTORY_KEY);
      // One more than asked says whether another page exists without a second round trip.
      const rows = await collectionFor(environment).page(limit + 1, after);
      const items = rows.slice(0, limit).map((row) => row.value);
      const last = rows[limit - 1];
      return rows.length > limit && last !== undefined ? { items, next: encodeCursor(last.key) } : { items };
    },
  };
}

export function createExemptions(table: RecordTable, now: Clock): ExemptionStore {
  const collection = new Collection<ExemptionRecord>(table, 'exemptions', exemptionRecordSchema);
  return {
    async add(exemption, createdBy) {
      const record: ExemptionRecord = {
        id: randomId(12),
        exemption: exemptionSchema.parse(exemption),
        createdBy: checkCallerKey(createdBy, 'createdBy'),
        createdAt: now().toISOString(),
      };
      if (!(await collection.create(record.id, record))) throw new StoreError('an exemption id collided; add it again');
      return record;
    },
    async remove(id) {
      return RECORD_ID.test(id) ? collection.delete(id) : false;
    },
    list: () => collection.all(),
  };
}

export function createButtonRefs(table: RecordTable, now: Clock): ButtonRefStore {
  const collection = new Collection<ButtonRef>(table, 'button-refs', buttonRefSchema);

  function check(ref: ButtonRef, context: ButtonContext): RefLookup {
    if (ref.conversationId !== context.conversationId) return { ok: false, reason: 'otherConversation' };
    if (ref.userId !== undefined && ref.userId !== context.userId) return { ok: false, reason: 'otherUser' };
    if (ref.expiresAt <= now().getTime()) return { ok: false, reason: 'expired' };
    if (ref.singleUse && ref.consumedAt !== undefined) return { ok: false, reason: 'consumed' };
    return { ok: true, ref };
  }

  async function find(id: unknown): Promise<{ value: ButtonRef; etag: string } | undefined> {
    // Card payloads are input: only an id of the shape issued here reaches the storage key.
    if (typeof id !== 'string' || !RECORD_ID.test(id)) return undefined;
    const found = await collection.get(id);
    // A record copied under another id (a restore gone wrong) must not answer for it.
    return found?.value.id === id ? found : undefined;
  }

  return {
    async issue(request: ButtonRefRequest): Promise<string> {
      checkTtl(request.ttlInMs);
      assertWritableJson(request.meaning, 'button meaning');
      const ref: ButtonRef = buttonRefSchema.parse({
        id: randomId(18),
        meaning: request.meaning,
        conversationId: request.conversationId,
        ...(request.userId === undefined ? {} : { userId: request.userId }),
        expiresAt: now().getTime() + request.ttlInMs,
        singleUse: request.singleUse,
      });
      if (!(await collection.create(ref.id, ref))) throw new StoreError('a button id collided; issue it again');
      return ref.id;
    },
    async resolve(id, context) {
      const found = await find(id);
      return found === undefined ? { ok: false, reason: 'unknown' } : check(found.value, context);
    },
    async consume(id, context) {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const found = await find(id);
        if (found === undefined) return { ok: false, reason: 'unknown' };
        const verdict = check(found.value, context);
        if (!verdict.ok || !found.value.singleUse) return verdict;
        const consumed: ButtonRef = { ...found.value, consumedAt: now().toISOString() };
        // Only the writer whose read is still current marks it; the others read again and see it used.
        if (await collection.replace(found.value.id, consumed, found.etag)) return { ok: true, ref: consumed };
      }
      throw new StoreError('a button is contended beyond reason; try again');
    },
    async purgeExpired(olderThanInMs = 0) {
      const cutoff = now().getTime() - olderThanInMs;
      let purged = 0;
      let after: string | undefined;
      for (;;) {
        const rows = await collection.page(MAX_PAGE, after);
        for (const row of rows) if (row.value.expiresAt <= cutoff && (await collection.delete(row.key))) purged++;
        if (rows.length < MAX_PAGE) return purged;
        after = rows.at(-1)?.key;
      }
    },
  };
}

export function createConversations(table: RecordTable, now: Clock): ConversationStore {
  const collection = new Collection<ConversationRecord>(table, 'conversations', conversationRecordSchema);
  const CURSOR_KEY = /^[0-9a-f]{64}$/;
  return {
    async put(conversationId, reference: JsonObject) {
      assertWritableJson(reference, 'conversation reference');
      const record = conversationRecordSchema.parse({ conversationId, reference, updatedAt: now().toISOString() });
      await collection.put(keyFor(conversationId), record);
    },
    async get(conversationId) {
      checkCallerKey(conversationId, 'conversationId');
      return (await collection.get(keyFor(conversationId)))?.value;
    },
    async remove(conversationId) {
      checkCallerKey(conversationId, 'conversationId');
      return collection.delete(keyFor(conversationId));
    },
    async list(page) {
      const limit = pageLimit(page);
      const rows = await collection.page(limit + 1, decodeCursor(page?.cursor, CURSOR_KEY));
      const items = rows.slice(0, limit).map((row) => row.value);
      const last = rows[limit - 1];
      return rows.length > limit && last !== undefined ? { items, next: encodeCursor(last.key) } : { items };
    },
  };
}

export function createSubscriptions(table: RecordTable): SubscriptionStore {
  const collection = new Collection<Subscription>(table, 'subscriptions', subscriptionSchema);
  return {
    async put(subscription) {
      const record = subscriptionSchema.parse(subscription);
      await collection.put(keyFor(record.conversationId, record.topic), record);
    },
    async remove(conversationId, topic) {
      checkCallerKey(conversationId, 'conversationId');
      return collection.delete(keyFor(conversationId, topic));
    },
    async list(topic) {
      const all = await collection.all();
      return topic === undefined ? all : all.filter((subscription) => subscription.topic === topic);
    },
  };
}

export function createIdempotencyKeys(table: RecordTable, now: Clock): IdempotencyKeys {
  const collection = new Collection<z.infer<typeof doneRecordSchema>>(table, 'done', doneRecordSchema);
  return {
    async markDone(key) {
      checkCallerKey(key, 'idempotency key');
      // Creation is atomic in both backends: exactly one caller creates the record.
      return collection.create(keyFor(key), { key, doneAt: now().toISOString() });
    },
    async isDone(key) {
      checkCallerKey(key, 'idempotency key');
      return (await collection.get(keyFor(key))) !== undefined;
    },
  };
}

/**
 * Leases as records with compare-and-swap (the file backend; the Azure backend uses blob leases).
 * Expiry is judged by the caller's clock, so instances must keep their clocks in sync; the TTL
 * should be much longer than the expected skew.
 */
export function createRecordLeases(table: RecordTable, now: Clock): LeaseStore {
  type LeaseRecord = z.infer<typeof leaseRecordSchema>;
  const collection = new Collection<LeaseRecord>(table, 'leases', leaseRecordSchema);
  return {
    async acquire(name, ttlInMs) {
      checkCallerKey(name, 'lease name');
      checkTtl(ttlInMs);
      const key = keyFor(name);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const lease: Lease = { name, token: randomId(), expiresAt: now().getTime() + ttlInMs };
        const current = await collection.get(key);
        if (current === undefined) {
          if (await collection.create(key, lease)) return lease;
          continue;
        }
        if (current.value.expiresAt > now().getTime()) return undefined;
        if (await collection.replace(key, lease, current.etag)) return lease;
      }
      return undefined;
    },
    async renew(lease, ttlInMs) {
      checkTtl(ttlInMs);
      const key = keyFor(lease.name);
      const current = await collection.get(key);
      if (current === undefined || current.value.token !== lease.token || current.value.expiresAt <= now().getTime()) return undefined;
      const renewed: Lease = { ...lease, expiresAt: now().getTime() + ttlInMs };
      return (await collection.replace(key, renewed, current.etag)) ? renewed : undefined;
    },
    async release(lease) {
      const key = keyFor(lease.name);
      const current = await collection.get(key);
      if (current === undefined || current.value.token !== lease.token) return;
      await collection.replace(key, { ...current.value, expiresAt: 0 }, current.etag);
    },
  };
}

/** Default cap of a kept report: large estates' reports fit, a runaway one does not fill the disk. */
export const DEFAULT_MAX_REPORT_BYTES = 16 * 1024 * 1024;

export function createLastReports(box: DocumentBox, now: Clock, maxBytes: number): LastReportStore {
  return {
    async put(conversationId, report: JsonValue): Promise<ReportPut> {
      checkCallerKey(conversationId, 'conversationId');
      const stored: StoredReport = { conversationId, savedAt: now().toISOString(), report };
      const text = JSON.stringify(stored);
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > maxBytes) {
        // "last" must never answer with an older report than the one just shown.
        await box.delete(keyFor(conversationId));
        return { kept: false, bytes, limit: maxBytes };
      }
      assertWritableJson(report, 'report');
      await box.write(keyFor(conversationId), text);
      return { kept: true, bytes };
    },
    async get(conversationId) {
      checkCallerKey(conversationId, 'conversationId');
      // Read no more than could have been written: a planted huge document is refused, not parsed.
      const text = await box.read(keyFor(conversationId), maxBytes + 1024);
      if (text === undefined) return undefined;
      return readStored(storedReportSchema, text, 'stored report');
    },
  };
}
