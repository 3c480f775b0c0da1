import type { LastReportStore, ReportPut, StoredReport } from './contracts.js';
import { checkCallerKey, type Clock } from './collection.js';
import { keyFor } from './hashing.js';
import { assertWritableSerialised, readStored, type JsonValue } from './json.js';
import type { DocumentBox } from './primitives.js';
import { storedReportSchema } from './records.js';

/** Default cap of a kept report: large estates' reports fit, a runaway one does not fill the disk. */
export const DEFAULT_MAX_REPORT_BYTES = 16 * 1024 * 1024;

export function createLastReports(box: DocumentBox, now: Clock, maxBytes: number): LastReportStore {
  return {
    async put(conversationId, report: JsonValue): Promise<ReportPut> {
      checkCallerKey(conversationId, 'conversationId');
      if (!isSerialisable(report)) throw new TypeError('report is not JSON-serialisable');
      const stored: StoredReport = { conversationId, savedAt: now().toISOString(), report };
      // Serialised once: the size, the checks and the write all use this text.
      const text = JSON.stringify(stored);
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > maxBytes) {
        // "last" must never answer with an older report than the one just shown.
        await box.delete(keyFor(conversationId));
        return { kept: false, bytes, limit: maxBytes };
      }
      assertWritableSerialised(stored, text, 'report');
      await box.write(keyFor(conversationId), text);
      return { kept: true, bytes };
    },
    async get(conversationId) {
      checkCallerKey(conversationId, 'conversationId');
      // Read no more than could have been written: a planted huge document is refused, not parsed.
      const text = await box.read(keyFor(conversationId), maxBytes + 1024);
      if (text === undefined) return undefined;
      return readStored(storedReportSchema, text, 'stored report');
    },
  };
}

/** What JSON.stringify leaves out of an object (so the stored record would have no report). */
function isSerialisable(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}
