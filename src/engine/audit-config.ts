import { z } from 'zod';
import { ALL_RULES } from '../rules/index.js';
import { exemptionSchema, type Exemption } from './exemptions.js';
import { normaliseRuleId } from './select-rules.js';

/** A configuration mistake a person must fix; the message names the file and the field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The audit part of the configuration file: options per rule id and exemptions. */
export const auditConfigShape = {
  /** Options per rule id, e.g. `{ "APIM-015": { "minimumDaysRemaining": 45 } }`. */
  rules: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  exemptions: z.array(exemptionSchema).default([]),
};

export interface AuditConfig {
  readonly ruleOptions: Readonly<Record<string, Record<string, unknown>>>;
  readonly exemptions: readonly Exemption[];
}

/** Checks rule ids in the options map (loose ids such as "apim-4" are accepted). */
export function toAuditConfig(
  parsed: { rules: Record<string, Record<string, unknown>>; exemptions: Exemption[] },
  source: string,
): AuditConfig {
  const known = new Set<string>(ALL_RULES.map((rule) => rule.meta.id));
  const ruleOptions: Record<string, Record<string, unknown>> = {};
  for (const [id, options] of Object.entries(parsed.rules)) {
    const ruleId = normaliseRuleId(id);
    if (!known.has(ruleId)) throw new ConfigError(`${source}: rules.${id}: there is no rule ${ruleId}`);
    ruleOptions[ruleId] = options;
  }
  return { ruleOptions, exemptions: parsed.exemptions };
}

/** "exemptions[0].expires: must be a date …" from a zod error, naming the first problem. */
export function describeZodIssue(error: z.ZodError, source: string): string {
  const issue = error.issues[0];
  const where = issue?.path.length
    ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')
    : 'the file';
  return `${source}: ${where}: ${issue?.message ?? 'invalid'}`;
}
