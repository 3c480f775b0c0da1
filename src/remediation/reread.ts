import { auditLive } from '../audit/live-audit.js';
import { getArmResource, type ArmJsonClient } from '../azure/arm-raw.js';
import type { QuotaGate } from '../azure/quota-gate.js';
import type { AzureTarget } from '../azure/target.js';
import type { FixRequest } from '../contracts/fix-plan.js';
import type { AuditConfig } from '../engine/audit-config.js';
import type { Report } from '../engine/report.js';
import type { Estate } from '../estate/model.js';
import { resolveScope } from '../inventory/scope.js';
import { findRule } from '../rules/index.js';
import { ifMatchValue, requiresIfMatch } from '../rules/shared/fix-plans.js';
import type { CombinedFix } from './combine-plans.js';
import { planFindings, type Finding, type FindingFix } from './finding-fix.js';

export interface RereadContext {
  readonly audit: AuditConfig;
  readonly now: Date;
  readonly version: string;
  readonly gate?: QuotaGate;
  readonly abortSignal?: AbortSignal;
}

export interface Reread {
  readonly fix: FindingFix;
  readonly estate: Estate;
  readonly report: Report;
}

const SERVICE_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/[^/]+\/providers\/Microsoft\.ApiManagement\/service\/([^/]+)$/i;

/** The subscription and name of an API Management service id, or undefined for anything else. */
export function serviceIdParts(serviceId: string): { readonly subscription: string; readonly name: string } | undefined {
  const match = SERVICE_ID.exec(serviceId);
  const [, subscription, name] = match ?? [];
  return subscription === undefined || name === undefined ? undefined : { subscription, name };
}

/**
 * Reads the finding's service again, with every child resource its rule needs, and plans the fix
 * from that read (with `also`, the other findings on the service fixed in the same requests): remediation never sends a request planned from an audit that may be hours old.
 * Also the verification after a fix: `passes` means the rule now passes on every resource.
 */
export async function rereadFinding(target: AzureTarget, finding: Finding, context: RereadContext, also: readonly Finding[] = []): Promise<Reread> {
  const findings = [finding, ...also.filter((other) => other.serviceId.toLowerCase() === finding.serviceId.toLowerCase())];
  const rules = [...new Set(findings.map((one) => one.ruleId))].map((ruleId) => findRule(ruleId));
  const parts = serviceIdParts(finding.serviceId);
  if (rules.some((rule) => rule === undefined) || parts === undefined) throw new Error(`cannot re-read ${finding.ruleId} on ${finding.serviceId}: not a rule and an API Management service id`);
  const { subscription, name } = parts;
  const scope = resolveScope({ subscriptions: [subscription], services: [name] }, {});
  const result = await auditLive(target, {
    scope,
    rules: rules.filter((rule) => rule !== undefined),
    deep: true,
    now: context.now,
    audit: context.audit,
    keep: 'all',
    version: context.version,
    ...(context.gate === undefined ? {} : { gate: context.gate }),
    ...(context.abortSignal === undefined ? {} : { abortSignal: context.abortSignal }),
  });
  return { fix: planFindings(findings, result.estate, result.report, context.now, context.audit.ruleOptions), estate: result.estate, report: result.report };
}

/**
 * Gives each request that ARM refuses without `If-Match` the ETag of a fresh GET of its resource
 * (list reads carry none). Never `*`: a change made since the read must fail, not be overwritten.
 */
export async function withFreshEtags(client: ArmJsonClient, fixes: readonly CombinedFix[], abortSignal?: AbortSignal): Promise<CombinedFix[]> {
  const out: CombinedFix[] = [];
  for (const fix of fixes) out.push({ ...fix, request: await withFreshEtag(client, fix.request, abortSignal) });
  return out;
}

/** One request with the ETag of a fresh GET as `If-Match` when ARM requires one; unchanged otherwise. */
export async function withFreshEtag(client: ArmJsonClient, request: FixRequest, abortSignal?: AbortSignal): Promise<FixRequest> {
  if (!requiresIfMatch(request)) return request;
  const { etag } = await getArmResource(client, request.path, { apiVersion: request.apiVersion, ...(abortSignal === undefined ? {} : { abortSignal }) });
  if (etag === undefined || etag.trim() === '' || etag.trim() === '*') throw new Error(`ARM returned no ETag for ${request.path}; the fix is not sent without one`);
  return { ...request, headers: { ...request.headers, 'If-Match': ifMatchValue(etag) } };
}
