import { fixAnswerCard, messageCard, type RefPayloads } from '../cards/render.js';
import { resolveRuleOptions } from '../engine/options.js';
import { isOpenFailure } from '../contracts/results.js';
import type { Estate } from '../estate/model.js';
import { planFixFor } from '../remediation/plan-fix.js';
import type { FixPlan } from '../contracts/fix-plan.js';
import { findRule } from '../rules/index.js';
import type { Card } from './messenger.js';

/**
 * What the Fix button answers until guarded remediation (approval, ETag-safe apply, verification)
 * is built: the exact change it would make, planned from the audited estate, with preconditions
 * and blast radius. Nothing is sent to Azure.
 */
export function fixAnswer(payload: RefPayloads['fix'], estate: Estate, now: Date, ruleOptions: Readonly<Record<string, unknown>>): Card {
  const rule = findRule(payload.ruleId);
  const service = estate.services.find((s) => s.id === payload.serviceId);
  if (rule === undefined || service === undefined) return messageCard('That finding is no longer in the audited estate. Run the audit again.', { tone: 'refusal' });
  const context = { now, options: resolveRuleOptions(rule, ruleOptions[rule.meta.id]) };
  const plans: FixPlan[] = [];
  for (const result of payload.report.results) {
    if (result.ruleId !== rule.meta.id || !payload.resourceIds.includes(result.resourceId) || !isOpenFailure(result)) continue;
    const plan = planFixFor(rule, service, result, context);
    if (plan !== undefined) plans.push(plan);
  }
  const first = plans[0];
  if (first === undefined) {
    return messageCard(`${rule.meta.id} on ${payload.serviceName} has no automatic fix; "explain ${rule.meta.id}" says how to fix it by hand.`, { tone: 'info' });
  }
  const preconditions = plans.flatMap((plan) => plan.preconditions);
  const unmet = preconditions.filter((p) => !p.satisfied);
  const note = [
    ...unmet.map((p) => `Precondition not met — ${p.description}: ${p.detail}`),
    ...preconditions.filter((p) => p.satisfied).map((p) => `Precondition met — ${p.description}: ${p.detail}`),
    `Blast radius: ${first.blastRadius}`,
    'Applying fixes from Teams is not enabled yet: approval, apply and verification come with guarded remediation. Nothing was changed.',
  ].join('\n');
  return fixAnswerCard({
    rule: { id: rule.meta.id, title: rule.meta.title, severity: rule.meta.severity },
    serviceName: payload.serviceName,
    method: plans.map((plan) => `${plan.request.method} ${plan.request.path}?api-version=${plan.request.apiVersion}`).join('\n'),
    changes: plans.flatMap((plan) => plan.changes),
    requestBody: JSON.stringify(first.request.body, null, 2),
    note,
  });
}
