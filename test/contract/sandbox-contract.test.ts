import { afterEach, describe, expect, it } from 'vitest';
import { ApiManagementClient } from '@azure/arm-apimanagement';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import { RequestCounters } from '../../src/azure/request-counters.js';
import { sandboxCredential } from '../../src/azure/sandbox-credential.js';
import { ARM_SCOPE, sandboxTarget } from '../../src/azure/target.js';
import { auditEstate } from '../../src/engine/audit.js';
import type { ChildKind } from '../../src/estate/model.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { azureSources } from '../../src/inventory/azure-sources.js';
import { collectInventory } from '../../src/inventory/collect.js';
import { resolveScope } from '../../src/inventory/scope.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { SEED_SUBSCRIPTIONS, seededServices } from '../../src/sandbox/seed.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { AzureContract, ContractRecorder } from '../support/azure-contract.js';

/**
 * The product and the sandbox held to Microsoft's published REST contract: every request a deep
 * audit of the whole seeded estate sends, and every reply, is checked against its operation in the
 * vendored specs (test/fixtures/azure-specs).
 */
const contract = new AzureContract();
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function setUp(options: SandboxOptions = {}) {
  const recorder = new ContractRecorder(contract);
  sandbox = await startSandbox({ ...options, onExchange: recorder.observe });
  const target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
  const sources = azureSources(target, { gate: new QuotaGate(), counters: new RequestCounters() });
  return { sandbox, sources, recorder };
}

const ALL_KINDS: ReadonlySet<ChildKind> = new Set([
  'apis', 'apiOperations', 'backends', 'products', 'namedValues', 'subscriptions', 'policies', 'portalConfigs',
  'portalSettings', 'tenantAccess', 'identityProviders', 'diagnosticSettings', 'apiCollections', 'securityAssessments', 'autoscaleSettings',
]);

describe('the sandbox and the product keep to the vendored Azure REST specs', () => {
  it('a deep audit of every seeded service: each request and reply matches its operation', async () => {
    const { sources, recorder } = await setUp({ pageSize: 2 });
    const scope = resolveScope({ services: seededServices().map((service) => service.name) });
    const inventory = await collectInventory(sources, scope, { childKinds: ALL_KINDS });
    auditEstate(normalizeEstate(inventory.entries), { rules: ALL_RULES, now: new Date('2026-11-29T00:00:00Z'), source: 't', version: 't' });
    recorder.assertClean();
    expect([...recorder.checked.keys()]).toEqual(expect.arrayContaining([
      'Resources', 'Api_ListByService', 'ApiOperation_ListByApi', 'ApiPolicy_ListByApi', 'ApiOperationPolicy_ListByOperation', 'Policy_ListByService',
      'Backend_ListByService', 'Product_ListByService', 'ProductPolicy_ListByProduct', 'NamedValue_ListByService', 'Subscription_List',
      'PortalConfig_ListByService', 'PortalSettings_ListByService', 'TenantAccess_ListByService', 'IdentityProvider_ListByService',
      'DiagnosticSettings_List', 'APICollection_ListByAzureApiManagementService', 'Assessments_List', 'Workspace_ListByService',
      'GraphQLApiResolver_ListByApi', 'GraphQLApiResolverPolicy_ListByResolver',
    ]));
  }, 60_000);

  it('a service PATCH through its long-running operation, and a child PATCH with If-Match', async () => {
    const { sandbox: box, recorder } = await setUp({ lro: { mode: 'apim', inProgressPolls: 1, retryAfterSeconds: 0 } });
    const client = new ApiManagementClient(sandboxCredential(), SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId, { endpoint: box.url, credentialScopes: [ARM_SCOPE], tlsOptions: { ca: box.caPem } });
    await client.apiManagementService.beginUpdateAndWait('rg-payments-prod', 'apim-payments-legacy', { publicNetworkAccess: 'Disabled' }, { updateIntervalInMs: 5 });
    const api = await client.api.get('rg-payments-prod', 'apim-payments-legacy', 'orders');
    await client.api.update('rg-payments-prod', 'apim-payments-legacy', 'orders', api.eTag ?? '*', { protocols: ['https'] });
    recorder.assertClean();
    expect(recorder.polls).toBeGreaterThan(0);
    expect([...recorder.checked.keys()]).toEqual(expect.arrayContaining(['ApiManagementService_Update', 'Api_Get', 'Api_Update']));
  }, 30_000);
});
