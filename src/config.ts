import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { isAzureArmEndpoint, notAzureEndpointMessage } from './azure/endpoints.js';
import { auditConfigShape, ConfigError, describeZodIssue, toAuditConfig, type AuditConfig } from './engine/audit-config.js';
import { DEFAULT_MAX_EXEMPTION_DAYS, MAX_EXEMPTION_DAYS } from './exemptions/limits.js';
import { DEFAULT_ENVIRONMENTS, environmentsSchema, type Environments } from './inventory/scope.js';
import { DEFAULT_OWNER_TAGS } from './digest/snapshot.js';
import { DENY_ALL, remediationPolicySchema, type RemediationPolicy } from './remediation/policy.js';

/** Where audits read from: the local sandbox (default) or Azure. */
export type TargetConfig =
  | {
      readonly kind: 'sandbox';
      /** Nothing chose a target (a fresh checkout), as opposed to APIM_POSTURE_TARGET or `azure.target` saying sandbox. */
      readonly byDefault: boolean;
    }
  | {
      readonly kind: 'azure';
      /** ARM endpoint; also the way to reach a sandbox started elsewhere (`apim-posture sandbox`). */
      readonly endpoint: string;
      readonly credential: 'default' | 'managedIdentity' | 'sandbox';
      readonly managedIdentityClientId?: string;
    };

export interface AppConfig {
  readonly audit: AuditConfig;
  readonly environments: Environments;
  readonly target: TargetConfig;
  /** Who may apply which fixes where; nobody anywhere unless configured. */
  readonly remediation: RemediationPolicy;
  /** "Accept risk" in Teams: how many days ahead an exemption may expire at most. */
  readonly acceptRisk: { readonly maxDays: number };
  /** The weekly digest: owner tags read at each audit, SLA days per severity. */
  readonly digest: DigestConfig;
  /** Where the configuration came from, for messages. */
  readonly source: string;
}

export interface DigestConfig {
  /** Tag names that give a service's owner, first found wins; default `owner`, `team`. */
  readonly ownerTags: readonly string[];
  /** Overrides of the SLA days per severity; null: never overdue. */
  readonly slaDays: Readonly<Partial<Record<'critical' | 'high' | 'medium' | 'low', number | null>>>;
  /** Minutes between the scheduled audits of an environment with alert subscriptions; default 60. */
  readonly alertIntervalMinutes?: number;
}

const slaDay = z.number().int('must be a whole number of days').min(0).max(3650).nullable();

const configFileSchema = z.strictObject({
  $schema: z.string().optional(),
  ...auditConfigShape,
  environments: environmentsSchema.optional(),
  remediation: remediationPolicySchema.optional(),
  acceptRisk: z.strictObject({ maxDays: z.number().int().min(1).max(MAX_EXEMPTION_DAYS).default(DEFAULT_MAX_EXEMPTION_DAYS) }).optional(),
  digest: z
    .strictObject({
      ownerTags: z.array(z.string().trim().min(1).max(512)).min(1).optional(),
      slaDays: z.strictObject({ critical: slaDay, high: slaDay, medium: slaDay, low: slaDay }).partial().optional(),
      // Each alert check is a full audit of the environment: not more often than every 5 minutes.
      alertIntervalMinutes: z.number().int('must be a whole number of minutes').min(5).max(24 * 60).optional(),
    })
    .optional(),
  azure: z
    .strictObject({
      target: z.enum(['azure', 'sandbox']).default('azure'),
      endpoint: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
      credential: z.enum(['default', 'managedIdentity', 'sandbox']).default('default'),
      managedIdentityClientId: z.string().optional(),
    })
    .optional(),
});

type ConfigFile = z.infer<typeof configFileSchema>;

/**
 * Loads the configuration: an optional JSON file (`--config` or APIM_POSTURE_CONFIG) plus
 * environment variables, which win:
 *
 * - APIM_POSTURE_TARGET=azure|sandbox — where audits read from (default: the file's `azure.target`,
 *   else the sandbox, so a fresh checkout works without Azure).
 * - APIM_POSTURE_ARM_ENDPOINT=https://… — ARM/ARG endpoint; implies target azure (pair it with
 *   NODE_EXTRA_CA_CERTS and APIM_POSTURE_CREDENTIAL=sandbox to use `apim-posture sandbox`).
 * - APIM_POSTURE_CREDENTIAL=default|managedIdentity|sandbox, AZURE_CLIENT_ID for a user-assigned identity.
 */
export async function loadConfig(path: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<AppConfig> {
  const file = path ?? env['APIM_POSTURE_CONFIG'];
  const parsed = file === undefined ? configFileSchema.parse({}) : parseConfigFile(await readJson(file), file);
  return {
    audit: toAuditConfig(parsed, file ?? 'configuration'),
    environments: parsed.environments ?? DEFAULT_ENVIRONMENTS,
    target: resolveTarget(parsed, env),
    remediation: parsed.remediation ?? DENY_ALL,
    acceptRisk: { maxDays: parsed.acceptRisk?.maxDays ?? DEFAULT_MAX_EXEMPTION_DAYS },
    digest: {
      ownerTags: parsed.digest?.ownerTags ?? DEFAULT_OWNER_TAGS,
      slaDays: parsed.digest?.slaDays ?? {},
      ...(parsed.digest?.alertIntervalMinutes === undefined ? {} : { alertIntervalMinutes: parsed.digest.alertIntervalMinutes }),
    },
    source: file ?? 'built-in defaults',
  };
}

export function parseConfigFile(json: unknown, source: string): ConfigFile {
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(describeZodIssue(parsed.error, source));
  return parsed.data;
}

function resolveTarget(file: ConfigFile, rawEnv: Readonly<Record<string, string | undefined>>): TargetConfig {
  // An empty variable counts as unset, as shells and CI systems often export them empty.
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, value]) => value !== undefined && value !== ''));
  const endpoint = env['APIM_POSTURE_ARM_ENDPOINT'] ?? file.azure?.endpoint;
  const requested = env['APIM_POSTURE_TARGET'] ?? (env['APIM_POSTURE_ARM_ENDPOINT'] === undefined ? file.azure?.target : 'azure') ?? 'sandbox';
  if (requested !== 'azure' && requested !== 'sandbox') throw new ConfigError(`APIM_POSTURE_TARGET must be azure or sandbox, not "${requested}"`);
  if (requested === 'sandbox') return { kind: 'sandbox', byDefault: env['APIM_POSTURE_TARGET'] === undefined && file.azure?.target === undefined };
  const credential = env['APIM_POSTURE_CREDENTIAL'] ?? file.azure?.credential ?? 'default';
  if (credential !== 'default' && credential !== 'managedIdentity' && credential !== 'sandbox') {
    throw new ConfigError(`APIM_POSTURE_CREDENTIAL must be default, managedIdentity or sandbox, not "${credential}"`);
  }
  if (endpoint !== undefined && !endpoint.startsWith('https://')) throw new ConfigError(`the ARM endpoint must be an https URL, not "${endpoint}"`);
  if (endpoint !== undefined && credential !== 'sandbox' && !isAzureArmEndpoint(endpoint)) throw new ConfigError(notAzureEndpointMessage(endpoint));
  const clientId = env['AZURE_CLIENT_ID'] ?? file.azure?.managedIdentityClientId;
  return {
    kind: 'azure',
    endpoint: endpoint ?? 'https://management.azure.com',
    credential,
    ...(clientId === undefined ? {} : { managedIdentityClientId: clientId }),
  };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
