import { auditLive } from '../audit/live-audit.js';
import type { QuotaGate } from '../azure/quota-gate.js';
import type { AzureTarget } from '../azure/target.js';
import { isOpenFailure } from '../contracts/results.js';
import type { AuditConfig } from '../engine/audit-config.js';
import { exemptionsInForce } from '../exemptions/in-force.js';
import { azureSources } from '../inventory/azure-sources.js';
import { causeOfResult, describeCause } from '../inventory/change-cause.js';
import { changesFor } from '../inventory/resource-changes.js';
import { resolveScope, type Environments } from '../inventory/scope.js';
import { ALL_RULES, findRule } from '../rules/index.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import type { ExemptionStore, PostureHistory, PostureSnapshot } from '../store/index.js';
import { recordPosture } from './record.js';
import { findingKey } from './snapshot.js';

/** One finding that made an environment worse since its last snapshot. */
export interface WorseFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  readonly resourceId: string;
  readonly serviceId: string;
  readonly serviceName: string;
  /** "alice@contoso.example changed … in Azure Portal on …", when the change history shows one. */
  readonly cause?: string;
}

export interface AlertCheck {
  readonly environment: string;
  /** When the snapshot compared against was taken: "since". */
  readonly since: string;
  /** The snapshot this check recorded; its time identifies the check (one alert per check and subscription). */
  readonly at: string;
  readonly worse: readonly WorseFinding[];
}

export interface AlertDependencies {
  readonly target: AzureTarget;
  readonly gate: QuotaGate;
  readonly audit: AuditConfig;
  readonly environments: Environments;
  readonly history: PostureHistory;
  readonly exemptions?: ExemptionStore;
  readonly version: string;
  readonly now: () => Date;
  readonly ownerTags?: readonly string[];
  readonly warn: (message: string) => void;
}

/**
 * A scheduled audit of a whole environment for alerts: audit it like a live audit (stored exemptions
 * applied), record its snapshot, and list the findings open now that were not open in the snapshot
 * before it, each with the change that caused it when Resource Graph's change history shows one.
 * The first snapshot of an environment is a baseline: it alerts nothing. Undefined when nothing
 * could be recorded (a partial audit says nothing about what got worse).
 */
export async function checkForAlerts(deps: AlertDependencies, environment: string): Promise<AlertCheck | undefined> {
  const now = deps.now();
  const scope = resolveScope({ environment }, deps.environments);
  const stored = deps.exemptions === undefined ? [] : await deps.exemptions.list().catch(() => []);
  const audit = { ...deps.audit, exemptions: exemptionsInForce(deps.audit.exemptions, stored) };
  const { report, estate } = await auditLive(deps.target, { scope, rules: ALL_RULES, deep: false, now, audit, keep: 'all', version: deps.version, gate: deps.gate });
  const previous = (await deps.history.list(environment, { limit: 1 })).items[0];
  const snapshot = await recordPosture({ history: deps.history, environment, report, estate, at: now, warn: deps.warn, ...(deps.ownerTags === undefined ? {} : { ownerTags: deps.ownerTags }) });
  if (snapshot === undefined) return undefined;
  if (previous === undefined) return { environment, since: snapshot.at, at: snapshot.at, worse: [] };
  const newKeys = new Set(worsened(previous, snapshot));
  const names = new Map(estate.services.map((service) => [service.id.toLowerCase(), service.name]));
  const results = report.results.filter((result) => isOpenFailure(result) && newKeys.has(findingKey(result.ruleId, result.resourceId)));
  const changes =
    results.length === 0
      ? []
      : await changesFor(azureSources(deps.target, { gate: deps.gate }), [...new Set(results.flatMap((result) => [result.resourceId, result.serviceId]))], new Date(previous.at)).catch((error: unknown) => {
          deps.warn(`who changed it is unknown: the change history could not be read (${error instanceof Error ? error.message : String(error)})`);
          return [];
        });
  const worse = results.map((result): WorseFinding => {
    const rule = findRule(result.ruleId);
    const cause = causeOfResult(result, changes);
    return {
      ruleId: result.ruleId,
      severity: rule?.meta.severity ?? 'low',
      title: rule?.meta.failureTitle ?? result.ruleId,
      resourceId: result.resourceId,
      serviceId: result.serviceId,
      serviceName: names.get(result.serviceId.toLowerCase()) ?? result.serviceId.split('/').at(-1) ?? result.serviceId,
      ...(cause === undefined ? {} : { cause: describeCause(cause) }),
    };
  });
  return { environment, since: previous.at, at: snapshot.at, worse: worse.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity)) };
}

/** Keys open (not exempted) in `current` that were not open in `previous`. */
export function worsened(previous: Pick<PostureSnapshot, 'findings'>, current: Pick<PostureSnapshot, 'findings'>): string[] {
  const before = new Set(previous.findings.filter((finding) => finding.exempted !== true).map((finding) => finding.key));
  return current.findings.filter((finding) => finding.exempted !== true && !before.has(finding.key)).map((finding) => finding.key);
}

/** The findings a subscription hears about: at or above its severity. */
export function forSeverity(worse: readonly WorseFinding[], minSeverity: Severity): WorseFinding[] {
  const limit = SEVERITIES.indexOf(minSeverity);
  return worse.filter((finding) => SEVERITIES.indexOf(finding.severity) <= limit);
}
