import type { Report, ServiceReport, SeverityCounts } from '../engine/report.js';
import { isExempted, isOpenFailure, type RuleResult } from '../contracts/results.js';
import type { Severity } from '../rules/types.js';
import { byCount, plural } from '../util/text.js';
import { failureTitles, formatCoverage, formatEvidence, SANDBOX_NOTICE, shortenPath } from './values.js';

export interface TableOptions {
  /** ANSI colour; the CLI turns it on only for a TTY without NO_COLOR. */
  readonly color: boolean;
  /** Also list passing services and not-applicable and not-checked reasons. */
  readonly verbose: boolean;
}

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan' | 'green' | 'magenta';
const ANSI: Record<Style, [number, number]> = {
  bold: [1, 22], dim: [2, 22], red: [31, 39], yellow: [33, 39], cyan: [36, 39], green: [32, 39], magenta: [35, 39],
};
const SEVERITY_STYLE: Record<Severity, Style[]> = { critical: ['red', 'bold'], high: ['red'], medium: ['yellow'], low: ['cyan'] };
const MAX_RESULTS_PER_RULE = 3;
const MAX_EVIDENCE_PER_RESULT = 3;
const NOT_CHECKED_IDS_SHOWN = 8;

/** Lines per chunk of a streamed table. */
const TABLE_CHUNK_LINES = 2000;

/** A terminal report grouped by service, worst first, failures before everything else. */
export function formatTable(report: Report, options: TableOptions): string {
  return [...tableChunks(report, options)].join('');
}

/**
 * {@link formatTable} a few thousand lines at a time: the table of a hundred thousand services is a
 * hundred megabytes, which should not be one string (nor its lines one array) before it is written.
 */
export function* tableChunks(report: Report, options: TableOptions): Generator<string> {
  const paint = (text: string, ...styles: Style[]): string =>
    options.color ? styles.reduce((t, s) => `\u001b[${ANSI[s][0]}m${t}\u001b[${ANSI[s][1]}m`, text) : text;
  const lines: string[] = [];
  const { summary } = report;
  lines.push(paint(`APIM posture · ${report.source}`, 'bold'));
  // Read from the sandbox: said before anything else, so nobody takes a made-up estate for theirs.
  if (report.scope?.targetKind === 'sandbox') lines.push(paint(SANDBOX_NOTICE, 'yellow', 'bold'));
  if (report.scope !== undefined) lines.push(`Scope: ${report.scope.echo} · ${report.scope.target}`);
  if (report.coverage !== undefined && !report.coverage.complete) {
    lines.push(paint(`PARTIAL REPORT — not everything in scope was audited:`, 'yellow', 'bold'));
    for (const note of report.coverage.notes) lines.push(paint(`  ${note}`, 'yellow'));
  }
  lines.push(
    `${plural(summary.services, 'service')} · ${plural(report.rules.length, 'rule')} · score ${formatScore(summary.score)} · ${formatCoverage(summary.coverage, 'service rules')} · ${report.generatedAt.slice(0, 10)}`,
  );
  lines.push(
    `Failing: ${severityLine(summary.failed, paint)} · Exempted ${summary.exempted} · Errors ${summary.errors} · Not checked ${summary.notChecked} · Not applicable ${summary.notApplicable} · Passed ${summary.passed}`,
  );
  lines.push(...notCheckedLines(report, options.verbose, paint));
  const titles = failureTitles(report);
  const failureTitleOf = (result: RuleResult): string => titles.get(result.ruleId) ?? result.title;

  const byService = new Map<string, RuleResult[]>();
  for (const result of report.results) {
    const list = byService.get(result.serviceId);
    if (list === undefined) byService.set(result.serviceId, [result]);
    else list.push(result);
  }

  let quiet = 0;
  for (const service of report.services) {
    const results = byService.get(service.id) ?? [];
    const notable = results.filter((r) => r.outcome === 'fail' || r.outcome === 'error');
    if (notable.length === 0 && !options.verbose) {
      quiet += 1;
      continue;
    }
    lines.push('');
    lines.push(serviceHeader(service, paint));
    for (const group of groupByRule(notable)) lines.push(...ruleBlock(group, failureTitleOf, paint));
    if (options.verbose) {
      for (const [label, outcome] of [['unchecked', 'notChecked'], ['n/a', 'notApplicable']] as const) {
        for (const group of groupByRule(results.filter((r) => r.outcome === outcome))) {
          const first = group[0];
          if (first !== undefined) lines.push(paint(`  ${label.padEnd(9)} ${first.ruleId}  ${first.reason}`, 'dim'));
        }
      }
    }
    const c = service.counts;
    const tally = [`passed ${c.passed}`, ...(c.notChecked > 0 ? [`not checked ${c.notChecked}`] : []), `not applicable ${c.notApplicable}`, ...(c.exempted > 0 ? [`exempted ${c.exempted}`] : [])];
    lines.push(paint(`  ${tally.join(' · ')}`, 'dim'));
    if (lines.length >= TABLE_CHUNK_LINES) {
      yield `${lines.join('\n')}\n`;
      lines.length = 0;
    }
  }
  if (quiet > 0) lines.push('', paint(`${plural(quiet, 'more service')} ${byCount(quiet, 'has', 'have')} no failing rule (--verbose lists ${byCount(quiet, 'it', 'them')}).`, 'green'));
  lines.push(...estateNotes(report));
  // Every chunk is whole lines, each ended by its line break: together they are the lines joined.
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

function serviceHeader(service: ServiceReport, paint: (t: string, ...s: Style[]) => string): string {
  const where = [service.sku, service.location, service.resourceGroup].filter((x) => x !== undefined).join(' · ');
  return `${paint(service.name, 'bold')}  score ${formatScore(service.score)} · ${formatCoverage(service.coverage)}  ${paint(where, 'dim')}`;
}

function ruleBlock(group: readonly RuleResult[], failureTitleOf: (result: RuleResult) => string, paint: (t: string, ...s: Style[]) => string): string[] {
  const first = group[0];
  if (first === undefined) return [];
  const failing = group.filter((r) => r.outcome === 'fail');
  const open = failing.filter(isOpenFailure);
  const exempted = failing.filter(isExempted);
  let badge: string;
  if (open.length > 0) badge = paint(first.severity.toUpperCase().padEnd(9), ...SEVERITY_STYLE[first.severity]);
  else if (exempted.length > 0) badge = paint('EXEMPTED'.padEnd(9), 'magenta');
  else badge = paint('ERROR'.padEnd(9), 'magenta');
  const shown = open.length > 0 ? open : exempted.length > 0 ? exempted : group;
  const count = shown.length > 1 ? paint(` (${shown.length} resources)`, 'dim') : '';
  // A failure is named as the problem; a rule that could not be evaluated keeps the rule's title.
  const title = failing.length > 0 ? failureTitleOf(first) : first.title;
  const lines = [`  ${badge} ${first.ruleId}  ${title}${count}`];
  for (const result of shown.slice(0, MAX_RESULTS_PER_RULE)) {
    lines.push(`            ${result.reason}`);
    const exemption = result.exemption;
    if (exemption !== undefined) {
      lines.push(
        paint(
          exemption.expired
            ? `            exemption expired ${exemption.expires} (${exemption.reason}) — finding shown again`
            : `            exempted until ${exemption.expires}: ${exemption.reason}`,
          'magenta',
        ),
      );
    }
    for (const item of result.evidence.slice(0, MAX_EVIDENCE_PER_RESULT)) {
      lines.push(paint(`            ${formatEvidence(item, shortenPath)}`, 'dim'));
    }
    if (result.evidence.length > MAX_EVIDENCE_PER_RESULT) {
      lines.push(paint(`            … ${result.evidence.length - MAX_EVIDENCE_PER_RESULT} more`, 'dim'));
    }
  }
  if (shown.length > MAX_RESULTS_PER_RULE) lines.push(paint(`            … and ${plural(shown.length - MAX_RESULTS_PER_RULE, 'more resource')} (--format json lists all)`, 'dim'));
  return lines;
}

function groupByRule(results: readonly RuleResult[]): RuleResult[][] {
  const groups = new Map<string, RuleResult[]>();
  for (const result of results) {
    const list = groups.get(result.ruleId);
    if (list === undefined) groups.set(result.ruleId, [result]);
    else list.push(result);
  }
  const rank = (group: readonly RuleResult[]): number => (group.some(isOpenFailure) ? 0 : group.some(isExempted) ? 2 : 1);
  const severityRank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
  return [...groups.values()].sort((a, b) => {
    const fa = a[0];
    const fb = b[0];
    if (fa === undefined || fb === undefined) return 0;
    return rank(a) - rank(b) || severityRank[fa.severity] - severityRank[fb.severity] || fa.ruleId.localeCompare(fb.ruleId);
  });
}

function severityLine(counts: SeverityCounts, paint: (t: string, ...s: Style[]) => string): string {
  return (['critical', 'high', 'medium', 'low'] as const)
    .map((severity) => {
      const text = `${counts[severity]} ${severity}`;
      return counts[severity] > 0 ? paint(text, ...SEVERITY_STYLE[severity]) : text;
    })
    .join(' · ');
}

function formatScore(score: number | null): string {
  return score === null ? 'n/a' : `${score}/100`;
}

/**
 * Which rules were not checked, once for the estate: not a failure (never red), but a reader must
 * know the score does not cover them. The verbose table says why, per rule and per service.
 */
function notCheckedLines(report: Report, verbose: boolean, paint: (t: string, ...s: Style[]) => string): string[] {
  const rules = report.notCheckedRules;
  if (rules.length === 0) return [];
  if (!verbose) {
    const ids = rules.slice(0, NOT_CHECKED_IDS_SHOWN).map((rule) => rule.ruleId).join(', ');
    const more = rules.length > NOT_CHECKED_IDS_SHOWN ? `, +${rules.length - NOT_CHECKED_IDS_SHOWN} more` : '';
    return [paint(`Not checked (data not read; neither pass nor failure): ${ids}${more} (--verbose says why)`, 'dim')];
  }
  return [
    paint('Not checked (data not read; neither pass nor failure):', 'dim'),
    ...rules.map((rule) => paint(`  ${rule.ruleId} on ${plural(rule.services, 'service')}: ${rule.reason}`, 'dim')),
  ];
}

function estateNotes(report: Report): string[] {
  const notes: string[] = [...report.estate.warnings];
  const ignored = Object.entries(report.estate.ignoredByType);
  if (ignored.length > 0) {
    const total = ignored.reduce((n, [, count]) => n + count, 0);
    const kinds = ignored.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([type, count]) => `${type} (${count})`).join(', ');
    notes.push(`${plural(total, 'resource')} of types no rule reads ${byCount(total, 'was', 'were')} ignored: ${kinds}${ignored.length > 3 ? ', …' : ''}.`);
  }
  return notes.length === 0 ? [] : ['', ...notes.map((note) => `note: ${note}`)];
}
