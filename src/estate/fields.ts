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
  const wanted = name.toLowerCase();
  // An absent field is the common case of this scan (etag, resources, …): comparing the length and
  // the first letter before lower-casing spares a new string per key of every entry.
  const first = wanted.charCodeAt(0);
  for (const key in obj) {
    if (key.length === wanted.length && (key.charCodeAt(0) | 0x20) === (first | 0x20) && key.toLowerCase() === wanted) return obj[key];
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
