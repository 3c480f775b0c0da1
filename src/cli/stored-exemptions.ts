import { stat } from 'node:fs/promises';
import type { AppConfig } from '../config.js';
import { exemptionsInForce } from '../exemptions/in-force.js';
import { storeConfigFromEnv } from '../store/config.js';
import type { ExemptionRecord } from '../store/index.js';
import type { CliIo } from './io.js';
import { plural } from '../util/text.js';

/** The exemptions granted in Teams that the CLI found, and where. */
export interface StoredExemptions {
  readonly records: readonly ExemptionRecord[];
  readonly location: string;
}

/**
 * The exemptions the bot keeps, when the CLI runs where it can see the bot's store: the file
 * store's data directory exists (APIM_POSTURE_DATA, default `.apim-posture/data`), or Azure
 * Storage is configured (APIM_POSTURE_STORE=azure, APIM_POSTURE_STORAGE_*). Undefined when there
 * is no store: a plain audit never creates the data directory, and an offline audit loads neither
 * the Azure SDK nor the store behind it unless one is configured.
 */
export async function readStoredExemptions(env: CliIo['env']): Promise<StoredExemptions | undefined> {
  const config = storeConfigFromEnv(env);
  if (config.kind === 'file') {
    if (!(await exists(config.directory))) return undefined;
    // The file backend alone: the Azure backend's SDK is not needed to read a directory.
    const { openFileStore } = await import('../store/file/file-store.js');
    const store = await openFileStore({ directory: config.directory });
    return { records: await store.exemptions.list(), location: store.location };
  }
  const { openStore } = await import('../store/open-store.js');
  const store = await openStore(config);
  return { records: await store.exemptions.list(), location: store.location };
}

/**
 * The configuration with the store's exemptions applied after the configured ones (which win on
 * a conflict), saying on stderr how many came from the store, so a finding that disappeared has
 * an explanation next to it.
 */
export async function withStoredExemptions(config: AppConfig, io: CliIo): Promise<AppConfig> {
  const stored = await readStoredExemptions(io.env);
  if (stored === undefined || stored.records.length === 0) return config;
  io.stderr(`apim-posture: applying ${plural(stored.records.length, 'exemption')} granted in Teams (${stored.location}); \`apim-posture exemptions\` lists them\n`);
  return { ...config, audit: { ...config.audit, exemptions: exemptionsInForce(config.audit.exemptions, stored.records) } };
}

/** False when nothing is there; anything else (a file, no permission) is left for the store to report. */
async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
