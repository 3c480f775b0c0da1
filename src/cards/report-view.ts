import type { Report } from '../engine/report.js';
import { isExempted, isOpenFailure, type RuleResult } from '../contracts/results.js';
import { CHILD_KIND_LABELS, CHILD_TYPES } from '../estate/child-types.js';
import type { FixKind, Severity } from '../rules/types.js';
import { SEVERITY_RANK } from './text.js';

/** The results of one rule on one service that a card shows: open failures, errors and exemptions. */
export interface FindingGroup {
  readonly ruleId: string;
  /** The rule's title: the secure condition, for explain and for groups of errors only. */
  readonly title: string;
  /** The problem, named: what a card lists for failing (open or exempted) results. */
  readonly failureTitle: string;
  readonly severity: Severity;
  readonly fix: FixKind | undefined;
  readonly open: readonly RuleResult[];
  readonly errors: readonly RuleResult[];
  readonly exempted: readonly RuleResult[];
  /** Some results are about child resources (APIs, backends, …) rather than the service. */
  readonly onChildren: boolean;
  /** "APIs", "backends and APIs", …: what the children are. */
  readonly childLabel: string;
  /** Child resources this rule judged on the service, when the report kept passing results. */
  readonly childTotal: number | undefined;
}

/** Results per service id, in report order; built once per render. */
export function resultsByService(report: Report): Map<string, RuleResult[]> {
  const map = new Map<string, RuleResult[]>();
  for (const result of report.results) {
    const list = map.get(result.serviceId);
    if (list === undefined) map.set(result.serviceId, [result]);
    else list.push(result);
  }
  return map;
}

/**
 * Whether the report kept passing results (AuditOptions.keep): only then can a card say
 * "3 of 7 APIs"; otherwise the total is unknown and it says "3 APIs".
 */
export function keepsPassing(report: Report): boolean {
  return report.summary.passed === 0 || report.results.some((result) => result.outcome === 'pass');
}

export function isChild(result: RuleResult): boolean {
  return result.resourceId.toLowerCase() !== result.serviceId.toLowerCase();
}

export interface ChildName {
  /** "apis/orders": the id below the service, as people read it in the portal's tree. */
  readonly path: string;
  /** "orders": the entity names alone. */
  readonly name: string;
  /** "APIs", from the estate's child types. */
  readonly label: string;
}

/** Names a child result's resource relative to its service. */
export function childName(serviceId: string, resourceId: string): ChildName {
  const prefix = `${serviceId.toLowerCase()}/`;
  if (!resourceId.toLowerCase().startsWith(prefix)) {
    const last = resourceId.split('/').filter((part) => part !== '').pop() ?? resourceId;
    return { path: resourceId, name: last, label: 'resources' };
  }
  const path = resourceId.slice(prefix.length);
  const segments = path.split('/');
  const extension = segments[0]?.toLowerCase() === 'providers';
  const rest = extension ? segments.slice(2) : segments;
  const types = rest.filter((_, index) => index % 2 === 0);
  const names = rest.filter((_, index) => index % 2 === 1);
  const type = extension ? `${segments[1] ?? ''}/${types.join('/')}` : `microsoft.apimanagement/service/${types.join('/')}`;
  const kind = CHILD_TYPES.get(type.toLowerCase())?.kind;
  return { path, name: names.length > 0 ? names.join('/') : path, label: kind === undefined ? 'child resources' : CHILD_KIND_LABELS[kind] };
}

/** "APIs", "backends and APIs", or "child resources" when a rule judges more kinds than that. */
function childLabel(children: readonly RuleResult[]): string {
  const labels = [...new Set(children.map((result) => childName(result.serviceId, result.resourceId).label))];
  return labels.length <= 2 ? labels.join(' and ') : 'child resources';
}

/** A rule's fix kind from the report's rule list, for groups without an open failure to read it from. */
export function fixKinds(report: Report): Map<string, FixKind> {
  return new Map(report.rules.map((rule) => [rule.id, rule.fix]));
}

/**
 * Groups a service's results by rule: open failures first, then errors, then exemptions; within
 * each, by severity and rule id. Rules below `minSeverity` and results nobody needs to act on
 * (passes, not applicable) are left out.
 */
export function findingGroups(
  results: readonly RuleResult[],
  options: {
    readonly minSeverity?: Severity | undefined;
    readonly keepsPassing: boolean;
    readonly fixes: ReadonlyMap<string, FixKind>;
    /** Rule id → failure title (`failureTitles` of the report); a rule not listed keeps its title. */
    readonly failureTitles: ReadonlyMap<string, string>;
  },
): FindingGroup[] {
  const limit = options.minSeverity === undefined ? SEVERITY_RANK.low : SEVERITY_RANK[options.minSeverity];
  const byRule = new Map<string, RuleResult[]>();
  for (const result of results) {
    if (SEVERITY_RANK[result.severity] > limit) continue;
    const list = byRule.get(result.ruleId);
    if (list === undefined) byRule.set(result.ruleId, [result]);
    else list.push(result);
  }
  const groups: FindingGroup[] = [];
  for (const [ruleId, list] of byRule) {
    const open = list.filter(isOpenFailure);
    const errors = list.filter((result) => result.outcome === 'error');
    const exempted = list.filter(isExempted);
    if (open.length + errors.length + exempted.length === 0) continue;
    const first = list[0];
    if (first === undefined) continue;
    const children = list.filter(isChild);
    const onChildren = [...open, ...errors, ...exempted].some(isChild);
    groups.push({
      ruleId,
      title: first.title,
      failureTitle: options.failureTitles.get(ruleId) ?? first.title,
      severity: first.severity,
      fix: open[0]?.fix?.kind ?? options.fixes.get(ruleId),
      open,
      errors,
      exempted,
      onChildren,
      childLabel: onChildren ? childLabel(children) : '',
      childTotal: options.keepsPassing && onChildren ? children.length : undefined,
    });
  }
  const rank = (group: FindingGroup): number => (group.open.length > 0 ? 0 : group.errors.length > 0 ? 1 : 2);
  return groups.sort(
    (a, b) => rank(a) - rank(b) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.ruleId.localeCompare(b.ruleId),
  );
}

/** "prod" from "prod = 12 services in …", else the report's source. */
export function scopeNameOf(report: Report): string {
  const echo = report.scope?.echo;
  if (echo !== undefined) {
    const at = echo.indexOf(' = ');
    if (at > 0) return echo.slice(0, at);
  }
  return report.source;
}

/** Severities at or above `min`, in words: "critical + high". */
export function severityFilterWords(min: Severity): string {
  const order: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
  const included = order.filter((severity) => SEVERITY_RANK[severity] <= SEVERITY_RANK[min]);
  return included.length === order.length ? 'all severities' : included.join(' + ');
}
