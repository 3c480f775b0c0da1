import { describe, expect, it } from 'vitest';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { auditEstate } from '../../src/engine/audit.js';
import { findRule } from '../../src/rules/index.js';
import { apimService, childOf, extensionOf, serviceId } from '../support/fixtures.js';

describe('normalizeEstate', () => {
  it('links separate child entries to their service by id, case-insensitively', () => {
    const service = apimService({ name: 'apim-a' });
    const api = childOf(service, 'apis/orders', 'Microsoft.ApiManagement/service/apis', { protocols: ['https'] });
    const upperCased = { ...api, id: String(api['id']).toUpperCase(), type: 'MICROSOFT.APIMANAGEMENT/SERVICE/APIS' };
    const estate = normalizeEstate([upperCased, service]);
    expect(estate.services).toHaveLength(1);
    expect(estate.services[0]?.children.apis?.map((c) => c.name)).toEqual(['orders']);
    expect(estate.stats.orphans).toBe(0);
  });

  it('reads PSRule export casing and nested resources, marking exported collections as collected', () => {
    const estate = normalizeEstate([
      {
        ResourceId: serviceId('apim-ps'),
        Name: 'apim-ps',
        Type: 'Microsoft.ApiManagement/service',
        Location: 'East US',
        Sku: { Name: 'Premium', Capacity: 2 },
        Zones: ['1', '2'],
        Identity: { Type: 'SystemAssigned' },
        Properties: { customProperties: {} },
        resources: [
          { Id: `${serviceId('apim-ps')}/apis/a`, Name: 'a', Type: 'Microsoft.ApiManagement/service/apis', Properties: { protocols: ['https'] } },
        ],
      },
    ]);
    const svc = estate.services[0];
    expect(svc).toMatchObject({ name: 'apim-ps', locationKey: 'eastus', sku: { name: 'Premium', capacity: 2 }, zones: ['1', '2'], identity: { type: 'SystemAssigned' } });
    expect(svc?.children.apis).toHaveLength(1);
    // Exported but empty: collected, so child rules can pass on "none" rather than say "needs".
    expect(svc?.children.products).toEqual([]);
    // Never exported by PSRule: still unknown.
    expect(svc?.children.subscriptions).toBeUndefined();
  });

  it('reads the uncommon spellings the fast paths skip: odd type casing, spaced locations, numeric zones, non-string tags, ids without their parts', () => {
    const tags = JSON.parse('{"env":"prod","__proto__":"kept","cost":12,"owner":null}') as Record<string, unknown>;
    const estate = normalizeEstate([
      {
        id: serviceId('apim-odd'),
        name: 'apim-odd',
        type: 'MICROSOFT.APIMANAGEMENT/SERVICE',
        location: 'West Europe',
        sku: { name: 'Premium', capacity: 1 },
        zones: [1, '2', null],
        tags,
        properties: {},
        ETAG: ' "0x1" ',
      },
    ]);
    const svc = estate.services[0];
    expect(svc).toMatchObject({ name: 'apim-odd', locationKey: 'westeurope', zones: ['1', '2'], etag: '"0x1"' });
    expect(svc?.subscriptionId).toBe(serviceId('apim-odd').split('/')[2]);
    expect(svc?.resourceGroup).toBe(serviceId('apim-odd').split('/')[4]);
    // Non-string tags are dropped; a tag named __proto__ stays a tag.
    expect(Object.entries(svc?.tags ?? {})).toEqual([
      ['env', 'prod'],
      ['__proto__', 'kept'],
    ]);
    expect(Object.getPrototypeOf(svc?.tags)).toBe(Object.prototype);
  });

  it('judges nested children with the service they are nested in, and warns when their ids disagree', () => {
    const estate = normalizeEstate([
      {
        ...apimService({ name: 'apim-b' }),
        resources: [childOf(apimService({ name: 'apim-other' }), 'apis/x', 'Microsoft.ApiManagement/service/apis', {})],
      },
    ]);
    expect(estate.services[0]?.children.apis).toHaveLength(1);
    expect(estate.stats.warnings.join(' ')).toMatch(/1 nested child resource has an id outside the service it is nested in; it was judged with that service\./);
  });

  it('counts unknown types, orphans and non-objects instead of failing', () => {
    const service = apimService({ name: 'apim-c' });
    const estate = normalizeEstate([
      service,
      { id: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/privateEndpoints/pe', type: 'Microsoft.Network/privateEndpoints' },
      { id: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/privateEndpoints/pe2', type: 'microsoft.network/privateendpoints' },
      childOf(apimService({ name: 'not-in-estate' }), 'apis/z', 'Microsoft.ApiManagement/service/apis', {}),
      null,
      42,
    ]);
    expect(estate.services).toHaveLength(1);
    expect(estate.stats.ignoredByType).toEqual({ 'microsoft.network/privateendpoints': 2 });
    expect(estate.stats.orphans).toBe(1);
    expect(estate.stats.invalidEntries).toBe(2);
    expect(estate.stats.warnings).toHaveLength(2);
  });

  it('keeps a broken service with the problem stated, so it is reported rather than dropped', () => {
    const noId = { ...apimService({ name: 'apim-noid' }), id: undefined };
    const nullProps = { ...apimService({ name: 'apim-null' }), properties: null };
    const estate = normalizeEstate([noId, nullProps]);
    expect(estate.services.map((s) => [s.name, s.problem])).toEqual([
      ['apim-noid', 'the entry has no resource id'],
      ['apim-null', 'properties is null'],
    ]);
    expect(estate.services[0]?.id).toBe('(entry #1, name "apim-noid")');
  });

  it('links autoscale settings through targetResourceUri and trims stray whitespace in ids', () => {
    const service = apimService({ name: 'apim-d' });
    const autoscale = {
      id: '/subscriptions/x/resourceGroups/y/providers/microsoft.insights/autoscalesettings/scale',
      type: 'microsoft.insights/autoscalesettings',
      properties: { enabled: true, targetResourceUri: String(service['id']).toLowerCase() },
    };
    const namedValue = { ...childOf(service, 'namedValues/nv', 'Microsoft.ApiManagement/service/namedValues', {}), id: `${String(service['id'])}/namedValues/nv ` };
    const estate = normalizeEstate([service, autoscale, namedValue]);
    expect(estate.services[0]?.children.autoscaleSettings).toHaveLength(1);
    expect(estate.services[0]?.children.namedValues?.[0]?.id.endsWith('/nv')).toBe(true);
  });

  it('records policy scope from the type', () => {
    const service = apimService({ name: 'apim-e' });
    const estate = normalizeEstate([
      service,
      childOf(service, 'policies/policy', 'Microsoft.ApiManagement/service/policies', { value: '<policies/>' }),
      childOf(service, 'apis/a/operations/o/policies/policy', 'Microsoft.ApiManagement/service/apis/operations/policies', { value: '<policies/>' }),
    ]);
    expect(estate.services[0]?.children.policies?.map((p) => p.policyScope)).toEqual(['global', 'operation']);
  });

  it('keeps only the first copy of a service listed twice', () => {
    const estate = normalizeEstate([apimService({ name: 'apim-f' }), apimService({ name: 'apim-f' })]);
    expect(estate.services).toHaveLength(1);
    expect(estate.stats.warnings[0]).toBe('1 service appears more than once; its first copy was audited.');
  });
});

describe('collectedChildren', () => {
  it('marks named collections as gathered, so an empty one means "none"', () => {
    const estate = normalizeEstate([{ ...apimService({ name: 'apim-g' }), collectedChildren: ['subscriptions', 'DiagnosticSettings', 'bogus'] }]);
    const svc = estate.services[0];
    expect(svc?.children.subscriptions).toEqual([]);
    expect(svc?.children.diagnosticSettings).toEqual([]);
    expect(svc?.children.apis).toBeUndefined();
    expect(estate.stats.warnings.join(' ')).toMatch(/1 entry of "collectedChildren" names no known child collection and was ignored\./);
  });
});

describe('children nested at any depth', () => {
  it('finds an API policy inside the API entry and an operation policy inside the operation entry', () => {
    const service = apimService({ name: 'apim-deep' });
    const api = childOf(service, 'apis/orders', 'Microsoft.ApiManagement/service/apis', {});
    const operation = childOf(service, 'apis/orders/operations/get', 'Microsoft.ApiManagement/service/apis/operations', {});
    const apiPolicy = childOf(service, 'apis/orders/policies/policy', 'Microsoft.ApiManagement/service/apis/policies', { value: '<policies/>' });
    const operationPolicy = childOf(service, 'apis/orders/operations/get/policies/policy', 'Microsoft.ApiManagement/service/apis/operations/policies', { value: '<policies/>' });
    const estate = normalizeEstate([{ ...service, resources: [{ ...api, resources: [apiPolicy, { ...operation, resources: [operationPolicy] }] }] }]);
    const children = estate.services[0]?.children;
    expect(children?.apis?.map((c) => c.name)).toEqual(['orders']);
    expect(children?.apiOperations?.map((c) => c.name)).toEqual(['get']);
    expect(children?.policies?.map((p) => p.policyScope)).toEqual(['api', 'operation']);
    expect(estate.stats.entries).toBe(5);
  });

  it('reads through containers it does not judge (a workspace) and nests under top-level children too', () => {
    const service = apimService({ name: 'apim-ws' });
    const workspace = childOf(service, 'workspaces/team-a', 'Microsoft.ApiManagement/service/workspaces', {});
    const wsApi = childOf(service, 'workspaces/team-a/apis/orders', 'Microsoft.ApiManagement/service/workspaces/apis', {});
    const wsApiPolicy = childOf(service, 'workspaces/team-a/apis/orders/policies/policy', 'Microsoft.ApiManagement/service/workspaces/apis/policies', { value: '<policies/>' });
    const wsProductPolicy = childOf(service, 'workspaces/team-a/products/p/policies/policy', 'Microsoft.ApiManagement/service/workspaces/products/policies', { value: '<policies/>' });
    const api = childOf(service, 'apis/graph', 'Microsoft.ApiManagement/service/apis', {});
    const resolverPolicy = childOf(service, 'apis/graph/resolvers/r/policies/policy', 'Microsoft.ApiManagement/service/apis/resolvers/policies', { value: '<http-data-source/>' });
    const estate = normalizeEstate([
      service,
      { ...workspace, resources: [{ ...wsApi, resources: [wsApiPolicy] }, wsProductPolicy] },
      { ...api, resources: [{ id: `${String(api['id'])}/resolvers/r`, type: 'Microsoft.ApiManagement/service/apis/resolvers', resources: [resolverPolicy] }] },
    ]);
    const policies = estate.services[0]?.children.policies ?? [];
    expect(policies.map((p) => [p.type.toLowerCase().replace('microsoft.apimanagement/service/', ''), p.policyScope])).toEqual([
      ['workspaces/apis/policies', 'api'],
      ['workspaces/products/policies', 'product'],
      ['apis/resolvers/policies', 'resolver'],
    ]);
    expect(estate.stats.ignoredByType).toEqual({
      'microsoft.apimanagement/service/workspaces': 1,
      'microsoft.apimanagement/service/workspaces/apis': 1,
      'microsoft.apimanagement/service/apis/resolvers': 1,
    });
  });
});

describe('incompleteChildren', () => {
  it('drops a kind read only in part and keeps the reason, so rules say which part is missing', () => {
    const service = apimService({ name: 'apim-part' });
    const policy = childOf(service, 'apis/a/policies/policy', 'Microsoft.ApiManagement/service/apis/policies', {
      value: '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>',
    });
    const reason = "policy documents could not be read completely: operations of API 'orders' could not be listed (403 the identity lacks read access)";
    const estate = normalizeEstate([
      { ...service, collectedChildren: ['apis', 'policies'], incompleteChildren: { policies: reason, nonsense: 'x', apis: 42 } },
      policy,
    ]);
    const svc = estate.services[0];
    expect(svc?.children.policies).toBeUndefined();
    expect(svc?.incompleteChildren).toEqual({ policies: reason });
    expect(estate.stats.warnings.join(' ')).toMatch(/2 entries of "incompleteChildren" name no known child collection or give no reason/);
    const rule = findRule('APIM-037');
    if (rule === undefined || svc === undefined) throw new Error('setup');
    const report = auditEstate(estate, { rules: [rule], now: new Date('2026-11-29T00:00:00Z'), source: 't', version: 't' });
    expect(report.results.map((r) => [r.outcome, r.reason])).toEqual([
      [
        'notChecked',
        `This rule was not checked: ${reason}. Run the audit again, or grant the identity read access to what is missing.`,
      ],
    ]);
  });
});

describe('estate files that name a kind', () => {
  const withLogs = apimService({ name: 'apim-logged' });
  const silent = apimService({ name: 'apim-silent' });
  const selfDescribed = { ...apimService({ name: 'apim-self' }), collectedChildren: ['apis'] };
  const setting = extensionOf(withLogs, 'Microsoft.Insights/diagnosticSettings', 'to-law', { workspaceId: 'law', logs: [{ categoryGroup: 'allLogs', enabled: true }] });

  it('judges a service without any diagnostic settings as having none when the file holds some for another service', () => {
    const estate = normalizeEstate([withLogs, silent, selfDescribed, setting]);
    const [logged, none, self] = estate.services;
    expect(logged?.children.diagnosticSettings).toHaveLength(1);
    expect(none?.children.diagnosticSettings).toEqual([]);
    // A service that lists collectedChildren speaks for itself.
    expect(self?.children.diagnosticSettings).toBeUndefined();
    // Kinds the file does not hold stay unknown.
    expect(none?.children.autoscaleSettings).toBeUndefined();
    expect(estate.stats.warnings).toContain('The file holds diagnostic settings for some services, so services without any were judged as having none.');
    const rule = findRule('APIM-020');
    if (rule === undefined) throw new Error('APIM-020 missing');
    const report = auditEstate(estate, { rules: [rule], now: new Date('2026-11-29T00:00:00Z'), source: 't', version: 't' });
    expect(report.results.map((r) => [r.serviceId.split('/').pop(), r.outcome])).toEqual([
      ['apim-logged', 'pass'],
      ['apim-silent', 'fail'],
      ['apim-self', 'notChecked'],
    ]);
  });

  it('applies to every kind read per service, and says nothing when a file holds none of them', () => {
    const kinds = [
      ['Microsoft.Insights/autoscaleSettings', 'autoscaleSettings', 'autoscale settings'],
      ['Microsoft.ApiManagement/service/portalconfigs', 'portalConfigs', 'developer portal configuration'],
      ['Microsoft.ApiManagement/service/portalsettings', 'portalSettings', 'developer portal settings'],
      ['Microsoft.ApiManagement/service/tenant', 'tenantAccess', 'tenant access settings'],
      ['Microsoft.Security/apiCollections', 'apiCollections', 'Defender for APIs collections'],
    ] as const;
    for (const [type, kind, label] of kinds) {
      const entry =
        kind === 'autoscaleSettings'
          ? { id: '/subscriptions/x/resourceGroups/y/providers/microsoft.insights/autoscalesettings/s', type, properties: { targetResourceUri: withLogs['id'] } }
          : kind === 'apiCollections'
            ? extensionOf(withLogs, type, 'orders', {})
            : childOf(withLogs, `${type.split('/').pop() ?? ''}/x`, type, {});
      const estate = normalizeEstate([withLogs, silent, entry]);
      expect(estate.services[1]?.children[kind], kind).toEqual([]);
      expect(estate.stats.warnings).toEqual([`The file holds ${label} for some services, so services without any were judged as having none.`]);
    }
    expect(normalizeEstate([withLogs, silent]).stats.warnings).toEqual([]);
    expect(normalizeEstate([withLogs, silent]).services[1]?.children.diagnosticSettings).toBeUndefined();
  });

  it('leaves a kind the service says is incomplete unknown', () => {
    const partial = { ...silent, incompleteChildren: { diagnosticSettings: 'the list could not be read (503)' } };
    const estate = normalizeEstate([withLogs, partial, setting]);
    expect(estate.services[1]?.children.diagnosticSettings).toBeUndefined();
  });
});
