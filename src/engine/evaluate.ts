import type { ApimService } from '../estate/model.js';
import type { AnyRule, RuleContext, Verdict } from '../rules/types.js';
import type { Evidence, RuleResult } from '../contracts/results.js';
import { evidenceOf, reasonOf } from '../rules/define-rule.js';
import { redactEvidence, redactText } from './redact.js';

/**
 * Runs one rule against one service and turns its verdicts into results. A rule that throws, or a
 * service that is malformed, yields an `error` result instead of aborting the audit.
 */
export function evaluateRule(rule: AnyRule, service: ApimService, context: RuleContext<unknown>): RuleResult[] {
  return evaluateVerdicts(rule, service, context).map((verdict) => toResult(rule, service, verdict));
}

/**
 * The rule's verdicts, never empty and never thrown: a malformed service, a throwing rule or a rule
 * that says nothing become one `error` verdict. The engine turns only the verdicts it keeps into
 * results, which matters when an audit judges a hundred thousand services.
 */
export function evaluateVerdicts(rule: AnyRule, service: ApimService, context: RuleContext<unknown>): readonly Verdict[] {
  const judged = judge(rule, service, context);
  return isVerdictList(judged) ? judged : [judged];
}

/**
 * {@link evaluateVerdicts} without wrapping a single verdict in an array: the engine's hot path, where
 * most rules return one verdict per service and an array per verdict would be pure garbage.
 */
export function judge(rule: AnyRule, service: ApimService, context: RuleContext<unknown>): Verdict | readonly Verdict[] {
  if (service.problem !== undefined) {
    return { outcome: 'error', reason: `The resource cannot be audited: ${service.problem}.`, evidence: [] };
  }
  let verdicts: Verdict | readonly Verdict[];
  try {
    verdicts = rule.evaluate(service, context as RuleContext<never>);
  } catch (thrown) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return { outcome: 'error', reason: `The rule could not evaluate this resource: ${message}`, evidence: [] };
  }
  if (isVerdictList(verdicts) && verdicts.length === 0) return { outcome: 'error', reason: 'The rule returned no verdict for this resource.', evidence: [] };
  return verdicts;
}

export function isVerdictList(judged: Verdict | readonly Verdict[]): judged is readonly Verdict[] {
  return Array.isArray(judged);
}

/**
 * The result of one verdict, with its reason and evidence rendered now: the engine calls this only
 * for results a report keeps. A render that throws makes the result an `error`, like a rule that
 * throws while judging.
 */
export function toResult(rule: AnyRule, service: ApimService, verdict: Verdict): RuleResult {
  let outcome = verdict.outcome;
  let reason: string;
  let evidence: readonly Evidence[];
  try {
    reason = reasonOf(verdict);
    evidence = evidenceOf(verdict);
  } catch (thrown) {
    outcome = 'error';
    reason = `The rule could not explain its verdict on this resource: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
    evidence = [];
  }
  const { meta } = rule;
  // One object shape for every result (fix left undefined unless failing) keeps property access
  // monomorphic; audits create millions of these.
  return {
    ruleId: meta.id,
    resourceId: verdict.resourceId ?? service.id,
    serviceId: service.id,
    outcome,
    severity: meta.severity,
    title: meta.title,
    // Rules quote ARM JSON; credentials in it never reach a report, a card or a log.
    evidence: redactEvidence(evidence),
    reason: redactText(reason),
    fix: outcome === 'fail' ? FIX_BY_KIND[meta.fix] : undefined,
  };
}

const FIX_BY_KIND = { safe: { kind: 'safe' }, guarded: { kind: 'guarded' }, manual: { kind: 'manual' } } as const;
