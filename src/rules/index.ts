import apim001 from './apim-001-legacy-protocols.js';
import type { AnyRule } from './types.js';

/**
 * Every rule, in id order. A static list, not a directory scan: a missing import fails to compile
 * and the parity test checks that each rule file is listed exactly once.
 */
export const ALL_RULES: readonly AnyRule[] = [apim001];

export function findRule(id: string): AnyRule | undefined {
  const wanted = id.trim().toUpperCase();
  return ALL_RULES.find((rule) => rule.meta.id === wanted);
}
