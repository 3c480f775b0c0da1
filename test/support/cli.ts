import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(REPO_ROOT, 'dist', 'cli.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * No Azure credentials as far as the binary can tell: an empty home directory (the developer's
 * ~/.azure is never read) and the variables Azure tooling sets, blanked. Tests that want
 * credentials to appear set them in `env`.
 */
let emptyHome: string | undefined;
export function withoutAzureCredentials(): Record<string, string> {
  emptyHome ??= mkdtempSync(join(tmpdir(), 'apim-posture-home-'));
  const blank = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_SUBSCRIPTION_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_CONFIG_DIR', 'IDENTITY_ENDPOINT', 'MSI_ENDPOINT', 'USERPROFILE'];
  return { HOME: emptyHome, ...Object.fromEntries(blank.map((name) => [name, ''])) };
}

/** Runs the built binary as a user would (`npm test` builds first), on a machine without Azure credentials. */
export function runCliBinary(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...withoutAzureCredentials(), ...options.env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch directory per test file, for estates and reports. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'apim-posture-test-'));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}
