import type { Report } from '../engine/report.js';
import { formatEvidence } from './values.js';

/** `target` is last so existing consumers' column positions hold. */
const COLUMNS = ['ruleId', 'severity', 'outcome', 'exemption', 'service', 'resourceId', 'title', 'reason', 'evidence', 'fix', 'target'] as const;

/**
 * One row per result, RFC 4180 quoting. Cells that a spreadsheet would run as a formula are
 * prefixed with a quote mark: resource names and reasons come from the audited estate.
 */
export function formatCsv(report: Report): string {
  return [...csvChunks(report)].join('');
}

/** {@link formatCsv} one row at a time, for reports too large to be one string. */
export function* csvChunks(report: Report): Generator<string> {
  const nameById = new Map(report.services.map((s) => [s.id, s.name]));
  // Every row says where it was read from: a sheet of sandbox findings must never pass for Azure's.
  const target = csvCell(report.scope === undefined ? `estate file ${report.source}` : report.scope.target);
  yield `${COLUMNS.map(csvCell).join(',')}\r\n`;
  for (const r of report.results) {
    const cells = [
      r.ruleId,
      r.severity,
      r.outcome,
      r.exemption === undefined ? '' : `${r.exemption.expired ? 'expired' : 'active'} until ${r.exemption.expires}: ${r.exemption.reason}`,
      nameById.get(r.serviceId) ?? r.serviceId,
      r.resourceId,
      r.title,
      r.reason,
      r.evidence.map((e) => formatEvidence(e)).join(' | '),
      r.fix?.kind ?? '',
    ];
    yield `${cells.map(csvCell).join(',')},${target}\r\n`;
  }
}

/** One CSV cell: RFC 4180 quoting, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
