import type { ConversationRecord, ConversationStore, ExemptionRecord, ExemptionStore, Subscription, SubscriptionStore } from './contracts.js';
import { checkCallerKey, Collection, decodeCursor, encodeCursor, pageLimit, RECORD_ID, type Clock } from './collection.js';
import { StoreError } from './errors.js';
import { keyFor, randomId } from './hashing.js';
import { assertWritableJson, type JsonObject } from './json.js';
import type { RecordTable } from './primitives.js';
import { conversationRecordSchema, exemptionRecordSchema, subscriptionSchema } from './records.js';
import { exemptionSchema } from '../engine/exemptions.js';

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
