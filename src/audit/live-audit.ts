import { QuotaGate } from '../azure/quota-gate.js';
import { RequestCounters } from '../azure/request-counters.js';
import type { AzureTarget } from '../azure/target.js';
import type { AuditConfig } from '../engine/audit-config.js';
import { auditEstate, type ResultsKept } from '../engine/audit.js';
import type { Report } from '../engine/report.js';
import type { ChildKind, Estate } from '../estate/model.js';
import { normalizeEstate } from '../estate/normalize.js';
import { azureSources } from '../inventory/azure-sources.js';
import { collectInventory, type Inventory, type InventoryProgress } from '../inventory/collect.js';
import { assertScopeFound } from '../inventory/empty-scope.js';
import { describeScope } from '../inventory/scope-echo.js';
import type { ResolvedScope } from '../inventory/scope.js';
import type { AnyRule } from '../rules/types.js';

export interface LiveAuditRequest {
  readonly scope: ResolvedScope;
  readonly rules: readonly AnyRule[];
  /** Also read child resources from ARM for the rules that need them. */
  readonly deep: boolean;
  readonly now: Date;
  readonly audit: AuditConfig;
  readonly keep: ResultsKept;
  readonly version: string;
  readonly onProgress?: (progress: InventoryProgress) => void;
  readonly abortSignal?: AbortSignal;
  /**
   * ARG's quota is per identity: concurrent audits (the bot runs many) must share one gate, or
   * together they would overrun it.
   */
  readonly gate?: QuotaGate;
}

export interface LiveAuditResult {
  readonly report: Report;
  readonly inventory: Inventory;
  /** The audited estate, for fix plans that need the resources behind a finding. */
  readonly estate: Estate;
}

/**
 * scope → inventory → estate → engine → report, for one target. The CLI and the bot both audit
 * through here, so they read Azure the same way and echo the scope the same way.
 */
export async function auditLive(target: AzureTarget, request: LiveAuditRequest): Promise<LiveAuditResult> {
  const sources = azureSources(target, { gate: request.gate ?? new QuotaGate(), counters: new RequestCounters() });
  const inventory = await collectInventory(sources, request.scope, {
    childKinds: childKindsFor(request.rules, request.deep),
    ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress }),
    ...(request.abortSignal === undefined ? {} : { abortSignal: request.abortSignal }),
  });
  // Nothing found is a mistake to report (a typo, an empty environment), not a clean audit.
  await assertScopeFound(sources, request.scope, inventory, request.abortSignal === undefined ? {} : { abortSignal: request.abortSignal });
  const estate = normalizeEstate(inventory.entries);
  const report = auditEstate(estate, {
    rules: request.rules,
    now: request.now,
    ruleOptions: request.audit.ruleOptions,
    exemptions: request.audit.exemptions,
    source: request.scope.name,
    version: request.version,
    keep: request.keep,
    scope: { echo: describeScope(request.scope, inventory), target: target.label, targetKind: target.kind },
    coverage: inventory.coverage,
  });
  return { report, inventory, estate };
}

/**
 * Child collections to read. Autoscale settings come from Resource Graph, so they are read even
 * without deep; everything else costs ARM calls per service and waits for deep.
 */
export function childKindsFor(rules: readonly AnyRule[], deep: boolean): Set<ChildKind> {
  const kinds = new Set<ChildKind>();
  for (const rule of rules) {
    for (const kind of rule.meta.needs) if (deep || kind === 'autoscaleSettings') kinds.add(kind);
  }
  return kinds;
}
