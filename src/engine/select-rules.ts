import type { AnyRule, Category, Severity } from '../rules/types.js';
import { SEVERITIES } from '../rules/types.js';

/** A selection a person got wrong; the message says what is valid. */
export class RuleSelectionError extends Error {
  override readonly name = 'RuleSelectionError';
}

export interface RuleSelection {
  readonly ids?: readonly string[];
  /** Keep rules of this severity and above. */
  readonly minSeverity?: Severity;
  readonly categories?: readonly string[];
}

/** Filters rules by id, minimum severity and category; unknown names are errors, not empty audits. */
export function selectRules(all: readonly AnyRule[], selection: RuleSelection): AnyRule[] {
  let rules = [...all];
  if (selection.ids !== undefined && selection.ids.length > 0) {
    const known = new Map<string, AnyRule>(all.map((rule) => [rule.meta.id, rule]));
    const wanted = selection.ids.map((id) => normaliseRuleId(id));
    const unknown = wanted.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new RuleSelectionError(`unknown rule ${unknown.join(', ')}; rules are APIM-001 … APIM-${String(all.length).padStart(3, '0')} (see \`apim-posture rules\`)`);
    }
    rules = rules.filter((rule) => wanted.includes(rule.meta.id as string));
  }
  if (selection.minSeverity !== undefined) {
    const limit = SEVERITIES.indexOf(selection.minSeverity);
    rules = rules.filter((rule) => SEVERITIES.indexOf(rule.meta.severity) <= limit);
  }
  if (selection.categories !== undefined && selection.categories.length > 0) {
    const knownCategories = new Set<Category>(all.map((rule) => rule.meta.category));
    const wanted = selection.categories.map((c) => c.trim().toLowerCase());
    const unknown = wanted.filter((c) => !knownCategories.has(c as Category));
    if (unknown.length > 0) {
      throw new RuleSelectionError(`unknown category ${unknown.join(', ')}; categories are ${[...knownCategories].sort().join(', ')}`);
    }
    rules = rules.filter((rule) => wanted.includes(rule.meta.category));
  }
  return rules;
}

/** Accepts "apim-4", "APIM-004", "4": people type ids loosely in chat and terminals. */
export function normaliseRuleId(input: string): string {
  const digits = /^(?:apim-?)?0*(\d{1,3})$/i.exec(input.trim());
  return digits?.[1] === undefined ? input.trim().toUpperCase() : `APIM-${digits[1].padStart(3, '0')}`;
}

export function parseSeverity(input: string): Severity {
  const value = input.trim().toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw new RuleSelectionError(`unknown severity "${input}"; use one of ${SEVERITIES.join(', ')}`);
}
