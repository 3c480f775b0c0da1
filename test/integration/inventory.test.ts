import { afterEach, describe, expect, it } from 'vitest';
import { ApiManagementClient } from '@azure/arm-apimanagement';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import { RequestCounters } from '../../src/azure/request-counters.js';
import { sandboxTarget, ARM_SCOPE } from '../../src/azure/target.js';
import { sandboxCredential } from '../../src/azure/sandbox-credential.js';
import { auditEstate } from '../../src/engine/audit.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { azureSources } from '../../src/inventory/azure-sources.js';
import { collectInventory, type CollectOptions } from '../../src/inventory/collect.js';
import { DEFAULT_ENVIRONMENTS, resolveScope } from '../../src/inventory/scope.js';
import { findRule } from '../../src/rules/index.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { scaleEstate } from '../../src/sandbox/scale.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { AzureContract, ContractRecorder } from '../support/azure-contract.js';

/**
 * The inventory with the real SDK clients against the sandbox: nothing of ours is mocked; the
 * sandbox answers over HTTPS with its own certificate, as Azure would.
 */
let sandbox: Sandbox | undefined;
// Every request of these tests and every reply is held to the vendored Azure REST specs.
const contract = new AzureContract();
let recorder: ContractRecorder | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  recorder?.assertClean();
  recorder = undefined;
});

async function setUp(options: SandboxOptions = {}) {
  recorder = new ContractRecorder(contract);
  sandbox = await startSandbox({ ...options, onExchange: recorder.observe });
  const target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
  const counters = new RequestCounters();
  const sources = azureSources(target, { gate: new QuotaGate(), counters });
  return { sandbox, target, counters, sources };
}

function fail(id: string): never {
  throw new Error(`${id} missing`);
}

const prod = resolveScope({ environment: 'prod' }, DEFAULT_ENVIRONMENTS);
const none: CollectOptions = { childKinds: new Set() };

describe('inventory against the sandbox (real SDK clients)', () => {
  it('follows ARG $skipToken across pages and finds the prod services of several subscriptions', async () => {
    const { sources, sandbox: box } = await setUp();
    const inventory = await collectInventory(sources, prod, { ...none, argPageSize: 2 });
    const names = inventory.entries.map((e) => (e as { name: string }).name);
    expect(inventory.services).toBeGreaterThanOrEqual(5);
    expect(new Set(inventory.serviceSubscriptions.map((s) => s.name))).toEqual(new Set(['payments-prod', 'identity-prod']));
    expect(names).toContain('apim-payments-legacy');
    const argPosts = box.requests.filter((r) => r.method === 'POST');
    // Pages of two rows: several requests, each after the first carrying the previous page's token.
    expect(argPosts.length).toBeGreaterThanOrEqual(1 + Math.ceil(inventory.services / 2));
    expect(inventory.coverage.complete).toBe(true);
  });

  it('batches subscriptions and still finds every service of a large estate', async () => {
    const data = scaleEstate({ services: 600, subscriptions: 120, seed: 7 });
    const { sources, counters } = await setUp({ data, argQuota: false });
    const all = resolveScope({ environment: 'prod' }, { prod: { aliases: [], subscriptions: [], managementGroups: [], excludeSubscriptions: [] } });
    const inventory = await collectInventory(sources, all, { ...none, subscriptionBatchSize: 50 });
    expect(inventory.subscriptions).toHaveLength(120);
    expect(inventory.services).toBe(600);
    // 1 subscription page + 3 batches (50/50/20 subscriptions), each fitting in one 1000-row page.
    expect(counters.snapshot().attempts).toBe(4);
  });

  it('paces to a tight ARG quota: a throttled run completes with zero failed requests', async () => {
    const { sources, counters } = await setUp({ argQuota: { limit: 3, windowMs: 1000 } });
    const gatePaced = await collectInventory(sources, prod, { ...none, argPageSize: 1 });
    const snapshot = counters.snapshot();
    expect(gatePaced.coverage.complete).toBe(true);
    expect(gatePaced.services).toBeGreaterThanOrEqual(5);
    expect(snapshot.throttledNotRetried).toBe(0);
    expect(snapshot.byStatus['200']).toBe(snapshot.attempts - snapshot.throttled);
  }, 30_000);

  it('retries 429s that carry only quota headers, and 503s with Retry-After', async () => {
    const { sources, counters } = await setUp({
      faults: [
        { table: 'resources', status: 429, times: 1, quotaHeaders: { remaining: 0, resetsAfterSeconds: 1 } },
        { table: 'resourcecontainers', status: 503, times: 1, retryAfterSeconds: 1 },
      ],
    });
    const inventory = await collectInventory(sources, prod, none);
    expect(inventory.coverage.complete).toBe(true);
    expect(counters.snapshot()).toMatchObject({ throttled: 1, throttledNotRetried: 0 });
  }, 30_000);

  it('turns a failing batch into an honest partial report', async () => {
    // A 403 is not retried, like a batch whose subscriptions the identity cannot read.
    const { sources } = await setUp({
      faults: [{ table: 'resources', status: 403, times: Infinity, code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action Microsoft.ResourceGraph/resources/read.' }],
    });
    const inventory = await collectInventory(sources, prod, none);
    expect(inventory.services).toBe(0);
    expect(inventory.coverage.complete).toBe(false);
    expect(inventory.coverage.notes[0]).toMatch(/4 subscriptions \(.*\) could not be queried: .*authorization.*Their services are missing from this report\./);
  });

  it('reads child resources for a deep audit and marks each collection as collected', async () => {
    const { sources, sandbox: box } = await setUp({ pageSize: 2 });
    const scope = resolveScope({ services: ['apim-payments-legacy'] });
    const inventory = await collectInventory(sources, scope, { childKinds: new Set(['apis', 'policies', 'namedValues', 'diagnosticSettings']) });
    const estate = normalizeEstate(inventory.entries);
    const service = estate.services[0];
    expect(service?.children.apis?.length).toBeGreaterThan(0);
    expect(service?.children.policies?.length).toBeGreaterThan(0);
    expect(service?.children.diagnosticSettings).toBeDefined();
    // Pages of two items: the three named values came through a nextLink.
    expect(service?.children.namedValues).toHaveLength(3);
    const namedValuePages = box.requests.filter((r) => r.method === 'GET' && /\/service\/apim-payments-legacy\/namedValues$/i.test(r.path));
    expect(namedValuePages).toHaveLength(2);
    expect(namedValuePages.some((r) => '$skipToken' in r.query)).toBe(true);
  });

  it("reports policies as not checked, not passed, when one API's operations cannot be listed", async () => {
    const { sources } = await setUp({
      faults: [{ method: 'GET', path: '/service/apim-payments-legacy/apis/orders/operations', status: 403, times: Infinity, code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action Microsoft.ApiManagement/service/apis/operations/read.' }],
    });
    const scope = resolveScope({ services: ['apim-payments-legacy'] });
    const inventory = await collectInventory(sources, scope, { childKinds: new Set(['apis', 'policies']) });
    const rules = ['APIM-035', 'APIM-036', 'APIM-037'].map((id) => findRule(id) ?? fail(id));
    const report = auditEstate(normalizeEstate(inventory.entries), { rules, now: new Date('2026-11-29T00:00:00Z'), source: 't', version: 't' });
    const outcomes = (id: string) => report.results.filter((result) => result.ruleId === id).map((result) => [result.outcome, result.reason]);
    const missing = "policy documents could not be read completely: operations of API 'orders' could not be listed (";
    for (const id of ['APIM-036', 'APIM-037']) {
      expect(outcomes(id)).toHaveLength(1);
      expect(outcomes(id)[0]?.[0]).toBe('notChecked');
      expect(outcomes(id)[0]?.[1]).toContain(`This rule was not checked: ${missing}`);
    }
    // The API list itself was read completely: rules on APIs still judge.
    expect(outcomes('APIM-035').every(([outcome]) => outcome === 'pass' || outcome === 'fail')).toBe(true);
    expect(inventory.coverage.complete).toBe(false);
    expect(inventory.coverage.notes).toHaveLength(1);
    expect(inventory.coverage.notes[0]).toMatch(/^apim-payments-legacy: policy documents could not be read completely: operations of API 'orders' could not be listed \(.*403 AuthorizationFailed.*\)\.$/);
  });

  it('judges workspace and GraphQL resolver policies read through ARM', async () => {
    const { sources } = await setUp();
    const scope = resolveScope({ services: ['apim-lab-zones', 'apim-partner-dev'] });
    const inventory = await collectInventory(sources, scope, { childKinds: new Set(['policies']) });
    expect(inventory.coverage).toEqual({ complete: true, notes: [] });
    const rules = ['APIM-036', 'APIM-037'].map((id) => findRule(id) ?? fail(id));
    const report = auditEstate(normalizeEstate(inventory.entries), { rules, now: new Date('2026-11-29T00:00:00Z'), source: 't', version: 't' });
    const below = (id: string) => id.slice(id.indexOf('/service/') + 9);
    const judged = report.results.map((result) => `${result.ruleId} ${result.outcome} ${below(result.resourceId)}`);
    expect(judged).toContain('APIM-037 fail apim-lab-zones/workspaces/team-routing/apis/routes/policies/policy');
    expect(judged).toContain('APIM-037 pass apim-lab-zones/workspaces/team-routing/policies/policy');
    expect(judged).toContain('APIM-037 pass apim-lab-zones/workspaces/team-routing/apis/routes/operations/get-route/policies/policy');
    expect(judged).toContain('APIM-036 pass apim-lab-zones/workspaces/team-routing/products/routing-internal/policies/policy');
    expect(judged).toContain('APIM-036 pass apim-partner-dev/apis/catalog-graphql/resolvers/query-products/policies/policy');
    expect(judged).toContain('APIM-037 notApplicable apim-partner-dev/apis/catalog-graphql/resolvers/query-products/policies/policy');
  });

  it('shows a PATCH made through ARM on the next audit', async () => {
    const { sources, sandbox: box } = await setUp({ lro: { mode: 'apim', inProgressPolls: 1, retryAfterSeconds: 0 } });
    const rule = findRule('APIM-001');
    if (rule === undefined) throw new Error('APIM-001 missing');
    const scope = resolveScope({ services: ['apim-payments-legacy'] });
    const audit = async () => {
      const inventory = await collectInventory(sources, scope, none);
      return auditEstate(normalizeEstate(inventory.entries), { rules: [rule], now: new Date('2026-11-29T00:00:00Z'), source: 't', version: 't' }).results[0]?.outcome;
    };
    expect(await audit()).toBe('fail');

    const subscriptionId = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
    const client = new ApiManagementClient(sandboxCredential(), subscriptionId, { endpoint: box.url, credentialScopes: [ARM_SCOPE], tlsOptions: { ca: box.caPem } });
    const current = await client.apiManagementService.get('rg-payments-prod', 'apim-payments-legacy');
    const hardened = Object.fromEntries(
      ['Protocols.Tls10', 'Protocols.Tls11', 'Protocols.Ssl30', 'Backend.Protocols.Tls10', 'Backend.Protocols.Tls11', 'Backend.Protocols.Ssl30'].map((k) => [
        `Microsoft.WindowsAzure.ApiManagement.Gateway.Security.${k}`,
        'False',
      ]),
    );
    await client.apiManagementService.beginUpdateAndWait(
      'rg-payments-prod',
      'apim-payments-legacy',
      { customProperties: { ...current.customProperties, ...hardened } },
      { updateIntervalInMs: 10 },
    );
    expect(await audit()).toBe('pass');
  }, 30_000);
});
