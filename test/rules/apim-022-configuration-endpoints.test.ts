import rule from '../../src/rules/apim-022-configuration-endpoints.js';
import { apimService, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const service = apimService();
const consumption = apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } });

function tenant(name: string, properties: Raw | null, owner: Raw = service): Raw {
  return childOf(owner, `tenant/${name}`, 'Microsoft.ApiManagement/service/tenant', properties);
}

ruleTester.run(rule, {
  pass: [
    {
      name: 'tenant access collected and empty',
      resources: [{ ...service, collectedChildren: ['tenantAccess'] }],
      reason: 'The service reports no tenant access entries, so no configuration endpoint is reported as enabled.',
    },
    {
      name: 'both endpoints disabled',
      resources: [service, tenant('access', { enabled: false }), tenant('gitAccess', { enabled: false })],
      reason: "Tenant access setting 'access' has the direct management REST API endpoint disabled.",
    },
    { name: 'only access reported, disabled', resources: [service, tenant('access', { enabled: false, principalId: 'integration' })] },
    { name: 'string "False" and upper-case names', resources: [service, tenant('ACCESS', { enabled: 'False' }), tenant('GITACCESS', { enabled: 'false' })] },
    {
      name: 'gitAccess without enabled next to a disabled access (absent entry not evaluated)',
      resources: [service, tenant('access', { enabled: false }), tenant('gitAccess', {})],
    },
    {
      name: 'gatewayAccess enabled is not judged',
      resources: [service, tenant('access', { enabled: false }), tenant('gatewayAccess', { enabled: true })],
    },
  ],
  fail: [
    {
      name: 'direct management API enabled (REST spec example shape)',
      resources: [service, tenant('access', { enabled: true })],
      reason: "Tenant access setting 'access' has the direct management REST API endpoint enabled.",
      evidence: [{ path: 'tenant/access: properties.enabled', actual: true, expected: false }],
      failing: ['access'],
    },
    {
      name: 'Git endpoint enabled as the string "True", case-insensitive name',
      resources: [service, tenant('access', { enabled: false }), tenant('GitAccess', { enabled: 'True' })],
      reason: 'Git configuration repository endpoint enabled',
      evidence: [{ path: 'tenant/GitAccess: properties.enabled', actual: 'True', expected: false }],
      failing: ['GitAccess'],
    },
    {
      name: 'mixed entries: both legacy endpoints enabled, gateway entry ignored',
      resources: [
        service,
        tenant('access', { enabled: true }),
        tenant('gitAccess', { enabled: 'TRUE' }),
        tenant('gatewayAccess', { enabled: true }),
      ],
      failing: ['access', 'gitAccess'],
      evidence: [
        { path: 'tenant/access: properties.enabled', actual: true },
        { path: 'tenant/gitAccess: properties.enabled', actual: 'TRUE' },
      ],
    },
  ],
  notApplicable: [
    { name: 'Consumption tier', resources: [consumption, tenant('access', { enabled: true }, consumption)], reason: 'Consumption tier' },
    { name: 'enabled absent on the only entry', resources: [service, tenant('access', {})], reason: 'does not report properties.enabled' },
    { name: 'enabled null', resources: [service, tenant('gitAccess', { enabled: null })], reason: 'is not evaluated' },
    { name: 'only the gateway configuration entry', resources: [service, tenant('gatewayAccess', { enabled: true })], reason: 'does not judge it' },
    ...['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'].map((name) => ({
      name: `an enabled entry named "${name}" is not an endpoint (no prototype lookup)`,
      resources: [service, tenant(name, { enabled: true })],
      reason: `Tenant access setting '${name}' is not the direct management (access) or Git (gitAccess) endpoint; this rule does not judge it.`,
    })),
  ],
  notChecked: [
    { name: 'tenant access not collected', resources: [service], reason: 'needs tenant access settings' },
  ],
  error: [{ name: 'tenant entry with null properties', resources: [service, tenant('access', null)], reason: 'properties is null' }],
  fix: [
    {
      name: 'direct management API enabled: PATCH tenant/access',
      resources: [service, tenant('access', { enabled: true, principalId: 'integration' }), tenant('gitAccess', { enabled: false })],
      summary: "Disable the direct management REST API endpoint of service 'apim-test' (tenant/access).",
      request: { method: 'PATCH', path: '/tenant/access', apiVersion: '2024-05-01', body: { properties: { enabled: false } } },
      changes: [{ path: 'tenant/access: properties.enabled', before: true, after: false }],
      preconditions: [],
    },
    {
      name: 'Git endpoint enabled as the string "True": PATCH tenant/gitAccess',
      resources: [service, tenant('access', { enabled: true }), tenant('GitAccess', { enabled: 'True' })],
      resource: 'GitAccess',
      summary: 'Disable the Git configuration repository endpoint',
      request: { path: '/tenant/GitAccess', body: { properties: { enabled: false } } },
      changes: [{ path: 'tenant/GitAccess: properties.enabled', before: 'True', after: false }],
    },
  ],
});
