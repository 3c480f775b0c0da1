import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { listExemptions, type ListedExemption } from '../exemptions/in-force.js';
import { csvCell } from '../output/csv.js';
import { parseDate } from './audit-command.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { readStoredExemptions } from './stored-exemptions.js';
import { withoutControlCharacters } from '../util/control-characters.js';

export const EXEMPTIONS_USAGE = `Usage: apim-posture exemptions [--format table|json|csv] [--config <file>] [--as-of <date>]

Lists the exemptions audits apply, in the order they are tried: those in the configuration file
(--config or APIM_POSTURE_CONFIG) first, which win where both cover a finding, then those granted
in Teams with "Accept risk", from the bot's store (APIM_POSTURE_DATA, or APIM_POSTURE_STORE=azure
with APIM_POSTURE_STORAGE_*; docs/storage.md). Each with its source, who granted it, its expiry,
the days left and whether it has expired (an expired exemption no longer hides its finding).`;

const CSV_COLUMNS = ['source', 'id', 'ruleId', 'resource', 'expires', 'daysLeft', 'expired', 'who', 'ticket', 'createdAt', 'reason'] as const;

/** `apim-posture exemptions`: the configured exemptions and those granted in Teams. */
export async function runExemptions(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { format: { type: 'string', default: 'table' }, config: { type: 'string' }, 'as-of': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout(`${EXEMPTIONS_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`exemptions takes no arguments, not "${positionals.join(' ')}"`);
  const format = values.format;
  if (format !== 'table' && format !== 'json' && format !== 'csv') throw new UsageError(`--format must be table, json or csv, not "${format}"`);
  const now = values['as-of'] === undefined ? io.now() : parseDate(values['as-of']);
  const config = await loadConfig(values.config, io.env);
  const stored = await readStoredExemptions(io.env);
  // Said on stderr, so JSON and CSV stay clean: an empty list must not read as "nothing granted in Teams" when no store was seen.
  if (stored === undefined) io.stderr('apim-posture: no store here (APIM_POSTURE_DATA, APIM_POSTURE_STORE); listing the configured exemptions only\n');
  const listed = listExemptions(config.audit.exemptions, stored?.records ?? [], now);
  if (format === 'json') io.stdout(`${JSON.stringify(listed, null, 2)}\n`);
  else if (format === 'csv') io.stdout([CSV_COLUMNS.join(','), ...listed.map(csvRow)].map((line) => `${line}\r\n`).join(''));
  else io.stdout(listed.length === 0 ? 'No exemptions: none in the configuration, none granted in Teams.\n' : `${['SOURCE\tRULE\tEXPIRES\tLEFT\tWHO\tRESOURCE\tREASON', ...listed.map(tableRow)].join('\n')}\n`);
  return 0;
}

function csvRow(exemption: ListedExemption): string {
  return CSV_COLUMNS.map((column) => csvCell(String(exemption[column] ?? ''))).join(',');
}

function tableRow(exemption: ListedExemption): string {
  const left = exemption.expired ? 'expired' : exemption.daysLeft === 0 ? 'last day' : `${exemption.daysLeft} ${exemption.daysLeft === 1 ? 'day' : 'days'}`;
  const reason = exemption.ticket === undefined ? exemption.reason : `${exemption.reason} (${exemption.ticket})`;
  return [exemption.source, exemption.ruleId, exemption.expires, left, exemption.who ?? '-', exemption.resource, reason].map(terminalText).join('\t');
}

/** The store is input: nothing it holds may move the cursor, colour the terminal or break a row. */
function terminalText(text: string): string {
  return withoutControlCharacters(text);
}
