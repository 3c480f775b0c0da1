/**
 * Builds the Microsoft Teams app package: manifest/manifest.template.json with its ${{NAME}}
 * placeholders filled from the environment, validated offline against the Teams schema bundled in
 * @microsoft/app-manifest, plus the two icons — zipped flat as dist/apim-posture-teams-app.zip.
 *
 *   BOT_ID=<Microsoft App ID of the Azure Bot> npm run package
 *   npm run package -- --dev            # a local build with a fake bot id (validation, local tools)
 *
 * Environment: BOT_ID (required without --dev), TEAMS_APP_ID (default BOT_ID), APP_VERSION
 * (default package.json's version). Options: --dev, --out <file>.
 * Exit codes: 0 written · 2 a usage, manifest or icon problem (one line each on stderr, nothing written).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync, inflateSync } from 'node:zlib';
import { AppManifestUtils, type AppManifest, type TeamsManifestV1D24 } from '@microsoft/app-manifest';

export type TeamsManifest = TeamsManifestV1D24.TeamsManifestV1D24;

const ROOT = join(import.meta.dirname, '..');
export const MANIFEST_DIR = join(ROOT, 'manifest');
export const DEFAULT_OUT_FILE = join(ROOT, 'dist', 'apim-posture-teams-app.zip');
/** The bot id of a --dev package: obviously not a real app registration. */
export const DEV_BOT_ID = '00000000-0000-4000-8000-000000000000';
export const ICON_SIZES = { color: 192, outline: 32 } as const;

const GUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const TEAMS_SCHEMA_URL = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[\d.]+)\/MicrosoftTeams\.schema\.json$/i;

/** Problems that stop packaging; each line is printed on its own. */
export class PackageError extends Error {
  override readonly name = 'PackageError';
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
  }
}

export interface PackageOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Use DEV_BOT_ID instead of BOT_ID. */
  readonly dev?: boolean;
  readonly manifestDir?: string;
  readonly outFile?: string;
}

export interface PackageResult {
  readonly outFile: string;
  readonly manifest: TeamsManifest;
  readonly entries: readonly { readonly name: string; readonly size: number; readonly detail: string }[];
  readonly dev: boolean;
}

/** The placeholder values: from the environment, or the fake id for --dev. */
export function placeholderValues(env: PackageOptions['env'], dev: boolean): Record<string, string> {
  const botId = dev ? DEV_BOT_ID : env.BOT_ID?.trim();
  if (botId === undefined || botId === '') {
    throw new PackageError(['BOT_ID is not set: give the Microsoft App ID of the Azure Bot (BOT_ID=<guid> npm run package), or use --dev for a local build with a fake id']);
  }
  const appId = dev ? DEV_BOT_ID : env.TEAMS_APP_ID?.trim() || botId;
  const version = env.APP_VERSION?.trim() || packageVersion();
  const problems = [
    ...(GUID.test(botId) ? [] : [`BOT_ID must be a GUID (the bot's Microsoft App ID), got "${botId}"`]),
    ...(GUID.test(appId) || appId === botId ? [] : [`TEAMS_APP_ID must be a GUID, got "${appId}"`]),
    ...(SEMVER.test(version) ? [] : [`APP_VERSION must be major.minor.patch (Teams accepts nothing else), got "${version}"`]),
  ];
  if (problems.length > 0) throw new PackageError(problems);
  return { BOT_ID: botId, TEAMS_APP_ID: appId, APP_VERSION: version };
}

function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '';
}

/** Replaces ${{NAME}} in every string of the parsed template (never in raw JSON text, so values cannot break it). */
export function fillPlaceholders(template: unknown, values: Readonly<Record<string, string>>): unknown {
  const missing = new Set<string>();
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(/\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (whole, name: string) => {
        const value = values[name];
        if (value === undefined) missing.add(name);
        return value ?? whole;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fill(value)]));
    return node;
  };
  const filled = fill(template);
  if (missing.size > 0) throw new PackageError([...missing].map((name) => `manifest template: no value for the placeholder \${{${name}}}`));
  return filled;
}

/**
 * Validates a manifest against the Teams JSON schema bundled in @microsoft/app-manifest, offline:
 * a $schema that does not name a bundled Teams schema is an error, never a download.
 * Returns one readable line per problem; [] when valid.
 */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return ['manifest: must be a JSON object'];
  const schemaUrl = '$schema' in manifest && typeof manifest.$schema === 'string' ? manifest.$schema : '';
  const version = TEAMS_SCHEMA_URL.exec(schemaUrl)?.[1];
  if (version === undefined) {
    return [`manifest: $schema must be https://developer.microsoft.com/json-schemas/teams/vX.Y/MicrosoftTeams.schema.json, got "${schemaUrl}"`];
  }
  const bundled = join(dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest')), 'json-schemas', 'teams', version, 'MicrosoftTeams.schema.json');
  if (!existsSync(bundled)) return [`manifest: @microsoft/app-manifest bundles no Teams schema ${version}; pick a bundled version (for example v1.24)`];
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as AppManifest);
  return errors.map((error) => `manifest: ${tidySchemaError(error)}`);
}

/** "/name/short must NOT have … . Details: {"limit":30}" → "/name/short must NOT have …", keeping details that name something. */
function tidySchemaError(error: string): string {
  const match = /^(\S*) (.*?)\.? Details: (.*)$/s.exec(error);
  if (match === null) return error.trim();
  const [, path = '', message = '', details = ''] = match;
  const named = /"(additionalProperty|allowedValues|allowedValue)":(.+?)}?$/.exec(details);
  return `${path === '' ? '(root)' : path} ${message}${named === null ? '' : ` (${named[1] ?? ''}: ${named[2] ?? ''})`}`;
}

export interface PngInfo {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly interlace: number;
  /** Raw decoded samples (after un-filtering), when the format is one this reader handles. */
  readonly samples?: Buffer;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Samples per pixel by PNG colour type: grey, RGB, grey+alpha, RGBA (palette is not decoded). */
const CHANNELS: Readonly<Partial<Record<number, number>>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Reads a PNG: checks signature and chunk CRCs, parses IHDR, and decodes 8-bit non-interlaced images. */
export function readPng(png: Buffer): PngInfo {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG file');
  let header: Omit<PngInfo, 'samples'> | undefined;
  const idat: Buffer[] = [];
  for (let offset = 8; offset < png.length; ) {
    if (offset + 12 > png.length) throw new Error('truncated PNG chunk');
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== png.readUInt32BE(offset + 8 + length)) throw new Error(`bad CRC in the ${type} chunk`);
    if (type === 'IHDR') header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data.readUInt8(8), colorType: data.readUInt8(9), interlace: data.readUInt8(12) };
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') break;
    offset += length + 12;
  }
  if (header === undefined) throw new Error('no IHDR chunk');
  const channels = CHANNELS[header.colorType];
  if (channels === undefined || header.bitDepth !== 8 || header.interlace !== 0) return header;
  return { ...header, samples: unfilter(inflateSync(Buffer.concat(idat)), header.width, header.height, channels) };
}

function unfilter(data: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  if (data.length !== (stride + 1) * height) throw new Error('image data has the wrong length');
  const out = Buffer.alloc(stride * height);
  for (let row = 0; row < height; row += 1) {
    const filter = data.readUInt8(row * (stride + 1));
    const at = row * stride;
    for (let i = 0; i < stride; i += 1) {
      const x = data.readUInt8(row * (stride + 1) + 1 + i);
      const a = i >= bpp ? out.readUInt8(at + i - bpp) : 0;
      const b = row > 0 ? out.readUInt8(at - stride + i) : 0;
      const c = i >= bpp && row > 0 ? out.readUInt8(at - stride + i - bpp) : 0;
      const predictor = [0, a, b, Math.floor((a + b) / 2), paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`unknown PNG filter type ${filter}`);
      out.writeUInt8((x + predictor) & 0xff, at + i);
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * What Teams asks of the icons: color 192×192; outline 32×32 with a transparent background and
 * nothing but white (the schema only checks that the paths exist). Returns one line per problem.
 */
export function checkIcon(png: Buffer, file: string, kind: keyof typeof ICON_SIZES): string[] {
  let info: PngInfo;
  try {
    info = readPng(png);
  } catch (error) {
    return [`${file}: ${error instanceof Error ? error.message : String(error)}`];
  }
  const size = ICON_SIZES[kind];
  const problems = info.width === size && info.height === size ? [] : [`${file}: the ${kind} icon must be ${size}×${size} pixels, it is ${info.width}×${info.height}`];
  if (kind === 'color') return problems;
  if (info.colorType !== 4 && info.colorType !== 6) return [...problems, `${file}: the outline icon needs an alpha channel (PNG colour type 4 or 6), it has colour type ${info.colorType}`];
  if (info.samples === undefined) return [...problems, `${file}: cannot read its pixels; save it as 8-bit RGBA, not interlaced`];
  const channels = info.colorType === 6 ? 4 : 2;
  let transparent = 0;
  const notWhite: string[] = [];
  for (let pixel = 0; pixel < info.width * info.height; pixel += 1) {
    const colour = [...info.samples.subarray(pixel * channels, (pixel + 1) * channels)];
    const alpha = colour.pop() ?? 0;
    if (alpha === 0) transparent += 1;
    else if (colour.some((value) => value !== 255)) notWhite.push(`(${pixel % info.width},${Math.floor(pixel / info.width)})`);
  }
  if (transparent === 0) problems.push(`${file}: the outline icon must have a transparent background, no pixel is transparent`);
  if (notWhite.length > 0) problems.push(`${file}: the outline icon must be white only; ${notWhite.length} visible pixels are not white, first at ${notWhite[0] ?? ''}`);
  return problems;
}

/** A zip archive (deflate) of files at its root, with a fixed timestamp so that equal inputs give equal packages. */
export function zip(files: readonly { readonly name: string; readonly data: Buffer }[]): Buffer {
  const DOS_TIME = 0;
  const DOS_DATE = (1 << 5) | 1; // 1980-01-01, the zip epoch
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of files) {
    const fileName = Buffer.from(name, 'utf8');
    const compressed = deflateRawSync(data, { level: 9 });
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header
    central.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    local.copy(central, 6, 4, 28); // version needed … file name length: the same as the local header
    central.writeUInt32LE(offset, 42); // where the local header is
    locals.push(local, fileName, compressed);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Fills, validates and checks everything, then writes the package; throws PackageError (nothing written) on any problem. */
export async function buildPackage(options: PackageOptions): Promise<PackageResult> {
  const dev = options.dev ?? false;
  const manifestDir = options.manifestDir ?? MANIFEST_DIR;
  const outFile = resolve(options.outFile ?? DEFAULT_OUT_FILE);
  const values = placeholderValues(options.env, dev);
  let template: unknown;
  try {
    template = JSON.parse(readFileSync(join(manifestDir, 'manifest.template.json'), 'utf8'));
  } catch (error) {
    throw new PackageError([`manifest template: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const filled = fillPlaceholders(template, values);
  const errors = await validateManifest(filled);
  if (errors.length > 0) throw new PackageError(errors);
  const manifest = filled as TeamsManifest;

  const icons: { name: string; data: Buffer; detail: string }[] = [];
  const problems: string[] = [];
  for (const kind of ['color', 'outline'] as const) {
    const name = manifest.icons[kind];
    if (basename(name) !== name) {
      problems.push(`manifest: icons.${kind} must be a file name at the package root, got "${name}"`);
      continue;
    }
    const path = join(manifestDir, name);
    if (!existsSync(path)) {
      problems.push(`${relative(process.cwd(), path)}: icons.${kind} names this file, which does not exist`);
      continue;
    }
    const data = readFileSync(path);
    problems.push(...checkIcon(data, name, kind));
    icons.push({ name, data, detail: `${ICON_SIZES[kind]}×${ICON_SIZES[kind]} ${kind} icon` });
  }
  if (problems.length > 0) throw new PackageError(problems);

  const manifestJson = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const files = [{ name: 'manifest.json', data: manifestJson, detail: `Teams manifest v${manifest.manifestVersion}` }, ...icons];
  mkdirSync(dirname(outFile), { recursive: true });
  const partial = `${outFile}.${process.pid}.tmp`;
  writeFileSync(partial, zip(files));
  renameSync(partial, outFile);
  return {
    outFile,
    manifest,
    dev,
    entries: files.map(({ name, data, detail }) => ({ name, size: data.length, detail })),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let dev = false;
  let outFile: string | undefined;
  const args = [...argv];
  for (let arg = args.shift(); arg !== undefined; arg = args.shift()) {
    if (arg === '--dev') {
      dev = true;
    } else if (arg === '--out') {
      outFile = args.shift();
      if (outFile === undefined) {
        console.error('package-app: --out needs a file name');
        return 2;
      }
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: BOT_ID=<guid> npm run package [-- --out <file>]   |   npm run package -- --dev   (fake bot id, local use only)');
      return 0;
    } else {
      console.error(`package-app: unknown option ${arg}; use --dev, --out <file> or --help`);
      return 2;
    }
  }
  try {
    const result = await buildPackage({ env: process.env, dev, ...(outFile === undefined ? {} : { outFile }) });
    const bot = result.manifest.bots?.[0]?.botId ?? '';
    const shown = relative(process.cwd(), result.outFile);
    console.log(`Wrote ${shown.startsWith('..') ? result.outFile : shown}: Teams app "${result.manifest.name.short}" ${result.manifest.version}, manifest v${result.manifest.manifestVersion}, bot ${bot}`);
    for (const entry of result.entries) console.log(`  ${entry.name.padEnd(14)} ${String(entry.size).padStart(6)} bytes  ${entry.detail}`);
    if (result.dev) {
      console.log(`DEV PACKAGE: bot id ${DEV_BOT_ID} is fake. It validates and suits local tools, but Teams cannot reach a bot with it; set BOT_ID for a real package.`);
    } else {
      console.log('Upload it in Teams (Apps › Manage your apps › Upload an app) or in the Teams Developer Portal.');
    }
    return 0;
  } catch (error) {
    if (!(error instanceof PackageError)) throw error;
    for (const line of error.lines) console.error(line);
    console.error('package-app: no package written');
    return 2;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
