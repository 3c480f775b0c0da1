import { describe, expect, it } from 'vitest';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { apimService, childOf, serviceId } from '../support/fixtures.js';

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

  it('judges nested children with the service they are nested in, and warns when their ids disagree', () => {
    const estate = normalizeEstate([
      {
        ...apimService({ name: 'apim-b' }),
        resources: [childOf(apimService({ name: 'apim-other' }), 'apis/x', 'Microsoft.ApiManagement/service/apis', {})],
      },
    ]);
    expect(estate.services[0]?.children.apis).toHaveLength(1);
    expect(estate.stats.warnings.join(' ')).toMatch(/1 nested child resources have ids outside/);
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
    expect(estate.stats.warnings[0]).toMatch(/appear more than once/);
  });
});

describe('collectedChildren', () => {
  it('marks named collections as gathered, so an empty one means "none"', () => {
    const estate = normalizeEstate([{ ...apimService({ name: 'apim-g' }), collectedChildren: ['subscriptions', 'DiagnosticSettings', 'bogus'] }]);
    const svc = estate.services[0];
    expect(svc?.children.subscriptions).toEqual([]);
    expect(svc?.children.diagnosticSettings).toEqual([]);
    expect(svc?.children.apis).toBeUndefined();
    expect(estate.stats.warnings.join(' ')).toMatch(/1 entries of "collectedChildren" name no known child collection/);
  });
});
