import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreLimitError } from '../errors.js';
import { sha256Hex } from '../hashing.js';
import { checkRecordAddress, type DocumentBox, type RecordTable, type Versioned } from '../primitives.js';
import { createDurable, ensureDirectory, fsyncDirectory, withFileLock, writeDurable } from './durable-fs.js';

const RECORD_FILE = /^([A-Za-z0-9_-]{1,200})\.json$/;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Records as one JSON file each, `<root>/<collection>/<key>.json`. Whole-file replacement by
 * rename means a reader sees the old or the new record, never half of one; the etag is the
 * content's hash, and compare-and-swap runs under a cross-process lock on the record.
 */
export class FileRecordTable implements RecordTable {
  private readonly ready = new Set<string>();

  constructor(private readonly root: string) {}

  private async pathOf(collection: string, key: string): Promise<string> {
    checkRecordAddress(collection, key);
    const directory = join(this.root, collection);
    if (!this.ready.has(directory)) {
      await ensureDirectory(directory);
      this.ready.add(directory);
    }
    return join(directory, `${key}.json`);
  }

  async get(collection: string, key: string): Promise<Versioned | undefined> {
    const text = await readIfPresent(await this.pathOf(collection, key));
    return text === undefined ? undefined : { text, etag: sha256Hex(text) };
  }

  async create(collection: string, key: string, text: string): Promise<boolean> {
    return createDurable(await this.pathOf(collection, key), text);
  }

  async replace(collection: string, key: string, text: string, etag: string): Promise<boolean> {
    const path = await this.pathOf(collection, key);
    return withFileLock(path, async () => {
      const current = await readIfPresent(path);
      if (current === undefined || sha256Hex(current) !== etag) return false;
      await writeDurable(path, text);
      return true;
    });
  }

  async put(collection: string, key: string, text: string): Promise<void> {
    const path = await this.pathOf(collection, key);
    // Under the lock, so a concurrent compare-and-swap cannot write over it unseen.
    await withFileLock(path, () => writeDurable(path, text));
  }

  async delete(collection: string, key: string): Promise<boolean> {
    const path = await this.pathOf(collection, key);
    return withFileLock(path, async () => {
      try {
        await unlink(path);
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
      await fsyncDirectory(join(this.root, collection));
      return true;
    });
  }

  async list(collection: string, options: { readonly after?: string; readonly limit: number }): Promise<Array<{ key: string; text: string }>> {
    checkRecordAddress(collection, options.after ?? 'x');
    let names: string[];
    try {
      names = await readdir(join(this.root, collection));
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    // Code-unit order, the same order Azure Table Storage lists row keys in.
    const keys = names
      .map((name) => RECORD_FILE.exec(name)?.[1])
      .filter((key): key is string => key !== undefined && (options.after === undefined || key > options.after))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rows: Array<{ key: string; text: string }> = [];
    for (const key of keys) {
      if (rows.length >= options.limit) break;
      // Deleted since the listing: skip it, as a later listing would.
      const text = await readIfPresent(join(this.root, collection, `${key}.json`));
      if (text !== undefined) rows.push({ key, text });
    }
    return rows;
  }
}

/** Larger documents (last reports), one file each, replaced atomically. */
export class FileDocumentBox implements DocumentBox {
  private prepared = false;

  constructor(private readonly directory: string) {}

  private async pathOf(name: string): Promise<string> {
    checkRecordAddress('documents', name);
    if (!this.prepared) {
      await ensureDirectory(this.directory);
      this.prepared = true;
    }
    return join(this.directory, `${name}.json`);
  }

  async read(name: string, maxBytes: number): Promise<string | undefined> {
    const path = await this.pathOf(name);
    try {
      if ((await stat(path)).size > maxBytes) throw new StoreLimitError(`stored document ${name} is larger than ${maxBytes} bytes`);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return readIfPresent(path);
  }

  async write(name: string, text: string): Promise<void> {
    await writeDurable(await this.pathOf(name), text);
  }

  async delete(name: string): Promise<void> {
    try {
      await unlink(await this.pathOf(name));
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await fsyncDirectory(this.directory);
  }
}
