import { describe, expect, it } from 'vitest';
import { actionSet, linkedActions, RbacActionError, requestAction, requiredActions, resourceTypeOf } from '../../src/remediation/rbac-actions.js';

const SERVICE = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-apim/providers/Microsoft.ApiManagement/service/apim-test';
const WORKSPACE = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-sec';
const IDENTITY = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-apim';
const SUBNET = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apim';
const DIAGNOSTICS = `${SERVICE}/providers/Microsoft.Insights/diagnosticSettings/apim-posture`;

describe('requestAction', () => {
  it.each([
    ['PATCH', SERVICE, 'Microsoft.ApiManagement/service/write'],
    ['PUT', SERVICE, 'Microsoft.ApiManagement/service/write'],
    ['PATCH', `${SERVICE}/apis/orders`, 'Microsoft.ApiManagement/service/apis/write'],
    ['PATCH', `${SERVICE}/tenant/access`, 'Microsoft.ApiManagement/service/tenant/write'],
    ['PATCH', `${SERVICE}/portalconfigs/default`, 'Microsoft.ApiManagement/service/portalconfigs/write'],
    ['PUT', `${SERVICE}/apis/orders/policies/policy`, 'Microsoft.ApiManagement/service/apis/policies/write'],
    ['PUT', DIAGNOSTICS, 'Microsoft.Insights/diagnosticSettings/write'],
    ['PUT', `${SERVICE}/providers/Microsoft.Security/apiCollections/orders`, 'Microsoft.Security/apiCollections/write'],
    ['PUT', '/subscriptions/s/providers/Microsoft.Security/pricings/Api', 'Microsoft.Security/pricings/write'],
    ['PATCH', `${SERVICE}/`, 'Microsoft.ApiManagement/service/write'],
  ] as const)('%s %s needs %s', (method, path, action) => {
    expect(requestAction({ method, path })).toBe(action);
  });

  it('keeps the casing of the path (RBAC compares without regard to case)', () => {
    expect(requestAction({ method: 'PATCH', path: SERVICE.replace('Microsoft.ApiManagement', 'microsoft.apimanagement') })).toBe('microsoft.apimanagement/service/write');
  });

  it.each([
    ['', 'not an ARM resource path'],
    ['subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/x', 'not an ARM resource path'],
    ['/tenants/t/providers/Microsoft.ApiManagement/service/x', 'no subscription'],
    ['/subscriptions/s/resourceGroups/rg', 'no providers/ segment'],
    ['/subscriptions/s/resourceGroups', 'no resource group name'],
    ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service', 'a type without a name'],
    ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement', 'a provider without a resource'],
    ['/subscriptions/s/resourceGroups/rg/providers/apimanagement/service/x', 'no provider namespace'],
    ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/x/../y', 'empty or unsafe segment'],
    ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/x?api-version=1', 'empty or unsafe segment'],
    ['/subscriptions/s/resourceGroups/rg//providers/Microsoft.ApiManagement/service/x', 'empty or unsafe segment'],
    ['/subscriptions/s/resourceGroups/rg/things/Microsoft.ApiManagement/service/x', 'expected providers/'],
  ])('refuses %j (%s)', (path, message) => {
    expect(() => requestAction({ method: 'PATCH', path })).toThrow(RbacActionError);
    expect(() => requestAction({ method: 'PATCH', path })).toThrow(message);
  });

  it('refuses a method it has no verb for', () => {
    expect(() => requestAction({ method: 'DELETE' as never, path: SERVICE })).toThrow('no RBAC verb recorded for method "DELETE"');
  });

  it('refuses a path that is not a string', () => {
    expect(() => resourceTypeOf(42 as never)).toThrow(RbacActionError);
  });
});

describe('linkedActions', () => {
  it('asks for assign/action on every user-assigned identity the body sends', () => {
    const body = { identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [IDENTITY]: {} } } };
    expect(linkedActions({ path: SERVICE, body })).toEqual([
      { action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', scope: IDENTITY, kind: 'linked', field: 'identity.userAssignedIdentities.{}' },
    ]);
  });

  it('asks for sharedKeys/action on the workspace a diagnostic setting sends logs to', () => {
    expect(linkedActions({ path: DIAGNOSTICS, body: { properties: { workspaceId: WORKSPACE, logs: [] } } })).toEqual([
      { action: 'Microsoft.OperationalInsights/workspaces/sharedKeys/action', scope: WORKSPACE, kind: 'linked', field: 'properties.workspaceId' },
    ]);
  });

  it('asks for subnets/join/action on the subnet of a re-sent additional location', () => {
    const body = { properties: { additionalLocations: [{ location: 'North Europe', virtualNetworkConfiguration: { subnetResourceId: SUBNET } }] } };
    expect(linkedActions({ path: SERVICE, body }).map((required) => [required.action, required.scope])).toEqual([['Microsoft.Network/virtualNetworks/subnets/join/action', SUBNET]]);
  });

  it('ignores strings that are not resource ids', () => {
    expect(linkedActions({ path: `${SERVICE}/backends/b`, body: { properties: { url: 'https://ledger.contoso.com/subscriptions/x/resourceGroups/y/providers/z' } } })).toEqual([]);
  });

  it('refuses a resource id at a field whose linked permission is not recorded', () => {
    const body = { properties: { storageAccountId: WORKSPACE.replace('Microsoft.OperationalInsights/workspaces', 'Microsoft.Storage/storageAccounts') } };
    expect(() => linkedActions({ path: DIAGNOSTICS, body })).toThrow(RbacActionError);
    expect(() => linkedActions({ path: DIAGNOSTICS, body })).toThrow('at properties.storageAccountId, and no linked permission is recorded for that field');
  });

  it('refuses a recorded field on a request of another type', () => {
    expect(() => linkedActions({ path: SERVICE, body: { properties: { workspaceId: WORKSPACE } } })).toThrow('at properties.workspaceId');
  });

  it('refuses a resource id used as an unknown object key', () => {
    expect(() => linkedActions({ path: SERVICE, body: { properties: { [WORKSPACE]: true } } })).toThrow('at properties.{}');
  });
});

describe('requiredActions and actionSet', () => {
  it('lists the request action first, then the linked ones', () => {
    expect(requiredActions({ method: 'PUT', path: DIAGNOSTICS, body: { properties: { workspaceId: WORKSPACE } } }).map((required) => required.kind)).toEqual(['request', 'linked']);
  });

  it('merges actions that differ only in casing and sorts them', () => {
    expect(
      actionSet([
        { method: 'PATCH', path: `${SERVICE}/portalconfigs/default`, body: {} },
        { method: 'PATCH', path: `${SERVICE}/portalConfigs/other`, body: {} },
        { method: 'PATCH', path: `${SERVICE}/apis/orders`, body: {} },
      ]),
    ).toEqual(['Microsoft.ApiManagement/service/apis/write', 'Microsoft.ApiManagement/service/portalconfigs/write']);
  });
});
