/**
 * The two things each backend provides, on which every store but the audit log and the leases
 * is built once (collection.ts and the stores on it): a table of small JSON records with compare-and-swap, and a
 * box of larger JSON documents. Keys and collections are chosen by the store code, never taken
 * from a caller as they are: callers' ids are hashed or checked against a pattern first.
 */

/** A record's text and the tag to pass to `replace` so the write only lands if nobody wrote in between. */
export interface Versioned {
  readonly text: string;
  readonly etag: string;
}

/** Values are JSON text; a backend may re-encode it (escapes) as long as it parses to the same value. */
export interface RecordTable {
  get(collection: string, key: string): Promise<Versioned | undefined>;
  /** False when the key exists: creation is atomic across processes. */
  create(collection: string, key: string, text: string): Promise<boolean>;
  /** False when the record changed (or vanished) since `etag` was read. */
  replace(collection: string, key: string, text: string, etag: string): Promise<boolean>;
  /** Unconditional create-or-replace. */
  put(collection: string, key: string, text: string): Promise<void>;
  delete(collection: string, key: string): Promise<boolean>;
  /** Records in ascending key order, after `after` when given. */
  list(collection: string, options: { readonly after?: string; readonly limit: number }): Promise<ReadonlyArray<{ readonly key: string; readonly text: string }>>;
}

export interface DocumentBox {
  /** The document, or undefined; a StoreLimitError when it is larger than `maxBytes` (checked before reading it). */
  read(name: string, maxBytes: number): Promise<string | undefined>;
  write(name: string, text: string): Promise<void>;
  delete(name: string): Promise<void>;
}

const COLLECTION = /^[a-z][a-z0-9-]{0,62}$/;
const KEY = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Backends call this before touching storage: a key that reached them from a caller unchecked
 * would otherwise be a path (`../`) or an OData filter fragment.
 */
export function checkRecordAddress(collection: string, key: string): void {
  if (!COLLECTION.test(collection)) throw new RangeError(`invalid store collection "${collection.slice(0, 80)}"`);
  if (!KEY.test(key)) throw new RangeError(`invalid store key "${key.slice(0, 80)}"`);
}
