import type { JsonObject } from './model.js';

/** Plain-object test that also narrows for the type checker. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a field by its ARM name, falling back to a case-insensitive match. PSRule exports use
 * PowerShell casing (`Properties`, `Sku.Name`) where ARM and ARG use camelCase; the exact name is
 * tried first because it is by far the common case and the scan costs time on large estates.
 */
export function field(obj: JsonObject, name: string): unknown {
  const exact = obj[name];
  if (exact !== undefined) return exact;
  // An absent field is the common case of this scan (etag, resources, …): no key is lower-cased into a new string.
  for (const key in obj) {
    if (key.length === name.length && equalsIgnoringCase(key, name)) return obj[key];
  }
  return undefined;
}

/** First present (non-null) field of several aliases, e.g. `id` then PSRule's `ResourceId`. */
export function firstField(obj: JsonObject, names: readonly string[]): unknown {
  for (const name of names) {
    const value = field(obj, name);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

export function stringField(obj: JsonObject, names: readonly string[]): string | undefined {
  const value = firstField(obj, names);
  return typeof value === 'string' ? value : undefined;
}

/** Locations compare as ARG writes them: "East US" and "eastus" are the same region. */
export function locationKey(location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  // ARG already writes "eastus": then the string as given, without a regular expression and a copy.
  for (let index = 0; index < location.length; index += 1) {
    const code = location.charCodeAt(index);
    if (code <= 0x20 || (code >= 0x41 && code <= 0x5a) || code >= 0x7f) return location.replace(/\s+/g, '').toLowerCase();
  }
  return location;
}

/**
 * `a.toLowerCase() === b.toLowerCase()`, without making either copy:
 * audits compare keys and values this way millions of times, and nearly all of them are ASCII.
 * ASCII letters are folded by arithmetic; a string with anything else is compared by toLowerCase.
 */
export function equalsIgnoringCase(a: string, b: string): boolean {
  // Lower-casing can change the length of a non-ASCII string ("İ"), so only ASCII strings differ by length alone.
  if (a.length !== b.length) return !isAscii(a) || !isAscii(b) ? a.toLowerCase() === b.toLowerCase() : false;
  for (let index = 0; index < a.length; index += 1) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x >= 0x80 || y >= 0x80) return a.toLowerCase() === b.toLowerCase();
    if (x !== y && (x | 0x20) !== (y | 0x20)) return false;
    // Equal after or-ing 0x20 but different: only a letter pair (A/a … Z/z) is the same letter.
    if (x !== y && ((x | 0x20) < 0x61 || (x | 0x20) > 0x7a)) return false;
  }
  return true;
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) >= 0x80) return false;
  return true;
}
