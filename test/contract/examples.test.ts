import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import { RequestCounters } from '../../src/azure/request-counters.js';
import { sandboxTarget } from '../../src/azure/target.js';
import type { RuleResult } from '../../src/contracts/results.js';
import { auditEstate } from '../../src/engine/audit.js';
import type { ChildKind, Estate } from '../../src/estate/model.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { azureSources } from '../../src/inventory/azure-sources.js';
import { collectInventory } from '../../src/inventory/collect.js';
import { resolveScope } from '../../src/inventory/scope.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { JsonObject, SandboxData } from '../../src/sandbox/types.js';
import { AzureContract, ContractRecorder, SPECS_ROOT } from '../support/azure-contract.js';

/**
 * Microsoft's own examples (the x-ms-examples of the specs, vendored whole next to them) as the
 * closest thing to real Azure output: each fits its operation, and together, loaded into the
 * sandbox, they read back through the product, normalise, and get a verdict from every rule.
 */
const APIM = 'specification/apimanagement/resource-manager/Microsoft.ApiManagement/stable/2024-05-01/examples';
const EXAMPLES: readonly { readonly file: string; readonly operationId: string }[] = [
  { file: `${APIM}/ApiManagementServiceGetService.json`, operationId: 'ApiManagementService_Get' },
  { file: `${APIM}/ApiManagementListApis.json`, operationId: 'Api_ListByService' },
  { file: `${APIM}/ApiManagementListApiOperations.json`, operationId: 'ApiOperation_ListByApi' },
  { file: `${APIM}/ApiManagementListBackends.json`, operationId: 'Backend_ListByService' },
  { file: `${APIM}/ApiManagementListProducts.json`, operationId: 'Product_ListByService' },
  { file: `${APIM}/ApiManagementListNamedValues.json`, operationId: 'NamedValue_ListByService' },
  { file: `${APIM}/ApiManagementListSubscriptions.json`, operationId: 'Subscription_List' },
  { file: `${APIM}/ApiManagementListPolicies.json`, operationId: 'Policy_ListByService' },
  { file: `${APIM}/ApiManagementListPortalConfig.json`, operationId: 'PortalConfig_ListByService' },
  { file: `${APIM}/ApiManagementListPortalSettings.json`, operationId: 'PortalSettings_ListByService' },
  { file: `${APIM}/ApiManagementListIdentityProviders.json`, operationId: 'IdentityProvider_ListByService' },
  { file: `${APIM}/ApiManagementGetTenantAccess.json`, operationId: 'TenantAccess_Get' },
  { file: 'specification/monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/examples/listDiagnosticSettings.json', operationId: 'DiagnosticSettings_List' },
  {
    file: 'specification/security/resource-manager/Microsoft.Security/stable/2023-11-15/examples/ApiCollections/APICollection_ListByAzureApiManagementService_example.json',
    operationId: 'APICollection_ListByAzureApiManagementService',
  },
  { file: 'specification/security/resource-manager/Microsoft.Security/stable/2021-06-01/examples/Assessments/ListAssessments_example.json', operationId: 'Assessments_List' },
];

const contract = new AzureContract();
const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const SERVICE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/apimService1`;

function body(file: string): JsonObject {
  const example = JSON.parse(readFileSync(join(SPECS_ROOT, file), 'utf8')) as { responses: Record<string, { body?: JsonObject }> };
  const ok = example.responses['200']?.body;
  if (ok === undefined) throw new Error(`${file}: no 200 body`);
  return ok;
}

/**
 * The examples as one service's estate. The only changes: every example names its service
 * `apimService1` except the GET, whose service is renamed to it; the operations example's API and
 * the extension resources (other subscriptions in their examples) are moved under that service;
 * the two assessments (of two scale sets) become assessments of the service and of its first API.
 */
function estateOfExamples(): SandboxData {
  const [service, ...children] = EXAMPLES.map(({ file }) => body(file));
  if (service === undefined) throw new Error('no service example');
  const apis = ((children[0]?.['value'] ?? []) as JsonObject[]);
  const first = apis[0]?.['id'];
  const firstApi = typeof first === 'string' ? first : '';
  const assessed = [SERVICE_ID, firstApi];
  const rehome = (item: JsonObject): JsonObject => {
    const id = String(item['id']);
    if (/\/providers\/microsoft\.security\/assessments\//i.test(id)) {
      const target = assessed.shift() ?? SERVICE_ID;
      const properties = item['properties'] as JsonObject;
      return { ...item, id: `${target}${id.slice(id.search(/\/providers\/microsoft\.security\/assessments\//i))}`, properties: { ...properties, resourceDetails: { source: 'Azure', id: target } } };
    }
    const extension = /\/providers\/microsoft\.(insights|security)\//i.exec(id);
    if (extension !== null) return { ...item, id: `${SERVICE_ID}${id.slice(extension.index)}` };
    if (/\/operations\/[^/]+$/.test(id)) return { ...item, id: `${firstApi}${id.slice(id.lastIndexOf('/operations/'))}` };
    return item;
  };
  const items = children.flatMap((child) => (Array.isArray(child['value']) ? (child['value'] as JsonObject[]) : [child])).map(rehome);
  return {
    tenantId: '11111111-1111-1111-1111-111111111111',
    subscriptions: [{ subscriptionId: SUBSCRIPTION, name: 'examples', tags: {} }],
    resources: [{ ...service, id: SERVICE_ID, name: 'apimService1' }, ...items],
  };
}

describe("Microsoft's examples against the vendored operations", () => {
  it.each(EXAMPLES)('$operationId: the example reply of $file fits the operation', ({ file, operationId }) => {
    const operation = contract.operations.find((candidate) => candidate.operationId === operationId);
    if (operation === undefined) throw new Error(`${operationId} is not vendored`);
    expect(contract.checkResponse(operation, { status: 200, body: body(file) })).toEqual([]);
  });
});

const KINDS: ReadonlySet<ChildKind> = new Set([
  'apis', 'apiOperations', 'backends', 'products', 'namedValues', 'subscriptions', 'policies', 'portalConfigs',
  'portalSettings', 'tenantAccess', 'identityProviders', 'diagnosticSettings', 'apiCollections', 'securityAssessments',
]);

describe("Microsoft's examples replayed through the product", () => {
  let sandbox: Sandbox | undefined;
  const recorder = new ContractRecorder(contract);
  let estate: Estate;
  let results: readonly RuleResult[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ data: estateOfExamples(), onExchange: recorder.observe });
    const sources = azureSources(sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem }), { gate: new QuotaGate(), counters: new RequestCounters() });
    const inventory = await collectInventory(sources, resolveScope({ services: ['apimService1'] }), { childKinds: KINDS });
    estate = normalizeEstate(inventory.entries);
    results = auditEstate(estate, { rules: ALL_RULES, now: new Date('2026-11-29T00:00:00Z'), source: 'examples', version: 't' }).results;
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
  });

  it('reads the examples back through ARG and ARM, every exchange within the contract', () => {
    recorder.assertClean();
    expect(estate.services.map((service) => service.name)).toEqual(['apimService1']);
    const [service] = estate.services;
    expect(service?.problem).toBeUndefined();
    expect(service?.children.apis?.length).toBe(((body(EXAMPLES[1]?.file ?? '')['value'] ?? []) as unknown[]).length);
    expect(service?.children.apiOperations?.length).toBe(5);
    expect(service?.children.backends?.length).toBe(2);
    expect(service?.children.diagnosticSettings?.map((setting) => setting.name)).toEqual(['mysetting']);
    expect(service?.children.apiCollections?.map((collection) => collection.name)).toEqual(['echo-api']);
    expect(service?.children.securityAssessments).toHaveLength(2);
  });

  it('every rule gives the example service a verdict with a reason, and none errs', () => {
    for (const rule of ALL_RULES) {
      const mine = results.filter((result) => result.ruleId === rule.meta.id);
      expect({ rule: rule.meta.id, verdicts: mine.length > 0 }).toEqual({ rule: rule.meta.id, verdicts: true });
      for (const result of mine) {
        expect({ rule: rule.meta.id, outcome: result.outcome }).not.toEqual({ rule: rule.meta.id, outcome: 'error' });
        expect(result.reason.trim()).not.toBe('');
      }
    }
  });
});
