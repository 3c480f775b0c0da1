/**
 * Child-resource builders shared by several rule tests: policy documents (APIM-036, APIM-037),
 * Defender for Cloud assessments (APIM-038, APIM-039) and inline private endpoint connections
 * (APIM-004, APIM-005).
 */
import { childOf, serviceId, type Raw } from '../support/fixtures.js';

/** Where each policy scope lives below the service, and its ARM type. */
const POLICY_SCOPES = {
  global: ['policies/policy', 'Microsoft.ApiManagement/service/policies'],
  api: ['apis/orders/policies/policy', 'Microsoft.ApiManagement/service/apis/policies'],
  operation: ['apis/orders/operations/get-order/policies/policy', 'Microsoft.ApiManagement/service/apis/operations/policies'],
  product: ['products/partners/policies/policy', 'Microsoft.ApiManagement/service/products/policies'],
  resolver: ['apis/graph/resolvers/get-user/policies/policy', 'Microsoft.ApiManagement/service/apis/resolvers/policies'],
  workspace: ['workspaces/team-a/policies/policy', 'Microsoft.ApiManagement/service/workspaces/policies'],
  workspaceApi: ['workspaces/team-a/apis/billing/policies/policy', 'Microsoft.ApiManagement/service/workspaces/apis/policies'],
  workspaceOperation: ['workspaces/team-a/apis/billing/operations/pay/policies/policy', 'Microsoft.ApiManagement/service/workspaces/apis/operations/policies'],
  workspaceProduct: ['workspaces/team-a/products/internal/policies/policy', 'Microsoft.ApiManagement/service/workspaces/products/policies'],
} as const;

export type PolicyScopeName = keyof typeof POLICY_SCOPES;

/** `policy(scope, properties)` and `xml(scope, value, format = 'xml')`: policy documents under `service`. */
export function policyFixtures(service: Raw) {
  const policy = (scope: PolicyScopeName, properties: Raw | null): Raw => {
    const [path, type] = POLICY_SCOPES[scope];
    return childOf(service, path, type, properties);
  };
  const xml = (scope: PolicyScopeName, value: string, format: unknown = 'xml'): Raw => policy(scope, { format, value });
  return { policy, xml };
}

/**
 * `assessment(operation, properties, name = guid)`: a Defender assessment on an API operation, as
 * ARG's securityresources table returns it; `status(operation, code, extra)`: one with a status and
 * the recommendation's display name.
 */
export function assessmentFixtures(service: Raw, guid: string, displayName: string) {
  const id = String(service['id']);
  const assessment = (operation: string, properties: Raw | null, name = guid): Raw => ({
    id: `${id}/${operation}/providers/Microsoft.Security/assessments/${name}`,
    name,
    type: 'microsoft.security/assessments',
    properties,
  });
  const status = (operation: string, code: unknown, extra: Raw = {}): Raw =>
    assessment(operation, { displayName, resourceDetails: { Source: 'Azure', Id: `${id}/${operation}` }, status: { code, ...extra } });
  return { assessment, status };
}

/** An inline private endpoint connection of service `apim-test`, as ARM GET and ARG return it. */
export function privateEndpointConnection(name: string, status: string | null): Raw {
  return {
    id: `${serviceId('apim-test')}/privateEndpointConnections/${name}`,
    name,
    type: 'Microsoft.ApiManagement/service/privateEndpointConnections',
    properties: {
      privateEndpoint: { id: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/${name}` },
      privateLinkServiceConnectionState: { status, description: '', actionsRequired: 'None' },
      provisioningState: 'Succeeded',
      groupIds: ['Gateway'],
    },
  };
}
