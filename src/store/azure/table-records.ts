import { odata, type TableClient, type TableEntity } from '@azure/data-tables';
import { StoreCorruptError, StoreLimitError } from '../errors.js';
import { checkRecordAddress, type RecordTable, type Versioned } from '../primitives.js';

/** A string property holds at most 32K UTF-16 characters; chunks stay under it. */
const CHUNK_CHARS = 30_000;
/** An entity holds at most 1 MiB (strings count two bytes a character); this many chunks fit with room to spare. */
const MAX_CHUNKS = 14;

type ChunkedEntity = TableEntity<Record<string, string | number>>;

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * JSON with every non-ASCII character written as a \u escape (they only occur inside strings,
 * where the escape means the same). Azurite 3.37 garbles a multi-byte character that straddles a
 * 64 KiB boundary of an entity (seen with plain HTTP, no SDK involved); ASCII has no such
 * characters, on any service.
 */
function asciiJson(text: string): string {
  return text.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function toEntity(collection: string, key: string, json: string): ChunkedEntity {
  const text = asciiJson(json);
  const chunks = Math.max(1, Math.ceil(text.length / CHUNK_CHARS));
  if (chunks > MAX_CHUNKS) throw new StoreLimitError(`a stored record is limited to ${MAX_CHUNKS * CHUNK_CHARS} characters`);
  const entity: ChunkedEntity = { partitionKey: collection, rowKey: key, chunks };
  for (let i = 0; i < chunks; i++) entity[`d${i}`] = text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
  return entity;
}

function fromEntity(entity: Record<string, unknown>, where: string): string {
  const chunks = entity['chunks'];
  if (typeof chunks !== 'number' || !Number.isInteger(chunks) || chunks < 1 || chunks > MAX_CHUNKS) throw new StoreCorruptError(`${where} has no valid chunk count`);
  let text = '';
  for (let i = 0; i < chunks; i++) {
    const chunk = entity[`d${i}`];
    if (typeof chunk !== 'string') throw new StoreCorruptError(`${where} is missing chunk ${i}`);
    text += chunk;
  }
  return text;
}

/**
 * Records as entities of one table: the collection is the partition, the key the row, the JSON
 * text split over string properties. ETags make `replace` a compare-and-swap; `create` is an
 * insert, which the service refuses (409) when the row exists.
 */
export class TableRecordTable implements RecordTable {
  constructor(private readonly client: TableClient) {}

  async get(collection: string, key: string): Promise<Versioned | undefined> {
    checkRecordAddress(collection, key);
    try {
      const entity = await this.client.getEntity(collection, key);
      return { text: fromEntity(entity, `table row ${collection}/${key}`), etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async create(collection: string, key: string, text: string): Promise<boolean> {
    checkRecordAddress(collection, key);
    try {
      await this.client.createEntity(toEntity(collection, key, text));
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async replace(collection: string, key: string, text: string, etag: string): Promise<boolean> {
    checkRecordAddress(collection, key);
    try {
      await this.client.updateEntity(toEntity(collection, key, text), 'Replace', { etag });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) return false;
      throw error;
    }
  }

  async put(collection: string, key: string, text: string): Promise<void> {
    checkRecordAddress(collection, key);
    await this.client.upsertEntity(toEntity(collection, key, text), 'Replace');
  }

  async delete(collection: string, key: string): Promise<boolean> {
    checkRecordAddress(collection, key);
    try {
      await this.client.deleteEntity(collection, key);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  async list(collection: string, options: { readonly after?: string; readonly limit: number }): Promise<Array<{ key: string; text: string }>> {
    checkRecordAddress(collection, options.after ?? 'x');
    // odata`` quotes and escapes the values; the checks above keep them plain anyway.
    const filter = options.after === undefined ? odata`PartitionKey eq ${collection}` : odata`PartitionKey eq ${collection} and RowKey gt ${options.after}`;
    const rows: Array<{ key: string; text: string }> = [];
    // A page may come back short (or empty) with a continuation: keep reading until the limit or the end.
    for await (const page of this.client.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(options.limit, 1000) })) {
      for (const entity of page) {
        if (rows.length >= options.limit) return rows;
        rows.push({ key: entity.rowKey ?? '', text: fromEntity(entity, `table row ${collection}/${entity.rowKey ?? '?'}`) });
      }
      if (rows.length >= options.limit) return rows;
    }
    return rows;
  }
}
