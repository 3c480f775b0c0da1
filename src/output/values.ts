import type { Evidence } from '../rules/types.js';

/** Renders an evidence value for people: absent stays "absent", strings are quoted like JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'absent';
  // Strings are quoted so "False" (a string flag) is told apart from false (a boolean).
  return JSON.stringify(value);
}

/** `path = actual (expected …)`, with the platform-default note when the value is absent. */
export function formatEvidence(item: Evidence, shortenPath: (path: string) => string = (p) => p): string {
  // Notes on absent values usually start by saying "absent"; the line already does.
  const text = item.actual === undefined ? item.note?.replace(/^absent\s*[—,:-]\s*/i, '') : item.note;
  const note = text === undefined || text === '' ? '' : ` — ${text}`;
  return `${shortenPath(item.path)} = ${formatValue(item.actual)} (expected ${formatValue(item.expected)})${note}`;
}

/** Long customProperties keys make lines unreadable in a terminal; the prefix is always the same. */
export function shortenPath(path: string): string {
  return path.replace('Microsoft.WindowsAzure.ApiManagement.Gateway.', '…');
}
