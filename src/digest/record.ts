import type { Report } from '../engine/report.js';
import type { Estate } from '../estate/model.js';
import type { ResolvedScope } from '../inventory/scope.js';
import { ALL_RULES } from '../rules/index.js';
import type { PostureHistory, PostureSnapshot } from '../store/contracts.js';
import { snapshotFromReport } from './snapshot.js';

export interface PostureRecording {
  readonly history: PostureHistory;
  readonly environment: string;
  readonly report: Report;
  readonly estate: Estate;
  readonly at: Date;
  readonly ownerTags?: readonly string[];
  /** Where a snapshot that could not be (or was not) recorded is reported; never thrown. */
  readonly warn: (message: string) => void;
}

/**
 * The environment whose posture an audit shows, or undefined when it shows only part of one: a
 * snapshot of some services or some rules would make everything else look resolved.
 */
export function wholeEnvironment(scope: ResolvedScope, rules: readonly { readonly meta: { readonly id: string } }[]): string | undefined {
  if (scope.environment === undefined || (scope.services ?? []).length > 0) return undefined;
  const selected = new Set(rules.map((rule) => rule.meta.id));
  return ALL_RULES.every((rule) => selected.has(rule.meta.id)) ? scope.environment : undefined;
}

/**
 * Records the posture snapshot of a finished audit, carrying first sightings over from the
 * environment's last snapshot. A failure is reported through `warn` and never fails the audit.
 */
export async function recordPosture(recording: PostureRecording): Promise<PostureSnapshot | undefined> {
  const { report, environment, warn } = recording;
  const { score } = report.summary;
  if (score === null) {
    warn(`posture of ${environment} not recorded: the audit could judge no rule`);
    return undefined;
  }
  if (report.coverage?.complete === false) {
    // Services that were not read would look fixed.
    warn(`posture of ${environment} not recorded: the audit is partial (${report.coverage.notes[0] ?? 'some of the estate was not read'})`);
    return undefined;
  }
  try {
    const previous = (await recording.history.list(environment, { limit: 1 })).items[0];
    const snapshot = snapshotFromReport({ ...report, summary: { ...report.summary, score } }, recording.estate, {
      environment,
      at: recording.at,
      previous,
      ...(recording.ownerTags === undefined ? {} : { ownerTags: recording.ownerTags }),
    });
    return await recording.history.record({
      ...snapshot,
      findings: snapshot.findings.map(({ key, severity, firstSeen, exempted }) => ({ key, severity, firstSeen, ...(exempted === true ? { exempted: true as const } : {}) })),
      services: [...snapshot.services],
    });
  } catch (error) {
    warn(`could not record the posture of ${environment}: ${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')}`);
    return undefined;
  }
}
