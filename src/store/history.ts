import type { Page, PageRequest, PostureHistory, PostureSnapshot, PostureSnapshotInput } from './contracts.js';
import { checkCallerKey, Collection, decodeCursor, encodeCursor, pageLimit } from './collection.js';
import { StoreError } from './errors.js';
import { keyFor, randomId } from './hashing.js';
import type { RecordTable } from './primitives.js';
import { postureSnapshotInputSchema, postureSnapshotSchema } from './records.js';

/** History keys sort newest first: a fixed-width count of milliseconds before this time. */
const HISTORY_EPOCH_END = 10 ** 15;
const HISTORY_KEY = /^\d{15}-[A-Za-z0-9_-]{1,40}$/;

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

