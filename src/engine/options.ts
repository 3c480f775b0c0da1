import type { AnyRule } from '../rules/types.js';

/** A configuration problem a person can fix; the CLI prints it as one line and exits 2. */
export class RuleOptionsError extends Error {
  override readonly name = 'RuleOptionsError';
}

/**
 * Validates a rule's options against its schema and fills defaults. Errors name the rule and the
 * option, like p-retry's "Expected `factor` to be a number".
 */
export function resolveRuleOptions(rule: AnyRule, raw: unknown): never {
  const schema = rule.options;
  if (schema === undefined) {
    if (raw !== undefined && Object.keys(raw as object).length > 0) {
      throw new RuleOptionsError(`${rule.meta.id} takes no options, but ${Object.keys(raw as object).join(', ')} were given`);
    }
    return {} as never;
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `option \`${issue.path.join('.')}\`` : 'options';
    throw new RuleOptionsError(`${rule.meta.id}: invalid ${where}: ${issue?.message ?? 'invalid value'}`);
  }
  return parsed.data;
}
