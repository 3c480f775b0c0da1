import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ALL_RULES } from '../rules/index.js';
import { exemptionSchema, type Exemption } from './exemptions.js';
import { normaliseRuleId } from './select-rules.js';

/** A configuration file a person must fix; the message names the file and the field. */
export class AuditConfigError extends Error {
  override readonly name = 'AuditConfigError';
}

const auditConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  /** Options per rule id, e.g. `{ "APIM-015": { "minimumDaysRemaining": 45 } }`. */
  rules: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  exemptions: z.array(exemptionSchema).default([]),
});

export interface AuditConfig {
  readonly ruleOptions: Readonly<Record<string, Record<string, unknown>>>;
  readonly exemptions: readonly Exemption[];
}

export const EMPTY_AUDIT_CONFIG: AuditConfig = { ruleOptions: {}, exemptions: [] };

export async function loadAuditConfig(path: string): Promise<AuditConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AuditConfigError(`cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AuditConfigError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseAuditConfig(json, path);
}

export function parseAuditConfig(json: unknown, source: string): AuditConfig {
  const parsed = auditConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'the file';
    throw new AuditConfigError(`${source}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const known = new Set(ALL_RULES.map((rule) => rule.meta.id));
  const ruleOptions: Record<string, Record<string, unknown>> = {};
  for (const [id, options] of Object.entries(parsed.data.rules)) {
    const ruleId = normaliseRuleId(id);
    if (!known.has(ruleId)) throw new AuditConfigError(`${source}: rules.${id}: there is no rule ${ruleId}`);
    ruleOptions[ruleId] = options;
  }
  return { ruleOptions, exemptions: parsed.data.exemptions };
}
