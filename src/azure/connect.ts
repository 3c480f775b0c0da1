import type { TargetConfig } from '../config.js';
import { startSandbox, type SandboxOptions } from '../sandbox/server.js';
import { createCredential, credentialName, type CredentialConfig } from './credentials.js';
import { isAzureArmEndpoint, notAzureEndpointMessage } from './endpoints.js';
import { azureTarget, sandboxTarget, type AzureTarget } from './target.js';

/** A real credential aimed at a host that is not an Azure cloud. */
export class TargetEndpointError extends Error {
  override readonly name = 'TargetEndpointError';
}

/** A target ready for clients, and how to let it go (the in-process sandbox has a socket to close). */
export interface ConnectedTarget {
  readonly target: AzureTarget;
  close(): Promise<void>;
}

/**
 * Turns configuration into a target. With no Azure configuration the local sandbox is started in
 * this process, so a fresh checkout audits a realistic estate without any Azure access; this is
 * the one place outside src/sandbox that knows the sandbox is not Azure.
 */
export async function connectTarget(config: TargetConfig, sandboxOptions: SandboxOptions = {}): Promise<ConnectedTarget> {
  if (config.kind === 'sandbox') {
    const sandbox = await startSandbox(sandboxOptions);
    return { target: sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem }), close: () => sandbox.close() };
  }
  const credential: CredentialConfig =
    config.credential === 'managedIdentity'
      ? { kind: 'managedIdentity', ...(config.managedIdentityClientId === undefined ? {} : { clientId: config.managedIdentityClientId }) }
      : { kind: config.credential };
  // Checked again here, not only when the configuration is read: whatever built this config, a real
  // credential's token goes to Azure or nowhere.
  if (credential.kind !== 'sandbox' && !isAzureArmEndpoint(config.endpoint)) throw new TargetEndpointError(notAzureEndpointMessage(config.endpoint));
  const target = azureTarget({ credential: createCredential(credential), credentialName: credentialName(credential), endpoint: config.endpoint });
  // The sandbox token opens nothing but a sandbox (`apim-posture sandbox` started elsewhere): say so in reports.
  return { target: credential.kind === 'sandbox' ? { ...target, kind: 'sandbox' } : target, close: () => Promise.resolve() };
}
