import type { TokenCredential } from '@azure/core-auth';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { Store } from '../contracts.js';
import { describeFailure, StoreConfigError, StoreUnavailableError } from '../errors.js';
import { RecordAuditLog } from '../record-audit-log.js';
import { createButtonRefs } from '../button-refs.js';
import { createConversations, createExemptions, createSubscriptions } from '../conversation-stores.js';
import { createHistory } from '../history.js';
import { createIdempotencyKeys } from '../record-leases.js';
import { createLastReports, DEFAULT_MAX_REPORT_BYTES } from '../last-reports.js';
import type { Clock } from '../collection.js';
import { BlobDocumentBox } from './blob-documents.js';
import { BlobLeases } from './blob-leases.js';
import { statusOf, TableRecordTable } from './table-records.js';

/** How the store reaches the account: its identity (production), or a connection string (Azurite only; checked in config.ts). */
export type AzureConnection =
  | { readonly kind: 'identity'; readonly tableUrl: string; readonly blobUrl: string; readonly credential: TokenCredential }
  | { readonly kind: 'connectionString'; readonly connectionString: string; readonly tableUrl: string; readonly blobUrl: string };

export interface AzureStoreOptions {
  readonly connection: AzureConnection;
  /** Names the table (`<prefix>`) and the containers (`<prefix>-reports`, `<prefix>-leases`); lower-case letters and digits. */
  readonly prefix: string;
  readonly now?: Clock;
  readonly maxReportBytes?: number;
  /** How long start-up and ping wait for the service before failing; the SDK's retries count against it. */
  readonly timeoutInMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A start-up that fails fast: a few quick retries rather than the SDK's minutes of exponential
 * backoff, so an unreachable account is one clear line within seconds.
 */
const TABLE_RETRIES = { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 2000 };
const BLOB_RETRIES = { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2000, tryTimeoutInMs: 30_000 };

function clientsFor(connection: AzureConnection, prefix: string): { table: TableClient; blobs: BlobServiceClient } {
  if (connection.kind === 'identity') {
    return {
      table: new TableClient(connection.tableUrl, prefix, connection.credential, { retryOptions: TABLE_RETRIES }),
      blobs: new BlobServiceClient(connection.blobUrl, connection.credential, { retryOptions: BLOB_RETRIES }),
    };
  }
  return {
    // Azurite speaks plain HTTP on loopback; config.ts admits connection strings for nothing else.
    table: TableClient.fromConnectionString(connection.connectionString, prefix, { allowInsecureConnection: true, retryOptions: TABLE_RETRIES }),
    blobs: BlobServiceClient.fromConnectionString(connection.connectionString, { retryOptions: BLOB_RETRIES }),
  };
}

/**
 * The production store: records in one Azure table, last reports and leases in two blob
 * containers. Creates them when missing (the identity needs the Storage Table Data Contributor
 * and Storage Blob Data Contributor roles) and fails with a StoreUnavailableError when the
 * account cannot be reached.
 */
export async function openAzureStore(options: AzureStoreOptions): Promise<Store> {
  const { connection, prefix } = options;
  const now = options.now ?? (() => new Date());
  const timeout = options.timeoutInMs ?? DEFAULT_TIMEOUT_MS;
  let clients: ReturnType<typeof clientsFor>;
  try {
    clients = clientsFor(connection, prefix);
  } catch (error) {
    // The SDKs parse connection strings here; their messages may quote it, so only a redacted first line goes on.
    throw new StoreConfigError(`cannot use the Azure Storage configuration: ${describeFailure(error)}`);
  }
  const { table, blobs } = clients;
  const reports = blobs.getContainerClient(`${prefix}-reports`);
  const leases = blobs.getContainerClient(`${prefix}-leases`);
  const location = `Azure Storage (tables ${connection.tableUrl}, blobs ${connection.blobUrl}, prefix ${prefix})`;

  await reach(connection.tableUrl, () => table.createTable({ abortSignal: AbortSignal.timeout(timeout) }));
  await reach(connection.blobUrl, () => ensureContainer(reports, timeout));
  await reach(connection.blobUrl, () => ensureContainer(leases, timeout));

  const records = new TableRecordTable(table);
  return {
    backend: 'azure',
    location,
    auditLog: new RecordAuditLog(records, now),
    history: createHistory(records),
    exemptions: createExemptions(records, now),
    buttonRefs: createButtonRefs(records, now),
    conversations: createConversations(records, now),
    subscriptions: createSubscriptions(records),
    lastReports: createLastReports(new BlobDocumentBox(reports), now, options.maxReportBytes ?? DEFAULT_MAX_REPORT_BYTES),
    leases: new BlobLeases(leases, now),
    idempotency: createIdempotencyKeys(records, now),
    async ping() {
      await reach(connection.tableUrl, async () => {
        try {
          await table.getEntity('ping', 'ping', { abortSignal: AbortSignal.timeout(timeout) });
        } catch (error) {
          // Not found is an answer: the table is there and the identity may read it.
          if (statusOf(error) !== 404) throw error;
        }
      });
      await reach(connection.blobUrl, () => leases.getProperties({ abortSignal: AbortSignal.timeout(timeout) }));
    },
  };
}

async function ensureContainer(container: ContainerClient, timeout: number): Promise<void> {
  await container.createIfNotExists({ abortSignal: AbortSignal.timeout(timeout) });
}

async function reach(endpoint: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const status = statusOf(error);
    const hint = status === 401 || status === 403 ? ' (check the identity has the Storage Table Data Contributor and Storage Blob Data Contributor roles)' : '';
    throw new StoreUnavailableError(`cannot use Azure Storage at ${endpoint}: ${describeFailure(error)}${hint}`);
  }
}
