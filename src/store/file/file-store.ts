import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Store } from '../contracts.js';
import { describeFailure, StoreUnavailableError } from '../errors.js';
import { createButtonRefs } from '../button-refs.js';
import { createConversations, createExemptions, createSubscriptions } from '../conversation-stores.js';
import { createHistory } from '../history.js';
import { createIdempotencyKeys, createRecordLeases } from '../record-leases.js';
import { createLastReports, DEFAULT_MAX_REPORT_BYTES } from '../last-reports.js';
import type { Clock } from '../collection.js';
import { ensureDirectory, writeDurable } from './durable-fs.js';
import { FileAuditLog } from './file-audit-log.js';
import { FileDocumentBox, FileRecordTable } from './file-table.js';

export interface FileStoreOptions {
  readonly directory: string;
  readonly now?: Clock;
  readonly maxReportBytes?: number;
  /** Told about recoveries (a torn audit record set aside); the server passes its logger. */
  readonly warn?: (message: string) => void;
}

/**
 * The embedded store: everything under one data directory, shared safely by processes on one
 * machine. Layout: `audit.jsonl` (the audit log), `records/<collection>/<key>.json` and
 * `reports/<key>.json`.
 */
export async function openFileStore(options: FileStoreOptions): Promise<Store> {
  const directory = resolve(options.directory);
  const now = options.now ?? (() => new Date());
  try {
    await ensureDirectory(directory);
  } catch (error) {
    throw new StoreUnavailableError(`cannot create the data directory ${directory}: ${describeFailure(error)}`);
  }
  const table = new FileRecordTable(join(directory, 'records'));
  const store: Store = {
    backend: 'file',
    location: directory,
    auditLog: new FileAuditLog(join(directory, 'audit.jsonl'), table, now, options.warn ?? (() => undefined)),
    history: createHistory(table),
    exemptions: createExemptions(table, now),
    buttonRefs: createButtonRefs(table, now),
    conversations: createConversations(table, now),
    subscriptions: createSubscriptions(table),
    lastReports: createLastReports(new FileDocumentBox(join(directory, 'reports')), now, options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES),
    leases: createRecordLeases(table, now),
    idempotency: createIdempotencyKeys(table, now),
    async ping() {
      // A write, not just a stat: a read-only or full disk must fail the health check.
      const probe = join(directory, `.ping-${randomBytes(6).toString('hex')}`);
      try {
        await writeDurable(probe, 'ok');
        await unlink(probe);
      } catch (error) {
        throw new StoreUnavailableError(`the data directory ${directory} is not writable: ${describeFailure(error)}`);
      }
    },
  };
  return store;
}
