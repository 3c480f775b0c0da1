import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type AppConfig } from '../config.js';
import { ARM_ENDPOINT } from '../azure/target.js';
import type { Estate } from '../estate/model.js';
import { planFindings } from '../remediation/finding-plans.js';
import { wholeEnvironment } from '../digest/record.js';
import { auditEstate } from '../engine/audit.js';
import { resolveScope } from '../inventory/scope.js';
import type { Report } from '../engine/report.js';
import { isOpenFailure } from '../contracts/results.js';
import { parseSeverity, selectRules } from '../engine/select-rules.js';
import { loadEstateFile, maxEstateBytes } from '../estate/load-file.js';
import { csvChunks } from '../output/csv.js';
import { batched } from '../output/json-stream.js';
import { jsonReportChunks, type JsonOptions } from '../output/json.js';
import { lineIndex } from '../output/line-index.js';
import { sarifChunks } from '../output/sarif.js';
import { tableChunks } from '../output/table.js';
import { ALL_RULES } from '../rules/index.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import { UsageError } from './errors.js';
import { writeFileAtomic, type CliIo } from './io.js';
import { withStoredExemptions } from './stored-exemptions.js';

const FORMATS = ['table', 'json', 'sarif', 'csv'] as const;
/** Characters per write of a streamed report to standard output. */
const WRITE_BATCH = 1 << 20;
type Format = (typeof FORMATS)[number];

export const AUDIT_USAGE = `Usage: apim-posture audit (--env <name> | --subscription <id>… | --service <name>… | --estate <file>) [options]

Audits live Azure through Resource Graph and ARM — or, without Azure configuration, the local
sandbox started in-process — or an exported estate file (a JSON array of ARM resources as ARM GET
or Azure Resource Graph return them; children as separate entries or nested in "resources").

Scope (one of):
  --env <name>           an environment from the configuration (default: the env/environment tag)
  --subscription <id>    one or more subscriptions (repeat the option)
  --service <name>       one or more APIM services by name (repeat; combines with --env)
  --estate <file>        an exported estate, audited offline

Options:
  --deep                 also read child resources (APIs, backends, products, policies…) from ARM
  --save-estate <file>   live audits: save the inventoried estate for offline audits
  --format <f>           table (default) | json | sarif | csv
  --output <file>        write the report to a file instead of standard output
  --compact              json and sarif: one line, no indentation (smaller, faster)
  --findings-only        json and csv: list only failures and errors, not every pass
                         (all outcomes are still counted; far smaller on large estates)
  --fail-on <severity>   exit 1 when a rule of this severity or above fails:
                         critical | high | medium | low (default) | none
  --rules <ids>          only these rules, comma-separated (APIM-001,APIM-4)
  --severity <severity>  only rules of this severity and above
  --category <names>     only rules of these categories, comma-separated
  --config <file>        rule options and exemptions (JSON; see README)
  --as-of <date>         evaluate as of this date (certificate expiry, exemptions)
  --verbose              table: also list passing services, not-checked and not-applicable reasons
  --no-color             table: never colour (NO_COLOR is honoured too)

An audit of a whole environment (--env, every rule, no --service, --subscription or --as-of)
records its posture for \`apim-posture digest\` when a store is set up (APIM_POSTURE_DATA, or the
.apim-posture/data directory when it exists); a store failure is only a warning.

Exit codes: 0 nothing fails at or above --fail-on · 1 something does · 2 usage or input error
(including a scope or estate with no APIM service) · 3 internal error.`;

export async function runAudit(args: readonly string[], io: CliIo, version: string): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      estate: { type: 'string' },
      env: { type: 'string' },
      subscription: { type: 'string', multiple: true },
      service: { type: 'string', multiple: true },
      deep: { type: 'boolean', default: false },
      'save-estate': { type: 'string' },
      format: { type: 'string', default: 'table' },
      output: { type: 'string' },
      compact: { type: 'boolean', default: false },
      'findings-only': { type: 'boolean', default: false },
      'fail-on': { type: 'string', default: 'low' },
      rules: { type: 'string' },
      severity: { type: 'string' },
      category: { type: 'string' },
      config: { type: 'string' },
      'as-of': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      'no-color': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout(`${AUDIT_USAGE}\n`);
    return 0;
  }
  const live = values.env !== undefined || values.subscription !== undefined || values.service !== undefined;
  if (live && values.estate !== undefined) throw new UsageError('audit takes either --estate or a live scope (--env, --subscription, --service), not both');
  if (!live && values.estate === undefined) throw new UsageError('audit needs a scope: --env <name>, --subscription <id>, --service <name> or --estate <file.json>');
  const format = parseFormat(values.format);
  const failOn = values['fail-on'] === 'none' ? undefined : parseSeverity(values['fail-on']);
  const now = values['as-of'] === undefined ? io.now() : parseDate(values['as-of']);
  const rules = selectRules(ALL_RULES, {
    ...(values.rules === undefined ? {} : { ids: splitList(values.rules) }),
    ...(values.severity === undefined ? {} : { minSeverity: parseSeverity(values.severity) }),
    ...(values.category === undefined ? {} : { categories: splitList(values.category) }),
  });
  // Exemptions granted in Teams count as well, when the bot's store is here to read.
  const config = await withStoredExemptions(await loadConfig(values.config, io.env), io);
  // Table and SARIF show findings only (the verbose table also lists not-applicable reasons), and
  // JSON and CSV when asked; everything else is still counted and scored.
  if (values['findings-only'] && format !== 'json' && format !== 'csv') {
    throw new UsageError(`--findings-only is for json and csv: ${format} lists findings only already`);
  }
  const keep = !values['findings-only'] && (format === 'json' || format === 'csv' || values.verbose) ? 'all' : 'findings';

  let audited: { report: Report; estate: Estate; armEndpoint: string } | undefined;
  /** Recorded for the digest: a live audit of a whole environment, now (not --as-of), of a target someone chose. */
  let postureOf: string | undefined;
  if (values.estate === undefined) {
    const scope = resolveScope(
      {
        ...(values.env === undefined ? {} : { environment: values.env }),
        ...(values.subscription === undefined ? {} : { subscriptions: values.subscription }),
        ...(values.service === undefined ? {} : { services: values.service }),
      },
      config.environments,
    );
    const chosenTarget = config.target.kind === 'azure' || !config.target.byDefault;
    postureOf = values['as-of'] === undefined && values.subscription === undefined && chosenTarget ? wholeEnvironment(scope, rules) : undefined;
    const color = io.stderrIsTty && !values['no-color'] && io.env['NO_COLOR'] === undefined;
    // Loaded only for live audits: the Azure SDK and the sandbox cost an offline audit its start-up time.
    const { runLiveAudit } = await import('./live-audit.js');
    audited = await runLiveAudit(
      { config, scope, rules, deep: values.deep, now, keep, version, color, ...(values['save-estate'] === undefined ? {} : { saveEstate: values['save-estate'] }) },
      io,
    );
  } else {
    if (values.deep || values['save-estate'] !== undefined) throw new UsageError('--deep and --save-estate apply to live audits, not to --estate files');
    const loaded = await loadEstateFile(values.estate, { maxBytes: maxEstateBytes(io.env) });
    const report = auditEstate(loaded, {
      rules,
      now,
      ruleOptions: config.audit.ruleOptions,
      exemptions: config.audit.exemptions,
      source: values.estate,
      version,
      keep,
    });
    audited = { report, estate: loaded, armEndpoint: estateArmEndpoint(config) };
  }

  const { report, armEndpoint } = audited;
  // Only JSON's fix plans and the posture record read the estate again: for every other format it is
  // let go before the report is written (at 100,000 services it is over a gigabyte).
  const estate = format === 'json' || postureOf !== undefined ? audited.estate : undefined;
  audited = undefined;
  // Written as it is produced: a large report is longer than any one string may be. Standard output
  // takes batches of about a megabyte; a file takes the bytes of each piece, buffered (writeFileAtomic).
  const text = await render(report, format, {
    // JSON carries each open failure's fix plan, made from the estate the report was made from.
    plans: () => ({ fixPlans: estate === undefined ? new Map() : planFindings(report.results, estate, { rules, now, ruleOptions: config.audit.ruleOptions }), armEndpoint }),
    estatePath: values.estate,
    color: format === 'table' && io.stdoutIsTty && values.output === undefined && !values['no-color'] && io.env['NO_COLOR'] === undefined,
    verbose: values.verbose,
    compact: values.compact,
  });
  if (values.output === undefined) for (const chunk of batched(text, WRITE_BATCH)) io.stdout(chunk);
  else {
    await writeFileAtomic(values.output, text);
    io.stderr(`apim-posture: wrote ${format} report to ${values.output}\n`);
  }
  if (postureOf !== undefined) {
    const { recordAuditPosture } = await import('./record-posture.js');
    if (estate !== undefined) await recordAuditPosture({ environment: postureOf, report, estate, at: now, ownerTags: config.digest.ownerTags }, io);
  }
  return exitCode(report, failOn);
}

/** 1 when an open failure (not covered by an active exemption) is at or above the threshold. */
export function exitCode(report: Report, failOn: Severity | undefined): number {
  if (failOn === undefined) return 0;
  const limit = SEVERITIES.indexOf(failOn);
  return report.results.some((r) => isOpenFailure(r) && SEVERITIES.indexOf(r.severity) <= limit) ? 1 : 0;
}

/**
 * The ARM host an exported estate's plans name: the configured Azure endpoint (a sovereign cloud),
 * else the public cloud. An estate file does not say where it was read.
 */
export function estateArmEndpoint(config: AppConfig): string {
  return config.target.kind === 'azure' ? config.target.endpoint : ARM_ENDPOINT;
}

interface RenderOptions {
  readonly plans: () => JsonOptions;
  readonly estatePath: string | undefined;
  readonly color: boolean;
  readonly verbose: boolean;
  readonly compact: boolean;
}

async function render(report: Report, format: Format, options: RenderOptions): Promise<Iterable<string>> {
  switch (format) {
    case 'table':
      return tableChunks(report, { color: options.color, verbose: options.verbose });
    case 'json':
      return jsonReportChunks(report, { ...options.plans(), compact: options.compact });
    case 'csv':
      return csvChunks(report);
    case 'sarif': {
      if (options.estatePath === undefined) {
        // Live audits have no file; code scanning still needs a location, so name the scope.
        const origin = report.scope?.targetKind === 'sandbox' ? 'sandbox' : 'azure';
        return sarifChunks(report, { artifactUri: `${origin}/${report.source.replace(/[^\w.-]+/g, '-')}`, rules: ALL_RULES, compact: options.compact });
      }
      const text = await readFile(options.estatePath, 'utf8');
      return sarifChunks(report, { artifactUri: artifactUri(options.estatePath), lineOf: lineLocator(text, report), rules: ALL_RULES, compact: options.compact });
    }
  }
}

/** SARIF wants a URI relative to the repository root; the working directory is the best guess. */
function artifactUri(path: string): string {
  return relative(process.cwd(), path).split(sep).join('/');
}

/**
 * The line where each failing resource (or its service) appears in the estate text, for code
 * scanning's source view: one pass over the text for all findings.
 */
function lineLocator(text: string, report: Report): (resourceId: string) => number | undefined {
  const wanted = new Set<string>();
  for (const result of report.results) {
    if (result.outcome !== 'fail') continue;
    wanted.add(result.resourceId);
    wanted.add(result.serviceId);
  }
  const lines = lineIndex(text, wanted);
  return (resourceId) => lines.get(resourceId);
}

function parseFormat(value: string): Format {
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new UsageError(`unknown format "${value}"; use one of ${FORMATS.join(', ')}`);
}

export function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--as-of needs a date such as 2026-12-31, not "${value}"`);
  return date;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
