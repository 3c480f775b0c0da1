import { RestError } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoscaleQuery, serviceQuery, subscriptionQuery } from '../../src/inventory/queries.js';
import { renderQuery } from '../../src/inventory/query-text.js';
import { SEED_SUBSCRIPTIONS, SEED_TENANT_ID } from '../../src/sandbox/seed.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { argClient } from './support.js';

const PAYMENTS = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const IDENTITY = SEED_SUBSCRIPTIONS.identityProd.subscriptionId;
const ENV_PROD = [[{ field: { tag: 'env' }, values: ['prod'] }, { field: { tag: 'environment' }, values: ['prod'] }]] as const;

type Row = Record<string, unknown>;

describe('ARG through the real ResourceGraphClient', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ argQuota: false });
  });
  afterAll(() => sandbox.close());

  it('pages the product\'s service query with $skipToken until the last page', async () => {
    const client = argClient(sandbox);
    const query = renderQuery(serviceQuery([]));
    const pages: { count: number; totalRecords: number; resultTruncated: string; data: Row[] }[] = [];
    let skipToken: string | undefined;
    do {
      const page = await client.resources({ query, options: { top: 5, resultFormat: 'objectArray', ...(skipToken === undefined ? {} : { skipToken }) } });
      pages.push(page);
      skipToken = page.skipToken;
    } while (skipToken !== undefined);

    expect(pages.map((page) => page.count)).toEqual([5, 5, 5, 1]);
    expect(pages.every((page) => page.totalRecords === 16 && page.resultTruncated === 'false')).toBe(true);
    const ids = pages.flatMap((page) => page.data.map((row) => String(row['id'])));
    expect(new Set(ids).size).toBe(16);
    expect(ids).toEqual([...ids].sort());
    const row = pages[0]?.data[0] ?? {};
    expect(Object.keys(row)).toEqual(['id', 'name', 'type', 'location', 'subscriptionId', 'resourceGroup', 'tenantId', 'tags', 'sku', 'zones', 'identity', 'properties', 'systemData']);
    expect(row['type']).toBe('microsoft.apimanagement/service');
    expect(row['tenantId']).toBe(SEED_TENANT_ID);

    // On the wire: the same body each time, with the token under "$skipToken" in the options.
    const bodies = sandbox.requests.filter((entry) => entry.method === 'POST').slice(-4).map((entry) => entry.body as { query: string; options: Record<string, unknown> });
    expect(bodies.every((body) => body.query === query && body.options['$top'] === 5)).toBe(true);
    expect(bodies.map((body) => typeof body.options['$skipToken'])).toEqual(['undefined', 'string', 'string', 'string']);
  });

  it('keeps ARG\'s row shape: location keys and lower-case resource groups, no child resources', async () => {
    const result = await argClient(sandbox).resources({ query: "resources | where name =~ 'apim-payments-prod-weu' | project id, name, location, resourceGroup, properties | order by id asc" });
    const row = (result.data as Row[])[0] ?? {};
    expect(row['location']).toBe('westeurope');
    expect(row['resourceGroup']).toBe('rg-payments-prod');
    expect((row['properties'] as Row)['virtualNetworkType']).toBe('Internal');

    const types = await argClient(sandbox).resources({ query: "resources | where type in~ ('microsoft.apimanagement/service/apis', 'microsoft.insights/diagnosticsettings') | project id | order by id asc" });
    expect(types.totalRecords).toBe(0);
  });

  it('limits rows to the subscriptions of the request', async () => {
    const result = await argClient(sandbox).resources({ subscriptions: [PAYMENTS], query: renderQuery(serviceQuery([])), options: { top: 100 } });
    expect((result.data as Row[]).map((row) => row['name'])).toEqual(['apim-payments-prod-eus2', 'apim-payments-legacy', 'apim-payments-prod-weu']);
  });

  it('compares tag values case-insensitively and ORs the clauses of one where line', async () => {
    const result = await argClient(sandbox).resources({ query: renderQuery(serviceQuery(ENV_PROD)), options: { top: 100 } });
    const names = (result.data as Row[]).map((row) => row['name']);
    // "Prod" (mixed case) and the `environment` key both count as prod.
    expect(names).toEqual(expect.arrayContaining(['apim-payments-legacy', 'apim-payments-prod-eus2', 'apim-payments-prod-weu', 'apim-identity-prod-neu', 'apim-identity-b2c-prod', 'apim-identity-ops']));
    expect(names).toHaveLength(6);
  });

  it('keeps tag keys case-sensitive, as ARG does', async () => {
    const result = await argClient(sandbox).resources({ query: renderQuery(serviceQuery([[{ field: { tag: 'ENV' }, values: ['prod'] }]])) });
    expect(result.totalRecords).toBe(0);
  });

  it('ANDs where lines: subscriptions filter plus tag plus name', async () => {
    const query = renderQuery(serviceQuery([...ENV_PROD, [{ field: 'resourceGroup', values: ['RG-IDENTITY'] }]]));
    const result = await argClient(sandbox).resources({ subscriptions: [PAYMENTS, IDENTITY], query });
    expect((result.data as Row[]).map((row) => row['name'])).toEqual(['apim-identity-b2c-prod', 'apim-identity-prod-neu']);
  });

  it('answers the subscription query from resourcecontainers', async () => {
    const result = await argClient(sandbox).resources({ query: renderQuery(subscriptionQuery()) });
    expect(result.data).toEqual(
      Object.values(SEED_SUBSCRIPTIONS)
        .map((subscription) => ({ subscriptionId: subscription.subscriptionId, name: subscription.name, tags: subscription.tags }))
        .sort((a, b) => (a.subscriptionId < b.subscriptionId ? -1 : 1)),
    );
  });

  it('answers the autoscale query with rows that target services', async () => {
    const result = await argClient(sandbox).resources({ query: renderQuery(autoscaleQuery()) });
    const rows = result.data as Row[];
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const targets = rows.map((row) => (row['properties'] as Row)['targetResourceUri']);
    expect(targets).toContain(`/subscriptions/${PAYMENTS}/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-prod-weu`);
    expect(rows.some((row) => (row['properties'] as Row)['enabled'] === false)).toBe(true);

    const one = await argClient(sandbox).resources({
      query: `resources | where type =~ 'microsoft.insights/autoscalesettings' | where properties.targetResourceUri =~ '${String(targets[0]).toUpperCase()}' | project id | order by id asc`,
    });
    expect(one.totalRecords).toBe(1);
  });

  it('scopes by management group', async () => {
    const result = await argClient(sandbox).resources({ managementGroups: ['mg-nonprod'], query: renderQuery(subscriptionQuery()) });
    expect((result.data as Row[]).map((row) => row['name']).sort()).toEqual(['lab-sandbox', 'shared-dev']);
  });

  it('supports the table result format', async () => {
    const result = await argClient(sandbox).resources({ query: renderQuery(subscriptionQuery()), options: { resultFormat: 'table', top: 2 } });
    const data = result.data as { columns: { name: string; type: string }[]; rows: unknown[][] };
    expect(data.columns).toEqual([{ name: 'subscriptionId', type: 'string' }, { name: 'name', type: 'string' }, { name: 'tags', type: 'object' }]);
    expect(data.rows).toHaveLength(2);
    expect(result.skipToken).toEqual(expect.any(String));
  });

  it.each([
    ['a misspelt operator', 'resources | whre type =~ \'x\' | project id | order by id asc', "at 'whre'"],
    ['a case-sensitive comparison', "resources | where type == 'microsoft.apimanagement/service' | project id | order by id asc", "'=='"],
    ['an operator outside the grammar', "resources | where type =~ 'x' | take 5", "at 'take'"],
    ['an unknown table', 'securityresources | project id | order by id asc', 'must start with the table'],
    ['a missing sort', "resources | where type =~ 'x' | project id", 'order by'],
    ['an unknown column', 'resources | project id, colour | order by id asc', "'colour' is not a column"],
  ])('refuses %s with 400 and a ParserFailure detail', async (_name, query, fragment) => {
    const error = await argClient(sandbox).resources({ query }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(RestError);
    const rest = error as RestError;
    expect(rest.statusCode).toBe(400);
    expect(rest.code).toBe('BadRequest');
    // The SDK keeps ARG's parsed error body in `details`.
    const body = rest.details as { error: { details: { code: string; message: string }[] } };
    expect(body.error.details[0]?.code).toBe('ParserFailure');
    expect(body.error.details[0]?.message).toContain(fragment);
  });

  it('refuses a skip token sent with another query', async () => {
    const client = argClient(sandbox);
    const first = await client.resources({ query: renderQuery(serviceQuery([])), options: { top: 2 } });
    const error = await client
      .resources({ query: renderQuery(subscriptionQuery()), options: { top: 2, ...(first.skipToken === undefined ? {} : { skipToken: first.skipToken }) } })
      .then(() => undefined, (caught: unknown) => caught);
    expect((error as RestError).statusCode).toBe(400);
    expect((error as RestError).message).toContain('$skipToken');
  });

  it('refuses more than 1000 subscriptions and $top above 1000', async () => {
    const many = Array.from({ length: 1001 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
    const tooMany = await argClient(sandbox).resources({ subscriptions: many, query: renderQuery(subscriptionQuery()) }).then(() => undefined, (caught: unknown) => caught);
    expect((tooMany as RestError).statusCode).toBe(400);
    const tooBig = await argClient(sandbox).resources({ query: renderQuery(subscriptionQuery()), options: { top: 1001 } }).then(() => undefined, (caught: unknown) => caught);
    expect((tooBig as RestError).statusCode).toBe(400);
  });

  it('sees ARM changes in the next query (rows derive from the same state)', async () => {
    const id = `/subscriptions/${PAYMENTS}/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-legacy`;
    const stored = sandbox.state.get(id);
    expect(stored).toBeDefined();
    const before = { ...(stored?.resource ?? {}) };
    sandbox.state.put({ ...before, tags: { env: 'retired' } }, { keepEtag: true });
    try {
      const result = await argClient(sandbox).resources({ query: renderQuery(serviceQuery([[{ field: { tag: 'env' }, values: ['retired'] }]])) });
      expect((result.data as Row[]).map((row) => row['name'])).toEqual(['apim-payments-legacy']);
    } finally {
      sandbox.state.put(before, { keepEtag: true });
    }
  });
});
