import type { Report } from '../engine/report.js';

/** The full report; absent evidence values become null so the JSON says "absent" explicitly. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, (key, value: unknown) => (key === 'actual' && value === undefined ? null : value), 2)}\n`;
}
