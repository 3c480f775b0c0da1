import type { Evidence } from '../contracts/results.js';

/**
 * The last line of defence against credentials in reports. Rules record credential kinds rather
 * than values, but evidence quotes ARM JSON, and ARM JSON holds secrets in well-known places:
 * backend credentials, named values, certificate material, keys, and URLs with user info or
 * signed query strings. Every kept result passes through here before any output sees it, so a
 * rule that quotes too much still cannot leak.
 */
export const REDACTED = '[redacted]';

/** Object keys whose values are secret wherever they appear (compared case-insensitively). */
const SECRET_KEYS = new Set(
  [
    'password',
    'certificatePassword',
    'parameter', // credentials.authorization.parameter
    'clientSecret',
    'secret',
    'token',
    'sasToken',
    'accessToken',
    'primaryKey',
    'secondaryKey',
    'key',
    'connectionString',
    'encodedCertificate',
    'pfx',
    'data', // certificate contract: base64 certificate
    'privateKey',
    'sharedAccessSignature',
  ].map((key) => key.toLowerCase()),
);

/** Maps whose keys are names to keep and whose values are secret: backend credential headers and query parameters. */
const SECRET_VALUE_MAPS = new Set(['header', 'query']);

export function redactEvidence(items: readonly Evidence[]): readonly Evidence[] {
  // No copy until something changes: almost every result of a large audit has nothing to redact.
  let out: Evidence[] | undefined;
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index] as Evidence;
    const actual = redactValue(item.actual);
    const expected = redactValue(item.expected);
    const note = item.note === undefined ? undefined : redactText(item.note);
    if (actual === item.actual && expected === item.expected && note === item.note) {
      out?.push(item);
      continue;
    }
    out ??= items.slice(0, index);
    out.push({ ...item, actual, expected, ...(note === undefined ? {} : { note }) });
  }
  return out ?? items;
}

/** A copy of `value` with secret fields and URL credentials replaced; the same object when nothing changed. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  // Nothing is copied until something changes: evidence of a large audit almost never holds a secret.
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      const next = redactValue(item, depth + 1);
      if (next !== item) out ??= value.slice(0, index);
      out?.push(next);
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  // A named value marked secret: its value is the secret itself.
  const secretNamedValue = record['secret'] === true || record['secret'] === 'true';
  const keys = Object.keys(record);
  // Entries, then Object.fromEntries: a key named "__proto__" stays an own key instead of becoming the copy's prototype.
  let out: [string, unknown][] | undefined;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    const item = record[key];
    const lower = key.toLowerCase();
    let next: unknown;
    if ((SECRET_KEYS.has(lower) && typeof item !== 'boolean' && item !== null && item !== undefined) || (lower === 'value' && secretNamedValue)) next = REDACTED;
    else if (SECRET_VALUE_MAPS.has(lower) && item !== null && typeof item === 'object' && !Array.isArray(item)) next = redactMapValues(item as Record<string, unknown>);
    else next = redactValue(item, depth + 1);
    if (next !== item) out ??= keys.slice(0, index).map((kept): [string, unknown] => [kept, record[kept]]);
    out?.push([key, next]);
  }
  return out === undefined ? value : Object.fromEntries(out);
}

function redactMapValues(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(map).map((name) => [name, REDACTED]));
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/**
 * Text with every URL's user info removed and its query values replaced (names kept, so
 * "?sig=[redacted]" still tells a person that a signature was there).
 */
export function redactText(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (match) => redactUrl(match));
}

function redactUrl(raw: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw)?.[0] ?? '';
  let rest = raw.slice(scheme.length);
  const at = rest.search(/[/?#]/);
  const authority = at < 0 ? rest : rest.slice(0, at);
  if (authority.includes('@')) rest = authority.slice(authority.lastIndexOf('@') + 1) + (at < 0 ? '' : rest.slice(at));
  const query = rest.indexOf('?');
  if (query < 0) return scheme + rest;
  const fragment = rest.indexOf('#', query);
  const head = rest.slice(0, query + 1);
  const body = rest.slice(query + 1, fragment < 0 ? undefined : fragment);
  const tail = fragment < 0 ? '' : rest.slice(fragment);
  const redacted = body
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? pair : `${pair.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
  return scheme + head + redacted + tail;
}
