import type { z } from 'zod';
import type { AuditEntry, AuditRecord, ChainVerification } from './contracts.js';
import { sha256Hex } from './hashing.js';
import { canonicalJson, type JsonObject } from './json.js';
import { auditEntrySchema, auditRecordSchema, type auditHeadSchema } from './records.js';

/** The previous hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Serialised records above this are refused: the log holds decisions, not payloads. */
export const MAX_AUDIT_RECORD_BYTES = 48 * 1024;

export type AuditHead = z.infer<typeof auditHeadSchema>;

/** The hash covers every field but itself, in canonical form. */
export function hashOf(record: Omit<AuditRecord, 'hash'>): string {
  const { seq, at, kind, actor, subject, details, prevHash } = record;
  const body: JsonObject = { seq, at, kind, actor, details, prevHash, ...(subject === undefined ? {} : { subject }) };
  return sha256Hex(canonicalJson(body));
}

export function chainRecord(entry: AuditEntry, previous: AuditHead | undefined, at: Date): AuditRecord {
  const checked = auditEntrySchema.parse(entry);
  const unhashed = {
    seq: (previous?.seq ?? 0) + 1,
    at: at.toISOString(),
    kind: checked.kind,
    actor: checked.actor,
    ...(checked.subject === undefined ? {} : { subject: checked.subject }),
    details: checked.details,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unhashed, hash: hashOf(unhashed) };
}

/**
 * Walks records in stored order. `position` names the place for messages (a line of a file, a
 * row of a table); `head` is the last head the store wrote, which catches a cut-off tail.
 */
export function verifyChain(
  stored: ReadonlyArray<{ readonly value: unknown; readonly position: string }>,
  head: AuditHead | undefined,
): ChainVerification {
  const records: AuditRecord[] = [];
  for (const [index, item] of stored.entries()) {
    const parsed = auditRecordSchema.safeParse(item.value);
    if (!parsed.success) return { ok: false, problem: 'malformed', at: index + 1, message: `audit record at ${item.position} is not a valid record` };
    records.push(parsed.data);
  }
  const present = new Set(records.map((record) => record.seq));
  let previousHash = GENESIS_HASH;
  for (const [index, record] of records.entries()) {
    const expected = index + 1;
    if (record.seq !== expected) {
      if (present.has(expected) || record.seq < expected) {
        return { ok: false, problem: 'reordered', at: expected, message: `audit record ${record.seq} is out of order: record ${expected} was expected at ${stored[index]?.position ?? '?'}` };
      }
      return { ok: false, problem: 'missing', at: expected, message: `audit record ${expected} is missing: record ${record.seq} follows record ${expected - 1}` };
    }
    if (hashOf(record) !== record.hash) return { ok: false, problem: 'edited', at: record.seq, message: `audit record ${record.seq} was edited: its content no longer matches its hash` };
    if (record.prevHash !== previousHash) {
      return { ok: false, problem: 'edited', at: record.seq - 1, message: `audit record ${record.seq - 1} was edited: record ${record.seq} names a different hash for it` };
    }
    previousHash = record.hash;
  }
  if (head !== undefined) {
    if (head.seq > records.length) {
      return { ok: false, problem: 'missing', at: records.length + 1, message: `audit records ${records.length + 1} to ${head.seq} are missing: the log ends at ${records.length}` };
    }
    if (records[head.seq - 1]?.hash !== head.hash) {
      return { ok: false, problem: 'edited', at: head.seq, message: `audit record ${head.seq} was edited: it no longer matches the recorded head` };
    }
  } else if (records.length > 1) {
    // The head is written after each record, so only the first append (in flight, or cut short by a
    // crash) leaves a record without one; after that a missing head was removed.
    return { ok: false, problem: 'missing', at: 0, message: 'the audit log head is missing' };
  }
  return { ok: true, count: records.length, headHash: records.at(-1)?.hash };
}
