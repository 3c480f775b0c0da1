import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { openAzureStore } from './azure/azure-store.js';
import type { StoreConfig } from './config.js';
import type { Store } from './contracts.js';
import { openFileStore } from './file/file-store.js';
import type { Clock } from './collection.js';

export interface OpenStoreOptions {
  /** The identity for Azure Storage; the server passes the one it uses for ARM. Default: DefaultAzureCredential. */
  readonly credential?: TokenCredential;
  readonly now?: Clock;
  readonly maxReportBytes?: number;
  /** Start-up and ping timeout for Azure. */
  readonly timeoutInMs?: number;
  readonly warn?: (message: string) => void;
}

/**
 * Opens the configured store and proves it works before returning: the file backend writes a
 * probe, the Azure backend creates or finds its table and containers. Failures are
 * StoreUnavailableError with a one-line message, so the server exits at start rather than on
 * the first button.
 */
export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const common = {
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.maxReportBytes === undefined ? {} : { maxReportBytes: options.maxReportBytes }),
  };
  if (config.kind === 'file') {
    const store = await openFileStore({ directory: config.directory, ...common, ...(options.warn === undefined ? {} : { warn: options.warn }) });
    await store.ping();
    return store;
  }
  const connection =
    config.connectionString === undefined
      ? { kind: 'identity' as const, tableUrl: config.tableUrl, blobUrl: config.blobUrl, credential: options.credential ?? new DefaultAzureCredential() }
      : { kind: 'connectionString' as const, connectionString: config.connectionString, tableUrl: config.tableUrl, blobUrl: config.blobUrl };
  return openAzureStore({ connection, prefix: config.prefix, ...common, ...(options.timeoutInMs === undefined ? {} : { timeoutInMs: options.timeoutInMs }) });
}
