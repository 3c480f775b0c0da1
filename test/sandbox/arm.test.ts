import { createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SEED_SUBSCRIPTIONS, seedEstate } from '../../src/sandbox/seed.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { apimClient, BEARER, collect, raw } from './support.js';

const PAYMENTS = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const IDENTITY = SEED_SUBSCRIPTIONS.identityProd.subscriptionId;
const RG = 'rg-payments-prod';
const GOLD = 'apim-payments-prod-weu';
const LEGACY = 'apim-payments-legacy';
const goldId = `/subscriptions/${PAYMENTS}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/${GOLD}`;

/** The raw JSON of a response, which is what the product reads (not the SDK's padded models). */
function rawBody(capture: { body?: unknown }): (response: { bodyAsText?: string | null }) => void {
  return (response) => {
    capture.body = JSON.parse(response.bodyAsText ?? 'null') as unknown;
  };
}

describe('ARM reads through the real ApiManagementClient', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ pageSize: 2, argQuota: false });
  });
  afterAll(() => sandbox.close());

  it('GETs a service with a quoted ETag header and the unquoted etag in the body', async () => {
    let etagHeader: string | undefined;
    const capture: { body?: unknown } = {};
    const service = await apimClient(sandbox, PAYMENTS).apiManagementService.get(RG, GOLD, {
      onResponse: (response) => {
        etagHeader = response.headers.get('etag');
        rawBody(capture)(response);
      },
    });
    expect(service.name).toBe(GOLD);
    expect(service.sku.capacity).toBe(3);
    expect(service.etag).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(etagHeader).toBe(`"${service.etag ?? ''}"`);
    // Explicit nulls as real APIM returns them, untouched by the SDK's defaults.
    const properties = (capture.body as { properties: Record<string, unknown> }).properties;
    expect(properties['certificates']).toBeNull();
    expect(properties['privateEndpointConnections']).toBeNull();
    expect(properties['customProperties']).toMatchObject({ 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'False' });
  });

  it('lists services per subscription and per resource group, following nextLink', async () => {
    const client = apimClient(sandbox, PAYMENTS);
    const all = await collect(client.apiManagementService.list());
    expect(all.map((service) => service.name).sort()).toEqual(['apim-payments-legacy', 'apim-payments-prod-eus2', 'apim-payments-prod-weu']);
    const inGroup = await collect(client.apiManagementService.listByResourceGroup(RG));
    expect(inGroup.map((service) => service.name)).toEqual(['apim-payments-prod-weu', 'apim-payments-legacy']);

    const lists = sandbox.requests.filter((entry) => entry.method === 'GET' && entry.path.endsWith('/providers/Microsoft.ApiManagement/service'));
    // Three services at two per page: the SDK followed one nextLink for the subscription list.
    expect(lists.filter((entry) => !entry.path.includes('/resourceGroups/')).map((entry) => entry.query['$skipToken'] !== undefined)).toEqual([false, true]);
  });

  it('pages child collections with nextLink (api.listByService and friends)', async () => {
    const client = apimClient(sandbox, PAYMENTS);
    sandbox.requests.length = 0;
    const apis = await collect(client.api.listByService(RG, GOLD));
    expect(apis.map((api) => api.name)).toEqual(['payments', 'refunds', 'refunds;rev=2']);
    const apiPages = sandbox.requests.filter((entry) => entry.path.endsWith(`/service/${GOLD}/apis`));
    expect(apiPages).toHaveLength(2);
    expect(apiPages[1]?.query['api-version']).toBe('2024-05-01');

    const operations = await collect(client.apiOperation.listByApi(RG, GOLD, 'payments'));
    expect(operations.map((operation) => operation.method)).toEqual(['POST', 'GET']);
    expect((await client.apiPolicy.listByApi(RG, GOLD, 'payments')).value).toHaveLength(1);
    expect((await collect(client.backend.listByService(RG, GOLD))).map((backend) => backend.url)).toEqual(['https://ledger.internal.contoso.com', 'https://fraud.internal.contoso.com/score']);
    expect((await collect(client.product.listByService(RG, GOLD))).map((product) => product.name)).toEqual(['partners']);
    expect(await collect(client.productPolicy.listByProduct(RG, GOLD, 'partners'))).toHaveLength(1);
    expect((await collect(client.namedValue.listByService(RG, GOLD))).every((value) => value.keyVault?.secretIdentifier !== undefined)).toBe(true);
    expect((await collect(client.subscription.list(RG, GOLD))).map((subscription) => [subscription.name, subscription.state])).toEqual([
      ['partner-acme', 'active'],
      ['master', 'suspended'],
    ]);
    expect(await collect(client.policy.listByService(RG, GOLD))).toHaveLength(1);
    expect((await collect(client.portalConfig.listByService(RG, GOLD)))[0]?.enableBasicAuth).toBe(false);
    // PortalSettings_ListByService does not page in the REST spec: all of them in one reply, even with pages of two.
    expect((await client.portalSettings.listByService(RG, GOLD)).value?.map((setting) => setting.name)).toEqual(['delegation', 'signin', 'signup']);
    expect((await collect(client.identityProvider.listByService(RG, GOLD))).map((provider) => provider.name)).toEqual(['aad']);
    expect((await collect(client.tenantAccess.listByService(RG, GOLD))).map((access) => [access.name, access.enabled])).toEqual([
      ['access', false],
      ['gitAccess', false],
    ]);
    const access = await client.tenantAccess.get(RG, GOLD, 'access');
    expect(access.enabled).toBe(false);
  });

  it('lists extension resources: diagnostic settings, Defender API collections and assessments', async () => {
    const client = apimClient(sandbox, PAYMENTS);
    const list = async (path: string, scope = goldId): Promise<{ value: { id: string; name: string; properties: Record<string, unknown> }[] }> => {
      const items: { id: string; name: string; properties: Record<string, unknown> }[] = [];
      let url: string | undefined = `${sandbox.url}${scope}/providers/${path}`;
      while (url !== undefined) {
        const response = await client.sendRequest(createPipelineRequest({ url, method: 'GET' }));
        expect(response.status).toBe(200);
        const body = JSON.parse(response.bodyAsText ?? '{}') as { value: typeof items; nextLink?: string };
        items.push(...body.value);
        url = body.nextLink;
      }
      return { value: items };
    };
    const settings = await list('Microsoft.Insights/diagnosticSettings?api-version=2021-05-01-preview');
    expect(settings.value.map((setting) => setting.name)).toEqual(['send-to-law']);
    const collections = await list('Microsoft.Security/apiCollections?api-version=2023-11-15');
    expect(collections.value.map((collection) => collection.name)).toEqual(['payments', 'refunds']);
    // Assessments_List takes a subscription scope and returns the assessments of every resource in it.
    const assessments = await list('Microsoft.Security/assessments?api-version=2021-06-01', `/subscriptions/${PAYMENTS}`);
    const gold = assessments.value.filter((assessment) => assessment.id.toLowerCase().startsWith(`${goldId.toLowerCase()}/`));
    // Two recommendations for each of four operations, under the operations' ids.
    expect(gold).toHaveLength(8);
    expect(gold.every((assessment) => assessment.id.includes('/operations/'))).toBe(true);
    expect(assessments.value.some((assessment) => assessment.id.includes('/Microsoft.KeyVault/vaults/kv-payments-prod/'))).toBe(true);
    const first = gold[0];
    expect(first?.properties).toMatchObject({
      resourceDetails: { source: 'Azure', id: first?.id.replace(/\/providers\/Microsoft\.Security\/assessments\/[^/]+$/, '') },
      displayName: expect.any(String) as unknown,
      status: { code: expect.stringMatching(/^(Healthy|Unhealthy|NotApplicable)$/) as unknown },
    });
    expect(first?.properties).not.toHaveProperty('metadata');
  });

  it('lists Defender assessments only at the subscription scope, as Assessments_List is specified', async () => {
    const atService = await raw(sandbox, 'GET', `${goldId}/providers/Microsoft.Security/assessments?api-version=2021-06-01`, { headers: BEARER });
    expect(atService.status).toBe(404);
    const write = await raw(sandbox, 'PUT', `/subscriptions/${PAYMENTS}/providers/Microsoft.Security/assessments?api-version=2021-06-01`, { headers: BEARER, body: {} });
    expect(write.status).toBe(405);
  });

  it('serves workspaces with their APIs, operations, products and policies, and GraphQL resolvers with theirs', async () => {
    const lab = apimClient(sandbox, SEED_SUBSCRIPTIONS.labSandbox.subscriptionId);
    const [group, zones, ws] = ['rg-lab', 'apim-lab-zones', 'team-routing'];
    expect((await collect(lab.workspace.listByService(group, zones))).map((workspace) => workspace.name)).toEqual([ws]);
    expect(await collect(lab.workspacePolicy.listByApi(group, zones, ws))).toHaveLength(1);
    expect((await collect(lab.workspaceApi.listByService(group, zones, ws))).map((api) => api.name)).toEqual(['routes']);
    expect((await collect(lab.workspaceApiOperation.listByApi(group, zones, ws, 'routes'))).map((operation) => operation.name)).toEqual(['get-route']);
    expect(await collect(lab.workspaceApiPolicy.listByApi(group, zones, ws, 'routes'))).toHaveLength(1);
    expect(await collect(lab.workspaceApiOperationPolicy.listByOperation(group, zones, ws, 'routes', 'get-route'))).toHaveLength(1);
    expect((await collect(lab.workspaceProduct.listByService(group, zones, ws))).map((product) => product.name)).toEqual(['routing-internal']);
    expect((await lab.workspaceProductPolicy.listByProduct(group, zones, ws, 'routing-internal')).value).toHaveLength(1);

    const dev = apimClient(sandbox, SEED_SUBSCRIPTIONS.sharedDev.subscriptionId);
    const resolvers = await collect(dev.graphQLApiResolver.listByApi('rg-partner-dev', 'apim-partner-dev', 'catalog-graphql'));
    expect(resolvers.map((resolver) => [resolver.name, resolver.path])).toEqual([['query-products', 'Query/products']]);
    const policies = await collect(dev.graphQLApiResolverPolicy.listByResolver('rg-partner-dev', 'apim-partner-dev', 'catalog-graphql', 'query-products'));
    expect(policies[0]?.value).toMatch(/^<http-data-source>/);
  });

  it('refuses a workspace list on a tier without workspaces, as ARM does', async () => {
    const refused = await raw(sandbox, 'GET', `/subscriptions/${PAYMENTS}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/${LEGACY}/workspaces?api-version=2024-05-01`, { headers: BEARER });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'MethodNotAllowedInPricingTier' } });
  });

  it('lists workspaces on Basic v2, which has them (Learn: Basic v2, Standard v2, Premium, Premium v2)', async () => {
    const data = seedEstate();
    const basic = data.resources.find((resource) => resource['name'] === 'apim-orders-v2-dev');
    if (basic === undefined) throw new Error('apim-orders-v2-dev missing from the seed');
    basic['sku'] = { name: 'BasicV2', capacity: 1 };
    const box = await startSandbox({ data, argQuota: false });
    try {
      const listed = await raw(box, 'GET', `/subscriptions/${SEED_SUBSCRIPTIONS.sharedDev.subscriptionId}/resourceGroups/rg-shared-dev/providers/Microsoft.ApiManagement/service/apim-orders-v2-dev/workspaces?api-version=2024-05-01`, { headers: BEARER });
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ value: [] });
    } finally {
      await box.close();
    }
  });

  it('answers unknown services, children and paths with ARM 404s', async () => {
    const client = apimClient(sandbox, PAYMENTS);
    const missing = await client.apiManagementService.get(RG, 'apim-nope').then(() => undefined, (caught: unknown) => caught);
    expect(missing).toBeInstanceOf(RestError);
    expect((missing as RestError).statusCode).toBe(404);
    expect((missing as RestError).code).toBe('ResourceNotFound');
    const api = await client.api.get(RG, GOLD, 'nope').then(() => undefined, (caught: unknown) => caught);
    expect((api as RestError).statusCode).toBe(404);
    const path = await raw(sandbox, 'GET', `${goldId}/caches?api-version=2024-05-01`, { headers: BEARER });
    expect(path.status).toBe(404);
    expect(path.body).toMatchObject({ error: { code: 'ResourceNotFound' } });
    const subscription = await raw(sandbox, 'GET', `/subscriptions/not-a-guid/providers/Microsoft.ApiManagement/service?api-version=2024-05-01`, { headers: BEARER });
    expect(subscription.status).toBe(400);
  });

  it('GETs other tracked resources by id (autoscale settings, private endpoints)', async () => {
    const id = `/subscriptions/${PAYMENTS}/resourceGroups/${RG}/providers/microsoft.insights/autoscalesettings/autoscale-${GOLD}`;
    const response = await raw(sandbox, 'GET', `${id}?api-version=2022-10-01`, { headers: BEARER });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ properties: { enabled: true, targetResourceUri: goldId } });
  });

  it('creates extension resources with PUT (diagnostic settings, Defender onboarding)', async () => {
    const client = apimClient(sandbox, IDENTITY);
    const serviceId = `/subscriptions/${IDENTITY}/resourceGroups/rg-identity-ops/providers/Microsoft.ApiManagement/service/apim-identity-ops`;
    const put = async (path: string, body: unknown): Promise<number> =>
      (await client.sendRequest(createPipelineRequest({ url: `${sandbox.url}${serviceId}/providers/${path}`, method: 'PUT', body: JSON.stringify(body) }))).status;
    expect(await put('Microsoft.Security/apiCollections/health?api-version=2023-11-15', {})).toBe(201);
    expect(await put('Microsoft.Insights/diagnosticSettings/audit-to-law?api-version=2021-05-01-preview', { properties: { workspaceId: 'law', logs: [{ categoryGroup: 'audit', enabled: true }] } })).toBe(201);
    const stored = sandbox.state.get(`${serviceId}/providers/Microsoft.Insights/diagnosticSettings/audit-to-law`);
    expect(stored?.resource).toMatchObject({ type: 'Microsoft.Insights/diagnosticSettings', name: 'audit-to-law', properties: { workspaceId: 'law' } });
  });

  it('tolerates asyncResponse=undefined and other extra query parameters', async () => {
    const response = await raw(sandbox, 'GET', `${goldId}?api-version=2024-05-01&asyncResponse=undefined&foo=bar`, { headers: BEARER });
    expect(response.status).toBe(200);
  });

  it('returns an APIM child with its ETag and accepts a guarded PATCH', async () => {
    const client = apimClient(sandbox, IDENTITY);
    const { eTag } = await client.api.getEntityTag('rg-identity', 'apim-identity-prod-neu', 'tokens');
    expect(eTag).toMatch(/^"[A-Za-z0-9+/]+=*"$/);
    const updated = await client.api.update('rg-identity', 'apim-identity-prod-neu', 'tokens', eTag ?? '', { description: 'Token exchange (reviewed).' });
    expect(updated.description).toBe('Token exchange (reviewed).');
    expect(updated.protocols).toEqual(['https']);
    const stale = await client.api.update('rg-identity', 'apim-identity-prod-neu', 'tokens', eTag ?? '', { description: 'again' }).then(() => undefined, (caught: unknown) => caught);
    expect((stale as RestError).statusCode).toBe(412);
    expect((stale as RestError).code).toBe('PreconditionFailed');
  });
});

describe('service PATCH through beginUpdateAndWait', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ lro: { mode: 'apim', inProgressPolls: 2 }, argQuota: false });
  });
  afterAll(() => sandbox.close());
  afterEach(() => {
    sandbox.requests.length = 0;
  });

  it('runs the real-APIM LRO shape; the change shows in a fresh GET and replaces customProperties whole', async () => {
    const client = apimClient(sandbox, PAYMENTS);
    const before = await client.apiManagementService.get(RG, LEGACY);
    const custom: Record<string, string> = { ...before.customProperties, 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'False' };
    delete custom['Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30'];

    const result = await client.apiManagementService.beginUpdateAndWait(RG, LEGACY, { customProperties: custom }, {
      updateIntervalInMs: 5,
      requestOptions: { customHeaders: { 'If-Match': `"${before.etag ?? ''}"` } },
    });
    // What the SDK returns is the operation status, not the service: callers must re-read.
    expect((result as unknown as { status?: string }).status).toBe('Succeeded');

    const wire = sandbox.requests.map((entry) => `${entry.method} ${entry.status} ${entry.path.split('/').slice(-2).join('/')}`);
    expect(wire[1]).toBe(`PATCH 202 service/${LEGACY}`);
    const polls = sandbox.requests.filter((entry) => entry.path.includes('/operationresults/'));
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.every((entry) => entry.query['asyncResponse'] === 'undefined')).toBe(true);
    expect(sandbox.requests.find((entry) => entry.method === 'PATCH')?.body).toEqual({ properties: { customProperties: custom } });

    const after = await client.apiManagementService.get(RG, LEGACY);
    expect(after.etag).not.toBe(before.etag);
    expect(after.customProperties).toEqual(custom);
    expect(Object.keys(after.customProperties ?? {})).not.toContain('Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30');
    expect(after.provisioningState).toBe('Succeeded');

    const stale = await client.apiManagementService
      .beginUpdateAndWait(RG, LEGACY, { publisherName: 'Someone else' }, { updateIntervalInMs: 5, requestOptions: { customHeaders: { 'If-Match': before.etag ?? '' } } })
      .then(() => undefined, (caught: unknown) => caught);
    expect(stale).toBeInstanceOf(RestError);
    expect((stale as RestError).statusCode).toBe(412);
    expect((stale as RestError).code).toBe('PreconditionFailed');
  });

  it('keeps the change invisible until the operation reports Succeeded', async () => {
    const client = apimClient(sandbox, PAYMENTS);
    const poller = await client.apiManagementService.beginUpdate(RG, GOLD, { publisherName: 'Contoso Payments' }, { updateIntervalInMs: 5 });
    // beginUpdate did the PATCH and one poll; one InProgress poll is still to come.
    const during = await client.apiManagementService.get(RG, GOLD);
    expect(during.publisherName).toBe('Contoso');
    expect(during.provisioningState).toBe('Updating');
    const conflict = await client.apiManagementService.beginUpdate(RG, GOLD, { publisherName: 'x' }).then(() => undefined, (caught: unknown) => caught);
    expect((conflict as RestError).statusCode).toBe(409);
    await poller.pollUntilDone();
    const after = await client.apiManagementService.get(RG, GOLD);
    expect(after.publisherName).toBe('Contoso Payments');
    expect(after.provisioningState).toBe('Succeeded');
  });

  it('answers a PATCH that changes nothing with 200 at once', async () => {
    const client = apimClient(sandbox, IDENTITY);
    await client.apiManagementService.beginUpdateAndWait('rg-identity-ops', 'apim-identity-ops', { publisherName: 'Contoso' }, { updateIntervalInMs: 5 });
    expect(sandbox.requests.map((entry) => `${entry.method} ${entry.status}`)).toEqual(['PATCH 200']);
  });

  it('refuses to disable public access without an approved private endpoint, as ARM does', async () => {
    const client = apimClient(sandbox, IDENTITY);
    const refused = await client.apiManagementService
      .beginUpdateAndWait('rg-identity', 'apim-identity-b2c-prod', { publicNetworkAccess: 'Disabled' }, { updateIntervalInMs: 5 })
      .then(() => undefined, (caught: unknown) => caught);
    expect((refused as RestError).statusCode).toBe(400);
    expect((refused as RestError).code).toBe('ValidationError');
  });

  it('applies a PATCH at once in sync mode', async () => {
    const sync = await startSandbox({ lro: { mode: 'sync' }, argQuota: false });
    try {
      const client = apimClient(sync, PAYMENTS);
      await client.apiManagementService.beginUpdateAndWait(RG, LEGACY, { identity: { type: 'SystemAssigned' } }, { updateIntervalInMs: 5 });
      expect(sync.requests.map((entry) => `${entry.method} ${entry.status}`)).toEqual(['PATCH 200']);
      const after = await client.apiManagementService.get(RG, LEGACY);
      expect(after.identity?.type).toBe('SystemAssigned');
      expect(after.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await sync.close();
    }
  });

  it('updates children synchronously with If-Match: tenant access, portal config, backends, products', async () => {
    const client = apimClient(sandbox, PAYMENTS);
    await client.tenantAccess.update(RG, LEGACY, 'access', '*', { enabled: false });
    expect((await client.tenantAccess.get(RG, LEGACY, 'access')).enabled).toBe(false);

    const { eTag } = await client.portalConfig.getEntityTag(RG, LEGACY, 'default');
    expect(eTag).toBeDefined();
    await client.portalConfig.update(RG, LEGACY, 'default', eTag ?? '', { enableBasicAuth: false });
    expect((await client.portalConfig.get(RG, LEGACY, 'default')).enableBasicAuth).toBe(false);

    await client.backend.update(RG, LEGACY, 'ledger', '*', { tls: { validateCertificateChain: true, validateCertificateName: true } });
    expect((await client.backend.get(RG, LEGACY, 'ledger')).tls).toEqual({ validateCertificateChain: true, validateCertificateName: true });

    await client.product.update(RG, LEGACY, 'internal', '*', { subscriptionRequired: true });
    expect((await client.product.get(RG, LEGACY, 'internal')).subscriptionRequired).toBe(true);
    expect(sandbox.requests.filter((entry) => entry.method === 'PATCH').every((entry) => entry.status === 200)).toBe(true);
  });
});

describe('If-Match on child writes, where ARM requires it', () => {
  let sandbox: Sandbox;
  const legacyId = `/subscriptions/${PAYMENTS}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/${LEGACY}`;
  const url = (child: string): string => `${legacyId}/${child}?api-version=2024-05-01`;

  beforeAll(async () => {
    sandbox = await startSandbox({ pageSize: 50, argQuota: false, lro: { mode: 'sync' } });
  });
  afterAll(() => sandbox.close());

  it.each(['products/internal', 'backends/ledger', 'tenant/access', 'portalconfigs/default'])('refuses a PATCH of %s without If-Match and changes nothing', async (child) => {
    const before = await raw(sandbox, 'GET', url(child), { headers: BEARER });
    const patched = await raw(sandbox, 'PATCH', url(child), { headers: BEARER, body: { properties: { description: 'unconditional' } } });
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ error: { code: 'InvalidRequest', message: expect.stringContaining('If-Match header is required') as unknown } });
    const after = await raw(sandbox, 'GET', url(child), { headers: BEARER });
    expect(after.body).toEqual(before.body);
    expect(after.headers['etag']).toBe(before.headers['etag']);
  });

  it('refuses a PUT of tenant access or portal config without If-Match, but creates an API without one', async () => {
    expect((await raw(sandbox, 'PUT', url('tenant/access'), { headers: BEARER, body: { properties: { enabled: true } } })).status).toBe(400);
    expect((await raw(sandbox, 'PUT', url('portalconfigs/default'), { headers: BEARER, body: { properties: {} } })).status).toBe(400);
    const created = await raw(sandbox, 'PUT', url('apis/created-by-test'), { headers: BEARER, body: { properties: { displayName: 'New', path: 'new', protocols: ['https'] } } });
    expect(created.status).toBe(201);
    expect(created.headers['etag']).toMatch(/^"[A-Za-z0-9+/]+=*"$/);
  });

  it('applies a PATCH with the ETag read, answers with a new ETag, and refuses the old one with 412', async () => {
    const read = await raw(sandbox, 'GET', url('products/internal'), { headers: BEARER });
    const etag = read.headers['etag'];
    expect(etag).toMatch(/^"[A-Za-z0-9+/]+=*"$/);
    const patched = await raw(sandbox, 'PATCH', url('products/internal'), { headers: { ...BEARER, 'If-Match': String(etag) }, body: { properties: { approvalRequired: true } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ properties: { approvalRequired: true } });
    expect(patched.headers['etag']).toMatch(/^"[A-Za-z0-9+/]+=*"$/);
    expect(patched.headers['etag']).not.toBe(etag);
    expect((await raw(sandbox, 'GET', url('products/internal'), { headers: BEARER })).headers['etag']).toBe(patched.headers['etag']);

    const stale = await raw(sandbox, 'PATCH', url('products/internal'), { headers: { ...BEARER, 'If-Match': String(etag) }, body: { properties: { approvalRequired: false } } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: { code: 'PreconditionFailed' } });
    expect((await raw(sandbox, 'GET', url('products/internal'), { headers: BEARER })).body).toMatchObject({ properties: { approvalRequired: true } });
  });
});
