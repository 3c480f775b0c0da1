import type { Estate } from '../estate/model.js';
import type { AnyRule } from '../rules/types.js';
import { isVerdictList, judge, toResult } from './evaluate.js';
import { exemptionMatcher, type Exemption } from './exemptions.js';
import { resolveRuleOptions } from './options.js';
import type { NotCheckedRule, Report, ReportCoverage, ReportScope, ServiceReport } from './report.js';
import { isOpenFailure, type RuleResult } from '../contracts/results.js';
import { OUTCOME_BITS, ScoreTally, standingOf } from './score.js';
import type { ApimService } from '../estate/model.js';
import type { Verdict } from '../rules/types.js';
import { reasonOf } from '../rules/define-rule.js';

export type ResultsKept = 'all' | 'findings';

export interface AuditOptions {
  readonly rules: readonly AnyRule[];
  readonly now: Date;
  /** Raw options per rule id, validated against each rule's schema before anything runs. */
  readonly ruleOptions?: Readonly<Record<string, unknown>>;
  readonly exemptions?: readonly Exemption[];
  readonly source: string;
  readonly version: string;
  /**
   * Which results the report keeps: `all` (default), or only `findings` — failures (exempted
   * ones included) and errors. Views that show only findings (table, SARIF, cards) ask for
   * `findings`: passes and not-applicable outcomes are still counted and scored, but a large
   * estate does not hold millions of results nobody reads.
   */
  readonly keep?: ResultsKept;
  readonly scope?: ReportScope;
  readonly coverage?: ReportCoverage;
}

/** Evaluates rules × services, applies exemptions and scores the result. */
export function auditEstate(estate: Estate, options: AuditOptions): Report {
  const { rules, now } = options;
  // Validate every rule's options first, so a typo fails the run before any output.
  const contexts = rules.map((rule) => ({ rule, context: { now, options: resolveRuleOptions(rule, options.ruleOptions?.[rule.meta.id]) } }));
  const exempt = exemptionMatcher(options.exemptions ?? [], now);
  const keepAll = (options.keep ?? 'all') === 'all';
  const results: RuleResult[] = [];
  const estateTally = new ScoreTally();
  const notChecked = new Map<string, { ruleId: NotCheckedRule['ruleId']; services: number; reason: string }>();
  /** The first not-checked verdict of the rule and service at hand (one holder per audit, reset per pair). */
  const firstNotChecked: { verdict: Verdict | undefined } = { verdict: undefined };
  /**
   * Counts one verdict and keeps its result if the report keeps it; returns its outcome bit. Results
   * (redacted reason and evidence) are built only for what the report keeps: most verdicts of a large
   * audit are passes, and a findings report never reads them.
   */
  const record = (rule: AnyRule, service: ApimService, verdict: Verdict): number => {
    switch (verdict.outcome) {
      case 'fail': {
        const result = exempt(toResult(rule, service, verdict));
        results.push(result);
        return isOpenFailure(result) ? OUTCOME_BITS.openFailure : OUTCOME_BITS.exempted;
      }
      case 'error':
        results.push(toResult(rule, service, verdict));
        return OUTCOME_BITS.error;
      case 'notChecked':
        firstNotChecked.verdict ??= verdict;
        if (keepAll) results.push(toResult(rule, service, verdict));
        return OUTCOME_BITS.notChecked;
      case 'pass':
        if (keepAll) results.push(toResult(rule, service, verdict));
        return OUTCOME_BITS.pass;
      default:
        if (keepAll) results.push(toResult(rule, service, verdict));
        return 0;
    }
  };
  const services: ServiceReport[] = estate.services.map((service) => {
    const tally = new ScoreTally();
    for (const { rule, context } of contexts) {
      // Typed wide on purpose: TypeScript cannot see that `record` sets it.
      firstNotChecked.verdict = undefined as Verdict | undefined;
      let bits = 0;
      const judged = judge(rule, service, context);
      if (isVerdictList(judged)) for (const verdict of judged) bits |= record(rule, service, verdict);
      else bits = record(rule, service, judged);
      const standing = standingOf(bits);
      if (standing === 'notChecked') {
        const entry = notChecked.get(rule.meta.id);
        if (entry === undefined) notChecked.set(rule.meta.id, { ruleId: rule.meta.id, services: 1, reason: notCheckedReason(firstNotChecked.verdict) });
        else entry.services += 1;
      }
      tally.add(rule.meta.severity, standing);
    }
    estateTally.addAll(tally);
    return {
      id: service.id,
      name: service.name,
      subscriptionId: service.subscriptionId,
      resourceGroup: service.resourceGroup,
      location: service.location,
      sku: service.sku.name,
      score: tally.score(),
      coverage: tally.coverage(),
      counts: tally.counts(),
    };
  });
  sortWorstFirst(services);

  return {
    tool: { name: 'apim-posture', version: options.version },
    generatedAt: now.toISOString(),
    source: options.source,
    rules: rules.map(({ meta }) => ({ id: meta.id, title: meta.title, failureTitle: meta.failureTitle, severity: meta.severity, category: meta.category, fix: meta.fix })),
    summary: { score: estateTally.score(), services: services.length, coverage: estateTally.coverage(), ...estateTally.counts() },
    notCheckedRules: [...notChecked.values()].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)),
    services,
    results,
    ...(keepAll ? {} : { resultsKept: 'findings' as const }),
    estate: estate.stats,
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.coverage === undefined ? {} : { coverage: options.coverage }),
  };
}

/** The reason a rule gives for not checking, rendered once per rule and audit; a render that throws says so. */
function notCheckedReason(verdict: Verdict | undefined): string {
  if (verdict === undefined) return '';
  try {
    return reasonOf(verdict);
  } catch (thrown) {
    return `The rule could not explain why it did not check: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
  }
}

/**
 * Worst first: unscored services (nothing judged, e.g. malformed) lead so nobody misses them, then
 * lowest score, then most critical, high, medium, low failures, then name. The order is folded
 * into one number per service; services are grouped by that number and only each group is sorted
 * by name. A comparator that builds arrays, calls localeCompare or compares names across the whole
 * estate runs millions of times on large estates, and most services share a handful of numbers.
 */
function sortWorstFirst(services: ServiceReport[]): void {
  // Base 64 digits: failures per severity never exceed the rule count (40), capped to stay in range.
  const digit = (count: number): number => 63 - Math.min(count, 63);
  const groups = new Map<number, ServiceReport[]>();
  for (const service of services) {
    const f = service.counts.failed;
    const key = ((((service.score ?? -1) + 1) * 64 + digit(f.critical)) * 64 + digit(f.high)) * 64 * 64 + digit(f.medium) * 64 + digit(f.low);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [service]);
    else group.push(service);
  }
  let index = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    // Sorting is stable: services of one name keep the estate's order, as before grouping.
    const group = (groups.get(key) ?? []).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const service of group) {
      services[index] = service;
      index += 1;
    }
  }
}
