import { parseArgs } from 'node:util';
import { csvCell } from '../output/csv.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

export const AUDIT_LOG_USAGE = `Usage: apim-posture audit-log [--format table|json|csv] [--limit <n>]
       apim-posture audit-log verify

Prints the bot's audit trail (fix requests, approvals, applies, outcomes, verifications, reverts),
oldest first, from the store the bot uses (APIM_POSTURE_DATA, or APIM_POSTURE_STORE=azure with
APIM_POSTURE_STORAGE_*; docs/storage.md). \`verify\` checks the hash chain: exit 0 when it holds,
exit 1 naming the first record that was edited, removed, reordered or cut short.`;

const PAGE = 500;

/** `apim-posture audit-log [verify]`: the trail as the store holds it, and whether its chain holds. */
export async function runAuditLog(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { format: { type: 'string', default: 'table' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout(`${AUDIT_LOG_USAGE}\n`);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (extra.length > 0 || (action !== undefined && action !== 'verify')) throw new UsageError(`audit-log takes "verify" or nothing, not "${positionals.join(' ')}"`);
  const format = values.format;
  if (format !== 'table' && format !== 'json' && format !== 'csv') throw new UsageError(`--format must be table, json or csv, not "${format}"`);
  const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
  if (!Number.isInteger(limit) && limit !== Number.POSITIVE_INFINITY) throw new UsageError('--limit must be a whole number');
  if (limit < 1) throw new UsageError('--limit must be at least 1');

  // The store (and the Azure SDK behind it) loads only for this command.
  const { openStore, storeConfigFromEnv } = await import('../store/index.js');
  const store = await openStore(storeConfigFromEnv(io.env));
  if (action === 'verify') {
    const verdict = await store.auditLog.verify();
    if (verdict.ok) {
      io.stdout(`audit log intact: ${verdict.count} ${verdict.count === 1 ? 'record' : 'records'}${verdict.headHash === undefined ? '' : `, head ${verdict.headHash}`} (${store.location})\n`);
      return 0;
    }
    io.stdout(`audit log BROKEN at ${verdict.at}: ${verdict.problem}: ${verdict.message} (${store.location})\n`);
    return 1;
  }
  const records = [];
  for (let after = 0; records.length < limit; ) {
    const page = await store.auditLog.read({ afterSeq: after, limit: PAGE });
    records.push(...page.slice(0, limit - records.length));
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) break;
    after = last.seq;
  }
  if (format === 'json') io.stdout(`${JSON.stringify(records, null, 2)}\n`);
  else if (format === 'csv') io.stdout(['seq,at,kind,actor,subject,details', ...records.map((r) => [String(r.seq), r.at, r.kind, r.actor, r.subject ?? '', JSON.stringify(r.details)].map(csvCell).join(','))].map((line) => `${line}\r\n`).join(''));
  else io.stdout(records.length === 0 ? `The audit log is empty (${store.location}).\n` : `${records.map((r) => `${r.seq}\t${r.at}\t${r.kind}\t${r.actor}\t${r.subject ?? ''}`).join('\n')}\n`);
  return 0;
}
