import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import type { Evidence } from './types.js';
import {
  approvedConnections,
  connectionLabels,
  describeStatus,
  endpointConnections,
  isApproved,
  notInjectedBecause,
  virtualNetworkMode,
  VIRTUAL_NETWORK_TYPE_PATH,
} from './shared/network.js';
import { isConsumption, v2Tier } from './shared/sku.js';
import { isBlank } from './shared/values.js';

const VNET_EXPECTED = 'External or Internal (VNet injection), or an approved private endpoint';
/** Standard v2 has no VNet injection: only an inbound private endpoint isolates the gateway. */
const STANDARD_V2_EXPECTED = 'an approved private endpoint (StandardV2 has no VNet injection)';
const PREMIUM_V2_EXPECTED = 'Internal (VNet injection), or an approved private endpoint';

export default defineRule({
  meta: {
    id: 'APIM-005',
    title: 'The service has an approved private endpoint or is VNet-injected',
    failureTitle: 'No private endpoint or VNet injection',
    severity: 'high',
    category: 'network',
    pillar: 'security',
    needs: [],
    fix: 'manual',
    sources: {
      azqr: ['apim-004'],
      mcsb: ['NS-2'],
    },
    docs: {
      synopsis: 'Give clients a private path to the gateway: an approved inbound private endpoint, or VNet injection.',
      description:
        'Without network isolation every client, wanted or not, reaches the gateway over its public IP address, and the only controls left are in the API policies. An inbound private endpoint (Azure Private Link) puts the gateway on a private IP address in your virtual network; classic VNet injection (External or Internal mode) places the service itself in a subnet. The two are alternatives: inbound private endpoints are not supported on VNet-injected classic instances, so either one satisfies this rule.',
      recommendation:
        'Create a private endpoint for the gateway (group id "Gateway") in a subnet of your virtual network, approve the connection, and map the gateway host name to its private IP address in a private DNS zone. Where VNet injection is preferred (Developer and Premium tiers), deploy the service into a subnet in External or Internal mode instead. Then consider disabling public network access (APIM-004).',
      howChecked:
        'Reads properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status (compared case-insensitively) and properties.virtualNetworkType. Passes when at least one connection is "Approved", or when virtualNetworkType is "External" or "Internal". Fails otherwise: an absent, null or empty connection list, or only Pending, Rejected or Disconnected connections, with virtualNetworkType absent or "None". The evidence lists every connection that is not approved. virtualNetworkType is read by tier (sku.name, case-insensitive): on Developer and Premium, External and Internal are VNet injection; on PremiumV2 only Internal is injection; on StandardV2 and PremiumV2, External is outbound VNet integration, which leaves the gateway public and never passes, so on StandardV2 only an approved private endpoint passes.',
      notApplicableWhen:
        'The service is on the Consumption or BasicV2 tier, which support neither inbound private endpoints nor VNet injection (on BasicV2 the fix is a tier change).',
      examples: [
        {
          title: 'Azure CLI (create and approve an inbound private endpoint)',
          language: 'bash',
          code: [
            'apim_id=$(az apim show -g <rg> -n <name> --query id -o tsv)',
            'az network private-endpoint create -g <net-rg> -n pe-<name> --vnet-name <vnet> --subnet <subnet> \\',
            '  --private-connection-resource-id "$apim_id" --group-id Gateway --connection-name pe-<name>',
            '# if the connection is pending (manual approval):',
            'az rest --method put --url "https://management.azure.com$apim_id/privateEndpointConnections/pe-<name>?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"privateLinkServiceConnectionState":{"status":"Approved","description":"approved by the API team"}}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template (private endpoint for the gateway)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.Network/privateEndpoints',
              apiVersion: '2023-11-01',
              name: "[format('pe-{0}', parameters('apimName'))]",
              location: "[parameters('location')]",
              properties: {
                subnet: { id: "[parameters('subnetId')]" },
                privateLinkServiceConnections: [
                  {
                    name: "[format('pe-{0}', parameters('apimName'))]",
                    properties: {
                      privateLinkServiceId: "[resourceId('Microsoft.ApiManagement/service', parameters('apimName'))]",
                      groupIds: ['Gateway'],
                    },
                  },
                ],
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Only the gateway endpoint supports inbound private endpoints (not the developer portal or management endpoint), self-hosted and workspace gateways do not, and a service holds at most 100 connections. The Basic v2 tier supports neither private endpoints nor VNet injection, so the fix there is a tier change. On Standard v2 and Premium v2, virtualNetworkType External is outbound VNet integration: the gateway, management plane and developer portal stay public, so it does not count here. Premium v2 VNet injection (Internal, in a subnet delegated to Microsoft.Web/hostingEnvironments) can be chosen only when the service is created; the ARM value for it is unverified beyond public templates (docs/v2-tiers.md, U2). azqr apim-004 flags VNet-injected services as lacking a private endpoint; this rule counts VNet injection as the alternative it is. VNet injection changes the service\'s IP addresses and takes tens of minutes; it needs a dedicated subnet and NSG rules (3443 from the ApiManagement service tag, 6390 from AzureLoadBalancer).',
      links: [
        { title: 'Connect privately to API Management using an inbound private endpoint', url: 'https://learn.microsoft.com/azure/api-management/private-endpoint' },
        { title: 'Virtual network configuration concepts for API Management', url: 'https://learn.microsoft.com/azure/api-management/virtual-network-concepts' },
        { title: 'Azure API Management security baseline (NS-2)', url: 'https://learn.microsoft.com/security/benchmark/azure/baselines/api-management-security-baseline' },
      ],
    },
  },
  evaluate(service) {
    if (isConsumption(service)) {
      return notApplicable(() => `Service '${service.name}' is on the Consumption tier, which supports neither inbound private endpoints nor VNet injection.`);
    }
    const tier = v2Tier(service);
    if (tier === 'BasicV2') {
      return notApplicable(() => `Service '${service.name}' is on the BasicV2 tier, which supports neither inbound private endpoints nor VNet injection; isolating it needs a tier change (StandardV2 or PremiumV2).`);
    }
    const connections = endpointConnections(service);
    const approved = connections.filter(isApproved);
    if (approved.length > 0) {
      return pass(
        () => `Service '${service.name}' is reachable through ${approvedConnections(approved)}: ${connectionLabels(approved)}.`,
        () => approved.map((c) => evidence(c.path, c.status, 'Approved')),
      );
    }
    const vnetType = service.properties['virtualNetworkType'];
    const vnet = virtualNetworkMode(service);
    const expected = tier === 'StandardV2' ? STANDARD_V2_EXPECTED : tier === 'PremiumV2' ? PREMIUM_V2_EXPECTED : VNET_EXPECTED;
    if (vnet.kind === 'injection') {
      return pass(
        () => `Service '${service.name}' has no approved private endpoint but is injected into a virtual network in ${vnet.mode} mode, the alternative to an inbound private endpoint.`,
        () => [evidence(VIRTUAL_NETWORK_TYPE_PATH, vnetType, expected)],
      );
    }
    // Outbound integration (External on the v2 tiers) keeps the gateway public, so it isolates nothing.
    const notInjected = notInjectedBecause(vnet);
    const found: Evidence[] = [
      isBlank(vnetType)
        ? evidence(VIRTUAL_NETWORK_TYPE_PATH, undefined, expected, 'absent — platform default: None (not injected)')
        : evidence(VIRTUAL_NETWORK_TYPE_PATH, vnetType, expected, notInjected),
    ];
    const vnetClause = notInjected === undefined ? 'is not injected into a virtual network' : `is not injected into a virtual network (${notInjected})`;
    if (connections.length === 0) {
      const list = service.properties['privateEndpointConnections'];
      found.push(
        evidence(
          'properties.privateEndpointConnections',
          list,
          'at least one connection with status Approved',
          list === undefined ? 'absent — no private endpoint connections' : 'no private endpoint connections',
        ),
      );
      return fail(() => `Service '${service.name}' has no private endpoint connection and ${vnetClause}.`, found);
    }
    found.push(...connections.map((c) => evidence(c.path, c.status, 'Approved', `private endpoint connection '${c.label}' is not approved`)));
    return fail(
      () => `Service '${service.name}' has no approved private endpoint connection and ${vnetClause}; connections not approved: ${connections.map(describeStatus).join(', ')}.`,
      found,
    );
  },
});
