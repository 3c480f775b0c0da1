import { z } from 'zod';
import { StoreCorruptError } from './errors.js';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * The key that changes an object's prototype when assigned (by Object.assign, a merge, a zod
 * record): stored data never needs it.
 */
const FORBIDDEN_KEYS = new Set(['__proto__']);

/** Deeply nested JSON is either a bug or an attack on the stack; stored values are shallow. */
const MAX_DEPTH = 64;

export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number().refine(Number.isFinite, 'must be a finite number'), z.boolean(), z.null(), z.array(jsonValueSchema), jsonObjectSchema]),
);

export const jsonObjectSchema: z.ZodType<JsonObject> = z.lazy(() =>
  z.record(z.string(), jsonValueSchema).refine((value) => Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null, 'must be a plain object'),
);

/**
 * Parses stored JSON, refusing keys that could reach an object's prototype and absurd nesting: a
 * file or an entity edited by someone hostile must give a clear error, not an object that behaves
 * differently from what it shows. `where` names the record for the message.
 */
export function parseStoredJson(text: string, where: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new StoreCorruptError(`${where} holds the forbidden key "${key}"`);
      return value;
    });
  } catch (error) {
    if (error instanceof StoreCorruptError) throw error;
    throw new StoreCorruptError(`${where} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (depthOf(parsed) > MAX_DEPTH) throw new StoreCorruptError(`${where} is nested deeper than ${MAX_DEPTH} levels`);
  return parsed;
}

/** Validates a parsed stored value, naming the record and the first bad field. */
export function validateStored<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  throw new StoreCorruptError(`${where} is not a valid record${path}: ${issue?.message ?? 'invalid'}`);
}

export function readStored<T>(schema: z.ZodType<T>, text: string, where: string): T {
  return validateStored(schema, parseStoredJson(text, where), where);
}

/**
 * Checks a value a caller hands to the store before it is written: JSON-serialisable, no
 * prototype keys, so what is read back is what was written.
 */
export function assertWritableJson(value: unknown, what: string): void {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError(`${what} is not JSON-serialisable`);
  parseStoredJson(text, what);
}

/**
 * The same guarantee as {@link assertWritableJson} for a value already serialised (`text` is
 * `JSON.stringify(value)`, so it is serialisable and has no cycles), without serialising it again
 * and parsing it back: a kept report is megabytes, and the person waits for its card while it is
 * written. The key is searched for in the text (a string holding `\"__proto__":` is refused too,
 * which errs on the safe side); the nesting is measured on the value, stopping at the limit.
 */
export function assertWritableSerialised(value: unknown, text: string, what: string): void {
  if (text.includes('"__proto__":')) throw new StoreCorruptError(`${what} holds the forbidden key "__proto__"`);
  if (deeperThanLimit(value, 1)) throw new StoreCorruptError(`${what} is nested deeper than ${MAX_DEPTH} levels`);
}

/** Recursion is bounded by the limit itself, so it cannot run away on the input it guards against. */
function deeperThanLimit(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (deeperThanLimit(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) if (deeperThanLimit((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/**
 * JSON with object keys sorted at every level: the same value always hashes the same, whatever
 * order its properties were built in.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${(value as readonly JsonValue[]).map(canonicalJson).join(',')}]`;
  const object = value as JsonObject;
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key] as JsonValue)}`).join(',')}}`;
}

function depthOf(value: unknown): number {
  // Iterative, so the check itself cannot overflow the stack on the input it guards against.
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}
