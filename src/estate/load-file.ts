import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { isObject } from './fields.js';
import type { Estate } from './model.js';
import { normalizeEstate } from './normalize.js';

/** An input problem a person can fix; the CLI prints its message as one line and exits 2. */
export class EstateInputError extends Error {
  override readonly name = 'EstateInputError';
}

/**
 * Largest estate file read by default (256 MiB). JSON of that size already needs gigabytes of heap
 * once parsed, and past 512 MiB V8 cannot even hold the text as one string ("Invalid string
 * length"); `APIM_POSTURE_MAX_ESTATE_MB` raises or lowers it.
 */
export const DEFAULT_MAX_ESTATE_BYTES = 256 * 1024 * 1024;
/**
 * Deepest JSON nesting accepted. Real exports nest about a dozen levels; a hostile file nested
 * thousands deep would overflow the stack of every recursive walk after parsing (JSON.stringify,
 * redaction), so it is refused up front with a clear message.
 */
export const MAX_ESTATE_NESTING = 128;

export interface LoadEstateOptions {
  /** Refuse files larger than this many bytes; default {@link DEFAULT_MAX_ESTATE_BYTES}. */
  readonly maxBytes?: number;
}

/** The size limit from `APIM_POSTURE_MAX_ESTATE_MB` (a positive number of MiB), else the default. */
export function maxEstateBytes(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env['APIM_POSTURE_MAX_ESTATE_MB'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_ESTATE_BYTES;
  const mib = Number(raw);
  if (!Number.isFinite(mib) || mib <= 0) {
    throw new EstateInputError(`APIM_POSTURE_MAX_ESTATE_MB must be a positive number of megabytes, not "${raw.slice(0, 40)}"`);
  }
  return Math.floor(mib * 1024 * 1024);
}

/** Reads and normalises an estate file: a JSON array of ARM resources (or an ARM/ARG response body). */
export async function loadEstateFile(path: string, options: LoadEstateOptions = {}): Promise<Estate> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ESTATE_BYTES;
  let bytes: Buffer | undefined;
  try {
    // Size from the open handle, then read it: the file checked is the file read.
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) {
        throw new EstateInputError(
          `${path} is ${describeBytes(size)}, larger than the ${describeBytes(maxBytes)} an estate file may have; split the estate or raise APIM_POSTURE_MAX_ESTATE_MB`,
        );
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof EstateInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    throw new EstateInputError(`cannot read estate file ${path}: ${why}`);
  }
  // Each form is let go as soon as the next exists: bytes, text, parsed entries and the normalised
  // estate of a large file would otherwise all be alive at once (gigabytes at 100,000 services).
  let text: string | undefined = decodeEstateBytes(bytes, path);
  bytes = undefined;
  const entries = parseEstateJson(text, path);
  text = undefined;
  return requireServices(normalizeEstate(entries), path);
}

/**
 * An estate without a single API Management service is an input mistake (the wrong export, a
 * filter that matched nothing), never a clean audit: with no service, every output would say
 * "no findings" about nothing.
 */
export function requireServices(estate: Estate, source: string): Estate {
  if (estate.services.length > 0) return estate;
  const { entries } = estate.stats;
  const what = entries === 0 ? 'no resources at all' : `${entries === 1 ? '1 resource' : `${entries} resources`} but none of type Microsoft.ApiManagement/service`;
  throw new EstateInputError(`${source} holds no API Management service (${what}); nothing to audit`);
}

/** Parses estate bytes into the array of raw entries, with one-line errors for every bad shape. */
export function parseEstateText(bytes: Uint8Array, source: string): unknown[] {
  return parseEstateJson(decodeEstateBytes(bytes, source), source);
}

/** Estate bytes as text: refused when they are binary or not UTF-8. */
function decodeEstateBytes(bytes: Uint8Array, source: string): string {
  if (bytes.includes(0)) throw new EstateInputError(`${source} is not a JSON text file (it contains binary data)`);
  // isUtf8 then a plain decode: a tenth of the time of a fatal TextDecoder on a large file, same verdict.
  if (!isUtf8(bytes)) throw new EstateInputError(`${source} is not a JSON text file (it is not valid UTF-8)`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Estate text as the array of raw entries. */
function parseEstateJson(decoded: string, source: string): unknown[] {
  let text = decoded;
  // Files saved by PowerShell often start with a byte order mark, which JSON.parse rejects.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new EstateInputError(`${source} is empty; expected a JSON array of ARM resources`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EstateInputError(`${source} is not valid JSON: ${describeJsonError(error, text)}`);
  }
  checkNesting(parsed, source);
  if (Array.isArray(parsed)) return parsed;
  // ARM list responses wrap resources in `value`, ARG responses in `data`; both are unambiguous.
  if (isObject(parsed) && Array.isArray(parsed['value'])) return parsed['value'];
  if (isObject(parsed) && Array.isArray(parsed['data'])) return parsed['data'];
  const what = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed === 'object' ? 'an object' : `a ${typeof parsed}`;
  throw new EstateInputError(`${source} must hold a JSON array of ARM resources, but it holds ${what}`);
}

/**
 * Refuses JSON nested deeper than {@link MAX_ESTATE_NESTING}. Walks the parsed value with a stack of
 * its own rather than recursion, so the check itself cannot overflow the stack (JSON.parse does not
 * recurse either). The walk visits each array and object once, and is far cheaper than scanning the
 * text character by character, which cost a 35 MB estate more time than parsing it.
 */
function checkNesting(root: unknown, source: string): void {
  const pending: unknown[] = [root];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const value = pending.pop();
    const depth = depths.pop() ?? 1;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_ESTATE_NESTING) {
      throw new EstateInputError(`${source} is nested too deeply (more than ${MAX_ESTATE_NESTING} levels of arrays and objects); an estate export is never that deep`);
    }
    if (Array.isArray(value)) {
      for (const child of value as unknown[]) {
        if (typeof child === 'object' && child !== null) {
          pending.push(child);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    // for…in rather than Object.values: no array per object (JSON.parse makes own, plain properties).
    for (const key in value) {
      const child: unknown = (value as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) {
        pending.push(child);
        depths.push(depth + 1);
      }
    }
  }
}

function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1 ? `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MB` : `${bytes} bytes`;
}

function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (position?.[1] === undefined) return message.split('\n')[0] ?? message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message.replace(/\s*\(line \d+ column \d+\)/, '').split('\n')[0] ?? message} (line ${line}, column ${column})`;
}
