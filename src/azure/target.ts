import type { TokenCredential } from '@azure/core-auth';
import { sandboxCredential } from './sandbox-credential.js';

/** The public-cloud ARM endpoint; ARG is served from the same host. */
export const ARM_ENDPOINT = 'https://management.azure.com';

/**
 * The token scope for ARM and ARG. Fixed rather than derived from the endpoint: the sandbox lives
 * at another URL but must be asked for the same audience as Azure, or real and sandbox pipelines
 * would differ (ApiManagementClient would otherwise default to `${endpoint}/.default`).
 */
export const ARM_SCOPE = 'https://management.azure.com/.default';

/**
 * Where the clients send requests and how they authenticate. Real Azure and the sandbox differ
 * only in this value; everything downstream builds the same SDK clients from it.
 */
export interface AzureTarget {
  readonly kind: 'azure' | 'sandbox';
  /** Base URL for ARM and ARG, https, without a trailing slash. */
  readonly endpoint: string;
  readonly credential: TokenCredential;
  /** PEM certificate to trust for this endpoint only (the sandbox's self-signed certificate). */
  readonly ca?: string;
  /** Who and where, for progress lines and reports: "Azure (DefaultAzureCredential)". */
  readonly label: string;
}

/** Options for {@link azureTarget}. */
export interface AzureTargetOptions {
  readonly credential: TokenCredential;
  /** Shown in the label, e.g. from `credentialName(config)`. */
  readonly credentialName: string;
  /** Defaults to {@link ARM_ENDPOINT}; another value reaches a sovereign cloud or a sandbox started elsewhere. */
  readonly endpoint?: string;
  /** Extra certificate to trust for a non-Azure endpoint. */
  readonly ca?: string;
}

/** A target for Azure (or any ARM-compatible endpoint reached with a real credential). */
export function azureTarget(options: AzureTargetOptions): AzureTarget {
  const endpoint = normalizeEndpoint(options.endpoint ?? ARM_ENDPOINT);
  const label = endpoint === ARM_ENDPOINT ? `Azure (${options.credentialName})` : `ARM at ${endpoint} (${options.credentialName})`;
  return {
    kind: 'azure',
    endpoint,
    credential: options.credential,
    label,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
}

/** Options for {@link sandboxTarget}. */
export interface SandboxTargetOptions {
  /** The sandbox's https URL, e.g. `https://127.0.0.1:1234`. */
  readonly endpoint: string;
  /** The sandbox's self-signed certificate (PEM). */
  readonly ca: string;
}

/** A target for the local sandbox: its URL, its certificate and the fixed sandbox token. */
export function sandboxTarget(options: SandboxTargetOptions): AzureTarget {
  const endpoint = normalizeEndpoint(options.endpoint);
  return { kind: 'sandbox', endpoint, credential: sandboxCredential(), ca: options.ca, label: `sandbox at ${endpoint}` };
}

/**
 * Checks the endpoint is an https origin and drops trailing slashes, since the SDKs append paths
 * that start with "/". Plain http is refused here because the SDK's bearer-token policy refuses it
 * anyway, later and with a less helpful message.
 */
export function normalizeEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`Expected \`endpoint\` to be an https URL, got "${endpoint}"`);
  }
  if (url.protocol !== 'https:') throw new TypeError(`Expected \`endpoint\` to be an https URL, got "${endpoint}"`);
  if (url.search !== '' || url.hash !== '') throw new TypeError(`Expected \`endpoint\` without a query or fragment, got "${endpoint}"`);
  return url.href.replace(/\/+$/, '');
}
