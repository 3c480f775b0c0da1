/**
 * The process reconcile-kill.test.ts kills with SIGKILL: it applies APIM-001 to the seeded service
 * on the sandbox the test runs (SANDBOX_URL, SANDBOX_CA) with the file store in STORE_DIRECTORY, and
 * waits for the update for ten minutes between polls, so it is always killed mid-fix. Every audit
 * record it appended is printed as `appended <seq> <hash>` once durable, so the test can check that
 * none was lost.
 */
import { sandboxTarget } from '../../../src/azure/target.js';
import { loadConfig } from '../../../src/config.js';
import { applyFinding } from '../../../src/remediation/apply-finding.js';
import { openStore, type AuditLog } from '../../../src/store/index.js';
import { ALEX, applyDependencies, CHAT, confirmedFinding } from '../../support/remediation.js';

const { SANDBOX_URL, SANDBOX_CA, STORE_DIRECTORY } = process.env;
if (SANDBOX_URL === undefined || SANDBOX_CA === undefined || STORE_DIRECTORY === undefined) throw new Error('SANDBOX_URL, SANDBOX_CA and STORE_DIRECTORY are required');
const target = sandboxTarget({ endpoint: SANDBOX_URL, ca: SANDBOX_CA });
const config = await loadConfig(undefined, {});
const store = await openStore({ kind: 'file', directory: STORE_DIRECTORY });
const reporting: AuditLog = {
  read: (options) => store.auditLog.read(options),
  verify: () => store.auditLog.verify(),
  async append(entry) {
    const record = await store.auditLog.append(entry);
    // Writes to a pipe are synchronous on Linux: the line is out before the next step starts.
    process.stdout.write(`appended ${record.seq} ${record.hash}\n`);
    return record;
  },
};
const deps = applyDependencies(target, config, store, {
  auditLog: reporting,
  lease: { ttlInMs: Number(process.env['LEASE_TTL_MS'] ?? 4000), renewEveryInMs: 500 },
  send: { pollIntervalInMs: 10 * 60 * 1000 },
});
const { finding, fixes } = await confirmedFinding(target, deps.reread, 'APIM-001');
const result = await applyFinding(deps, { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes });
process.stdout.write(`finished ${result.state}\n`);
