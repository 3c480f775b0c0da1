type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';

/** A rule's stable id, `APIM-` and three digits; an id never changes meaning and is never reused. */
export type RuleId = `APIM-${Digit}${Digit}${Digit}`;

const RULE_ID = /^APIM-\d{3}$/;

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && RULE_ID.test(value);
}
