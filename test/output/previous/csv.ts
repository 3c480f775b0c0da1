/** The csv formatter as it was before streaming: the reference the streaming writer must match. Test support only. */
import type { Report } from '../../../src/engine/report.js';
import { formatEvidence } from '../../../src/output/values.js';

/** `target` is last so existing consumers' column positions hold. */
const COLUMNS = ['ruleId', 'severity', 'outcome', 'exemption', 'service', 'resourceId', 'title', 'reason', 'evidence', 'fix', 'target'] as const;

/**
 * One row per result, RFC 4180 quoting. Cells that a spreadsheet would run as a formula are
 * prefixed with a quote mark: resource names and reasons come from the audited estate.
 */
export function previousCsv(report: Report): string {
  const nameById = new Map(report.services.map((s) => [s.id, s.name]));
  // Every row says where it was read from: a sheet of sandbox findings must never pass for Azure's.
  const target = report.scope === undefined ? `estate file ${report.source}` : report.scope.target;
  const rows = report.results.map((r) => [
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
    target,
  ]);
  return [[...COLUMNS], ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
