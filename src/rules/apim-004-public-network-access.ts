import type { ApimService } from '../estate/model.js';
import type { Evidence } from './types.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { approvedConnections, connectionLabels, describeStatus, endpointConnections, injectionMode, isApproved, notInjectedBecause, virtualNetworkMode } from './shared/network.js';
import { change, patchService, precondition, serviceAtRest } from './shared/fix-plans.js';
import { isConsumption, v2Tier } from './shared/sku.js';
import { equalsIgnoreCase, isBlank } from './shared/values.js';

export default defineRule({
  meta: {
    id: 'APIM-004',
    title: 'Public network access is disabled',
    failureTitle: 'Public network access enabled',
    severity: 'high',
    category: 'network',
    pillar: 'security',
    needs: [],
    fix: 'guarded',
    sources: {
      checkov: ['CKV_AZURE_174'],
      conformity: ['APIManagement-008'],
      mcsb: ['NS-2'],
    },
    docs: {
      synopsis: 'Once clients reach the gateway through an approved private endpoint, switch off its public endpoint.',
      description:
        'An inbound private endpoint gives clients on a private network a path to the gateway over Azure Private Link. As long as publicNetworkAccess stays "Enabled" (the default), the same gateway also answers on its public IP address, so the private endpoint adds a path instead of replacing one. With "Disabled", private endpoints are the exclusive access method.',
      recommendation:
        'After every legitimate caller (including CI/CD agents and the developer portal users) has moved to the private endpoint, set properties.publicNetworkAccess to "Disabled".',
      howChecked:
        'Reads properties.publicNetworkAccess (absent means "Enabled", the platform default; compared case-insensitively) and properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status. Fails when publicNetworkAccess is not "Disabled" and at least one connection is "Approved". Passes when it is "Disabled". properties.virtualNetworkType is read by tier (sku.name, case-insensitive): External or Internal on the classic tiers and Internal on PremiumV2 mean VNet injection; External on StandardV2 or PremiumV2 is outbound VNet integration, which leaves the gateway public, so such a service is judged on publicNetworkAccess like one without a virtual network.',
      notApplicableWhen:
        'The service is on the Consumption or BasicV2 tier (no inbound private endpoints, so public access cannot be disabled); it is injected into a virtual network (properties.virtualNetworkType External or Internal on Developer and Premium, Internal on PremiumV2), where inbound access is governed by the VNet mode and its network security group, and inbound private endpoints are not supported; or it has no approved private endpoint connection, because ARM refuses to disable public access then and doing so would cut off every caller (see APIM-005).',
      examples: [
        {
          title: 'Azure CLI (check for an approved private endpoint first)',
          language: 'bash',
          code: [
            '# 1. there must be at least one approved connection',
            'url="https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01"',
            'az rest --method get --url "$url" \\',
            '  --query "properties.privateEndpointConnections[?properties.privateLinkServiceConnectionState.status==\'Approved\'].name"',
            '# 2. then switch the public endpoint off',
            'az rest --method patch --url "$url" \\',
            '  --body \'{"properties":{"publicNetworkAccess":"Disabled"}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              properties: { publicNetworkAccess: 'Disabled' },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Blast radius: every caller not on the private network loses access at once, including the developer portal, CI/CD on public build agents and monitoring probes. ARM rejects "Disabled" at service creation and on services without an approved private endpoint connection (azure-rest-api-specs#24947), so the fix is guarded by re-reading the connections first. For Premium v2 instances injected into a VNet the property reportedly has no effect (unverified: from unmerged azure-docs pull requests). Outbound VNet integration on Standard v2 and Premium v2 (virtualNetworkType External) does not change who reaches the gateway, so it is no reason to skip the rule. Conformity APIManagement-008 likewise only flags services that have a private endpoint.',
      links: [
        { title: 'Connect privately to API Management using an inbound private endpoint', url: 'https://learn.microsoft.com/azure/api-management/private-endpoint' },
        { title: 'Azure API Management security baseline (NS-2)', url: 'https://learn.microsoft.com/security/benchmark/azure/baselines/api-management-security-baseline' },
        { title: 'API Management service – Update (REST API, publicNetworkAccess)', url: 'https://learn.microsoft.com/rest/api/apimanagement/api-management-service/update' },
      ],
    },
  },
  evaluate(service) {
    const skipped = notApplicableTier(service);
    if (skipped !== undefined) return notApplicable(skipped);
    const mode = injectionMode(service);
    if (mode !== undefined) {
      return notApplicable(
        () => `Service '${service.name}' is injected into a virtual network in ${mode} mode, so public access is governed by the VNet mode and its network security group rather than by publicNetworkAccess.`,
      );
    }
    // Outbound VNet integration (External on StandardV2/PremiumV2) leaves the gateway public: judged like no VNet.
    const integration = notInjectedBecause(virtualNetworkMode(service));
    const publicAccess = service.properties['publicNetworkAccess'];
    if (equalsIgnoreCase(publicAccess, 'Disabled')) {
      return pass(() => `Service '${service.name}' has public network access disabled; private endpoints are the only way in.`, () => [publicNetworkAccessEvidence(publicAccess)]);
    }
    const connections = endpointConnections(service);
    const approved = connections.filter(isApproved);
    if (approved.length === 0) {
      const waiting = connections.length === 0 ? '' : ` Connections not approved: ${connections.map(describeStatus).join(', ')}.`;
      return notApplicable(
        () => `Service '${service.name}' has no approved private endpoint connection, so disabling public network access would cut off every caller; add one first (see APIM-005).${waiting}`,
      );
    }
    const state = isBlank(publicAccess) ? 'publicNetworkAccess is absent, which means Enabled' : `publicNetworkAccess is "${String(publicAccess)}"`;
    return fail(
      () => `Service '${service.name}' still accepts traffic from the internet (${state}) although ${approvedConnections(approved)} (${connectionLabels(approved)}) can carry it${integration === undefined ? '' : `; ${integration}`}.`,
      () => [
        publicNetworkAccessEvidence(publicAccess),
        ...approved.map((c) => evidence(c.path, c.status, 'Approved', `private endpoint connection '${c.label}' is approved, so public access can be disabled`)),
      ],
    );
  },
  planFix(service, result) {
    if (notApplicableTier(service) !== undefined || injectionMode(service) !== undefined) return undefined;
    const publicAccess = service.properties['publicNetworkAccess'];
    if (equalsIgnoreCase(publicAccess, 'Disabled')) return undefined;
    const connections = endpointConnections(service);
    const approved = connections.filter(isApproved);
    const waiting = connections.filter((connection) => !isApproved(connection));
    const description = 'An approved private endpoint connection exists';
    // ARM refuses publicNetworkAccess "Disabled" without one, and it would cut off every caller.
    const endpoint =
      approved.length > 0
        ? precondition(description, true, `Service '${service.name}' has ${approvedConnections(approved)} (${connectionLabels(approved)}) to carry the traffic.`)
        : precondition(
            description,
            false,
            `Disabling public access needs an approved private endpoint; service '${service.name}' has none${waiting.length === 0 ? '' : ` (${waiting.map(describeStatus).join(', ')})`}. ${waiting.length === 0 ? 'Add one first (APIM-005).' : 'Approve the endpoint first.'}`,
          );
    return {
      resourceId: result.resourceId,
      summary: `Disable public network access on service '${service.name}', leaving private endpoints as the only way in.`,
      request: patchService(service, { properties: { publicNetworkAccess: 'Disabled' } }),
      changes: [change('properties.publicNetworkAccess', isBlank(publicAccess) ? undefined : publicAccess, 'Disabled')],
      preconditions: [endpoint, serviceAtRest(service)],
      blastRadius:
        'Every caller not on the private network loses access, including the developer portal and CI/CD pipelines on public agents.',
    };
  },
});

/** Tiers without inbound private endpoints, where publicNetworkAccess cannot be disabled: the reason, or `undefined`. */
/** What properties.publicNetworkAccess says, with the platform default when it is absent. */
function publicNetworkAccessEvidence(publicAccess: unknown): Evidence {
  return isBlank(publicAccess)
    ? evidence('properties.publicNetworkAccess', undefined, 'Disabled', 'absent — platform default: Enabled')
    : evidence('properties.publicNetworkAccess', publicAccess, 'Disabled');
}

function notApplicableTier(service: ApimService): string | undefined {
  const name = `Service '${service.name}'`;
  if (isConsumption(service)) {
    return `${name} is on the Consumption tier, which supports neither inbound private endpoints nor the publicNetworkAccess switch.`;
  }
  if (v2Tier(service) === 'BasicV2') {
    return `${name} is on the BasicV2 tier, which has no inbound private endpoints, so public network access cannot be disabled (a tier change is needed, see APIM-005).`;
  }
  return undefined;
}
