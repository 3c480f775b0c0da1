import { z } from 'zod';
import { closestWord } from '../util/closest-word.js';
import type { ArgCondition } from './query-text.js';

/** A scope a person asked for that cannot be resolved; the message lists what is known. */
export class ScopeError extends Error {
  override readonly name = 'ScopeError';
  constructor(
    message: string,
    /** What the person may have meant, for chat buttons: environment or service names. */
    readonly suggestions: { readonly environments?: readonly string[]; readonly services?: readonly string[] } = {},
  ) {
    super(message);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const SERVICE_NAME = /^[A-Za-z]([A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/;

const subscriptionId = z.string().regex(GUID, 'must be a subscription id (a GUID)');

/**
 * One environment of the configuration. Subscriptions and management groups narrow where Resource
 * Graph looks; tags narrow which services count. The default maps a name to its `env` /
 * `environment` tag across every subscription the identity can read.
 */
export const environmentSchema = z.strictObject({
  description: z.string().optional(),
  aliases: z.array(z.string().regex(ENVIRONMENT_NAME, 'must be a lower-case name')).default([]),
  subscriptions: z.array(subscriptionId).default([]),
  managementGroups: z.array(z.string().regex(/^[A-Za-z0-9_.()-]{1,90}$/, 'must be a management group id')).default([]),
  /** Tag filters: a service matches when any listed key has any listed value (case-insensitive). */
  tags: z.record(z.string(), z.array(z.string()).min(1)).optional(),
  /** Subscriptions never audited under this name, even when a management group includes them. */
  excludeSubscriptions: z.array(subscriptionId).default([]),
});

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export const environmentsSchema = z.record(z.string().regex(ENVIRONMENT_NAME, 'environment names are lower-case'), environmentSchema);
export type Environments = z.infer<typeof environmentsSchema>;

function byTag(...values: string[]): EnvironmentConfig {
  return { aliases: [], subscriptions: [], managementGroups: [], excludeSubscriptions: [], tags: { env: values, environment: values } };
}

/** Used when the configuration names no environments: the `env`/`environment` tag convention. */
export const DEFAULT_ENVIRONMENTS: Environments = {
  prod: { ...byTag('prod', 'production'), aliases: ['production'] },
  dev: { ...byTag('dev', 'development'), aliases: ['development'] },
  test: byTag('test'),
  sandbox: byTag('sandbox'),
};

/** What an audit covers, resolved from a person's words; echoed back so nobody fixes the wrong estate. */
export interface ResolvedScope {
  /** "prod", "subscription 6f1c…", "service apim-payments-weu". */
  readonly name: string;
  /** Explicit subscriptions; empty means every subscription the identity can read. */
  readonly subscriptions: readonly string[];
  readonly managementGroups: readonly string[];
  readonly excludeSubscriptions: readonly string[];
  /** Extra `| where` lines for the service query (tags, names). */
  readonly filters: readonly ArgCondition[];
  /** "tag env or environment = prod/production", for the echo. */
  readonly filterText: string;
  /** The environment asked for, by its configured name. */
  readonly environment?: string;
  /** Services asked for by name: each must be found, or the audit is a mistake to report. */
  readonly services?: readonly string[];
}

export interface ScopeRequest {
  readonly environment?: string;
  readonly subscriptions?: readonly string[];
  readonly services?: readonly string[];
}

export function resolveScope(request: ScopeRequest, environments: Environments = DEFAULT_ENVIRONMENTS): ResolvedScope {
  const subscriptions = (request.subscriptions ?? []).map((id) => {
    if (!GUID.test(id.trim())) throw new ScopeError(`"${id}" is not a subscription id (expected a GUID such as 6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a01)`);
    return id.trim().toLowerCase();
  });
  const services = (request.services ?? []).map((name) => {
    if (!SERVICE_NAME.test(name.trim())) throw new ScopeError(`"${name}" is not an API Management service name (letters, digits and hyphens, starting with a letter)`);
    return name.trim();
  });
  const filters: ArgCondition[] = [];
  const words: string[] = [];
  let name = '';
  let environment: EnvironmentConfig | undefined;
  if (request.environment !== undefined) {
    const [key, found] = findEnvironment(request.environment, environments);
    environment = found;
    name = key;
    if (found.tags !== undefined) {
      const clauses = Object.entries(found.tags).map(([tag, values]) => ({ field: { tag }, values }));
      filters.push(clauses);
      words.push(describeTags(found.tags));
    }
  }
  if (services.length > 0) {
    filters.push([{ field: 'name', values: services }]);
    words.push(`service ${services.join(', ')}`);
    name ||= `service ${services.join(', ')}`;
  }
  const allSubscriptions = [...new Set([...(environment?.subscriptions ?? []).map((s) => s.toLowerCase()), ...subscriptions])];
  if (allSubscriptions.length > 0 && name === '') name = `subscription ${allSubscriptions.join(', ')}`;
  if (name === '') throw new ScopeError('say which estate to audit: an environment (--env prod), subscriptions (--subscription <id>) or services (--service <name>)');
  return {
    name,
    subscriptions: allSubscriptions,
    managementGroups: environment?.managementGroups ?? [],
    excludeSubscriptions: (environment?.excludeSubscriptions ?? []).map((s) => s.toLowerCase()),
    filters,
    filterText: words.join(', '),
    ...(environment === undefined ? {} : { environment: name }),
    ...(services.length > 0 ? { services } : {}),
  };
}

function findEnvironment(input: string, environments: Environments): [string, EnvironmentConfig] {
  const wanted = input.trim().toLowerCase();
  for (const [key, environment] of Object.entries(environments)) {
    if (key === wanted || environment.aliases.includes(wanted)) return [key, environment];
  }
  const known = Object.keys(environments);
  const suggestion = closestWord(wanted, [...known, ...Object.values(environments).flatMap((e) => e.aliases)]);
  const suggestionKey = suggestion === undefined ? undefined : known.find((k) => k === suggestion || environments[k]?.aliases.includes(suggestion));
  throw new ScopeError(
    `I don't know the environment "${input.trim()}".${suggestionKey === undefined ? '' : ` Did you mean ${suggestionKey}?`} Known environments: ${known.join(', ')}.`,
    { environments: suggestionKey === undefined ? known : [suggestionKey] },
  );
}

function describeTags(tags: Readonly<Record<string, readonly string[]>>): string {
  const keys = Object.keys(tags);
  const values = [...new Set(Object.values(tags).flat())];
  return `tag ${keys.join(' or ')} = ${values.join('/')}`;
}
