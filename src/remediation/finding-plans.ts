import type { FixPlan } from '../contracts/fix-plan.js';
import { isOpenFailure, type RuleResult } from '../contracts/results.js';
import { resolveRuleOptions } from '../engine/options.js';
import type { Estate } from '../estate/model.js';
import type { AnyRule, RuleContext } from '../rules/types.js';
import { planFixFor } from './plan-fix.js';

export interface FindingPlanOptions {
  readonly rules: readonly AnyRule[];
  readonly now: Date;
  /** Raw options per rule id, as the audit used them. */
  readonly ruleOptions?: Readonly<Record<string, unknown>>;
}

/** A finding's plan, or why none could be made (a rule's planFix failed on this data). */
export type FindingPlan = { readonly plan: FixPlan } | { readonly error: string };

/**
 * The fix plan of every open failure whose rule plans fixes, planned from the estate the report was
 * made from. Exempted failures get none (the risk was accepted), nor do manual rules or findings
 * that leave nothing to change as read. A plan that cannot be made is recorded with its reason
 * rather than failing the whole report: the findings matter more than one plan.
 */
export function planFindings(results: readonly RuleResult[], estate: Estate, options: FindingPlanOptions): Map<RuleResult, FindingPlan> {
  const services = new Map(estate.services.map((service) => [service.key, service]));
  const rules = new Map(options.rules.filter((rule) => rule.meta.fix !== 'manual').map((rule) => [rule.meta.id as string, rule]));
  const contexts = new Map<string, RuleContext<unknown>>();
  const plans = new Map<RuleResult, FindingPlan>();
  for (const result of results) {
    const rule = rules.get(result.ruleId);
    const service = services.get(result.serviceId.toLowerCase());
    if (rule === undefined || service === undefined || !isOpenFailure(result)) continue;
    let context = contexts.get(rule.meta.id);
    if (context === undefined) {
      context = { now: options.now, options: resolveRuleOptions(rule, options.ruleOptions?.[rule.meta.id]) };
      contexts.set(rule.meta.id, context);
    }
    try {
      const plan = planFixFor(rule, service, result, context);
      if (plan !== undefined) plans.set(result, { plan });
    } catch (error) {
      plans.set(result, { error: error instanceof Error ? error.message : String(error) });
    }
  }
  return plans;
}
