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
  // Rule ids, severities, outcomes, titles, fix kinds and service names repeat on every row: each is made a cell once.
  const cells = new Map<string, string>();
  const repeated = (value: string): string => {
    let cell = cells.get(value);
    if (cell === undefined) cells.set(value, (cell = csvCell(value)));
    return cell;
  };
  for (const r of report.results) {
    const exemption = r.exemption === undefined ? '' : csvCell(`${r.exemption.expired ? 'expired' : 'active'} until ${r.exemption.expires}: ${r.exemption.reason}`);
    const evidence = r.evidence.length === 0 ? '' : csvCell(r.evidence.map((e) => formatEvidence(e)).join(' | '));
    yield `${repeated(r.ruleId)},${repeated(r.severity)},${repeated(r.outcome)},${exemption},${repeated(nameById.get(r.serviceId) ?? r.serviceId)},${csvCell(r.resourceId)},${repeated(r.title)},${csvCell(r.reason)},${evidence},${repeated(r.fix?.kind ?? '')},${target}\r\n`;
  }
}

/** A leading = + - @ tab or carriage return: what a spreadsheet may run as a formula. */
function startsLikeFormula(value: string): boolean {
  const first = value.charCodeAt(0);
  return first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40 || first === 0x09 || first === 0x0d;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: RFC 4180 quoting, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
export function csvCell(value: string): string {
  const safe = startsLikeFormula(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
