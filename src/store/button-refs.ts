import type { ButtonContext, ButtonRef, ButtonRefRequest, ButtonRefStore, RefLookup } from './contracts.js';
import { checkTtl, Collection, MAX_CAS_ATTEMPTS, MAX_PAGE, RECORD_ID, type Clock } from './collection.js';
import { StoreError } from './errors.js';
import { randomId } from './hashing.js';
import { assertWritableJson } from './json.js';
import type { RecordTable } from './primitives.js';
import { buttonRefSchema } from './records.js';

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

