import type { Report, RuleCoverage } from '../engine/report.js';
import type { Evidence } from '../rules/types.js';

/** What every output says first about a report read from the sandbox. */
export const SANDBOX_NOTICE = 'SANDBOX — local emulator with a made-up estate, not your Azure estate';

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

/**
 * "17/40 rules checked": how many applicable rules a score stands on, shown beside every score so
 * a score over part of the rules is never read as complete. `unit` names what is counted.
 */
export function formatCoverage(coverage: RuleCoverage, unit = 'rules'): string {
  return `${coverage.checked}/${coverage.applicable} ${unit} checked`;
}

/**
 * Rule id → failure title ("TLS 1.0/1.1 or SSL 3.0 enabled"), from the report's rules list: what
 * a findings list calls a failing rule. A rule title states the secure condition and reads wrong there.
 */
export function failureTitles(report: Pick<Report, 'rules'>): ReadonlyMap<string, string> {
  return new Map(report.rules.map((rule) => [rule.id, rule.failureTitle]));
}
