import type { HttpHeaders } from '@azure/core-rest-pipeline';

/** ARG's per-user quota, as every ARG response reports it. */
export interface UserQuota {
  /** `x-ms-user-quota-remaining`: requests left in the current window. */
  readonly remaining: number;
  /** `x-ms-user-quota-resets-after`, in milliseconds. */
  readonly resetsAfterInMs: number;
}

/** Reads ARG's quota headers; undefined unless both are present and well-formed. */
export function readUserQuota(headers: HttpHeaders): UserQuota | undefined {
  const remaining = parseNonNegativeInteger(headers.get('x-ms-user-quota-remaining'));
  const resetsAfterInMs = readQuotaResetsAfterInMs(headers);
  if (remaining === undefined || resetsAfterInMs === undefined) return undefined;
  return { remaining, resetsAfterInMs };
}

/** Reads `x-ms-user-quota-resets-after` alone, in milliseconds. */
export function readQuotaResetsAfterInMs(headers: HttpHeaders): number | undefined {
  const value = headers.get('x-ms-user-quota-resets-after');
  return value === undefined ? undefined : parseTimeSpanInMs(value);
}

/**
 * Parses a .NET TimeSpan as ARG writes it, `hh:mm:ss`, also accepting the forms TimeSpan can take
 * (`d.hh:mm:ss`, fractional seconds) so an unexpected but valid value is not silently dropped.
 */
export function parseTimeSpanInMs(value: string): number | undefined {
  const match = /^(?:(\d+)\.)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(value.trim());
  if (match === null) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  const totalSeconds = ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
  return Math.round(totalSeconds * 1000);
}

/**
 * The wait a throttling or busy response asks for, from the headers the SDK's own throttling
 * strategy reads: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` (seconds or an HTTP date).
 */
export function readRetryAfterInMs(headers: HttpHeaders, now: number = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = parseNonNegativeNumber(headers.get(name));
    if (ms !== undefined) return ms;
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === undefined) return undefined;
  const seconds = parseNonNegativeNumber(retryAfter);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(retryAfter);
  // A date in the past means "now", as in the SDK's strategy.
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseNonNegativeInteger(value: string | undefined): number | undefined {
  const number = parseNonNegativeNumber(value);
  return number !== undefined && Number.isInteger(number) ? number : undefined;
}

function parseNonNegativeNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}
