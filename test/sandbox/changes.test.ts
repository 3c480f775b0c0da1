import { RestError } from '@azure/core-rest-pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxUserToken } from '../../src/sandbox/caller.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.js';
import { argClient, BEARER, raw } from './support.js';

/** The sandbox's change history: what a write records, who it names, how ARG answers on it. */

const PAYMENTS = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const legacyId = `/subscriptions/${PAYMENTS}/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-legacy`;
const url = (path: string): string => `${path}?api-version=2024-05-01`;
const ALL_CHANGES = [
  'resourcechanges',
  '| extend targetResourceId = tostring(properties.targetResourceId), changeTime = todatetime(properties.changeAttributes.timestamp)',
  "| where changeTime > datetime(2000-01-01T00:00:00.000Z)",
  '| project id, targetResourceId, changeTime, properties',
  '| order by changeTime desc, id asc',
].join('\n');

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ argQuota: false, lro: { mode: 'sync' }, ...options });
  return sandbox;
}

interface Row {
  readonly id: string;
  readonly targetResourceId: string;
  readonly changeTime: string;
  readonly properties: { changeType: string; changeAttributes: Record<string, unknown>; changes: Record<string, Record<string, unknown>> };
}

async function rows(box: Sandbox, query = ALL_CHANGES): Promise<Row[]> {
  return (await argClient(box).resources({ query, options: { top: 1000 } })).data as Row[];
}

describe('sandbox change history', () => {
  it('records a child PUT as Create and a PATCH as Update, with the operation and each property before and after', async () => {
    const box = await start();
    const api = `${legacyId}/apis/changed-api`;
    expect((await raw(box, 'PUT', url(api), { headers: BEARER, body: { properties: { displayName: 'One', path: 'one', subscriptionRequired: true } } })).status).toBe(201);
    const patched = await raw(box, 'PATCH', url(api), { headers: { ...BEARER, 'if-match': '*' }, body: { properties: { displayName: 'Two', subscriptionRequired: false } } });
    expect(patched.status).toBe(200);

    const [update, create] = await rows(box);
    expect(create?.properties).toMatchObject({
      targetResourceId: api,
      targetResourceType: 'microsoft.apimanagement/service/apis',
      changeType: 'Create',
      changeAttributes: { operation: 'Microsoft.ApiManagement/service/apis/write', changesCount: 3, previousResourceSnapshotId: null },
    });
    expect(update?.properties.changeType).toBe('Update');
    expect(update?.properties.changes).toEqual({
      'properties.displayName': { propertyChangeType: 'Update', changeCategory: 'User', previousValue: 'One', newValue: 'Two' },
      'properties.subscriptionRequired': { propertyChangeType: 'Update', changeCategory: 'User', previousValue: 'True', newValue: 'False' },
    });
    expect(update?.id).toMatch(new RegExp(`^${api}/providers/Microsoft.Resources/changes/\\d{20}_[0-9a-f-]{36}$`));
    expect(Date.parse(update?.changeTime ?? '')).toBeGreaterThan(Date.parse(create?.changeTime ?? ''));
  });

  it('deletes an entity with If-Match (and what is under it), records a Delete, and answers 204 for one that is gone', async () => {
    const box = await start();
    const product = `${legacyId}/products/starter`;
    const refused = await raw(box, 'DELETE', url(product), { headers: BEARER });
    expect(refused).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('If-Match header is required to delete a Product') as unknown } } });
    expect((await raw(box, 'DELETE', url(product), { headers: { ...BEARER, 'if-match': '"stale"' } })).status).toBe(412);
    expect(box.state.changes.size).toBe(0);

    expect((await raw(box, 'DELETE', url(product), { headers: { ...BEARER, 'if-match': '*' } })).status).toBe(200);
    expect((await raw(box, 'GET', url(product), { headers: BEARER })).status).toBe(404);
    expect((await raw(box, 'GET', url(`${product}/policies/policy`), { headers: BEARER })).status).toBe(404);
    expect((await raw(box, 'DELETE', url(product), { headers: { ...BEARER, 'if-match': '*' } })).status).toBe(204);

    const recorded = await rows(box);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.properties).toMatchObject({ targetResourceId: product, changeType: 'Delete', changeAttributes: { operation: 'Microsoft.ApiManagement/service/products/delete', newResourceSnapshotId: null } });
    expect(Object.values(recorded[0]?.properties.changes ?? {}).every((change) => change['propertyChangeType'] === 'Remove' && change['newValue'] === null)).toBe(true);
    // A diagnostic setting is deleted without If-Match (DiagnosticSettings_Delete takes none).
    const setting = `${legacyId.replace('apim-payments-legacy', 'apim-payments-prod-weu')}/providers/Microsoft.Insights/diagnosticSettings/send-to-law`;
    expect((await raw(box, 'DELETE', `${setting}?api-version=2021-05-01-preview`, { headers: BEARER })).status).toBe(200);
    expect((await rows(box))[0]?.properties.changeAttributes['operation']).toBe('Microsoft.Insights/diagnosticSettings/delete');
    // Entities the sandbox does not delete (named values, among others) answer 405.
    expect((await raw(box, 'DELETE', url(`${legacyId}/namedValues/ledger-key`), { headers: { ...BEARER, 'if-match': '*' } })).status).toBe(405);
  });

  it('names the caller from the token and the client from the token or the User-Agent', async () => {
    const box = await start();
    const patch = (headers: Record<string, string>, note: string) => raw(box, 'PATCH', url(legacyId), { headers, body: { tags: { note } } });
    await patch({ authorization: `Bearer ${sandboxUserToken({ upn: 'alice@contoso.example' })}` }, 'portal');
    // The service's systemData names the same person.
    expect((await raw(box, 'GET', url(legacyId), { headers: BEARER })).body).toMatchObject({ systemData: { lastModifiedBy: 'alice@contoso.example', lastModifiedByType: 'User' } });
    await patch({ ...BEARER, 'user-agent': 'AZURECLI/2.67.0 (MSI) azsdk-python-core/1.31.0' }, 'cli');
    await patch({ ...BEARER, 'user-agent': 'azsdk-js-arm-apimanagement/9.1.0 core-rest-pipeline/1.18.0' }, 'sdk');
    // A token whose claims carry control characters names nobody by them.
    const forged = `${Buffer.from('{}').toString('base64url')}.${Buffer.from(JSON.stringify({ upn: 'eve\n@x' })).toString('base64url')}.`;
    await patch({ authorization: `Bearer ${forged}` }, 'forged');

    const who = (await rows(box)).reverse().map((row) => {
      const { changedBy, changedByType, clientType } = row.properties.changeAttributes;
      return [changedBy, changedByType, clientType];
    });
    expect(who[0]).toEqual(['alice@contoso.example', 'User', 'Azure Portal']);
    // The opaque test token names nobody: an id derived from it, as Azure names an application.
    expect(who[1]).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), 'AppId', 'Azure CLI']);
    expect(who[2]).toEqual([who[1]?.[0], 'AppId', 'Unknown']);
    expect(who[3]?.[0]).not.toContain('eve');
    expect((await raw(box, 'GET', url(legacyId), { headers: BEARER })).body).toMatchObject({ systemData: { lastModifiedBy: who[3]?.[0], lastModifiedByType: 'Application' } });
  });

  it('records a long-running service PATCH once, when it completes, from the resource as the PATCH found it', async () => {
    const box = await start({ lro: { mode: 'apim', inProgressPolls: 2, retryAfterSeconds: 0 } });
    const accepted = await raw(box, 'PATCH', url(legacyId), { headers: BEARER, body: { properties: { publicNetworkAccess: 'Enabled', disableGateway: true } } });
    expect(accepted.status).toBe(202);
    expect(await rows(box)).toEqual([]);
    const poll = new URL(String(accepted.headers['azure-asyncoperation']));
    for (let i = 0; i < 3; i++) await raw(box, 'GET', `${poll.pathname}${poll.search}`, { headers: BEARER });

    const recorded = await rows(box);
    expect(recorded).toHaveLength(1);
    // provisioningState went Succeeded → Updating → Succeeded: not a change of the service.
    expect(Object.keys(recorded[0]?.properties.changes ?? {})).toEqual(['properties.disableGateway']);
  });

  it('records nothing for a write that changes nothing', async () => {
    const box = await start();
    const current = await raw(box, 'GET', url(legacyId), { headers: BEARER });
    const tags = (current.body as { tags: unknown }).tags;
    expect((await raw(box, 'PATCH', url(legacyId), { headers: BEARER, body: { tags } })).status).toBe(200);
    const product = `${legacyId}/products/internal`;
    const same = (await raw(box, 'GET', url(product), { headers: BEARER })).body as { properties: unknown };
    expect((await raw(box, 'PATCH', url(product), { headers: { ...BEARER, 'if-match': '*' }, body: { properties: same.properties } })).status).toBe(200);
    expect(box.state.changes.size).toBe(0);
  });

  it('keeps only the newest rows', async () => {
    const box = await start({ changeLogLimit: 3 });
    for (const note of ['1', '2', '3', '4', '5']) await raw(box, 'PATCH', url(legacyId), { headers: BEARER, body: { tags: { note } } });
    const kept = await rows(box);
    expect(kept.map((row) => row.properties.changes['tags.note']?.['newValue'])).toEqual(['5', '4', '3']);
  });

  it('filters by target (case-insensitively) and time, and types the extended columns in table results', async () => {
    const box = await start();
    await raw(box, 'PATCH', url(legacyId), { headers: BEARER, body: { tags: { note: 'first' } } });
    const [first] = await rows(box);
    await raw(box, 'PATCH', url(legacyId), { headers: BEARER, body: { tags: { note: 'second' } } });
    const query = [
      'resourcechanges',
      '| extend targetResourceId = tostring(properties.targetResourceId), changeTime = todatetime(properties.changeAttributes.timestamp)',
      `| where targetResourceId =~ '${legacyId.toUpperCase()}'`,
      `| where changeTime > datetime(${first?.changeTime ?? ''})`,
      '| project id, targetResourceId, changeTime, properties',
      '| order by changeTime desc, id asc',
    ].join('\n');
    expect((await rows(box, query)).map((row) => row.properties.changes['tags.note']?.['newValue'])).toEqual(['second']);
    expect(await rows(box, query.replace(legacyId.toUpperCase(), `${legacyId}x`))).toEqual([]);
    const table = await argClient(box).resources({ query, options: { resultFormat: 'table' } });
    expect((table.data as { columns: unknown[] }).columns).toEqual([
      { name: 'id', type: 'string' },
      { name: 'targetResourceId', type: 'string' },
      { name: 'changeTime', type: 'datetime' },
      { name: 'properties', type: 'object' },
    ]);
  });

  it.each([
    ['a relative time', 'resourcechanges | where properties.changeAttributes.timestamp > ago(1d) | project id | order by id asc', 'only properties.targetResourceUri'],
    ['a date that is not UTC ISO 8601', 'resourcechanges | extend t = todatetime(properties.changeAttributes.timestamp) | where t > datetime(2026-01-01 10:00) | project id | order by id asc', 'ISO 8601'],
    ['>= instead of >', 'resourcechanges | extend t = todatetime(properties.changeAttributes.timestamp) | where t >= datetime(2026-01-01T00:00:00Z) | project id | order by id asc', "'>='"],
    ['> with a string', "resourcechanges | extend t = todatetime(properties.changeAttributes.timestamp) | where t > '2026' | project id | order by id asc", 'datetime'],
    ['an extend outside properties', 'resourcechanges | extend t = tostring(tags.x) | project id | order by id asc', 'under properties'],
    ['another function in extend', 'resourcechanges | extend t = tolower(properties.changeType) | project id | order by id asc', 'tostring and todatetime'],
    ['extend after where', "resourcechanges | where id =~ 'x' | extend t = tostring(properties.changeType) | project id | order by id asc", 'before where'],
    ['an extend that shadows a column', 'resourcechanges | extend id = tostring(properties.changeType) | project id | order by id asc', 'new column'],
    ['a sort direction that is not asc or desc', 'resourcechanges | project id | order by id descending', "'asc' or 'desc'"],
  ])('refuses %s with a ParserFailure', async (_name, query, fragment) => {
    const box = await start();
    const error = await argClient(box).resources({ query }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(RestError);
    const body = (error as RestError).details as { error: { details: { code: string; message: string }[] } };
    expect(body.error.details[0]?.code).toBe('ParserFailure');
    expect(body.error.details[0]?.message).toContain(fragment);
  });
});
