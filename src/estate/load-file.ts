import { readFile } from 'node:fs/promises';
import { isObject } from './fields.js';
import type { Estate } from './model.js';
import { normalizeEstate } from './normalize.js';

/** An input problem a person can fix; the CLI prints its message as one line and exits 2. */
export class EstateInputError extends Error {
  override readonly name = 'EstateInputError';
}

/** Reads and normalises an estate file: a JSON array of ARM resources (or an ARM/ARG response body). */
export async function loadEstateFile(path: string): Promise<Estate> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    throw new EstateInputError(`cannot read estate file ${path}: ${why}`);
  }
  return requireServices(normalizeEstate(parseEstateText(bytes, path)), path);
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
  if (bytes.includes(0)) throw new EstateInputError(`${source} is not a JSON text file (it contains binary data)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EstateInputError(`${source} is not a JSON text file (it is not valid UTF-8)`);
  }
  // Files saved by PowerShell often start with a byte order mark, which JSON.parse rejects.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new EstateInputError(`${source} is empty; expected a JSON array of ARM resources`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EstateInputError(`${source} is not valid JSON: ${describeJsonError(error, text)}`);
  }
  if (Array.isArray(parsed)) return parsed;
  // ARM list responses wrap resources in `value`, ARG responses in `data`; both are unambiguous.
  if (isObject(parsed) && Array.isArray(parsed['value'])) return parsed['value'];
  if (isObject(parsed) && Array.isArray(parsed['data'])) return parsed['data'];
  const what = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed === 'object' ? 'an object' : `a ${typeof parsed}`;
  throw new EstateInputError(`${source} must hold a JSON array of ARM resources, but it holds ${what}`);
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
