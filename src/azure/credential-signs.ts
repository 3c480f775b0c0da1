import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';

/**
 * Variables that Azure tooling sets where an identity is available: service principals and workload
 * identity (AZURE_*), App Service and Container Apps managed identity (IDENTITY_ENDPOINT), older
 * hosts (MSI_ENDPOINT).
 */
const CREDENTIAL_VARIABLES = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'IDENTITY_ENDPOINT', 'MSI_ENDPOINT'];

/**
 * Signs that Azure credentials are present on this machine, by name only (never a value): the
 * variables above, and the Azure CLI's profile and token cache (`~/.azure`, or AZURE_CONFIG_DIR as
 * the CLI itself honours). A hint, not a check: nothing here signs in or reads a file's content.
 */
export function azureCredentialSigns(env: Readonly<Record<string, string | undefined>>): string[] {
  const set = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const signs = CREDENTIAL_VARIABLES.filter((name) => set(name) !== undefined);
  const home = set('HOME') ?? set('USERPROFILE') ?? homedir();
  const configDir = set('AZURE_CONFIG_DIR') ?? join(home, '.azure');
  const shown = (name: string): string => {
    const path = join(configDir, name);
    const inHome = relative(home, path);
    return inHome.startsWith('..') || inHome === path ? path : `~${sep}${inHome}`;
  };
  if (existsSync(join(configDir, 'azureProfile.json'))) signs.push(shown('azureProfile.json'));
  const cache = listOrEmpty(configDir).find((name) => name.startsWith('msal_token_cache.'));
  if (cache !== undefined) signs.push(shown(cache));
  return signs;
}

function listOrEmpty(directory: string): string[] {
  try {
    return readdirSync(directory).sort();
  } catch {
    return [];
  }
}
