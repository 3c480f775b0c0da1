import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

/** npm start with a store it cannot use stops at once with one line, before it listens. */
function start(env: Record<string, string>): { code: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'server.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MicrosoftAppId: '', APIM_POSTURE_TARGET: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stderr: run.stderr };
}

describe('npm start and a store it cannot use', () => {
  it('refuses a store configuration that names no account, in one line', () => {
    const run = start({ APIM_POSTURE_STORE: 'azure' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^apim-posture bot: cannot start: APIM_POSTURE_STORE=azure needs APIM_POSTURE_STORAGE_ACCOUNT[^\n]*\n$/);
  });

  it('refuses an emulator that does not answer, without repeating its key', () => {
    const key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
    const run = start({
      APIM_POSTURE_STORE: 'azure',
      APIM_POSTURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);
    expect(run.stderr).toMatch(/^apim-posture bot: cannot start: /);
    expect(run.stderr).not.toContain(key);
  }, 70_000);
});
