import { StoreConfigError } from './errors.js';

/** Where `npm start` keeps its state when nothing else is configured; the README names it. */
export const DEFAULT_DATA_DIRECTORY = '.apim-posture/data';
export const DEFAULT_STORAGE_PREFIX = 'apimposture';

export type StoreConfig =
  | { readonly kind: 'file'; readonly directory: string }
  | {
      readonly kind: 'azure';
      readonly prefix: string;
      readonly tableUrl: string;
      readonly blobUrl: string;
      /** Set only for local emulation (Azurite); otherwise the store signs in with a TokenCredential. */
      readonly connectionString?: string;
    };

/**
 * Reads the store's configuration from the environment (docs/storage.md):
 *
 * - APIM_POSTURE_STORE=file|azure — which backend; by default `azure` when any
 *   APIM_POSTURE_STORAGE_* variable is set, else `file`. The deployment sets `azure`, so a
 *   missing account fails at start instead of quietly using the instance's disk.
 * - APIM_POSTURE_DATA — the file backend's directory (default `.apim-posture/data`).
 * - APIM_POSTURE_STORAGE_ACCOUNT — the storage account name (public cloud endpoints), or
 *   APIM_POSTURE_STORAGE_TABLE_URL and APIM_POSTURE_STORAGE_BLOB_URL together (other clouds,
 *   private endpoints). Signed in with the managed identity / DefaultAzureCredential.
 * - APIM_POSTURE_STORAGE_CONNECTION_STRING — local emulation only (Azurite on loopback).
 * - APIM_POSTURE_STORAGE_PREFIX — table and container name prefix (default `apimposture`).
 */
export function storeConfigFromEnv(rawEnv: Readonly<Record<string, string | undefined>>): StoreConfig {
  // An empty variable counts as unset, as shells and CI systems often export them empty.
  const env = (name: string): string | undefined => {
    const value = rawEnv[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const account = env('APIM_POSTURE_STORAGE_ACCOUNT');
  const tableUrl = env('APIM_POSTURE_STORAGE_TABLE_URL');
  const blobUrl = env('APIM_POSTURE_STORAGE_BLOB_URL');
  const connectionString = env('APIM_POSTURE_STORAGE_CONNECTION_STRING');
  const anyAzure = [account, tableUrl, blobUrl, connectionString, env('APIM_POSTURE_STORAGE_PREFIX')].some((value) => value !== undefined);
  const kind = env('APIM_POSTURE_STORE') ?? (anyAzure ? 'azure' : 'file');
  if (kind !== 'file' && kind !== 'azure') throw new StoreConfigError(`APIM_POSTURE_STORE must be file or azure, not "${kind.slice(0, 40)}"`);
  if (kind === 'file') {
    if (anyAzure) throw new StoreConfigError('APIM_POSTURE_STORE=file, but APIM_POSTURE_STORAGE_* variables are set; remove them or set APIM_POSTURE_STORE=azure');
    return { kind: 'file', directory: env('APIM_POSTURE_DATA') ?? DEFAULT_DATA_DIRECTORY };
  }
  const prefix = env('APIM_POSTURE_STORAGE_PREFIX') ?? DEFAULT_STORAGE_PREFIX;
  if (!/^[a-z][a-z0-9]{2,39}$/.test(prefix)) throw new StoreConfigError('APIM_POSTURE_STORAGE_PREFIX must be 3 to 40 lower-case letters and digits, starting with a letter');
  const ways = [account !== undefined, tableUrl !== undefined || blobUrl !== undefined, connectionString !== undefined].filter(Boolean).length;
  if (ways === 0) {
    throw new StoreConfigError('APIM_POSTURE_STORE=azure needs APIM_POSTURE_STORAGE_ACCOUNT (or APIM_POSTURE_STORAGE_TABLE_URL and APIM_POSTURE_STORAGE_BLOB_URL)');
  }
  if (ways > 1) throw new StoreConfigError('set one of APIM_POSTURE_STORAGE_ACCOUNT, APIM_POSTURE_STORAGE_TABLE_URL with _BLOB_URL, or APIM_POSTURE_STORAGE_CONNECTION_STRING');
  if (connectionString !== undefined) return { kind: 'azure', prefix, connectionString, ...emulatorEndpoints(connectionString) };
  if (account !== undefined) {
    if (!/^[a-z0-9]{3,24}$/.test(account)) throw new StoreConfigError('APIM_POSTURE_STORAGE_ACCOUNT must be a storage account name: 3 to 24 lower-case letters and digits');
    return { kind: 'azure', prefix, tableUrl: `https://${account}.table.core.windows.net`, blobUrl: `https://${account}.blob.core.windows.net` };
  }
  if (tableUrl === undefined || blobUrl === undefined) throw new StoreConfigError('set both APIM_POSTURE_STORAGE_TABLE_URL and APIM_POSTURE_STORAGE_BLOB_URL');
  return { kind: 'azure', prefix, tableUrl: serviceUrl(tableUrl, 'APIM_POSTURE_STORAGE_TABLE_URL'), blobUrl: serviceUrl(blobUrl, 'APIM_POSTURE_STORAGE_BLOB_URL') };
}

/**
 * Whether the environment names a store (any APIM_POSTURE_STORE, APIM_POSTURE_DATA or
 * APIM_POSTURE_STORAGE_* variable, not empty). The CLI records posture only into a store that is
 * configured or already exists, so a plain audit leaves no data directory behind.
 */
export function isStoreConfigured(rawEnv: Readonly<Record<string, string | undefined>>): boolean {
  return Object.entries(rawEnv).some(([name, value]) => (name === 'APIM_POSTURE_STORE' || name === 'APIM_POSTURE_DATA' || name.startsWith('APIM_POSTURE_STORAGE_')) && value !== undefined && value.trim() !== '');
}

function serviceUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StoreConfigError(`${name} must be a URL such as https://account.table.core.windows.net`);
  }
  if (url.protocol !== 'https:') throw new StoreConfigError(`${name} must be an https URL: the store sends its identity's tokens there`);
  // A SAS token in the URL is a secret in an environment variable and would bypass the identity.
  if (url.search !== '' || url.username !== '' || url.password !== '') throw new StoreConfigError(`${name} must not carry a query or credentials; the store signs in with its identity`);
  return url.origin + url.pathname.replace(/\/$/, '');
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * A connection string carries the account key, which a deployment must not hold (shared key
 * access is disabled there), so it is admitted only for an emulator on this machine. The
 * message never repeats the string.
 */
function emulatorEndpoints(connectionString: string): { tableUrl: string; blobUrl: string } {
  const fields = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const endpoint = (name: string): string => {
    const value = fields.get(name.toLowerCase());
    let url: URL | undefined;
    try {
      url = value === undefined ? undefined : new URL(value);
    } catch {
      url = undefined;
    }
    if (url === undefined || !isLoopback(url.hostname)) {
      throw new StoreConfigError(
        `APIM_POSTURE_STORAGE_CONNECTION_STRING is only for a local emulator: it needs a ${name} on 127.0.0.1 or localhost; in Azure use APIM_POSTURE_STORAGE_ACCOUNT with a managed identity`,
      );
    }
    return url.origin + url.pathname.replace(/\/$/, '');
  };
  return { tableUrl: endpoint('TableEndpoint'), blobUrl: endpoint('BlobEndpoint') };
}
