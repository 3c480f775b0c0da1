import type { z } from 'zod';
import type { PageRequest } from './contracts.js';
import { readStored } from './json.js';
import type { RecordTable } from './primitives.js';
import { callerKeySchema } from './records.js';

/** The building blocks the stores share: a typed collection over a record table, checks, cursors. */

export type Clock = () => Date;

/** Compare-and-swap loops retry this often before giving up: contention beyond it is a fault. */
export const MAX_CAS_ATTEMPTS = 50;
const DEFAULT_PAGE = 50;
export const MAX_PAGE = 1000;
/** Ids the stores issue (randomId): what a caller hands back is checked against it before it becomes a key. */
export const RECORD_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function pageLimit(page: PageRequest | undefined): number {
  const limit = page?.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new RangeError(`page limit must be an integer from 1 to ${MAX_PAGE}`);
  return limit;
}

export function checkCallerKey(value: string, what: string): string {
  const parsed = callerKeySchema.safeParse(value);
  if (!parsed.success) throw new RangeError(`${what} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

export function checkTtl(ttlInMs: number): void {
  if (!Number.isInteger(ttlInMs) || ttlInMs < 1 || ttlInMs > 366 * 24 * 60 * 60 * 1000) throw new RangeError('ttlInMs must be a positive integer of at most a year');
}

/** Records one collection holds, read back through its schema. */
export class Collection<T> {
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
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, pattern: RegExp): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!pattern.test(key)) throw new RangeError('invalid page cursor');
  return key;
}

