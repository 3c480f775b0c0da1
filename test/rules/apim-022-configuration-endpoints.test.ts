import rule from '../../src/rules/apim-022-configuration-endpoints.js';
import { apimService, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const service = apimService();
const consumption = apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } });
const v2 = (tier: string): Raw => apimService({ sku: { name: tier, capacity: 1 } });

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
      name: 'every entry disabled, gatewayAccess included',
      resources: [service, tenant('access', { enabled: false }), tenant('gitAccess', { enabled: false }), tenant('gatewayAccess', { enabled: false })],
      reason: "Tenant access setting 'gatewayAccess' has the self-hosted gateway configuration endpoint disabled.",
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
      name: 'every entry enabled: each fails with its own evidence',
      resources: [
        service,
        tenant('access', { enabled: true }),
        tenant('gitAccess', { enabled: 'TRUE' }),
        tenant('gatewayAccess', { enabled: true }),
      ],
      failing: ['access', 'gitAccess', 'gatewayAccess'],
      evidence: [
        { path: 'tenant/access: properties.enabled', actual: true },
        { path: 'tenant/gitAccess: properties.enabled', actual: 'TRUE' },
        { path: 'tenant/gatewayAccess: properties.enabled', actual: true },
      ],
    },
    {
      name: 'only the self-hosted gateway configuration endpoint enabled',
      resources: [service, tenant('access', { enabled: false }), tenant('gitAccess', { enabled: false }), tenant('gatewayAccess', { enabled: true })],
      reason: "Tenant access setting 'gatewayAccess' has the self-hosted gateway configuration endpoint enabled.",
      evidence: [{ path: 'tenant/gatewayAccess: properties.enabled', actual: true, expected: false }],
      failing: ['gatewayAccess'],
    },
    {
      name: 'an entry this rule has no description for is judged by its name',
      resources: [service, tenant('access', { enabled: false }), tenant('futureAccess', { enabled: true })],
      reason: "Tenant access setting 'futureAccess' has the configuration endpoint 'futureAccess' enabled.",
      evidence: [{ path: 'tenant/futureAccess: properties.enabled', actual: true, expected: false }],
      failing: ['futureAccess'],
    },
    ...['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'].map((name) => ({
      name: `an enabled entry named "${name}" is judged by its name (no prototype lookup)`,
      resources: [service, tenant(name, { enabled: true })],
      reason: `Tenant access setting '${name}' has the configuration endpoint '${name}' enabled.`,
      evidence: [{ path: `tenant/${name}: properties.enabled`, actual: true, expected: false }],
      failing: [name],
    })),
  ],
  notApplicable: [
    { name: 'Consumption tier', resources: [consumption, tenant('access', { enabled: true }, consumption)], reason: 'Consumption tier' },
    { name: 'enabled absent on the only entry', resources: [service, tenant('access', {})], reason: 'does not report properties.enabled' },
    { name: 'enabled null', resources: [service, tenant('gitAccess', { enabled: null })], reason: 'is not evaluated' },
    { name: 'gatewayAccess enabled as a string that is not a flag', resources: [service, tenant('gatewayAccess', { enabled: 'sometimes' })], reason: 'neither true nor false' },
    { name: 'Basic v2 tier', resources: [v2('BasicV2'), tenant('access', { enabled: true }, v2('BasicV2'))], reason: "is on the BasicV2 tier; the v2 tiers have no direct management API access" },
    { name: 'Standard v2 tier', resources: [v2('StandardV2'), tenant('gitAccess', { enabled: true }, v2('StandardV2'))], reason: 'is on the StandardV2 tier' },
    { name: 'Premium v2 tier (any casing)', resources: [v2('premiumv2'), tenant('access', { enabled: true }, v2('premiumv2'))], reason: 'is on the premiumv2 tier' },
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
    {
      name: 'gateway configuration endpoint enabled: PATCH tenant/gatewayAccess, held by an unmet precondition',
      resources: [service, tenant('gatewayAccess', { enabled: true })],
      summary: 'Disable the self-hosted gateway configuration endpoint',
      request: { method: 'PATCH', path: '/tenant/gatewayAccess', body: { properties: { enabled: false } } },
      changes: [{ path: 'tenant/gatewayAccess: properties.enabled', before: true, after: false }],
      preconditions: [{ description: 'No self-hosted gateway depends on the gateway configuration endpoint', satisfied: false }],
    },
  ],
});
