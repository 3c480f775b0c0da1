import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { chainRecord, MAX_AUDIT_RECORD_BYTES, verifyChain, type AuditHead } from '../audit-chain.js';
import type { AuditEntry, AuditLog, AuditRecord, ChainVerification } from '../contracts.js';
import { StoreCorruptError, StoreLimitError } from '../errors.js';
import { randomId } from '../hashing.js';
import { parseStoredJson, readStored, validateStored } from '../json.js';
import type { Clock } from '../collection.js';
import type { RecordTable } from '../primitives.js';
import { auditHeadSchema, auditRecordSchema } from '../records.js';
import { createDurable, FILE_MODE, fsyncDirectory, withFileLock } from './durable-fs.js';

const NEWLINE = 0x0a;
/** Enough of the file's end to hold the last record and a torn one after it. */
const TAIL_BYTES = 4 * MAX_AUDIT_RECORD_BYTES;

interface Tail {
  /** The last complete record, if any. */
  readonly last: AuditRecord | undefined;
  /** Bytes after the last newline: a record whose write was cut short. */
  readonly torn: Buffer | undefined;
  /** Where the torn bytes start. */
  readonly tornOffset: number;
}

/**
 * The audit log as JSON lines in one file, appended under a cross-process lock and fsync'd
 * before `append` resolves. A crash mid-append leaves a last line without its newline; it is
 * reported by `read` and `verify`, and the next append moves it to a side file and records that
 * it did, in the chain, instead of building on it or dropping it silently.
 */
export class FileAuditLog implements AuditLog {
  constructor(
    private readonly path: string,
    private readonly heads: RecordTable,
    private readonly now: Clock,
    private readonly warn: (message: string) => void,
  ) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    return withFileLock(this.path, async () => {
      const tail = await this.readTail();
      const head = await this.readHead();
      let previous: AuditHead | undefined = tail.last === undefined ? undefined : { seq: tail.last.seq, hash: tail.last.hash };
      if (head !== undefined && (previous === undefined || head.seq > previous.seq)) {
        throw new StoreCorruptError(`audit log ${this.path} ends at record ${previous?.seq ?? 0} but its head names record ${head.seq}: records were removed; restore the file before appending`);
      }
      if (tail.torn !== undefined) previous = await this.setTornTailAside(tail.torn, tail.tornOffset, previous);
      const record = chainRecord(entry, previous, this.now());
      await this.appendLine(record);
      return record;
    });
  }

  async read(options: { readonly afterSeq?: number; readonly limit?: number } = {}): Promise<AuditRecord[]> {
    const { lines, torn } = await this.readLinesLocked();
    if (torn) throw new StoreCorruptError(`audit log ${this.path} ends with a torn record at line ${lines.length + 1} (a write was interrupted); the next append sets it aside`);
    const records = lines.map((line, index) => readStored(auditRecordSchema, line, `audit log ${this.path} line ${index + 1}`));
    const after = records.filter((record) => record.seq > (options.afterSeq ?? 0));
    return options.limit === undefined ? after : after.slice(0, options.limit);
  }

  async verify(): Promise<ChainVerification> {
    const { lines, torn } = await this.readLinesLocked();
    if (torn) {
      return { ok: false, problem: 'torn', at: lines.length + 1, message: `audit log ${this.path} ends with a torn record at line ${lines.length + 1}: a write was interrupted` };
    }
    const stored: Array<{ value: unknown; position: string }> = [];
    for (const [index, line] of lines.entries()) {
      try {
        stored.push({ value: parseStoredJson(line, 'audit record'), position: `line ${index + 1}` });
      } catch {
        return { ok: false, problem: 'malformed', at: index + 1, message: `audit log ${this.path} line ${index + 1} is not valid JSON` };
      }
    }
    let head: AuditHead | undefined;
    try {
      head = await this.readHead();
    } catch (error) {
      return { ok: false, problem: 'malformed', at: 0, message: error instanceof Error ? error.message : String(error) };
    }
    return verifyChain(stored, head);
  }

  /** Under the writers' lock: an append in progress in another process is not a torn line. */
  private readLinesLocked(): Promise<{ lines: string[]; torn: boolean }> {
    return withFileLock(this.path, () => this.readLines());
  }

  private async readLines(): Promise<{ lines: string[]; torn: boolean }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], torn: false };
      throw error;
    }
    if (text === '') return { lines: [], torn: false };
    const lines = text.split('\n');
    const last = lines.pop();
    return { lines, torn: last !== '' };
  }

  private async readHead(): Promise<AuditHead | undefined> {
    const found = await this.heads.get('audit-head', 'head');
    return found === undefined ? undefined : readStored(auditHeadSchema, found.text, `audit log head of ${this.path}`);
  }

  private async readTail(): Promise<Tail> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { last: undefined, torn: undefined, tornOffset: 0 };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - TAIL_BYTES);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const lastNewline = buffer.lastIndexOf(NEWLINE);
      const tornStart = lastNewline + 1;
      const torn = tornStart < buffer.length ? buffer.subarray(tornStart) : undefined;
      if (lastNewline < 0) {
        if (start > 0) throw new StoreCorruptError(`audit log ${this.path} ends with more than ${TAIL_BYTES} bytes without a line break`);
        return { last: undefined, torn, tornOffset: 0 };
      }
      const lineStart = buffer.lastIndexOf(NEWLINE, lastNewline - 1) + 1;
      if (lineStart === 0 && start > 0) throw new StoreCorruptError(`audit log ${this.path} has a last record longer than ${TAIL_BYTES} bytes`);
      const line = buffer.subarray(lineStart, lastNewline).toString('utf8');
      const where = `the last complete record of audit log ${this.path}`;
      const last = validateStored(auditRecordSchema, parseStoredJson(line, where), where);
      return { last, torn, tornOffset: start + tornStart };
    } finally {
      await handle.close();
    }
  }

  /**
   * Keeps the torn bytes in a side file next to the log, cuts them off the log, and chains a
   * record saying so, so the recovery itself is part of the audit trail.
   */
  private async setTornTailAside(torn: Buffer, offset: number, previous: AuditHead | undefined): Promise<AuditHead> {
    const aside = join(dirname(this.path), `${basename(this.path)}.torn-${this.now().toISOString().replace(/[:.]/g, '-')}-${randomId(4)}`);
    if (!(await createDurable(aside, torn))) throw new StoreCorruptError(`cannot set the torn end of audit log ${this.path} aside: ${aside} exists`);
    const handle = await open(this.path, 'r+');
    try {
      await handle.truncate(offset);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.warn(`audit log ${this.path} ended with a torn record of ${torn.length} bytes (an interrupted write); it was moved to ${aside}`);
    const record = chainRecord(
      { kind: 'store.torn-record-set-aside', actor: 'system', details: { movedTo: basename(aside), bytes: torn.length, sha256: createHash('sha256').update(torn).digest('hex') } },
      previous,
      this.now(),
    );
    await this.appendLine(record);
    return { seq: record.seq, hash: record.hash };
  }

  private async appendLine(record: AuditRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    if (Buffer.byteLength(line, 'utf8') > MAX_AUDIT_RECORD_BYTES) throw new StoreLimitError(`an audit record is limited to ${MAX_AUDIT_RECORD_BYTES} bytes`);
    const handle = await open(this.path, 'a', FILE_MODE);
    let created: boolean;
    try {
      created = (await handle.stat()).size === 0;
      await handle.appendFile(line, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (created) await fsyncDirectory(dirname(this.path));
    // The head lags the log by at most this record after a crash here; verify accepts that.
    await this.heads.put('audit-head', 'head', JSON.stringify({ seq: record.seq, hash: record.hash } satisfies AuditHead));
  }
}
