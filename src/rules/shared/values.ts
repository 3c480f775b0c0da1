/** Helpers for reading loosely typed ARM values the way Azure interprets them. */

/** ARM string flags: "True"/"true"/"TRUE" (and JSON booleans, which templates sometimes use). */
export function isTrueFlag(value: unknown): boolean {
  if (value === true || value === 'True' || value === 'true') return true;
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}

export function isFalseFlag(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false');
}

export function equalsIgnoreCase(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.trim().toLowerCase() === b.toLowerCase();
}

/** Absent, null, or an empty/blank string: "not set" for content fields. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Reads a field by its ARM name, else by a case-insensitive match (PSRule exports write `Properties`,
 * `Sku.Name`): the same answer as `field()` in estate/fields.ts. `name` is an ASCII property name, so
 * only keys of the same length can match it; comparing lengths first keeps rows that lack the field
 * (a common case, e.g. `disableGateway`) from lower-casing every key of the object.
 */
export function readField(record: Readonly<Record<string, unknown>>, name: string): unknown {
  const exact = record[name];
  if (exact !== undefined) return exact;
  let wanted: string | undefined;
  for (const key in record) {
    if (key.length !== name.length) continue;
    wanted ??= name.toLowerCase();
    if (key.toLowerCase() === wanted) return record[key];
  }
  return undefined;
}

/**
 * A property path below an object, split into keys: `['tls', 'validateCertificateChain']`. Rules
 * declare the paths they read as module-level constants, so a hot path splits no strings.
 */
export type PropertyPath = readonly string[];

/**
 * Reads a path such as `tls.validateCertificateChain` from a properties object: `undefined` as soon
 * as a step is not a plain object. A dotted string is split on every call; hot paths pass a
 * {@link PropertyPath} constant instead.
 */
export function readPath(root: unknown, path: string | PropertyPath): unknown {
  let current: unknown = root;
  for (const part of typeof path === 'string' ? path.split('.') : path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Whether `list` holds `value`, compared as {@link equalsIgnoreCase} does (`value` trimmed, any casing). */
export function includesIgnoringCase(list: readonly string[], value: unknown): boolean {
  for (const item of list) {
    if (equalsIgnoreCase(value, item)) return true;
  }
  return false;
}
