import type { RuleResult } from '../contracts/results.js';
import type { PropertyChange, ResourceChange } from './resource-changes.js';

/**
 * Which change most likely caused a finding, for the digest's new and reopened findings and for
 * alerts: the latest change to a property the rule reads (its evidence paths), else the latest
 * change to the resource at all, marked as such. Pure: the changes come from `changesFor`.
 */

export interface ChangeCause {
  readonly change: ResourceChange;
  /** The changed properties the rule reads; empty when the change is only the latest on the resource. */
  readonly touched: readonly PropertyChange[];
}

/** A finding as far as its cause is concerned. */
export interface FindingRef {
  readonly resourceId: string;
  /** For a child finding: the service, whose changes stand in when the child has none. */
  readonly serviceId?: string;
  /** Evidence paths, as rules write them: `properties.customProperties['…']`, `apis/x: properties.y`. */
  readonly paths: readonly string[];
}

/** The cause among `changes` (the resource's own), or undefined when there are none. */
export function causeOf(paths: readonly string[], changes: readonly ResourceChange[]): ChangeCause | undefined {
  const wanted = paths.map(evidenceMatcher);
  const newestFirst = [...changes].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  for (const change of newestFirst) {
    const touched = change.properties.filter((property) => wanted.some((matches) => matches(property.path)));
    if (touched.length > 0) return { change, touched };
  }
  const latest = newestFirst[0];
  return latest === undefined ? undefined : { change: latest, touched: [] };
}

/**
 * {@link causeOf} for a finding among changes to any resources: its resource's changes, else (for a
 * child, which Resource Graph may not track) its service's.
 */
export function causeOfFinding(finding: FindingRef, changes: readonly ResourceChange[]): ChangeCause | undefined {
  const of = (id: string): ResourceChange[] => changes.filter((change) => change.resourceId.toLowerCase() === id.toLowerCase());
  const own = of(finding.resourceId);
  const service = finding.serviceId;
  const useService = own.length === 0 && service !== undefined && service.toLowerCase() !== finding.resourceId.toLowerCase();
  return causeOf(finding.paths, useService ? of(service) : own);
}

export function causeOfResult(result: Pick<RuleResult, 'resourceId' | 'serviceId' | 'evidence'>, changes: readonly ResourceChange[]): ChangeCause | undefined {
  return causeOfFinding({ resourceId: result.resourceId, serviceId: result.serviceId, paths: result.evidence.map((item) => item.path) }, changes);
}

const MAX_SHOWN_VALUE = 80;

/**
 * One sentence for a card or an alert: "alice@contoso.example changed
 * properties.customProperties.….Tls10 from "False" to "True" in Azure Portal on 2026-12-01 10:00 UTC."
 */
export function describeCause(cause: ChangeCause): string {
  const { change, touched } = cause;
  const who = change.changedBy ?? 'Someone Azure did not name';
  const client = change.clientType === undefined || change.clientType === 'Unknown' ? '' : ` in ${change.clientType}`;
  const when = `on ${change.at.slice(0, 10)} ${change.at.slice(11, 16)} UTC`;
  const [first] = touched;
  if (first === undefined) {
    return `The latest change to it was by ${who}${client} ${when}; it did not touch the properties this rule reads.`;
  }
  const others = touched.length - 1;
  const what = `${first.path} from ${shown(first.before)} to ${shown(first.after)}${others === 0 ? '' : ` (and ${others} other ${others === 1 ? 'property' : 'properties'})`}`;
  return `${who} changed ${what}${client} ${when}.`;
}

function shown(value: string | null): string {
  if (value === null) return 'absent';
  return JSON.stringify(value.length > MAX_SHOWN_VALUE ? `${value.slice(0, MAX_SHOWN_VALUE - 1)}…` : value);
}

/**
 * Whether a changed property is one an evidence path names, or lies below or above it. Evidence
 * paths may carry a `<where>: ` prefix naming a child, bracketed keys (`customProperties['a.b']`)
 * and `[*]` for any array element; change paths use dots and `[n]`. Compared case-insensitively.
 */
function evidenceMatcher(evidencePath: string): (changePath: string) => boolean {
  const evidence = normalizePath(evidencePath.includes(': ') ? evidencePath.slice(evidencePath.lastIndexOf(': ') + 2) : evidencePath);
  const pattern = evidence
    .split('[*]')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\[\\d+\\]');
  const atOrBelow = new RegExp(`^${pattern}(?:$|[.[])`);
  return (changePath) => {
    const change = normalizePath(changePath);
    if (atOrBelow.test(change)) return true;
    // A change to a whole object or array the rule reads part of.
    const general = change.replace(/\[\d+\]/g, '[*]');
    return evidence.startsWith(`${general}.`) || evidence.startsWith(`${general}[`);
  };
}

function normalizePath(path: string): string {
  return path
    .trim()
    .replace(/\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]/g, (_, single: string | undefined, double: string | undefined) => `.${single ?? double ?? ''}`)
    .toLowerCase();
}
