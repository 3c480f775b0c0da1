import { lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WRITE_BUFFER_BYTES, writeFileAtomic } from '../../src/cli/io.js';
import { runCliBinary, scratchDir } from '../support/cli.js';

describe('report and estate files', () => {
  it('replaces a symlink at the target instead of writing through it', async () => {
    const dir = scratchDir();
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched');
    const target = join(dir, 'report.json');
    symlinkSync(victim, target);
    await writeFileAtomic(target, '{"ok":true}');
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(lstatSync(target).isSymbolicLink()).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('{"ok":true}');
  });

  it('uses an unpredictable temporary name and leaves none behind', async () => {
    const dir = scratchDir();
    const target = join(dir, 'report.json');
    // A symlink planted at the old, predictable temporary name must not be followed.
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, `${target}.${process.pid}.tmp`);
    await writeFileAtomic(target, 'a');
    await writeFileAtomic(target, 'b');
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp') && !name.startsWith('report.json.'))).toEqual([]);
  });

  it('writes owner-only files when asked, whatever the umask', async () => {
    const dir = scratchDir();
    const target = join(dir, 'estate.json');
    const previous = process.umask(0);
    try {
      await writeFileAtomic(target, '[]', { mode: 0o600 });
    } finally {
      process.umask(previous);
    }
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('--save-estate writes the estate owner-only', () => {
    const dir = scratchDir();
    const estate = join(dir, 'prod.json');
    const run = runCliBinary(['audit', '--env', 'prod', '--fail-on', 'none', '--format', 'json', '--output', join(dir, 'r.json'), '--save-estate', estate]);
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(estate).mode & 0o777).toBe(0o600);
    expect((JSON.parse(readFileSync(estate, 'utf8')) as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('a report written in chunks', () => {
  it('holds exactly the chunks joined, multi-byte characters across buffer boundaries and chunks larger than the buffer included', async () => {
    const target = join(scratchDir(), 'chunks.txt');
    // "€" is three bytes and "😀" four (two UTF-16 units): chunks of them overrun a buffer sized by characters.
    const chunks = [
      ...Array.from({ length: 3000 }, (_, index) => `${index}:${'€'.repeat(200)}😀\n`),
      'x'.repeat(WRITE_BUFFER_BYTES + 17),
      ...Array.from({ length: 100 }, (_, index) => `é${index}`),
      '😀'.repeat(WRITE_BUFFER_BYTES / 2),
      'end\n',
    ];
    await writeFileAtomic(target, chunks);
    const expected = chunks.join('');
    expect(statSync(target).size).toBe(Buffer.byteLength(expected));
    expect(readFileSync(target, 'utf8')).toBe(expected);
  });
});
