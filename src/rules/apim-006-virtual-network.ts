import { z } from 'zod';
import type { ApimService } from '../estate/model.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import type { Evidence } from './types.js';
import { endpointConnections, injectionMode, isApproved, VIRTUAL_NETWORK_TYPE_PATH } from './shared/network.js';
import { quoted } from './shared/text.js';
import { includesIgnoringCase, isBlank, readPath, type PropertyPath } from './shared/values.js';

const options = z.object({
  /** Tiers the check evaluates; Azure Policy ef619a2c's `evaluatedSkuNames` defaults to these two. */
  skus: z.array(z.string().trim().min(1)).min(1).default(['Developer', 'Premium']),
});

const VNET_EXPECTED = 'External or Internal';
const SUBNET: PropertyPath = ['virtualNetworkConfiguration', 'subnetResourceId'];
const SUBNET_PATH = 'properties.virtualNetworkConfiguration.subnetResourceId';

/** Adds the configured subnet, when the service reports one; shown with every verdict that judges the service. */
function withSubnet(found: Evidence[], service: ApimService, injected: boolean): Evidence[] {
  const subnet = readPath(service.properties, SUBNET);
  if (isBlank(subnet)) return found;
  found.push(
    injected
      ? evidence(SUBNET_PATH, subnet, 'a subnet resource id', 'the subnet the service is injected into')
      : evidence(SUBNET_PATH, subnet, 'a subnet resource id, used with virtualNetworkType External or Internal', 'a subnet is configured, but the service is not injected into it'),
  );
  return found;
}

export default defineRule({
  meta: {
    id: 'APIM-006',
    title: 'The service is deployed into a virtual network',
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
      synopsis: 'Inject Developer and Premium services into a virtual network in External or Internal mode.',
      description:
        'VNet injection places the API Management service in a subnet of your virtual network. The gateway can then reach backends that have no public endpoint, network security groups control who reaches the service, and in Internal mode the gateway, developer portal and management endpoint have no public address at all. A service that is not injected (virtualNetworkType "None", the default) is a public endpoint that can reach only public backends.',
      recommendation:
        'Deploy the service into a dedicated subnet in Internal mode (behind Application Gateway or Front Door for internet callers) or External mode. Where an inbound private endpoint is preferred instead, APIM-005 covers it: the two are alternatives and cannot be combined on classic tiers.',
      howChecked:
        'Reads sku.name and, for the evaluated tiers (option skus, default Developer and Premium, compared case-insensitively), properties.virtualNetworkType: "External" or "Internal" (any casing) passes; absent (platform default None), "None" or any other value fails. properties.virtualNetworkConfiguration.subnetResourceId is shown as evidence when present. This follows Azure Policy ef619a2c (evaluatedSkuNames Developer, Premium; virtualNetworkType missing or None).',
      notApplicableWhen:
        'The service is on a tier outside the option skus (by default anything but Developer and Premium, the classic tiers that support VNet injection), or its tier is not reported; or it is not injected but an approved inbound private endpoint isolates it instead (VNet injection and inbound private endpoints are alternatives, see APIM-005).',
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
        'Injection needs a dedicated subnet with an NSG that allows 3443 from the ApiManagement service tag and 6390 from AzureLoadBalancer, plus DNS for Internal mode. It changes the service\'s IP addresses and takes tens of minutes; the Developer tier has downtime. Depending on the API version and region, an stv2 service may also need a Standard SKU public IP address (publicIpAddressId) in the same region and subscription. Values other than External, Internal and None cannot come from Azure; they fail here, whereas the Azure Policy would let them through.',
      links: [
        { title: 'Virtual network configuration concepts for API Management', url: 'https://learn.microsoft.com/azure/api-management/virtual-network-concepts' },
        { title: 'Deploy API Management into a virtual network – Internal mode', url: 'https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet' },
        { title: 'Deploy API Management into a virtual network – External mode', url: 'https://learn.microsoft.com/azure/api-management/api-management-using-with-vnet' },
        { title: 'Azure Policy built-ins for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
      ],
    },
  },
  options,
  evaluate(service, { options: { skus } }) {
    const name = `Service '${service.name}'`;
    const tier = service.sku.name;
    if (tier === undefined || isBlank(tier)) {
      return notApplicable(`${name} does not report its tier (sku.name), so it cannot be told whether VNet injection applies.`);
    }
    if (!includesIgnoringCase(skus, tier)) {
      return notApplicable(`${name} is on the ${tier} tier; VNet injection is checked only for ${skus.join(', ')}.`);
    }
    const vnetType = service.properties['virtualNetworkType'];
    const mode = injectionMode(service);
    if (mode !== undefined) {
      return pass(`${name} is injected into a virtual network in ${mode} mode.`, withSubnet([evidence(VIRTUAL_NETWORK_TYPE_PATH, vnetType, VNET_EXPECTED)], service, true));
    }
    const approved = endpointConnections(service).filter(isApproved);
    if (approved.length > 0) {
      // Named by the connection's own name or its position (not the private endpoint's name, as APIM-004/005 do).
      const names = quoted(approved.map((connection) => connection.name ?? `#${connection.index}`));
      return notApplicable(
        `${name} is isolated by an approved inbound private endpoint (${names}) instead of VNet injection; the two are alternatives (see APIM-005).`,
      );
    }
    const absent = isBlank(vnetType);
    return fail(
      absent
        ? `${name} is not injected into a virtual network: virtualNetworkType is absent, which means None.`
        : `${name} is not injected into a virtual network: virtualNetworkType is "${String(vnetType)}".`,
      withSubnet(
        [
          absent
            ? evidence(VIRTUAL_NETWORK_TYPE_PATH, undefined, VNET_EXPECTED, 'absent — platform default: None')
            : evidence(VIRTUAL_NETWORK_TYPE_PATH, vnetType, VNET_EXPECTED),
        ],
        service,
        false,
      ),
    );
  },
});
