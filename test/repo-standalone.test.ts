import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';

/**
 * A user's clone has no shared folder beside it: the product and its tests must read only what
 * the repository holds (test/fixtures keeps the copies, with their sources and licences).
 */
const SHARED = join(resolve(REPO_ROOT), '..', 'shared');
const RELATIVE_PATH = /['"`](\.\.?\/[^'"`\s]*)['"`]/g;
const JOINED_SHARED = /['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : sourceFiles(path);
    return /\.(?:ts|js)$/.test(name) ? [path] : [];
  });
}

/** Whether a file names a path outside the repository in the shared folder (relative to itself or joined). */
function readsShared(file: string): boolean {
  const text = readFileSync(file, 'utf8');
  if (JOINED_SHARED.test(text)) return true;
  for (const match of text.matchAll(RELATIVE_PATH)) {
    const target = resolve(dirname(file), match[1] ?? '');
    // URLs built against the repository root (new URL(path, ROOT)) are caught by resolving from the root too.
    if (target.startsWith(SHARED) || resolve(REPO_ROOT, match[1] ?? '').startsWith(SHARED)) return true;
  }
  return false;
}

describe('the repository stands alone', () => {
  it('no source, script or test reads the shared folder beside the repository', () => {
    // This file spells the patterns it looks for, so it is left out.
    const files = ['src', 'scripts', 'test'].flatMap((top) => sourceFiles(join(REPO_ROOT, top))).filter((file) => resolve(file) !== resolve(import.meta.filename));
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter(readsShared).map((file) => relative(REPO_ROOT, file))).toEqual([]);
  });
});
