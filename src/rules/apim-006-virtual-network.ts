import { z } from 'zod';
import type { ApimService } from '../estate/model.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import type { Evidence } from './types.js';
import { endpointConnections, isApproved, notInjectedBecause, virtualNetworkMode, VIRTUAL_NETWORK_TYPE_PATH, type VirtualNetworkMode } from './shared/network.js';
import { v2Tier } from './shared/sku.js';
import { quoted } from './shared/text.js';
import { equalsIgnoreCase, includesIgnoringCase, isBlank, readPath, type PropertyPath } from './shared/values.js';

const options = z.object({
  /**
   * Tiers the check evaluates: Azure Policy ef619a2c's `evaluatedSkuNames` (Developer, Premium) plus
   * PremiumV2, the only v2 tier with VNet injection. BasicV2 and StandardV2 are never evaluated.
   */
  skus: z.array(z.string().trim().min(1)).min(1).default(['Developer', 'Premium', 'PremiumV2']),
});

const VNET_EXPECTED = 'External or Internal';
/** On Premium v2, External is outbound integration; only Internal is injection. */
const PREMIUM_V2_EXPECTED = 'Internal (VNet injection)';
const SUBNET: PropertyPath = ['virtualNetworkConfiguration', 'subnetResourceId'];
const SUBNET_PATH = 'properties.virtualNetworkConfiguration.subnetResourceId';

/** Adds the configured subnet, when the service reports one; shown with every verdict that judges the service. */
function withSubnet(found: Evidence[], service: ApimService, vnet: VirtualNetworkMode): Evidence[] {
  const subnet = readPath(service.properties, SUBNET);
  if (isBlank(subnet)) return found;
  found.push(
    vnet.kind === 'injection'
      ? evidence(SUBNET_PATH, subnet, 'a subnet resource id', 'the subnet the service is injected into')
      : vnet.kind === 'integration'
        ? evidence(SUBNET_PATH, subnet, 'a subnet resource id, used with virtualNetworkType Internal', 'the subnet carries outbound VNet integration only; the service is not injected into it')
        : evidence(SUBNET_PATH, subnet, 'a subnet resource id, used with virtualNetworkType External or Internal', 'a subnet is configured, but the service is not injected into it'),
  );
  return found;
}

/**
 * The not-applicable reason for a service that is not injected but has an approved inbound private
 * endpoint. It says "isolated" only when publicNetworkAccess is Disabled: with Enabled (or absent,
 * the default) the gateway still answers on its public endpoint.
 */
function privateEndpointInstead(service: ApimService, names: string): string {
  const name = `Service '${service.name}'`;
  const alternatives = 'VNet injection and inbound private endpoints are alternatives (see APIM-005)';
  const publicAccess = service.properties['publicNetworkAccess'];
  if (equalsIgnoreCase(publicAccess, 'Disabled')) {
    return `${name} is isolated by an approved inbound private endpoint (${names}) with public network access disabled, instead of VNet injection; ${alternatives}.`;
  }
  const state = isBlank(publicAccess) ? 'publicNetworkAccess is absent, which means Enabled' : `publicNetworkAccess is "${String(publicAccess)}"`;
  return `${name} has an approved inbound private endpoint (${names}) instead of VNet injection; ${alternatives}. Its gateway still accepts public traffic (${state}), which APIM-004 checks.`;
}

export default defineRule({
  meta: {
    id: 'APIM-006',
    title: 'The service is deployed into a virtual network',
    failureTitle: 'Not deployed into a virtual network',
    severity: 'medium',
    category: 'network',
    pillar: 'security',
    needs: [],
    fix: 'manual',
    sources: {
      azurePolicy: ['ef619a2c-cc4d-4d03-b2ba-8c94a834d85b'],
      checkov: ['CKV_AZURE_107'],
      mcsb: ['NS-1'],
    },
    docs: {
      synopsis: 'Inject Developer and Premium services into a virtual network in External or Internal mode, and Premium v2 services in Internal mode.',
      description:
        'VNet injection places the API Management service in a subnet of your virtual network. The gateway can then reach backends that have no public endpoint, network security groups control who reaches the service, and in Internal mode the gateway, developer portal and management endpoint have no public address at all. A service that is not injected (virtualNetworkType "None", the default) is a public endpoint that can reach only public backends.',
      recommendation:
        'Deploy the service into a dedicated subnet in Internal mode (behind Application Gateway or Front Door for internet callers) or External mode. Where an inbound private endpoint is preferred instead, APIM-005 covers it: the two are alternatives and cannot be combined on classic tiers.',
      howChecked:
        'Reads sku.name and, for the evaluated tiers (option skus, default Developer, Premium and PremiumV2, compared case-insensitively), properties.virtualNetworkType: on Developer and Premium, "External" or "Internal" (any casing) passes; on PremiumV2 only "Internal" (VNet injection) passes, because "External" there is outbound VNet integration, which leaves the gateway public. Absent (platform default None), "None" or any other value fails. properties.virtualNetworkConfiguration.subnetResourceId is shown as evidence when present. This follows Azure Policy ef619a2c (evaluatedSkuNames Developer, Premium; virtualNetworkType missing or None), extended to PremiumV2.',
      notApplicableWhen:
        'The service is on BasicV2 or StandardV2, which have no VNet injection (whatever the option skus says); on another tier outside the option skus (by default anything but Developer, Premium and PremiumV2), or its tier is not reported; or it is not injected but has an approved inbound private endpoint instead (VNet injection and inbound private endpoints are alternatives, see APIM-005; whether public access is also disabled is APIM-004\'s check).',
      examples: [
        {
          title: 'Azure CLI (inject into a subnet in Internal mode)',
          language: 'bash',
          code: [
            'subnet=$(az network vnet subnet show -g <net-rg> --vnet-name <vnet> -n snet-apim --query id -o tsv)',
            'az rest --method patch --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body "{\\"properties\\":{\\"virtualNetworkType\\":\\"Internal\\",\\"virtualNetworkConfiguration\\":{\\"subnetResourceId\\":\\"$subnet\\"}}}"',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              sku: { name: 'Premium', capacity: 1 },
              properties: {
                virtualNetworkType: 'Internal',
                virtualNetworkConfiguration: {
                  subnetResourceId: "[resourceId(parameters('vnetResourceGroup'), 'Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), 'snet-apim')]",
                },
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Injection needs a dedicated subnet with an NSG that allows 3443 from the ApiManagement service tag and 6390 from AzureLoadBalancer, plus DNS for Internal mode. It changes the service\'s IP addresses and takes tens of minutes; the Developer tier has downtime. Depending on the API version and region, an stv2 service may also need a Standard SKU public IP address (publicIpAddressId) in the same region and subscription. Values other than External, Internal and None cannot come from Azure; they fail here, whereas the Azure Policy would let them through. No fix is planned on any tier (manual rule); on Premium v2 none is possible in place: VNet injection can be chosen only when the service is created, and a service cannot be switched between integration and injection, so a Premium v2 finding needs a new service. Premium v2 injection is read as virtualNetworkType Internal, as public templates deploy it; Learn shows only the portal flow (unverified, docs/v2-tiers.md U2). Whether Azure Policy ef619a2c evaluates PremiumV2 is unverified.',
      links: [
        { title: 'Virtual network configuration concepts for API Management', url: 'https://learn.microsoft.com/azure/api-management/virtual-network-concepts' },
        { title: 'Deploy API Management into a virtual network – Internal mode', url: 'https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet' },
        { title: 'Deploy API Management into a virtual network – External mode', url: 'https://learn.microsoft.com/azure/api-management/api-management-using-with-vnet' },
        { title: 'Azure Policy built-ins for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
        { title: 'Inject an Azure API Management instance in a private virtual network – Premium v2 tier', url: 'https://learn.microsoft.com/azure/api-management/inject-vnet-v2' },
      ],
    },
  },
  options,
  evaluate(service, { options: { skus } }) {
    const tier = service.sku.name;
    if (tier === undefined || isBlank(tier)) {
      return notApplicable(() => `Service '${service.name}' does not report its tier (sku.name), so it cannot be told whether VNet injection applies.`);
    }
    const v2 = v2Tier(service);
    if (v2 === 'BasicV2' || v2 === 'StandardV2') {
      // Whatever the option says: these tiers cannot be injected, so there is nothing to ask for.
      return notApplicable(
        () => v2 === 'BasicV2'
          ? `Service '${service.name}' is on the BasicV2 tier, which has no VNet injection (nor VNet integration); only PremiumV2 among the v2 tiers can be injected.`
          : `Service '${service.name}' is on the StandardV2 tier, which has no VNet injection (only outbound VNet integration); only PremiumV2 among the v2 tiers can be injected.`,
      );
    }
    if (!includesIgnoringCase(skus, tier)) {
      return notApplicable(() => `Service '${service.name}' is on the ${tier} tier; VNet injection is checked only for ${skus.join(', ')}.`);
    }
    const vnetType = service.properties['virtualNetworkType'];
    const vnet = virtualNetworkMode(service);
    const expected = v2 === 'PremiumV2' ? PREMIUM_V2_EXPECTED : VNET_EXPECTED;
    if (vnet.kind === 'injection') {
      return pass(() => `Service '${service.name}' is injected into a virtual network in ${vnet.mode} mode.`, () => withSubnet([evidence(VIRTUAL_NETWORK_TYPE_PATH, vnetType, expected)], service, vnet));
    }
    const approved = endpointConnections(service).filter(isApproved);
    if (approved.length > 0) {
      // Named by the connection's own name or its position (not the private endpoint's name, as APIM-004/005 do).
      return notApplicable(() => privateEndpointInstead(service, quoted(approved.map((connection) => connection.name ?? `#${connection.index}`))));
    }
    const absent = isBlank(vnetType);
    const notInjected = notInjectedBecause(vnet);
    const found = absent ? 'virtualNetworkType is absent, which means None' : (notInjected ?? `virtualNetworkType is "${String(vnetType)}"`);
    // Premium v2 injection is chosen only at creation, and integration cannot be switched to injection.
    const premiumV2 = v2 === 'PremiumV2' ? ' On PremiumV2, VNet injection can be chosen only when a service is created, so this needs a new service.' : '';
    return fail(
      () => `Service '${service.name}' is not injected into a virtual network: ${found}.${premiumV2}`,
      () => withSubnet(
        [
          absent
            ? evidence(VIRTUAL_NETWORK_TYPE_PATH, undefined, expected, 'absent — platform default: None')
            : evidence(VIRTUAL_NETWORK_TYPE_PATH, vnetType, expected, notInjected),
        ],
        service,
        vnet,
      ),
    );
  },
});
