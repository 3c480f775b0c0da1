import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_BOT_ID, MANIFEST_DIR, PackageError, buildPackage, validateManifest } from '../../scripts/package-app.js';

const TEST_BOT_ID = '11111111-2222-4333-8444-555555555555';
const work = mkdtempSync(join(tmpdir(), 'apim-posture-package-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/** Reads a zip the way unzip does: from the end-of-central-directory record, through the central directory, to each local entry. */
function readZip(archive: Buffer): ZipEntry[] {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory');
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  expect(at + archive.readUInt32LE(end + 12)).toBe(end);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const [method, crc, compressedSize, size] = [archive.readUInt16LE(at + 10), archive.readUInt32LE(at + 16), archive.readUInt32LE(at + 20), archive.readUInt32LE(at + 24)];
    const [nameLength, extraLength, commentLength, localAt] = [archive.readUInt16LE(at + 28), archive.readUInt16LE(at + 30), archive.readUInt16LE(at + 32), archive.readUInt32LE(at + 42)];
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    expect(archive.readUInt32LE(localAt)).toBe(0x04034b50);
    expect(archive.toString('utf8', localAt + 30, localAt + 30 + archive.readUInt16LE(localAt + 26))).toBe(name);
    const start = localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28);
    const stored = archive.subarray(start, start + compressedSize);
    const data = method === 8 ? inflateRawSync(stored) : stored;
    expect({ name, method, size: data.length, crc: crc32(data) }).toEqual({ name, method: 8, size, crc });
    entries.push({ name, data });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('building the Teams app package', () => {
  it('writes a zip of exactly manifest.json and the two icons at its root, the manifest being the validated one', async () => {
    const outFile = join(work, 'real', 'app.zip');
    const result = await buildPackage({ env: { BOT_ID: TEST_BOT_ID, APP_VERSION: '1.2.3' }, outFile });
    expect(result.outFile).toBe(outFile);
    expect(result.dev).toBe(false);
    const entries = readZip(readFileSync(outFile));
    expect(entries.map((entry) => entry.name)).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifest: unknown = JSON.parse(entries[0]?.data.toString('utf8') ?? '');
    expect(manifest).toEqual(result.manifest);
    expect(await validateManifest(manifest)).toEqual([]);
    expect(manifest).toMatchObject({ id: TEST_BOT_ID, version: '1.2.3', bots: [{ botId: TEST_BOT_ID }] });
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(entries[1]?.data.equals(readFileSync(join(MANIFEST_DIR, 'color.png')))).toBe(true);
    expect(entries[2]?.data.equals(readFileSync(join(MANIFEST_DIR, 'outline.png')))).toBe(true);
    expect(result.entries.map((entry) => [entry.name, entry.size])).toEqual(entries.map((entry) => [entry.name, entry.data.length]));
  });

  it('makes a --dev package with the fake bot id', async () => {
    const result = await buildPackage({ env: { BOT_ID: TEST_BOT_ID }, dev: true, outFile: join(work, 'dev.zip') });
    expect(result.manifest.bots?.[0]?.botId).toBe(DEV_BOT_ID);
    expect(result.manifest.id).toBe(DEV_BOT_ID);
  });

  it.skipIf(spawnSync('unzip', ['-v']).status !== 0)('is a zip that unzip reads and tests clean', async () => {
    const outFile = join(work, 'unzip.zip');
    await buildPackage({ env: { BOT_ID: TEST_BOT_ID }, outFile });
    expect(execFileSync('unzip', ['-t', outFile], { encoding: 'utf8' })).toContain('No errors detected');
    expect(execFileSync('unzip', ['-Z1', outFile], { encoding: 'utf8' }).trim().split('\n')).toEqual(['manifest.json', 'color.png', 'outline.png']);
  });

  it('refuses a broken manifest with one line per schema error and writes nothing', async () => {
    const dir = join(work, 'broken');
    cpSync(MANIFEST_DIR, dir, { recursive: true });
    const template = JSON.parse(readFileSync(join(dir, 'manifest.template.json'), 'utf8')) as { name: { short: string }; icons: Record<string, string> };
    template.name.short = 'APIM posture for every tenant we run';
    delete template.icons.outline;
    writeFileSync(join(dir, 'manifest.template.json'), JSON.stringify(template));
    const outFile = join(work, 'broken.zip');
    const attempt = buildPackage({ env: { BOT_ID: TEST_BOT_ID }, manifestDir: dir, outFile });
    await expect(attempt).rejects.toBeInstanceOf(PackageError);
    await expect(attempt).rejects.toMatchObject({
      lines: ['manifest: /name/short must NOT have more than 30 characters', "manifest: /icons must have required property 'outline'"],
    });
    expect(existsSync(outFile)).toBe(false);
  });

  it('refuses icons that are missing or not what Teams asks for', async () => {
    const dir = join(work, 'icons');
    cpSync(MANIFEST_DIR, dir, { recursive: true });
    rmSync(join(dir, 'color.png'));
    cpSync(join(MANIFEST_DIR, 'color.png'), join(dir, 'outline.png'));
    await expect(buildPackage({ env: { BOT_ID: TEST_BOT_ID }, manifestDir: dir, outFile: join(work, 'icons.zip') })).rejects.toMatchObject({
      lines: [
        expect.stringMatching(/color\.png: icons\.color names this file, which does not exist$/),
        'outline.png: the outline icon must be 32×32 pixels, it is 192×192',
        'outline.png: the outline icon must have a transparent background, no pixel is transparent',
        expect.stringMatching(/^outline\.png: the outline icon must be white only; /),
      ],
    });
  });
});

describe('npm run package', () => {
  const script = join(MANIFEST_DIR, '..', 'scripts', 'package-app.ts');
  const run = (args: string[], env: Record<string, string>) => {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['BOT_ID', 'TEAMS_APP_ID', 'APP_VERSION'].includes(name)));
    return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', env: { ...inherited, ...env } });
  };

  it('without BOT_ID says how to give it, exits 2 and writes nothing', () => {
    const outFile = join(work, 'cli-none.zip');
    const result = run(['--out', outFile], {});
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^BOT_ID is not set: .*--dev/), 'package-app: no package written']);
    expect(existsSync(outFile)).toBe(false);
  });

  it('prints where it wrote the package and what it holds', () => {
    const outFile = join(work, 'cli.zip');
    const result = run(['--out', outFile], { BOT_ID: TEST_BOT_ID });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Wrote ${outFile}: Teams app "APIM posture"`);
    expect(result.stdout).toMatch(/manifest v1\.24, bot 11111111-2222-4333-8444-555555555555/);
    expect(result.stdout).toMatch(/manifest\.json .* bytes {2}Teams manifest v1\.24\n {2}color\.png .* 192×192 color icon\n {2}outline\.png .* 32×32 outline icon/);
    expect(readZip(readFileSync(outFile))).toHaveLength(3);
  });

  it('marks a --dev package as fake', () => {
    const result = run(['--dev', '--out', join(work, 'cli-dev.zip')], {});
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`DEV PACKAGE: bot id ${DEV_BOT_ID} is fake`);
  });
});
