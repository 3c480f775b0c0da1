import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createDurable, writeDurable } from '../../src/store/file/durable-fs.js';
import { openFileStore } from '../../src/store/file/file-store.js';
import { StoreCorruptError } from '../../src/store/errors.js';
import { TestClock } from './store-contract.js';

const run = promisify(execFile);
const roots: string[] = [];

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function freshDirectory(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'apim-store-file-'));
  roots.push(root);
  return root;
}

async function logWith(records: number) {
  const directory = await freshDirectory();
  const warnings: string[] = [];
  const clock = new TestClock();
  const open = () => openFileStore({ directory, now: clock.now, warn: (message) => warnings.push(message) });
  const store = await open();
  for (let i = 1; i <= records; i++) await store.auditLog.append({ kind: 'fix.applied', actor: 'user-1', details: { i } });
  return { directory, warnings, open, store, path: join(directory, 'audit.jsonl') };
}

describe('file audit log after a crash', () => {
  it('reports a torn last line, then sets it aside and records that in the chain', async () => {
    const { directory, warnings, open, path } = await logWith(2);
    const torn = '{"seq":3,"at":"2026-03-02T09:00:00.000Z","kind":"fix.app';
    await appendFile(path, torn);

    const restarted = await open();
    expect(await restarted.auditLog.verify()).toMatchObject({ ok: false, problem: 'torn', at: 3 });
    await expect(restarted.auditLog.read()).rejects.toThrow(/torn record at line 3/);

    const appended = await restarted.auditLog.append({ kind: 'fix.applied', actor: 'user-2', details: {} });
    expect(appended.seq).toBe(4);
    const records = await restarted.auditLog.read();
    expect(records.map((record) => record.kind)).toEqual(['fix.applied', 'fix.applied', 'store.torn-record-set-aside', 'fix.applied']);
    const movedTo = records[2]?.details['movedTo'];
    if (typeof movedTo !== 'string') throw new Error('the recovery record names no side file');
    expect(records[2]?.details['bytes']).toBe(torn.length);
    expect(await readFile(join(directory, movedTo), 'utf8')).toBe(torn);
    expect(warnings).toEqual([expect.stringContaining(`moved to ${join(directory, movedTo)}`)]);
    expect(await restarted.auditLog.verify()).toMatchObject({ ok: true, count: 4 });
  });

  it('refuses to append to a log that lost records its head names', async () => {
    const cut = await logWith(3);
    const lines = (await readFile(cut.path, 'utf8')).split('\n');
    await writeFile(cut.path, `${lines.slice(0, 2).join('\n')}\n`);
    await expect(cut.store.auditLog.append({ kind: 'fix.applied', actor: 'u', details: {} })).rejects.toThrow(/ends at record 2 but its head names record 3/);

    const emptied = await logWith(2);
    await rm(emptied.path);
    await expect(emptied.store.auditLog.append({ kind: 'fix.applied', actor: 'u', details: {} })).rejects.toThrow(StoreCorruptError);
  });

  it('reports a malformed record in the middle', async () => {
    const { path, store } = await logWith(3);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = '{"seq": 2, "oops"';
    await writeFile(path, lines.join('\n'));
    expect(await store.auditLog.verify()).toMatchObject({ ok: false, problem: 'malformed', at: 2 });
    await expect(store.auditLog.read()).rejects.toThrow(StoreCorruptError);
  });

  it('refuses to guess when the end of the log has no line break for too long', async () => {
    const { path, store } = await logWith(1);
    await appendFile(path, 'x'.repeat(250_000));
    await expect(store.auditLog.append({ kind: 'fix.applied', actor: 'u', details: {} })).rejects.toThrow(/without a line break/);
  });
});

describe('file store across processes', () => {
  it('two processes appending to one log form one chain, and each key is marked done once', async () => {
    const directory = await freshDirectory();
    const worker = resolve('test/store/fixtures/append-worker.ts');
    const outputs = await Promise.all(['a', 'b'].map((name) => run(process.execPath, ['--import', 'tsx', worker, directory, '15', name], { timeout: 40_000 })));
    const store = await openFileStore({ directory });
    expect(await store.auditLog.verify()).toMatchObject({ ok: true, count: 30 });
    const marks = outputs.flatMap((output) => output.stdout.split('\n').filter((line) => line !== ''));
    expect(marks).toHaveLength(15);
  }, 45_000);
});

describe('durable file writes', () => {
  it('creates a file only once, leaves no temporary files, and keeps files owner-only', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'once.json');
    expect(await createDurable(path, 'first')).toBe(true);
    expect(await createDurable(path, 'second')).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('first');
    await writeDurable(join(directory, 'replaced.json'), 'v1');
    await writeDurable(join(directory, 'replaced.json'), 'v2');
    expect(await readFile(join(directory, 'replaced.json'), 'utf8')).toBe('v2');
    expect((await readdir(directory)).sort()).toEqual(['once.json', 'replaced.json']);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('ping fails with one line when the data directory is gone', async () => {
    const directory = await freshDirectory();
    const store = await openFileStore({ directory });
    await store.ping();
    // A file where the directory was: fails for root too, unlike a permission change.
    await rm(directory, { recursive: true });
    await writeFile(directory, 'not a directory');
    await expect(store.ping()).rejects.toThrow(/^the data directory .* is not writable: ENOTDIR: not a directory/);
    await expect(openFileStore({ directory })).rejects.toThrow(/^cannot create the data directory .*: EEXIST/);
  });
});
