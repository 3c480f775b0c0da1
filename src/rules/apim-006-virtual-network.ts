import { z } from 'zod';
import type { ApimService } from '../estate/model.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import type { Evidence } from './types.js';
import { equalsIgnoreCase, isBlank, readPath } from './shared/values.js';

const options = z.object({
  /** Tiers the check evaluates; Azure Policy ef619a2c's `evaluatedSkuNames` defaults to these two. */
  skus: z.array(z.string().trim().min(1)).min(1).default(['Developer', 'Premium']),
});

/** External or Internal: the classic VNet injection modes. */
function injectionMode(service: ApimService): string | undefined {
  const type = service.properties['virtualNetworkType'];
  return equalsIgnoreCase(type, 'External') || equalsIgnoreCase(type, 'Internal') ? (type as string).trim() : undefined;
}

/** Names of the approved inbound private endpoint connections (the alternative to VNet injection). */
function approvedEndpoints(service: ApimService): string[] {
  const list = service.properties['privateEndpointConnections'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown, index) => {
    if (!equalsIgnoreCase(readPath(entry, 'properties.privateLinkServiceConnectionState.status'), 'Approved')) return [];
    const name = readPath(entry, 'name');
    return [typeof name === 'string' && name.trim() !== '' ? name : `#${index}`];
  });
}

const VNET_EXPECTED = 'External or Internal';
const SUBNET_PATH = 'properties.virtualNetworkConfiguration.subnetResourceId';

/** The configured subnet, when the service reports one; shown with every verdict that judges the service. */
function subnetEvidence(service: ApimService, injected: boolean): Evidence[] {
  const subnet = readPath(service.properties, 'virtualNetworkConfiguration.subnetResourceId');
  if (isBlank(subnet)) return [];
  return [
    injected
      ? evidence(SUBNET_PATH, subnet, 'a subnet resource id', 'the subnet the service is injected into')
      : evidence(SUBNET_PATH, subnet, 'a subnet resource id, used with virtualNetworkType External or Internal', 'a subnet is configured, but the service is not injected into it'),
  ];
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
    if (!skus.some((sku) => equalsIgnoreCase(tier, sku))) {
      return notApplicable(`${name} is on the ${tier} tier; VNet injection is checked only for ${skus.join(', ')}.`);
    }
    const vnetType = service.properties['virtualNetworkType'];
    const mode = injectionMode(service);
    if (mode !== undefined) {
      return pass(`${name} is injected into a virtual network in ${mode} mode.`, [
        evidence('properties.virtualNetworkType', vnetType, VNET_EXPECTED),
        ...subnetEvidence(service, true),
      ]);
    }
    const endpoints = approvedEndpoints(service);
    if (endpoints.length > 0) {
      return notApplicable(
        `${name} is isolated by an approved inbound private endpoint (${endpoints.map((e) => `'${e}'`).join(', ')}) instead of VNet injection; the two are alternatives (see APIM-005).`,
      );
    }
    const absent = isBlank(vnetType);
    return fail(
      absent
        ? `${name} is not injected into a virtual network: virtualNetworkType is absent, which means None.`
        : `${name} is not injected into a virtual network: virtualNetworkType is "${String(vnetType)}".`,
      [
        absent
          ? evidence('properties.virtualNetworkType', undefined, VNET_EXPECTED, 'absent — platform default: None')
          : evidence('properties.virtualNetworkType', vnetType, VNET_EXPECTED),
        ...subnetEvidence(service, false),
      ],
    );
  },
});
