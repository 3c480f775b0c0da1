import { isDeepStrictEqual } from 'node:util';
import { isObject } from '../estate/fields.js';

type Json = Record<string, unknown>;

/**
 * Maps that ARM replaces whole on PATCH (the fix re-sends all of customProperties): Revert puts the
 * whole map back, keys the fix added included, instead of picking keys that did not exist before.
 */
const WHOLE_MAPS: readonly (readonly string[])[] = [['properties', 'customProperties']];

export type Snapshot = { readonly ok: true; readonly body: Json } | { readonly ok: false; readonly reason: string };

/**
 * What Revert sends: the request body of a fix with every value it sets replaced by the value the
 * resource had before (as read just before the fix was sent). A value that did not exist before
 * cannot be put back by a PATCH, so such a fix is not revertable and says which value.
 */
export function snapshotOf(body: unknown, before: unknown): Snapshot {
  if (!isObject(body)) return { ok: false, reason: 'the fix sent no JSON object' };
  try {
    return { ok: true, body: pick(body, isObject(before) ? before : {}, []) };
  } catch (error) {
    if (error instanceof NotRevertable) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * Whether the resource still holds what the fix set: Revert refuses when someone changed those
 * values since, rather than overwrite their change with the old ones.
 */
export function stillAsFixed(body: unknown, current: unknown): { readonly ok: true } | { readonly ok: false; readonly path: string } {
  const mismatch = firstMismatch(body, current, []);
  return mismatch === undefined ? { ok: true } : { ok: false, path: mismatch };
}

class NotRevertable extends Error {}

function pick(body: Json, before: Json, path: readonly string[]): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(body)) {
    const here = [...path, key];
    const old = Object.hasOwn(before, key) ? before[key] : undefined;
    if (isWholeMap(here)) {
      out[key] = isObject(old) ? structuredClone(old) : {};
    } else if (isObject(value) && !Array.isArray(value)) {
      out[key] = pick(value, isObject(old) ? old : {}, here);
    } else if (old === undefined) {
      throw new NotRevertable(`${here.join('.')} was not set before the fix, and a PATCH cannot unset it`);
    } else {
      out[key] = structuredClone(old);
    }
  }
  return out;
}

function firstMismatch(expected: unknown, actual: unknown, path: readonly string[]): string | undefined {
  if (isObject(expected) && !Array.isArray(expected) && !isWholeMap(path)) {
    const actualObject = isObject(actual) ? actual : {};
    for (const [key, value] of Object.entries(expected)) {
      const found = firstMismatch(value, Object.hasOwn(actualObject, key) ? actualObject[key] : undefined, [...path, key]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isWholeMap(path)) {
    // ARM answers map values as it stores them; compare the keys the fix set, case-insensitively by name.
    const actualMap = new Map(Object.entries(isObject(actual) ? actual : {}).map(([key, value]) => [key.toLowerCase(), value]));
    for (const [key, value] of Object.entries(isObject(expected) ? expected : {})) {
      if (!isDeepStrictEqual(actualMap.get(key.toLowerCase()), value)) return [...path, key].join('.');
    }
    return undefined;
  }
  return isDeepStrictEqual(expected, actual) ? undefined : path.join('.');
}

function isWholeMap(path: readonly string[]): boolean {
  return WHOLE_MAPS.some((map) => map.length === path.length && map.every((segment, index) => segment.toLowerCase() === path[index]?.toLowerCase()));
}
