import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

/** The runtime is stated in three places; a change to one must not leave the others behind. */
describe('documented runtime', () => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; description: string };
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { engines?: { node: string } }> };

  it('engines asks for Node 22 LTS, in package.json and the lock file alike', () => {
    expect(pkg.engines.node).toBe('>=22.12');
    expect(lock.packages['']?.engines?.node).toBe(pkg.engines.node);
  });

  it('the README names Node 22 LTS as the runtime and CI runs the suite on Node 22', () => {
    expect(read('README.md')).toContain('Runtime: **Node 22 LTS** (`engines`: 22.12 or later');
    expect(read('.ci/run')).toMatch(/npx -y -p node@22 -- npm test/);
  });

  it('the package description names what exists: the CLI and the Teams bot', () => {
    expect(pkg.description).toMatch(/CLI/);
    expect(pkg.description).toMatch(/Teams bot/);
    expect(pkg.description).not.toMatch(/later/);
  });
});
