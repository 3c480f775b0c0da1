import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import { RequestCounters } from '../../src/azure/request-counters.js';
import { sandboxTarget } from '../../src/azure/target.js';
import type { FixPlan } from '../../src/contracts/fix-plan.js';
import { evaluateRule } from '../../src/engine/evaluate.js';
import { resolveRuleOptions } from '../../src/engine/options.js';
import type { ChildKind, Estate } from '../../src/estate/model.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { azureSources } from '../../src/inventory/azure-sources.js';
import { collectInventory } from '../../src/inventory/collect.js';
import { resolveScope } from '../../src/inventory/scope.js';
import { planFixFor } from '../../src/remediation/plan-fix.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { requiresIfMatch } from '../../src/rules/shared/fix-plans.js';
import { seededServices } from '../../src/sandbox/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { AzureContract, describeViolation } from '../support/azure-contract.js';

/**
 * Every fix plan the rules make for the seeded estate, read live from the sandbox, is a request
 * Azure's published contract accepts: the operation exists at that path and api-version, the body
 * fits its schema, and If-Match is there where the spec requires it.
 */
const contract = new AzureContract();
const KINDS: ReadonlySet<ChildKind> = new Set([
  'apis', 'apiOperations', 'backends', 'products', 'namedValues', 'subscriptions', 'policies', 'portalConfigs',
  'portalSettings', 'tenantAccess', 'identityProviders', 'diagnosticSettings', 'apiCollections', 'securityAssessments', 'autoscaleSettings',
]);

let sandbox: Sandbox | undefined;
let plans: FixPlan[] = [];
beforeAll(async () => {
  sandbox = await startSandbox();
  const sources = azureSources(sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem }), { gate: new QuotaGate(), counters: new RequestCounters() });
  const inventory = await collectInventory(sources, resolveScope({ services: seededServices().map((service) => service.name) }), { childKinds: KINDS });
  plans = plansFor(normalizeEstate(inventory.entries));
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
});

function plansFor(estate: Estate): FixPlan[] {
  const out: FixPlan[] = [];
  for (const service of estate.services) {
    for (const rule of ALL_RULES) {
      const context = { now: new Date('2026-11-29T00:00:00Z'), options: resolveRuleOptions(rule, undefined) };
      for (const result of evaluateRule(rule, service, context)) {
        const plan = planFixFor(rule, service, result, context);
        if (plan !== undefined) out.push(plan);
      }
    }
  }
  return out;
}

/** The request as the remediation step sends it: after a re-read when the plan says so, with that ETag. */
function sent(plan: FixPlan) {
  const reread = plan.preconditions.some((p) => p.judgedBy === 'reread' && !p.satisfied);
  const headers = { ...plan.request.headers, ...(reread ? { 'If-Match': '"etag-of-the-reread"' } : {}) };
  return { method: plan.request.method, path: plan.request.path, query: { 'api-version': plan.request.apiVersion }, headers, body: plan.request.body };
}

describe('fix plans against the vendored Azure REST specs', () => {
  it('the seeded estate gives plans of many rules, for the service and for children', () => {
    expect(new Set(plans.map((plan) => plan.ruleId)).size).toBeGreaterThanOrEqual(8);
    expect(plans.some((plan) => requiresIfMatch(plan.request))).toBe(true);
  });

  it('every plan is a request its operation accepts (path, api-version, If-Match, body)', () => {
    const problems = plans.flatMap((plan) => {
      const request = sent(plan);
      return contract.checkRequest(request).violations.map((violation) => `${plan.ruleId}: ${describeViolation(violation, request.method, request.path)}`);
    });
    expect(problems).toEqual([]);
  });

  it("the product's list of updates that need If-Match agrees with the spec for every planned operation", () => {
    const disagreements = plans.flatMap((plan) => {
      const matched = contract.match(plan.request.method, plan.request.path);
      const specRequires = matched?.operation.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match' && p.required) ?? false;
      return specRequires === requiresIfMatch(plan.request) ? [] : [`${plan.ruleId} ${matched?.operation.operationId ?? '(none)'}: spec ${specRequires}, product ${requiresIfMatch(plan.request)}`];
    });
    expect(disagreements).toEqual([]);
  });
});
