import { recordPosture } from '../digest/record.js';
import type { Report } from '../engine/report.js';
import type { Estate } from '../estate/model.js';
import type { CliIo } from './io.js';
import { existingStore } from './posture-store.js';

/**
 * Records the posture of an audited environment for the digest, when a store is set up. Whatever
 * goes wrong is a warning on stderr: the audit's report and exit code stand.
 */
export async function recordAuditPosture(audit: { readonly environment: string; readonly report: Report; readonly estate: Estate; readonly at: Date; readonly ownerTags: readonly string[] }, io: CliIo): Promise<void> {
  const warn = (message: string): void => {
    io.stderr(`apim-posture: warning: ${message}\n`);
  };
  let store;
  try {
    store = await existingStore(io);
  } catch (error) {
    warn(`could not record the posture of ${audit.environment}: ${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')}`);
    return;
  }
  if (store === undefined) return;
  const snapshot = await recordPosture({ history: store.history, ...audit, warn });
  if (snapshot !== undefined) {
    const open = snapshot.findings.filter((finding) => finding.exempted !== true).length;
    io.stderr(`apim-posture: recorded the posture of ${audit.environment} (score ${snapshot.score}, ${open} open) for the digest in ${store.location}\n`);
  }
}
