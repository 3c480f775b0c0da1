import { existsSync } from 'node:fs';
import type { Store } from '../store/contracts.js';
import type { CliIo } from './io.js';

/**
 * The store posture history lives in, as the CLI finds it: the configured one (APIM_POSTURE_DATA,
 * APIM_POSTURE_STORE, APIM_POSTURE_STORAGE_*), else the default data directory when it already
 * exists (the bot run locally keeps it there). Undefined otherwise: the CLI never creates a data
 * directory on its own.
 */
export async function existingStore(io: CliIo): Promise<Store | undefined> {
  // The store (and the Azure SDK behind it) loads only for the commands that use it.
  const { DEFAULT_DATA_DIRECTORY, isStoreConfigured, openStore, storeConfigFromEnv } = await import('../store/index.js');
  if (!isStoreConfigured(io.env) && !existsSync(DEFAULT_DATA_DIRECTORY)) return undefined;
  return openStore(storeConfigFromEnv(io.env), {
    timeoutInMs: 15_000,
    warn: (message) => {
      io.stderr(`apim-posture: ${message}\n`);
    },
  });
}
