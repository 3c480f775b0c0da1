/**
 * Estates on which every fixable rule fails and plans its fix, one or more per rule, chosen so that
 * together they cover every shape of request the plans send: each request path kind (service,
 * child, extension resource) and every body field that names another resource (a user-assigned
 * identity re-sent by APIM-003, the subnet and public IP of an additional region re-sent by APIM-012,
 * the workspace of APIM-020). The remediation role in infra/ is checked against the actions these
 * plans need (test/infra/remediation-role.test.ts, scripts/role-actions.ts).
 */
import { evaluateRule } from '../../src/engine/evaluate.js';
import { resolveRuleOptions } from '../../src/engine/options.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import type { FixPlan } from '../../src/contracts/fix-plan.js';
import { planFixFor } from '../../src/remediation/plan-fix.js';
import type { AnyRule } from '../../src/rules/types.js';
import { apimService, childOf, extensionOf, GATEWAY, hardenedCustomProperties, type Raw } from '../support/fixtures.js';
import { privateEndpointConnection } from '../rules/child-fixtures.js';

export interface PlanFixture {
  readonly name: string;
  readonly resources: readonly Raw[];
  readonly options?: Record<string, unknown>;
}

const NOW = new Date('2026-06-01T00:00:00Z');
const SUBSCRIPTION = '/subscriptions/00000000-0000-0000-0000-000000000001';
const IDENTITY = `${SUBSCRIPTION}/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-apim`;
const SUBNET = `${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-neu/subnets/snet-apim`;
const PUBLIC_IP = `${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/publicIPAddresses/pip-apim-neu`;
const WORKSPACE = `${SUBSCRIPTION}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-sec`;

const service = apimService();
const child = (path: string, type: string, properties: Raw | null): Raw => childOf(service, path, type, properties);
const api = (name: string, properties: Raw): Raw => child(`apis/${name}`, 'Microsoft.ApiManagement/service/apis', { displayName: name, path: name, isCurrent: true, ...properties });
const backend = (name: string, properties: Raw): Raw => child(`backends/${name}`, 'Microsoft.ApiManagement/service/backends', properties);
const product = (name: string, properties: Raw): Raw => child(`products/${name}`, 'Microsoft.ApiManagement/service/products', { displayName: name, state: 'published', ...properties });
const flags = (changes: Record<string, string>): Raw => apimService({ properties: { customProperties: { ...hardenedCustomProperties(), ...changes } } });

/** Keyed by rule id; every rule whose meta.fix is not manual must have an entry (the role test checks). */
export const PLAN_FIXTURES: Readonly<Record<string, readonly PlanFixture[]>> = {
  'APIM-001': [{ name: 'client TLS 1.0 on', resources: [flags({ [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' })] }],
  'APIM-002': [{ name: 'TripleDes168 on', resources: [flags({ [`${GATEWAY}.Security.Ciphers.TripleDes168`]: 'True' })] }],
  'APIM-003': [
    { name: 'no identity block', resources: [apimService({ identity: null })] },
    { name: 'type None with a user-assigned identity left in the map (re-sent)', resources: [apimService({ identity: { type: 'None', userAssignedIdentities: { [IDENTITY]: {} } } })] },
  ],
  'APIM-004': [
    { name: 'public access on with an approved private endpoint', resources: [apimService({ properties: { publicNetworkAccess: 'Enabled', privateEndpointConnections: [privateEndpointConnection('pe-weu', 'Approved')] } })] },
  ],
  'APIM-008': [{ name: 'no zones in a zone-capable region', resources: [apimService({ zones: null })] }],
  'APIM-009': [{ name: 'two zones and one unit', resources: [apimService({ zones: ['1', '2'], sku: { name: 'Premium', capacity: 1 } })] }],
  'APIM-012': [
    {
      name: 'VNet-injected additional region with its gateway disabled (the whole array is re-sent)',
      resources: [
        apimService({
          properties: {
            virtualNetworkType: 'External',
            additionalLocations: [
              { location: 'North Europe', sku: { name: 'Premium', capacity: 1 }, zones: null, disableGateway: true, virtualNetworkConfiguration: { subnetResourceId: SUBNET }, publicIpAddressId: PUBLIC_IP },
            ],
          },
        }),
      ],
    },
  ],
  'APIM-014': [{ name: 'no minimum API version', resources: [apimService({ properties: { apiVersionConstraint: undefined } })] }],
  'APIM-018': [{ name: 'Consumption service without client certificates', resources: [apimService({ sku: { name: 'Consumption', capacity: 0 }, zones: null, properties: { enableClientCertificate: false } })] }],
  'APIM-020': [
    { name: 'no diagnostic settings, workspace configured', resources: [{ ...service, collectedChildren: ['diagnosticSettings'] }], options: { workspaceId: WORKSPACE } },
    { name: 'no diagnostic settings, no workspace configured', resources: [{ ...service, collectedChildren: ['diagnosticSettings'] }] },
  ],
  'APIM-021': [
    {
      name: 'a REST API not onboarded to Defender for APIs',
      resources: [service, api('orders', { protocols: ['https'] }), api('payments', { protocols: ['https'] }), extensionOf(service, 'Microsoft.Security/apiCollections', 'payments', { provisioningState: 'Succeeded' })],
    },
  ],
  'APIM-022': [{ name: 'direct management API enabled', resources: [service, child('tenant/access', 'Microsoft.ApiManagement/service/tenant', { enabled: true })] }],
  'APIM-023': [
    {
      name: 'portal basic sign-in on',
      resources: [
        service,
        child('portalconfigs/default', 'Microsoft.ApiManagement/service/portalconfigs', { enableBasicAuth: true, signin: { require: true }, signup: { termsOfService: { requireConsent: false } } }),
        child('identityProviders/aad', 'Microsoft.ApiManagement/service/identityProviders', { type: 'aad', clientId: 'app' }),
      ],
    },
  ],
  'APIM-024': [{ name: 'API accepting http', resources: [service, api('orders', { protocols: ['https', 'http'] })] }],
  'APIM-025': [
    { name: 'backend over http', resources: [{ ...service, resources: [backend('ledger', { protocol: 'http', url: 'http://ledger.contoso.com/api/v1' })] }] },
    { name: 'API service URL over http', resources: [{ ...service, resources: [api('orders', { protocols: ['https'], serviceUrl: 'http://orders.contoso.com' })] }] },
  ],
  'APIM-026': [{ name: 'backend chain validation off', resources: [service, backend('orders', { url: 'https://orders.contoso.com', protocol: 'http', tls: { validateCertificateChain: false, validateCertificateName: true } })] }],
  'APIM-030': [{ name: 'open product', resources: [service, product('orders', { subscriptionRequired: false })] }],
  'APIM-031': [{ name: 'product without approval', resources: [service, product('orders', { subscriptionRequired: true, approvalRequired: false })] }],
};

/** The plans of every failing result of `rule` on the fixture, as the remediation flow makes them. */
export function plansFor(rule: AnyRule, fixture: PlanFixture): FixPlan[] {
  const context = { now: NOW, options: resolveRuleOptions(rule, fixture.options) };
  const plans: FixPlan[] = [];
  for (const service of normalizeEstate(fixture.resources).services) {
    for (const result of evaluateRule(rule, service, context)) {
      const plan = planFixFor(rule, service, result, context);
      if (plan !== undefined) plans.push(plan);
    }
  }
  return plans;
}
