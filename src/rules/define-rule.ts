import type { AnyRule, Evidence, Outcome, Rule, Verdict } from './types.js';

/** Identity function that fixes the rule's option type at the definition site. */
export function defineRule<Options = Record<string, never>>(rule: Rule<Options>): AnyRule {
  return rule as unknown as AnyRule;
}

interface VerdictOptions {
  readonly resourceId?: string;
}

export function pass(reason: string, evidence: readonly Evidence[] = [], options?: VerdictOptions): Verdict {
  return verdict('pass', reason, evidence, options);
}

export function fail(reason: string, evidence: readonly Evidence[], options?: VerdictOptions): Verdict {
  return verdict('fail', reason, evidence, options);
}

/** Not applicable always says why; the reason is shown to people. */
export function notApplicable(reason: string, options?: VerdictOptions): Verdict {
  return verdict('notApplicable', reason, [], options);
}

/**
 * Not checked: the rule applies, but the data it needs was not read or not read completely. Says
 * what is missing and how to get it; never a pass.
 */
export function notChecked(reason: string, options?: VerdictOptions): Verdict {
  return verdict('notChecked', reason, [], options);
}

export function error(reason: string, options?: VerdictOptions): Verdict {
  return verdict('error', reason, [], options);
}

/** Every rule makes one of these per service, so the options are read rather than spread into it. */
function verdict(outcome: Outcome, reason: string, evidence: readonly Evidence[], options: VerdictOptions | undefined): Verdict {
  const resourceId = options?.resourceId;
  return resourceId === undefined ? { outcome, reason, evidence } : { outcome, reason, evidence, resourceId };
}

export function evidence(path: string, actual: unknown, expected: unknown, note?: string): Evidence {
  return note === undefined ? { path, actual, expected } : { path, actual, expected, note };
}
