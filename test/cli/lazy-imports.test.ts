import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, scratchDir, withoutAzureCredentials } from '../support/cli.js';

/**
 * Which modules the built binary loads for a command, as a module loader hook sees them: every ES
 * module URL, written to a file (hooks run on their own thread, so a file is the simplest channel).
 */
function modulesLoadedBy(args: readonly string[]): { code: number | null; urls: string[] } {
  const dir = scratchDir();
  const log = join(dir, 'loaded.log');
  writeFileSync(log, '');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
  const run = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), join(REPO_ROOT, 'dist', 'cli.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...withoutAzureCredentials() },
    timeout: 60_000,
  });
  return { code: run.status, urls: readFileSync(log, 'utf8').split('\n').filter((line) => line !== '') };
}

const AZURE_SDK = /\/node_modules\/@azure\//;
const SANDBOX = /\/dist\/sandbox\//;

describe('fast start: an offline audit loads neither the Azure SDK nor the sandbox', () => {
  it.each(['table', 'json', 'sarif', 'csv'])('audit --estate --format %s', (format) => {
    const { code, urls } = modulesLoadedBy(['audit', '--estate', 'examples/estate.json', '--format', format, '--fail-on', 'none']);
    expect(code).toBe(0);
    // The hook saw the audit itself, so an empty list cannot pass for a lean one.
    expect(urls.some((url) => url.endsWith('/dist/cli/audit-command.js'))).toBe(true);
    expect(urls.filter((url) => AZURE_SDK.test(url))).toEqual([]);
    expect(urls.filter((url) => SANDBOX.test(url))).toEqual([]);
  });

  it('an estate without policy documents does not load the XML parser', () => {
    const resources = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/estate.json'), 'utf8')) as { type?: string }[];
    const services = resources.filter((resource) => resource.type?.toLowerCase() === 'microsoft.apimanagement/service');
    expect(services.length).toBeGreaterThan(0);
    const estate = join(scratchDir(), 'services.json');
    writeFileSync(estate, JSON.stringify(services));
    const { code, urls } = modulesLoadedBy(['audit', '--estate', estate, '--format', 'json', '--fail-on', 'none']);
    expect(code).toBe(0);
    expect(urls.some((url) => url.endsWith('/dist/rules/shared/policy-xml.js'))).toBe(true);
    expect(urls.filter((url) => url.includes('/node_modules/fast-xml-parser/'))).toEqual([]);
  });

  it('commands that need Azure still load it (the hook would see it)', () => {
    const { code, urls } = modulesLoadedBy(['plan', '--help']);
    expect(code).toBe(0);
    expect(urls.some((url) => AZURE_SDK.test(url))).toBe(true);
  });
});
