import type { Estate } from '../estate/model.js';
import type { AnyRule, Severity } from '../rules/types.js';
import { evaluateRule } from './evaluate.js';
import { exemptionMatcher, type Exemption } from './exemptions.js';
import { resolveRuleOptions } from './options.js';
import type { Report, ServiceReport, SeverityCounts, StandingCounts } from './report.js';
import type { RuleResult } from './result.js';
import { score, standingOf, type Standing } from './score.js';

export interface AuditOptions {
  readonly rules: readonly AnyRule[];
  readonly now: Date;
  /** Raw options per rule id, validated against each rule's schema before anything runs. */
  readonly ruleOptions?: Readonly<Record<string, unknown>>;
  readonly exemptions?: readonly Exemption[];
  readonly source: string;
  readonly version: string;
}

/** Evaluates rules × services, applies exemptions and scores the result. */
export function auditEstate(estate: Estate, options: AuditOptions): Report {
  const { rules, now } = options;
  // Validate every rule's options first, so a typo fails the run before any output.
  const contexts = rules.map((rule) => ({ rule, context: { now, options: resolveRuleOptions(rule, options.ruleOptions?.[rule.meta.id]) } }));
  const exempt = exemptionMatcher(options.exemptions ?? [], now);
  const results: RuleResult[] = [];
  const all: Standing[] = [];
  const services: ServiceReport[] = estate.services.map((service) => {
    const list: Standing[] = [];
    for (const { rule, context } of contexts) {
      const ruleResults = exempt(evaluateRule(rule, service, context));
      for (const result of ruleResults) results.push(result);
      list.push({ serviceId: service.id, ruleId: rule.meta.id, severity: rule.meta.severity, standing: standingOf(ruleResults) });
    }
    for (const standing of list) all.push(standing);
    return {
      id: service.id,
      name: service.name,
      subscriptionId: service.subscriptionId,
      resourceGroup: service.resourceGroup,
      location: service.location,
      sku: service.sku.name,
      score: score(list),
      counts: countStandings(list),
    };
  });
  services.sort(worstFirst);

  return {
    tool: { name: 'apim-posture', version: options.version },
    generatedAt: now.toISOString(),
    source: options.source,
    rules: rules.map(({ meta }) => ({ id: meta.id, title: meta.title, severity: meta.severity, category: meta.category, fix: meta.fix })),
    summary: { score: score(all), services: services.length, ...countStandings(all) },
    services,
    results,
    estate: estate.stats,
  };
}

function countStandings(list: readonly Standing[]): StandingCounts {
  const failed: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  let exempted = 0;
  let passed = 0;
  let notApplicable = 0;
  let errors = 0;
  for (const { standing, severity } of list) {
    if (standing === 'fail') failed[severity] += 1;
    else if (standing === 'exempted') exempted += 1;
    else if (standing === 'pass') passed += 1;
    else if (standing === 'notApplicable') notApplicable += 1;
    else errors += 1;
  }
  return { failed, exempted, passed, notApplicable, errors };
}

function worstFirst(a: ServiceReport, b: ServiceReport): number {
  // Unscored services (nothing judged, e.g. malformed) go first: nobody should miss them.
  const scoreA = a.score ?? -1;
  const scoreB = b.score ?? -1;
  if (scoreA !== scoreB) return scoreA - scoreB;
  const weight = (c: SeverityCounts) => [c.critical, c.high, c.medium, c.low];
  const wa = weight(a.counts.failed);
  const wb = weight(b.counts.failed);
  for (let i = 0; i < wa.length; i += 1) {
    const diff = (wb[i] ?? 0) - (wa[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.name.localeCompare(b.name);
}
