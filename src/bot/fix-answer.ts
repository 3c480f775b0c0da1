import { fixAnswerCard, messageCard, type RefPayloads } from '../cards/render.js';
import { resolveRuleOptions } from '../engine/options.js';
import { isOpenFailure } from '../contracts/results.js';
import type { Estate } from '../estate/model.js';
import { planFixFor } from '../remediation/plan-fix.js';
import type { FixPlan, FixRequest } from '../contracts/fix-plan.js';
import { combinePlans, CombinePlansError, type CombinedFix } from '../remediation/combine-plans.js';
import { requiresIfMatch } from '../rules/shared/fix-plans.js';
import { findRule } from '../rules/index.js';
import { redactText, redactValue } from '../engine/redact.js';
import type { Card } from './messenger.js';

/**
 * What the Fix button answers until guarded remediation (approval, ETag-safe apply, verification)
 * is built: the exact change it would make, planned from the audited estate, with preconditions
 * and blast radius. Nothing is sent to Azure.
 */
export function fixAnswer(payload: Omit<RefPayloads['fix'], 'origin'>, estate: Estate, now: Date, ruleOptions: Readonly<Record<string, unknown>>): Card {
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
  const preconditions = fixes.flatMap((fix) => fix.preconditions);
  const unmet = preconditions.filter((p) => !p.satisfied);
  const note = [
    ...unmet.map((p) => `Precondition not met — ${p.description}: ${p.detail}`),
    ...preconditions.filter((p) => p.satisfied).map((p) => `Precondition met — ${p.description}: ${p.detail}`),
    ...[...new Set(fixes.map((fix) => fix.blastRadius))].map((blast) => `Blast radius: ${blast}`),
    'Applying fixes from Teams is not enabled yet: approval, apply and verification come with guarded remediation. Nothing was changed.',
  ];
  // A chat card is no place for credentials a value happens to carry (a backend URL with user info
  // or a signed query): the card shows them redacted and says so; the request sends them unchanged.
  const changes = fixes.flatMap((fix) => fix.changes).map((change) => ({ ...change, before: redactValue(change.before), after: redactValue(change.after) }));
  const requestBody = fixes.map((fix) => redactText(requestText({ ...fix.request, body: redactValue(fix.request.body) as FixRequest['body'] }, fixes.length > 1))).join('\n\n');
  const redacted = requestBody !== fixes.map((fix) => requestText(fix.request, fixes.length > 1)).join('\n\n');
  return fixAnswerCard({
    rule: { id: rule.meta.id, title: rule.meta.title, failureTitle: rule.meta.failureTitle, severity: rule.meta.severity },
    serviceName: payload.serviceName,
    method: redactText(fixes.map((fix) => requestLine(fix.request)).join('\n')),
    changes,
    requestBody,
    requestHeading: fixes.length > 1 ? 'Requests' : fixes.some((fix) => requestHeaders(fix.request).length > 0) ? 'Request headers and body' : 'Request body',
    note: [...(redacted ? ['Credentials in these values are shown as [redacted]; the request keeps them as they are.'] : []), ...note.map(redactText)].join('\n'),
  });
}

/** `PATCH {path}?api-version=…`, as the request line reads. */
function requestLine(request: FixRequest): string {
  return `${request.method} ${request.path}?api-version=${request.apiVersion}`;
}

/** `Name: value` lines of the request's headers; a missing If-Match that ARM requires is named too. */
function requestHeaders(request: FixRequest): string[] {
  const headers = Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`);
  if (requiresIfMatch(request) && !headers.some((line) => line.toLowerCase().startsWith('if-match:'))) {
    headers.push('If-Match: (the ETag of a fresh read; the remediation step re-reads the resource before applying)');
  }
  return headers;
}

/**
 * The headers the request carries, then its body, as a person would send it. A request that needs
 * If-Match but has no ETag yet says so rather than showing none: the remediation step re-reads it.
 */
export function requestText(request: FixRequest, withRequestLine: boolean): string {
  const headers = requestHeaders(request);
  const lines = [...(withRequestLine ? [requestLine(request)] : []), ...headers];
  return [...lines, ...(lines.length > 0 ? [''] : []), JSON.stringify(request.body, null, 2)].join('\n');
}
