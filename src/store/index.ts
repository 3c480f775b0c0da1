/**
 * Durable state for the bot and the CLI. Open it once at start:
 *
 *   const store = await openStore(storeConfigFromEnv(process.env), { credential, warn });
 *   logger.info({ store: store.backend, location: store.location }, 'store ready');
 *
 * and call `store.ping()` from /healthz. docs/storage.md describes the configuration.
 */
export { DEFAULT_DATA_DIRECTORY, DEFAULT_STORAGE_PREFIX, isStoreConfigured, storeConfigFromEnv, type StoreConfig } from './config.js';
export type * from './contracts.js';
export { StoreConfigError, StoreCorruptError, StoreError, StoreLimitError, StoreUnavailableError } from './errors.js';
export type { JsonObject, JsonValue } from './json.js';
export { openStore, type OpenStoreOptions } from './open-store.js';
