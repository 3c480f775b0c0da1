import { createRequire } from 'node:module';
import { ApiManagementClient, type ApiManagementClientOptionalParams } from '@azure/arm-apimanagement';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { HttpClient, PipelinePolicy, PipelineRetryOptions } from '@azure/core-rest-pipeline';
import { argQuotaPolicy, DEFAULT_RETRY_OPTIONS, requestCounterPolicy } from './policies.js';
import type { QuotaGate } from './quota-gate.js';
import type { RequestCounters } from './request-counters.js';
import { ARM_SCOPE, type AzureTarget } from './target.js';

// Read at run time rather than imported, so the build keeps rootDir "src": from src/azure and from
// dist/azure alike, the manifest is two levels up.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Sent ahead of the SDK's own user agent, so service-side logs can tell this tool's traffic apart. */
export const USER_AGENT_PREFIX = `apim-posture/${version}`;

/** Options shared by both client factories. */
export interface ClientOptions {
  /** Receives a count of every attempt the client sends. */
  readonly counters?: RequestCounters;
  /** Defaults to {@link DEFAULT_RETRY_OPTIONS}. */
  readonly retryOptions?: PipelineRetryOptions;
  /**
   * Replaces the transport under the full pipeline (auth, retry, pacing still run): for a proxy,
   * or for tests that answer requests in-process.
   */
  readonly httpClient?: HttpClient;
}

/** Options for {@link createResourceGraphClient}. */
export interface ResourceGraphClientOptions extends ClientOptions {
  /** Paces every ARG attempt; share one gate across all ARG clients of the same identity. */
  readonly gate: QuotaGate;
}

/** An ApiManagementClient that remembers the endpoint it sends to, so raw reads can resolve relative paths. */
export type ArmClient = ApiManagementClient & { readonly endpoint: string };

/**
 * An Azure Resource Graph client for the target, with quota pacing and request counting.
 * ARG v5 reads its base URL from `endpoint` and asks for the ARM scope; both are set explicitly
 * so a sandbox target gets exactly the pipeline Azure gets.
 */
export function createResourceGraphClient(target: AzureTarget, options: ResourceGraphClientOptions): ResourceGraphClient {
  return new ResourceGraphClient(target.credential, {
    endpoint: target.endpoint,
    credentials: { scopes: [ARM_SCOPE] },
    additionalPolicies: [argQuotaPolicy(options.gate), ...counterPolicies(options)].map(perRetry),
    ...commonOptions(target, options),
  });
}

/**
 * An API Management (ARM) client for one subscription of the target. ARM's read limits are
 * answered with Retry-After, which the SDK's retry policy already honours, so no pacing is added.
 * `endpoint` (not `$host`, which the SDK ignores for URLs) moves the traffic, and the scope is
 * pinned because the SDK would otherwise derive it from the endpoint.
 */
export function createApiManagementClient(target: AzureTarget, subscriptionId: string, options: ClientOptions = {}): ArmClient {
  return new EndpointApiManagementClient(target, subscriptionId, {
    endpoint: target.endpoint,
    credentialScopes: [ARM_SCOPE],
    additionalPolicies: counterPolicies(options).map(perRetry),
    ...commonOptions(target, options),
  });
}

class EndpointApiManagementClient extends ApiManagementClient {
  readonly endpoint: string;

  constructor(target: AzureTarget, subscriptionId: string, options: ApiManagementClientOptionalParams) {
    super(target.credential, subscriptionId, options);
    this.endpoint = target.endpoint;
  }
}

function commonOptions(target: AzureTarget, options: ClientOptions) {
  return {
    retryOptions: options.retryOptions ?? DEFAULT_RETRY_OPTIONS,
    userAgentOptions: { userAgentPrefix: USER_AGENT_PREFIX },
    // `ca` replaces Node's trusted roots for this client only, which is right for the sandbox:
    // its clients talk to nothing else.
    ...(target.ca === undefined ? {} : { tlsOptions: { ca: target.ca } }),
    ...(options.httpClient === undefined ? {} : { httpClient: options.httpClient }),
  };
}

/**
 * The counter goes after (inside) the quota policy, so an attempt abandoned while waiting for
 * quota is not counted as sent.
 */
function counterPolicies(options: ClientOptions): PipelinePolicy[] {
  return options.counters === undefined ? [] : [requestCounterPolicy(options.counters)];
}

/** Per-retry placement makes a policy see every attempt the retry policy makes, not just the first. */
function perRetry(policy: PipelinePolicy): { policy: PipelinePolicy; position: 'perRetry' } {
  return { policy, position: 'perRetry' };
}
