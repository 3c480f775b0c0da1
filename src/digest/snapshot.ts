import type { Report } from '../engine/report.js';
import type { Estate } from '../estate/model.js';
import { serviceOfKey, type SnapshotFinding, type SnapshotLike, type SnapshotService } from './compute.js';

/** Tag names read for a service's owner, first found wins (case-insensitive, as Azure tag names are). */
export const DEFAULT_OWNER_TAGS: readonly string[] = ['owner', 'team'];

export interface SnapshotInput {
  readonly environment: string;
  readonly at: Date;
  /** The environment's last snapshot: first sightings carry over from it, so "open for N days" holds. */
  readonly previous?: SnapshotLike | undefined;
  readonly ownerTags?: readonly string[];
}

export interface BuiltSnapshot extends SnapshotLike {
  readonly environment: string;
  readonly findings: readonly SnapshotFinding[];
  readonly services: readonly SnapshotService[];
}

/**
 * The stable identity of a finding across audits: the rule id, a bar, the resource id in lower case
 * (Azure ids are case-insensitive, and ARM and Resource Graph do not always agree on the case).
 * The resource id starts with the service's id, so the service is part of the key.
 */
export function findingKey(ruleId: string, resourceId: string): string {
  return `${ruleId}|${resourceId.toLowerCase()}`;
}

/**
 * A compact posture snapshot of an audit: the score, every failing finding (exempted ones marked)
 * and every service with its owner. Rules the audit did not check (not deep, a listing failed) keep
 * the previous snapshot's findings on the services still audited: not looked at is not fixed.
 */
export function snapshotFromReport(report: Report & { readonly summary: { readonly score: number } }, estate: Estate, input: SnapshotInput): BuiltSnapshot {
  const at = input.at.toISOString();
  const firstSeen = new Map((input.previous?.findings ?? []).map((finding) => [finding.key, finding.firstSeen]));
  const findings = new Map<string, SnapshotFinding>();
  for (const result of report.results) {
    if (result.outcome !== 'fail') continue;
    const key = findingKey(result.ruleId, result.resourceId);
    const exempted = result.exemption !== undefined && !result.exemption.expired;
    findings.set(key, { key, severity: result.severity, firstSeen: firstSeen.get(key) ?? at, ...(exempted ? { exempted: true } : {}) });
  }
  const audited = new Set(report.services.map((service) => service.id.toLowerCase()));
  const notChecked = new Set(report.notCheckedRules.map((rule) => rule.ruleId as string));
  for (const finding of input.previous?.findings ?? []) {
    const ruleId = finding.key.slice(0, finding.key.indexOf('|'));
    if (findings.has(finding.key) || !notChecked.has(ruleId) || !audited.has(serviceOfKey(finding.key).toLowerCase())) continue;
    findings.set(finding.key, finding);
  }
  const tags = new Map(estate.services.map((service) => [service.id.toLowerCase(), service.tags]));
  const services = report.services.map((service): SnapshotService => {
    const owner = ownerOf(tags.get(service.id.toLowerCase()), input.ownerTags ?? DEFAULT_OWNER_TAGS);
    return { id: service.id.toLowerCase(), name: printable(service.name) || service.id.split('/').pop() || service.id, ...(owner === undefined ? {} : { owner }) };
  });
  return { environment: input.environment, at, score: report.summary.score, findings: [...findings.values()], services };
}

function ownerOf(tags: Readonly<Record<string, string>> | undefined, names: readonly string[]): string | undefined {
  if (tags === undefined) return undefined;
  const entries = Object.entries(tags);
  for (const name of names) {
    const value = entries.find(([tag]) => tag.toLowerCase() === name.toLowerCase())?.[1];
    const owner = typeof value === 'string' ? printable(value) : '';
    if (owner !== '') return owner;
  }
  return undefined;
}

/** Tag values are anyone's text: one line, no control characters, bounded, for stores and e-mail. */
function printable(value: string): string {
  let text = '';
  for (const character of value) {
    const code = character.charCodeAt(0);
    text += code < 0x20 || code === 0x7f ? ' ' : character;
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}
