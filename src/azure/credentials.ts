import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { sandboxCredential } from './sandbox-credential.js';

/** Which identity signs ARM and ARG requests. */
export type CredentialConfig =
  /** The developer's or the host's ambient identity: environment, workload identity, managed identity, Azure CLI, … */
  | { readonly kind: 'default' }
  /** A managed identity; `clientId` picks a user-assigned one, otherwise the system-assigned one. */
  | { readonly kind: 'managedIdentity'; readonly clientId?: string }
  /** The fixed token the local sandbox accepts. */
  | { readonly kind: 'sandbox' };

/**
 * Builds the credential for a configuration. Construction contacts nothing: every credential here
 * only reaches out when the SDK first asks it for a token, so building one for a dry run, a usage
 * error or the sandbox is free and cannot fail on the network.
 */
export function createCredential(config: CredentialConfig): TokenCredential {
  switch (config.kind) {
    case 'default':
      return new DefaultAzureCredential();
    case 'managedIdentity':
      return config.clientId === undefined ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId: config.clientId });
    case 'sandbox':
      return sandboxCredential();
  }
}

/** A short name for a configured credential, for target labels and messages ("Azure (DefaultAzureCredential)"). */
export function credentialName(config: CredentialConfig): string {
  switch (config.kind) {
    case 'default':
      return 'DefaultAzureCredential';
    case 'managedIdentity':
      return config.clientId === undefined ? 'ManagedIdentityCredential, system-assigned' : `ManagedIdentityCredential, client id ${config.clientId}`;
    case 'sandbox':
      return 'sandbox token';
  }
}
