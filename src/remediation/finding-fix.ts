import { isOpenFailure } from '../contracts/results.js';
import type { FixPlan } from '../contracts/fix-plan.js';
import { resolveRuleOptions } from '../engine/options.js';
import type { Report } from '../engine/report.js';
import type { Estate } from '../estate/model.js';
import { findRule } from '../rules/index.js';
import { combinePlans, CombinePlansError, type CombinedFix } from './combine-plans.js';
import { planFixFor } from './plan-fix.js';

/** One finding as a Fix button names it: the open failures of one rule on one service. */
export interface Finding {
  readonly serviceId: string;
  readonly serviceName: string;
  readonly ruleId: string;
  /** The failing resources: the service id, or child ids under it. */
  readonly resourceIds: readonly string[];
}

export type FindingFix =
  | { readonly state: 'plans'; readonly fixes: readonly CombinedFix[] }
  /** Every failing resource of the finding passes now (or is exempted): nothing to send. */
  | { readonly state: 'passes' }
  /** The service, or the rule, is gone from what was read. */
  | { readonly state: 'gone'; readonly reason: string }
  /** It still fails, but no request can be planned (a manual rule, plans that disagree, data not read). */
  | { readonly state: 'unplanned'; readonly reason: string };

/**
 * The requests that fix a finding, planned from an audited estate and its report: one plan per
 * failing resource, merged per resource so no request undoes another. The Fix answer plans from the
 * audit that showed the finding; remediation plans again from a fresh read of the same service.
 */
export function planFinding(finding: Finding, estate: Estate, report: Report, now: Date, ruleOptions: Readonly<Record<string, unknown>>): FindingFix {
  return planFindings([finding], estate, report, now, ruleOptions);
}

/**
 * Several findings on one service fixed together ("Fix all"): every plan of every finding, merged
 * per resource, so findings that change one object (the customProperties map of APIM-001 and
 * APIM-002) go out as one request carrying all their changes. Findings that pass by now are left
 * out; when none is left to plan, the first reason why is the answer.
 */
export function planFindings(findings: readonly Finding[], estate: Estate, report: Report, now: Date, ruleOptions: Readonly<Record<string, unknown>>): FindingFix {
  const plans: FixPlan[] = [];
  let firstReason: FindingFix | undefined;
  for (const finding of findings) {
    const planned = plansOf(finding, estate, report, now, ruleOptions);
    if (planned.state === 'gone') return planned;
    if (planned.state === 'plans') plans.push(...planned.plans);
    else if (planned.state === 'unplanned') firstReason ??= planned;
  }
  if (plans.length === 0) return firstReason ?? { state: 'passes' };
  try {
    return { state: 'plans', fixes: combinePlans(plans) };
  } catch (error) {
    const service = findings[0]?.serviceName ?? 'the service';
    const rules = [...new Set(findings.map((finding) => finding.ruleId))].join(', ');
    if (error instanceof CombinePlansError) return { state: 'unplanned', reason: `${rules} on ${service} cannot be planned as one change: ${error.message}` };
    throw error;
  }
}

type FindingPlans = { readonly state: 'plans'; readonly plans: readonly FixPlan[] } | Exclude<FindingFix, { readonly state: 'plans' }>;

function plansOf(finding: Finding, estate: Estate, report: Report, now: Date, ruleOptions: Readonly<Record<string, unknown>>): FindingPlans {
  const rule = findRule(finding.ruleId);
  const serviceKey = finding.serviceId.toLowerCase();
  const service = estate.services.find((candidate) => candidate.id.toLowerCase() === serviceKey);
  if (rule === undefined) return { state: 'gone', reason: `there is no rule ${finding.ruleId}` };
  if (service === undefined) return { state: 'gone', reason: `service '${finding.serviceName}' is no longer in the estate that was read` };
  const wanted = new Set(finding.resourceIds.map((id) => id.toLowerCase()));
  const results = report.results.filter((result) => result.ruleId === rule.meta.id && wanted.has(result.resourceId.toLowerCase()));
  const open = results.filter(isOpenFailure);
  if (open.length === 0) {
    const unjudged = results.find((result) => result.outcome === 'notChecked' || result.outcome === 'error');
    if (unjudged !== undefined) return { state: 'unplanned', reason: unjudged.reason };
    return { state: 'passes' };
  }
  const context = { now, options: resolveRuleOptions(rule, ruleOptions[rule.meta.id]) };
  const plans: FixPlan[] = [];
  for (const result of open) {
    const plan = planFixFor(rule, service, result, context);
    if (plan !== undefined) plans.push(plan);
  }
  if (plans.length === 0) return { state: 'unplanned', reason: `${rule.meta.id} on ${finding.serviceName} has no automatic fix; "explain ${rule.meta.id}" says how to fix it by hand.` };
  return { state: 'plans', plans };
}
