import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: every temporary file of a test run — scratch estates, empty homes, stores,
 * and whatever the spawned CLI, bot and sandbox processes write to the temporary folder — goes
 * under one folder made for the run, removed when the run ends. Before, each run left thousands of
 * folders behind in /tmp. Workers and the processes they spawn inherit TMPDIR, which os.tmpdir()
 * reads on every call.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'apim-posture-tests-'));
  process.env['TMPDIR'] = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
  };
}
