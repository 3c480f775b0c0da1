import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { loadDigest } from '../digest/load.js';
import { digestMarkdown } from '../digest/markdown.js';
import { resolveScope } from '../inventory/scope.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { existingStore } from './posture-store.js';

export const DIGEST_USAGE = `Usage: apim-posture digest --env <name> [--format markdown|json] [--since <date>] [--as-of <date>] [--config <file>]

The weekly digest of an environment, from its posture history and the bot's audit trail: score and
trend over the last 8 ISO weeks, findings new, reopened and resolved since --since, findings past
their SLA (critical 7 days, high 30, medium 90; "digest.slaDays" in the configuration), open
findings per owner (service tags "owner", "team"; "digest.ownerTags"), exemptions ending within
14 days, and fixes applied and reverted in the period.

History is recorded by the bot and by \`apim-posture audit --env <name>\` (whole environment, all
rules, no --as-of) into the store: APIM_POSTURE_DATA, APIM_POSTURE_STORE=azure with
APIM_POSTURE_STORAGE_*, or the .apim-posture/data directory when it exists (docs/storage.md).

Options:
  --format <f>      markdown (default): one line per thing to do, with its command
                    json: the figures (docs/digest.md describes the shape)
  --since <date>    the start of the period (default: 7 days before --as-of)
  --as-of <date>    the digest as of this time (default: now)
  --config <file>   environments, exemptions and digest settings (JSON; see README)`;

const FORMATS = ['markdown', 'json'] as const;
/** No posture history to digest: told as one line, exit 2. Named, as this module loads on demand. */
export class NoHistoryError extends Error {
  override readonly name = 'NoHistoryError';
}

/** `apim-posture digest --env prod`: the weekly digest's figures, as Markdown or JSON. */
export async function runDigest(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      env: { type: 'string' },
      format: { type: 'string', default: 'markdown' },
      since: { type: 'string' },
      'as-of': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(`${DIGEST_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`digest takes options only, not "${positionals.join(' ').slice(0, 60)}" (see apim-posture digest --help)`);
  const format = values.format;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be markdown or json, not "${format.slice(0, 40)}" (see apim-posture digest --help)`);
  if (values.env === undefined) throw new UsageError('digest needs --env <name>: the environment whose history to digest (see apim-posture digest --help)');
  const now = values['as-of'] === undefined ? io.now() : parseTime(values['as-of'], '--as-of');
  const since = values.since === undefined ? new Date(now.getTime() - 7 * 24 * 60 * 60 * 1000) : parseTime(values.since, '--since');
  if (since.getTime() >= now.getTime()) throw new UsageError(`--since must be before ${values['as-of'] === undefined ? 'now' : '--as-of'}`);
  const config = await loadConfig(values.config, io.env);
  // The configured name of the environment (aliases resolve), or the same error an audit gives.
  const environment = resolveScope({ environment: values.env }, config.environments).environment ?? values.env;

  const store = await existingStore(io);
  const runAudit = `run \`apim-posture audit --env ${environment}\` first`;
  if (store === undefined) {
    throw new NoHistoryError(`no posture history for ${environment}: no store is set up; set APIM_POSTURE_DATA (or APIM_POSTURE_STORE=azure with APIM_POSTURE_STORAGE_*) and ${runAudit}`);
  }
  const digest = await loadDigest(store, environment, { now, since, configuredExemptions: config.audit.exemptions, slaDays: config.digest.slaDays });
  if (digest === undefined) {
    throw new NoHistoryError(`no posture history for ${environment}${values['as-of'] === undefined ? '' : ` before ${now.toISOString()}`} in ${store.location}; ${runAudit}`);
  }
  io.stdout(format === 'json' ? `${JSON.stringify(digest, null, 2)}\n` : digestMarkdown(digest, { ownerTags: config.digest.ownerTags }));
  return 0;
}

function parseTime(value: string, option: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${option} needs a date such as 2026-12-01 or 2026-12-01T09:00:00Z, not "${value.slice(0, 40)}"`);
  return date;
}
