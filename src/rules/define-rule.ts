import type { AnyRule, Evidence, Lazy, Outcome, Rule, Verdict } from './types.js';

/** Identity function that fixes the rule's option type at the definition site. */
export function defineRule<Options = Record<string, never>>(rule: Rule<Options>): AnyRule {
  return rule as unknown as AnyRule;
}

interface VerdictOptions {
  readonly resourceId?: string;
}

/** No evidence: one shared empty list, frozen so that no caller can add to everyone's. */
const NO_EVIDENCE: readonly Evidence[] = Object.freeze([]);

/*
 * Reasons and evidence are Lazy: give a function (`() => \`Service '${service.name}' …\``) whenever
 * the text interpolates or the evidence is a list, so a pass nobody reads costs nothing to explain.
 */

export function pass(reason: Lazy<string>, evidence: Lazy<readonly Evidence[]> = NO_EVIDENCE, options?: VerdictOptions): Verdict {
  return verdict('pass', reason, evidence, options);
}

export function fail(reason: Lazy<string>, evidence: Lazy<readonly Evidence[]>, options?: VerdictOptions): Verdict {
  return verdict('fail', reason, evidence, options);
}

/** Not applicable always says why; the reason is shown to people. */
export function notApplicable(reason: Lazy<string>, options?: VerdictOptions): Verdict {
  return verdict('notApplicable', reason, NO_EVIDENCE, options);
}

/**
 * Not checked: the rule applies, but the data it needs was not read or not read completely. Says
 * what is missing and how to get it; never a pass.
 */
export function notChecked(reason: Lazy<string>, options?: VerdictOptions): Verdict {
  return verdict('notChecked', reason, NO_EVIDENCE, options);
}

export function error(reason: Lazy<string>, options?: VerdictOptions): Verdict {
  return verdict('error', reason, NO_EVIDENCE, options);
}

/** Every rule makes one of these per service, so the options are read rather than spread into it. */
function verdict(outcome: Outcome, reason: Lazy<string>, evidence: Lazy<readonly Evidence[]>, options: VerdictOptions | undefined): Verdict {
  const resourceId = options?.resourceId;
  return resourceId === undefined ? { outcome, reason, evidence } : { outcome, reason, evidence, resourceId };
}

export function evidence(path: string, actual: unknown, expected: unknown, note?: string): Evidence {
  return note === undefined ? { path, actual, expected } : { path, actual, expected, note };
}

/** A verdict's reason, rendered. */
export function reasonOf(verdict: Verdict): string {
  return typeof verdict.reason === 'function' ? verdict.reason() : verdict.reason;
}

/** A verdict's evidence, rendered. */
export function evidenceOf(verdict: Verdict): readonly Evidence[] {
  return typeof verdict.evidence === 'function' ? verdict.evidence() : verdict.evidence;
}
