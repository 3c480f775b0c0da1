import type { AnyRule, Evidence, Rule, Verdict } from './types.js';

/** Identity function that fixes the rule's option type at the definition site. */
export function defineRule<Options = Record<string, never>>(rule: Rule<Options>): AnyRule {
  return rule as unknown as AnyRule;
}

interface VerdictOptions {
  readonly resourceId?: string;
}

export function pass(reason: string, evidence: readonly Evidence[] = [], options: VerdictOptions = {}): Verdict {
  return { outcome: 'pass', reason, evidence, ...options };
}

export function fail(reason: string, evidence: readonly Evidence[], options: VerdictOptions = {}): Verdict {
  return { outcome: 'fail', reason, evidence, ...options };
}

/** Not applicable always says why; the reason is shown to people. */
export function notApplicable(reason: string, options: VerdictOptions = {}): Verdict {
  return { outcome: 'notApplicable', reason, evidence: [], ...options };
}

export function error(reason: string, options: VerdictOptions = {}): Verdict {
  return { outcome: 'error', reason, evidence: [], ...options };
}

export function evidence(path: string, actual: unknown, expected: unknown, note?: string): Evidence {
  return note === undefined ? { path, actual, expected } : { path, actual, expected, note };
}
