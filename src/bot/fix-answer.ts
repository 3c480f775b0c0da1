import { fixAnswerCard, messageCard, type RefPayloads } from '../cards/render.js';
import { resolveRuleOptions } from '../engine/options.js';
import { isOpenFailure } from '../contracts/results.js';
import type { Estate } from '../estate/model.js';
import { planFixFor } from '../remediation/plan-fix.js';
import type { FixPlan } from '../contracts/fix-plan.js';
import { combinePlans, CombinePlansError, type CombinedFix } from '../remediation/combine-plans.js';
import { headersAndBody, planView, shellQuote } from '../remediation/plan-text.js';
import { findRule } from '../rules/index.js';
import type { Card } from './messenger.js';

export interface FixAnswerOptions {
  /** The ARM host of the audited target, which the request URLs name; default the public cloud. */
  readonly armEndpoint?: string;
}

/**
 * What the Fix button answers until guarded remediation (approval, ETag-safe apply, verification)
 * is built: the exact change it would make, planned from the audited estate, with preconditions
 * and blast radius; each request whole (URL, headers, body) with its `az rest` command. Nothing is
 * sent to Azure.
 */
export function fixAnswer(payload: Omit<RefPayloads['fix'], 'origin'>, estate: Estate, now: Date, ruleOptions: Readonly<Record<string, unknown>>, options: FixAnswerOptions = {}): Card {
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
  if (plans.length === 0) {
    return messageCard(`${rule.meta.id} on ${payload.serviceName} has no automatic fix; "explain ${rule.meta.id}" says how to fix it by hand.`, { tone: 'info' });
  }
  // Plans that change one resource are sent as one request, so no request undoes another.
  let fixes: CombinedFix[];
  try {
    fixes = combinePlans(plans);
  } catch (error) {
    if (error instanceof CombinePlansError) return messageCard(`${rule.meta.id} on ${payload.serviceName} cannot be planned as one change: ${error.message}`, { tone: 'refusal' });
    throw error;
  }
  // Every output renders plans through plan-text: credentials redacted, URL on the target's ARM
  // host, the az rest command only when the request shown is the request sent.
  const views = fixes.map((fix) => planView(fix, options.armEndpoint));
  const preconditions = views.flatMap((view) => view.preconditions);
  const note = [
    ...(views.some((view) => view.redacted) ? ['Credentials in these values are shown as [redacted].'] : []),
    ...preconditions.filter((p) => !p.satisfied).map((p) => `Precondition not met — ${p.description}: ${p.detail}`),
    ...preconditions.filter((p) => p.satisfied).map((p) => `Precondition met — ${p.description}: ${p.detail}`),
    ...[...new Set(views.map((view) => view.blastRadius))].map((blast) => `Blast radius: ${blast}`),
    'Applying fixes from Teams is not enabled yet: approval, apply and verification come with guarded remediation. Nothing was changed.',
  ];
  return fixAnswerCard({
    rule: { id: rule.meta.id, title: rule.meta.title, failureTitle: rule.meta.failureTitle, severity: rule.meta.severity },
    serviceName: payload.serviceName,
    changes: views.flatMap((view) => view.changes),
    requests: views.map((view) => ({
      method: view.request.method,
      url: view.request.url,
      text: headersAndBody(view),
      ...(view.azRest === undefined ? {} : { command: view.azRest }),
      notes: view.notes,
    })),
    wholePlanCommand: `apim-posture plan ${rule.meta.id} ${shellQuote(payload.serviceName)}`,
    note: note.join('\n'),
  });
}
