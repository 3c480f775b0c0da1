import { chainRecord, MAX_AUDIT_RECORD_BYTES, verifyChain, type AuditHead } from './audit-chain.js';
import type { AuditEntry, AuditLog, AuditRecord, ChainVerification } from './contracts.js';
import { StoreError, StoreLimitError } from './errors.js';
import { parseStoredJson, readStored } from './json.js';
import type { RecordTable } from './primitives.js';
import type { Clock } from './collection.js';
import { auditHeadSchema, auditRecordSchema } from './records.js';

const LOG = 'audit';
const HEAD = 'audit-head';
const PAGE = 1000;
const MAX_APPEND_ATTEMPTS = 100;

/** Fixed width, so key order is sequence order. */
function seqKey(seq: number): string {
  return String(seq).padStart(12, '0');
}

/**
 * The audit log as one record per sequence number in a record table (the Azure backend). An
 * append creates the record for the next number, and creation is atomic, so concurrent writers
 * in any number of instances race for a number and exactly one gets it; the others read the new
 * tail and try the next one. A head record (sequence and hash of the latest) trails each append
 * and catches a truncated tail.
 */
export class RecordAuditLog implements AuditLog {
  constructor(
    private readonly table: RecordTable,
    private readonly now: Clock,
  ) {}

  async append(entry: AuditEntry): Promise<AuditRecord> {
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const record = chainRecord(entry, await this.tail(), this.now());
      const text = JSON.stringify(record);
      if (Buffer.byteLength(text, 'utf8') > MAX_AUDIT_RECORD_BYTES) throw new StoreLimitError(`an audit record is limited to ${MAX_AUDIT_RECORD_BYTES} bytes`);
      if (await this.table.create(LOG, seqKey(record.seq), text)) {
        await this.advanceHead({ seq: record.seq, hash: record.hash });
        return record;
      }
    }
    throw new StoreError('the audit log is contended beyond reason; try again');
  }

  async read(options: { readonly afterSeq?: number; readonly limit?: number } = {}): Promise<AuditRecord[]> {
    const rows = await this.rows(options.afterSeq ?? 0, options.limit ?? Number.POSITIVE_INFINITY);
    return rows.map((row) => readStored(auditRecordSchema, row.text, `audit record ${row.key}`));
  }

  async verify(): Promise<ChainVerification> {
    // The head first: it trails the records, so records read after it reach at least as far.
    let head: AuditHead | undefined;
    try {
      head = (await this.head())?.value;
    } catch (error) {
      return { ok: false, problem: 'malformed', at: 0, message: error instanceof Error ? error.message : String(error) };
    }
    const stored: Array<{ value: unknown; position: string }> = [];
    for (const [index, row] of (await this.rows(0, Number.POSITIVE_INFINITY)).entries()) {
      try {
        stored.push({ value: parseStoredJson(row.text, 'audit record'), position: `row ${row.key}` });
      } catch {
        return { ok: false, problem: 'malformed', at: index + 1, message: `audit record row ${row.key} is not valid JSON` };
      }
    }
    return verifyChain(stored, head);
  }

  private async head(): Promise<{ value: AuditHead; etag: string } | undefined> {
    const found = await this.table.get(HEAD, 'head');
    return found === undefined ? undefined : { value: readStored(auditHeadSchema, found.text, 'audit log head'), etag: found.etag };
  }

  /** The latest record: the head, then anything a writer appended after it (the head trails). */
  private async tail(): Promise<AuditHead | undefined> {
    const head = (await this.head())?.value;
    const after = await this.rows(head?.seq ?? 0, Number.POSITIVE_INFINITY);
    const last = after.at(-1);
    if (last === undefined) return head;
    const record = readStored(auditRecordSchema, last.text, `audit record ${last.key}`);
    return { seq: record.seq, hash: record.hash };
  }

  private async rows(afterSeq: number, limit: number): Promise<Array<{ key: string; text: string }>> {
    const rows: Array<{ key: string; text: string }> = [];
    let after = afterSeq > 0 ? seqKey(afterSeq) : undefined;
    while (rows.length < limit) {
      const wanted = Math.min(PAGE, limit - rows.length);
      const page = await this.table.list(LOG, { limit: wanted, ...(after === undefined ? {} : { after }) });
      rows.push(...page);
      if (page.length < wanted) break;
      after = page.at(-1)?.key;
    }
    return rows;
  }

  private async advanceHead(next: AuditHead): Promise<void> {
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      const current = await this.head();
      if (current !== undefined && current.value.seq >= next.seq) return;
      const text = JSON.stringify(next);
      if (current === undefined ? await this.table.create(HEAD, 'head', text) : await this.table.replace(HEAD, 'head', text, current.etag)) return;
    }
  }
}
