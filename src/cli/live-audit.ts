import { connectTarget } from '../azure/connect.js';
import { QuotaGate } from '../azure/quota-gate.js';
import { RequestCounters } from '../azure/request-counters.js';
import type { AppConfig } from '../config.js';
import { auditEstate } from '../engine/audit.js';
import type { Report } from '../engine/report.js';
import type { ChildKind } from '../estate/model.js';
import { normalizeEstate } from '../estate/normalize.js';
import { azureSources } from '../inventory/azure-sources.js';
import { collectInventory } from '../inventory/collect.js';
import { describeScope } from '../inventory/scope-echo.js';
import type { ResolvedScope } from '../inventory/scope.js';
import type { AnyRule } from '../rules/types.js';
import { writeFileAtomic, type CliIo } from './io.js';
import { progressLine } from './progress.js';

export interface LiveAuditOptions {
  readonly config: AppConfig;
  readonly scope: ResolvedScope;
  readonly rules: readonly AnyRule[];
  /** Also read child resources from ARM for the rules that need them. */
  readonly deep: boolean;
  readonly now: Date;
  readonly includePassing: boolean;
  /** Write the inventoried estate (raw ARM JSON) here, to audit offline or attach to a ticket. */
  readonly saveEstate?: string;
  readonly version: string;
}

/**
 * `audit --env prod`: resolve the target (Azure, or the sandbox started in-process), inventory the
 * scope, audit it, and say which target and scope were used.
 */
export async function runLiveAudit(options: LiveAuditOptions, io: CliIo): Promise<Report> {
  const connection = await connectTarget(options.config.target);
  try {
    const { target } = connection;
    io.stderr(`apim-posture: auditing ${options.scope.name} on ${target.label}${options.deep ? ' (deep: child resources from ARM)' : ''}\n`);
    const counters = new RequestCounters();
    const sources = azureSources(target, { gate: new QuotaGate(), counters });
    const progress = progressLine(io.stderr, io.stderrIsTty);
    const inventory = await collectInventory(sources, options.scope, {
      childKinds: childKindsFor(options.rules, options.deep),
      onProgress: (step) => {
        progress.update(step);
      },
      ...(io.abortSignal === undefined ? {} : { abortSignal: io.abortSignal }),
    }).finally(() => {
      progress.done();
    });
    if (options.saveEstate !== undefined) {
      await writeFileAtomic(options.saveEstate, `${JSON.stringify(inventory.entries, null, 2)}\n`);
      io.stderr(`apim-posture: saved the estate (${inventory.entries.length} resources) to ${options.saveEstate}\n`);
    }
    const echo = describeScope(options.scope, inventory);
    return auditEstate(normalizeEstate(inventory.entries), {
      rules: options.rules,
      now: options.now,
      ruleOptions: options.config.audit.ruleOptions,
      exemptions: options.config.audit.exemptions,
      source: options.scope.name,
      version: options.version,
      includePassing: options.includePassing,
      scope: { echo, target: target.label },
      coverage: inventory.coverage,
    });
  } finally {
    await connection.close();
  }
}

/**
 * Child collections to read. Autoscale settings come from Resource Graph, so they are read even
 * without --deep; everything else costs ARM calls per service and waits for --deep.
 */
export function childKindsFor(rules: readonly AnyRule[], deep: boolean): Set<ChildKind> {
  const kinds = new Set<ChildKind>();
  for (const rule of rules) {
    for (const kind of rule.meta.needs) if (deep || kind === 'autoscaleSettings') kinds.add(kind);
  }
  return kinds;
}
