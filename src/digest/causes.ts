import type { QuotaGate } from '../azure/quota-gate.js';
import type { AzureTarget } from '../azure/target.js';
import { azureSources } from '../inventory/azure-sources.js';
import { causeOfFinding, describeCause } from '../inventory/change-cause.js';
import { changesFor } from '../inventory/resource-changes.js';
import type { DigestFinding } from './compute.js';

/** How far back the change history is read for a digest: its week and a week before it. */
const LOOK_BACK_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * "Who changed it" for the new and reopened findings of a digest: Resource Graph's change history
 * of their resources (and services), the latest change to each. Snapshots keep no evidence paths,
 * so the cause is the latest change to the resource, or to its service for a child finding with none.
 */
export function changeCauses(target: AzureTarget, gate: QuotaGate, now: () => Date): (findings: readonly DigestFinding[]) => Promise<ReadonlyMap<string, string>> {
  return async (findings) => {
    const ids = [...new Set(findings.flatMap((finding) => [finding.resourceId, finding.serviceId]))];
    const changes = await changesFor(azureSources(target, { gate }), ids, new Date(now().getTime() - LOOK_BACK_MS));
    const causes = new Map<string, string>();
    for (const finding of findings) {
      const cause = causeOfFinding({ resourceId: finding.resourceId, serviceId: finding.serviceId, paths: [] }, changes);
      if (cause !== undefined) causes.set(finding.key, describeCause(cause));
    }
    return causes;
  };
}
