import { createApiManagementClient } from '../../src/azure/clients.js';
import type { AzureTarget } from '../../src/azure/target.js';
import type { AppConfig } from '../../src/config.js';
import { isOpenFailure } from '../../src/contracts/results.js';
import type { ApplyDependencies } from '../../src/remediation/apply-finding.js';
import type { CombinedFix } from '../../src/remediation/combine-plans.js';
import type { Finding } from '../../src/remediation/finding-fix.js';
import { remediationPolicySchema } from '../../src/remediation/policy.js';
import { rereadFinding, type RereadContext } from '../../src/remediation/reread.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import type { AuditEntry, AuditLog, AuditRecord, Store } from '../../src/store/index.js';

/** The seeded service most remediation tests fix, and the people of their policy. */
export const SUBSCRIPTION = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
export const SERVICE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-legacy`;
export const ALEX = '00000000-0000-0000-0000-000000000020';
export const SAM = '11111111-2222-3333-4444-555555555555';
export const CHAT = 'a:on-call';

export const POLICY = remediationPolicySchema.parse({
  environments: {
    prod: { requesters: [ALEX], approvers: [SAM], kinds: ['safe', 'guarded'], conversations: [CHAT] },
    dev: { requesters: [ALEX], kinds: ['safe', 'guarded'], conversations: [CHAT] },
  },
});

/** applyFinding's dependencies on a sandbox target and a store; `overrides` replace any of them. */
export function applyDependencies(target: AzureTarget, config: AppConfig, store: Store, overrides: Partial<ApplyDependencies> = {}): ApplyDependencies {
  return {
    target,
    client: (subscription) => createApiManagementClient(target, subscription),
    policy: POLICY,
    auditLog: store.auditLog,
    leases: store.leases,
    reread: { audit: config.audit, now: new Date(), version: 'test' },
    send: { pollIntervalInMs: 1 },
    ...overrides,
  };
}

/** The finding of `ruleId` on a service, as a person would confirm it: every failing resource, and the plan from a fresh read. */
export async function confirmedFinding(target: AzureTarget, reread: RereadContext, ruleId: string, serviceId = SERVICE): Promise<{ finding: Finding; fixes: CombinedFix[] }> {
  const serviceName = serviceId.split('/').at(-1) ?? '';
  const probe = await rereadFinding(target, { serviceId, serviceName, ruleId, resourceIds: [] }, reread);
  const resourceIds = probe.report.results.filter((result) => result.ruleId === ruleId && isOpenFailure(result)).map((result) => result.resourceId);
  const finding: Finding = { serviceId, serviceName, ruleId, resourceIds };
  const read = await rereadFinding(target, finding, reread);
  if (read.fix.state !== 'plans') throw new Error(`${ruleId} has no plan on the sandbox`);
  return { finding, fixes: [...read.fix.fixes] };
}

/** A simulated crash of the process applying a fix. */
export class Died extends Error {}

/** An audit log that dies at a chosen record: after writing `fix.sending`, or instead of writing the first record after it. */
export function dyingLog(log: AuditLog, when: 'after-intent' | 'before-outcome'): AuditLog {
  return {
    read: (options) => log.read(options),
    verify: () => log.verify(),
    async append(entry: AuditEntry): Promise<AuditRecord> {
      if (entry.kind !== 'fix.sending') throw new Died('killed before this record was written');
      const record = await log.append(entry);
      if (when === 'after-intent') throw new Died('killed right after the intent was written');
      return record;
    },
  };
}

