import type { Report } from '../engine/report.js';
import { isOpenFailure } from '../contracts/results.js';
import { failureTitles, formatCoverage } from '../output/values.js';
import { findingGroups, fixKinds, keepsPassing, resultsByService, scopeNameOf, severityFilterWords } from './report-view.js';
import { plural } from '../util/text.js';
import { CARD_BUDGET_BYTES, firstThatFits } from './templates.js';
import { clip, countRun, SEVERITY_COLOR, SEVERITY_LABEL, SEVERITY_RANK, scoreColor, scoreText, type CardColor, type CountRun } from './text.js';
import { checkRef, type AdaptiveCard, type AuditFilters, type RefFor } from './types.js';
import type { Severity } from '../rules/types.js';

export interface SummaryOptions {
  readonly refFor: RefFor;
  /** Short scope name for the title ("prod"); default from the report's scope echo, else its source. */
  readonly scopeName?: string;
  /** How many of the worst services to list; default 5. */
  readonly worstServices?: number;
  /** The score of an earlier audit of the same scope, for "▼4 since last week". */
  readonly trend?: { readonly previousScore: number | null; readonly since: string };
  readonly budgetBytes?: number;
  /** What the audit was asked to look at, echoed in the title and scope line. */
  readonly filters?: AuditFilters;
  /** Findings were already posted below this summary, with this filter ('all' for none). */
  readonly shownBelow?: Severity | 'all';
}

const FINDINGS_PER_SERVICE = 2;

/** The audit answer: title with score, scope echo, counts, worst services, and what to do next. */
export function summaryCard(report: Report, options: SummaryOptions): AdaptiveCard {
  const model = summaryModel(report, options);
  const budget = options.budgetBytes ?? CARD_BUDGET_BYTES;
  return firstThatFits(
    'summary',
    [
      () => model,
      () => ({ ...model, partialNotes: model.partialNotes.slice(0, 2), worst: model.worst.slice(0, 3), scopeLine: clip(model.scopeLine, 200) }),
      () => ({ ...model, partialNotes: model.partialNotes.slice(0, 1), worst: [], hasWorst: false, scopeLine: clip(model.scopeLine, 120) }),
    ],
    budget,
  );
}

interface SummaryModel {
  readonly partialNotes: readonly { text: string }[];
  readonly worst: readonly object[];
  readonly scopeLine: string;
  readonly [key: string]: unknown;
}

function summaryModel(report: Report, options: SummaryOptions): SummaryModel {
  const { summary } = report;
  const scopeName = options.scopeName ?? scopeNameOf(report);
  const byService = resultsByService(report);
  const groupOptions = { keepsPassing: keepsPassing(report), fixes: fixKinds(report), failureTitles: failureTitles(report) };

  // Worst services: report order is already worst first; list those with something to act on.
  const worstLimit = Math.max(0, options.worstServices ?? 5);
  const worst: object[] = [];
  let withFindings = 0;
  for (const service of report.services) {
    const groups = findingGroups(byService.get(service.id) ?? [], groupOptions).filter((group) => group.open.length > 0 || group.errors.length > 0);
    if (groups.length === 0) continue;
    withFindings += 1;
    if (worst.length >= worstLimit) continue;
    const open = groups.filter((group) => group.open.length > 0);
    // Severity in words as well as colour: colour alone does not reach everyone.
    const findings = open.slice(0, FINDINGS_PER_SERVICE).map((group) => ({
      bullet: `● ${SEVERITY_LABEL[group.severity]}`,
      color: SEVERITY_COLOR[group.severity],
      text: clip(`${group.failureTitle} (${group.ruleId})`, 140),
    }));
    if (open.length > FINDINGS_PER_SERVICE) findings.push({ bullet: '+', color: 'Default', text: plural(open.length - FINDINGS_PER_SERVICE, 'more failing rule') });
    const erroring = groups.length - open.length;
    if (erroring > 0) findings.push({ bullet: '⚠', color: 'Warning', text: `${erroring === 1 ? '1 rule' : `${erroring} rules`} could not be evaluated` });
    worst.push({
      name: clip(service.name, 80),
      where: [service.sku, service.location].filter((x) => x !== undefined && x !== '').join(' · '),
      score: service.score === null ? 'n/a' : String(service.score),
      scoreColor: scoreColor(service.score),
      checked: formatCoverage(service.coverage),
      findings,
    });
  }

  const counts: CountRun[] = [
    ...(['critical', 'high', 'medium', 'low'] as const).map((severity) => {
      const n = summary.failed[severity];
      return countRun(`${SEVERITY_LABEL[severity]} ${n}`, n > 0 ? SEVERITY_COLOR[severity] : 'Default', n > 0 ? 'Bolder' : 'Default');
    }),
    countRun(`Exempted ${summary.exempted}`, summary.exempted > 0 ? 'Accent' : 'Default'),
    // Not checked and not applicable are quiet on purpose: neither is a failure nor a pass.
    countRun(`Not checked ${summary.notChecked}`, 'Default', 'Default', true),
    countRun(`Not applicable ${summary.notApplicable}`, 'Default', 'Default', true),
    countRun(`Errors ${summary.errors}`, summary.errors > 0 ? 'Warning' : 'Default', summary.errors > 0 ? 'Bolder' : 'Default'),
  ];
  const countRuns = counts.map((run, index) => ({ ...run, text: index < counts.length - 1 ? `${run.text} · ` : run.text }));

  const topRuleId = topRule(report);
  const anyNotable = summary.failed.critical + summary.failed.high + summary.failed.medium + summary.failed.low + summary.exempted + summary.errors > 0;
  const filters = options.filters;
  const shownBelow = options.shownBelow;
  const origin = { view: 'summary' as const, ...(shownBelow === undefined ? {} : { shownBelow }) };
  const notCheckedRules = report.notCheckedRules.length;
  const offersDeep = filters !== undefined && !filters.deep && notCheckedRules > 0;
  const ref = anyNotable || offersDeep || topRuleId !== undefined ? checkRef(options.refFor('report', { report, origin })) : '';
  const [trend, trendColor] = trendOf(summary.score, options.trend);
  const coverage = report.coverage;
  const partial = coverage !== undefined && !coverage.complete;
  const notes = partial ? coverage.notes : [];
  const filterText = filters === undefined ? '' : filterWords(filters);
  const title = `APIM posture · ${scopeName}${filterText === '' ? '' : ` · ${filterText}`} · score ${scoreText(summary.score)}`;
  const coverageText = formatCoverage(summary.coverage, 'service rules');
  const target = report.scope?.target ?? `file ${report.source}`;
  // A filtered audit or a list already shown does not offer the same view again.
  const auditMin = filters?.minSeverity;
  const alreadyHighOnly = (auditMin !== undefined && SEVERITY_RANK[auditMin] <= SEVERITY_RANK.high) || shownBelow === 'high' || shownBelow === 'critical';
  const shownText = shownBelow === undefined ? '' : `${shownBelow === 'all' ? 'Findings' : `Findings (${severityFilterWords(shownBelow)})`} are listed below ↓`;

  return {
    fallbackText: `${title} (${coverageText}). ${counts.map((run) => run.text).join(', ')}.`,
    title: clip(title, 160),
    coverage: coverageText,
    hasTrend: trend !== '',
    trend,
    trendColor,
    scopeLine: clip(`Scope: ${report.scope?.echo ?? report.source}${filterText === '' ? '' : ` · only ${filterText}`}`, 400),
    sourceLine: clip(
      `${target} · ${plural(summary.services, 'service')} · ${plural(report.rules.length, 'rule')} · ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
      200,
    ),
    partial,
    partialNotes: [
      ...notes.slice(0, 5).map((note) => ({ text: clip(note, 240) })),
      ...(notes.length > 5 ? [{ text: `… and ${notes.length - 5} more` }] : []),
      ...(partial && notes.length === 0 ? [{ text: 'The audit did not say what is missing.' }] : []),
    ],
    counts: countRuns,
    hasWorst: worst.length > 0,
    worst,
    hasMore: withFindings > worst.length,
    more: `and ${plural(withFindings - worst.length, 'more service')} with findings`,
    hasNoFindings: withFindings === 0,
    noFindings: noFindingsText(partial, summary.notChecked),
    hasNotCheckedNote: offersDeep,
    notCheckedNote: offersDeep
      ? `${notCheckedRules === 1 ? '1 rule was' : `${notCheckedRules} rules were`} not checked: this was a quick audit, which does not read child resources (APIs, policies, backends, …). A deep audit reads them.`
      : '',
    hasShownBelow: shownText !== '',
    shownBelow: shownText,
    ref,
    hasFindings: anyNotable && shownBelow !== 'all' && !(shownBelow !== undefined && auditMin !== undefined),
    showTitle: shownBelow === undefined ? 'Show findings' : 'Show all findings',
    hasCriticalHigh: summary.failed.critical + summary.failed.high > 0 && !alreadyHighOnly,
    hasTopRule: topRuleId !== undefined,
    topRuleId: topRuleId ?? '',
    hasDeep: offersDeep,
  };
}

/** "high and above · rules APIM-001, APIM-004 · services apim-a · deep" (empty when nothing narrows the audit). */
export function filterWords(filters: AuditFilters): string {
  const parts: string[] = [];
  if (filters.minSeverity !== undefined) parts.push(severityFilterWords(filters.minSeverity));
  if (filters.ruleIds.length > 0) parts.push(`${filters.ruleIds.length === 1 ? 'rule' : 'rules'} ${filters.ruleIds.join(', ')}`);
  if (filters.services.length > 0) parts.push(`${filters.services.length === 1 ? 'service' : 'services'} ${filters.services.join(', ')}`);
  if (filters.deep) parts.push('deep');
  return clip(parts.join(' · '), 120);
}

/**
 * Never "every rule passed" when some rules were not checked or part of the scope was not read.
 * `where` qualifies the claim: " (critical + high) in prod".
 */
export function noFindingsText(partial: boolean, notChecked: number, where = ''): string {
  if (notChecked > 0) {
    return `No open findings${where} in what was checked; ${notChecked === 1 ? '1 service rule was' : `${notChecked} service rules were`} not checked (data not read).`;
  }
  return partial ? `No open findings${where} in what was audited.` : `No open findings${where}: every rule passed, was exempted or did not apply.`;
}

/** The rule to explain first: the most severe open finding, on the most services. */
function topRule(report: Report): string | undefined {
  const services = new Map<string, { severity: number; services: Set<string> }>();
  for (const result of report.results) {
    if (!isOpenFailure(result)) continue;
    let entry = services.get(result.ruleId);
    if (entry === undefined) {
      entry = { severity: SEVERITY_RANK[result.severity], services: new Set() };
      services.set(result.ruleId, entry);
    }
    entry.services.add(result.serviceId);
  }
  let best: [string, { severity: number; services: Set<string> }] | undefined;
  for (const candidate of services) {
    if (best === undefined) {
      best = candidate;
      continue;
    }
    const [id, entry] = candidate;
    const [bestId, bestEntry] = best;
    const better =
      entry.severity - bestEntry.severity || bestEntry.services.size - entry.services.size || id.localeCompare(bestId);
    if (better < 0) best = candidate;
  }
  return best?.[0];
}

function trendOf(score: number | null, trend: SummaryOptions['trend']): [string, CardColor] {
  if (trend === undefined || score === null || trend.previousScore === null) return ['', 'Default'];
  const delta = score - trend.previousScore;
  const since = clip(trend.since, 40);
  if (delta === 0) return [`(no change since ${since})`, 'Default'];
  return delta > 0 ? [`(▲${delta} since ${since})`, 'Good'] : [`(▼${-delta} since ${since})`, 'Attention'];
}
