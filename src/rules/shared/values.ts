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

/** Reads a dotted path such as `tls.validateCertificateChain` from a properties object. */
export function readPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
