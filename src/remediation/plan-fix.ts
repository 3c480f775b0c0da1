import type { RuleResult } from '../contracts/results.js';
import type { ApimService } from '../estate/model.js';
import type { AnyRule, RuleContext } from '../rules/types.js';
import type { FixPlan } from '../contracts/fix-plan.js';
import { withEtagPrecondition } from './etag-precondition.js';

/**
 * A rule whose fix plans disagree with its metadata, in the manner of ESLint's "Fixable rules must
 * set the `meta.fixable` property": a programming error in the rule, never a finding.
 */
export class FixDeclarationError extends Error {
  override readonly name = 'FixDeclarationError';
}

/**
 * The fix plan for one result, or `undefined` when there is nothing to plan: the result does not
 * fail, the rule is manual, or the service as read now leaves nothing to change. Throws
 * {@link FixDeclarationError} when the rule's plans contradict `meta.fix` (a manual rule that returns
 * a plan, a safe or guarded rule without a plan builder, a plan for another resource),
 * so an undeclared fix never reaches a person.
 *
 * `service` is the service as last read (the remediation flow re-reads it before planning);
 * `context` carries the rule's resolved options, as for `evaluate`.
 */
export function planFixFor(rule: AnyRule, service: ApimService, result: RuleResult, context: RuleContext<unknown>): FixPlan | undefined {
  const { id, fix } = rule.meta;
  if (result.ruleId !== id) throw new FixDeclarationError(`${id}: asked to plan a fix for a result of ${result.ruleId}`);
  if (result.outcome !== 'fail') return undefined;
  const planFix = rule.planFix;
  if (planFix === undefined) {
    if (fix === 'manual') return undefined;
    throw new FixDeclarationError(`${id}: rules whose meta.fix is '${fix}' must export planFix`);
  }
  if (result.serviceId.toLowerCase() !== service.key) {
    throw new FixDeclarationError(`${id}: the result is about ${result.serviceId}, not about service ${service.id}`);
  }
  const planned = planFix(service, result, context as RuleContext<never>);
  if (planned === undefined) return undefined;
  if (fix === 'manual') throw new FixDeclarationError(`${id}: meta.fix is 'manual', but planFix returned a plan`);
  if (planned.resourceId !== result.resourceId) {
    throw new FixDeclarationError(`${id}: planFix returned a plan for ${planned.resourceId}, not for the finding's ${result.resourceId}`);
  }
  // "*" overwrites whatever changed since the read; a plan sends the ETag it read, or none.
  const wildcard = Object.entries(planned.request.headers ?? {}).some(([name, value]) => name.toLowerCase() === 'if-match' && value.trim() === '*');
  if (wildcard) throw new FixDeclarationError(`${id}: planFix sends If-Match "*"; send the ETag that was read (patchChild does), or none`);
  // The rule id and kind are the rule's metadata, never the plan's say.
  return withEtagPrecondition({ ...planned, ruleId: id, kind: fix }, service);
}
