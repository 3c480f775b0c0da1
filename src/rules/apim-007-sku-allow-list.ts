import { z } from 'zod';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { includesIgnoringCase, isBlank } from './shared/values.js';

const options = z.object({
  /**
   * Tiers a service may use. Azure Policy 73ef9241's `listOfAllowedSKUs` defaults to the classic
   * tiers that support VNet injection.
   */
  allowedSkus: z.array(z.string().trim().min(1)).min(1).default(['Developer', 'Premium', 'Isolated']),
});

export default defineRule({
  meta: {
    id: 'APIM-007',
    title: 'The service uses an allowed SKU',
    failureTitle: 'SKU not on the allow list',
    severity: 'low',
    category: 'governance',
    pillar: 'security',
    needs: [],
    fix: 'manual',
    sources: {
      azurePolicy: ['73ef9241-5d81-4cd4-b483-8443d1730fe5'],
    },
    docs: {
      synopsis: 'Keep API Management services on the tiers your organisation allows, by default those that support virtual networks.',
      description:
        'The tier decides which network isolation, scale and resilience features a service can have: only Developer and Premium (and the retired Isolated tier) can be injected into a virtual network, only Premium supports availability zones and multiple regions. An allow-list catches services created on a tier that cannot meet the organisation\'s network baseline before workloads depend on them.',
      recommendation:
        'Move services on other tiers to an allowed one, or widen the allow-list (option allowedSkus) if the tier is acceptable for that workload. Developer has no SLA and is meant for non-production use.',
      howChecked:
        'Reads sku.name and compares it case-insensitively with the option allowedSkus (default Developer, Premium, Isolated, as Azure Policy 73ef9241\'s listOfAllowedSKUs). A tier outside the list fails.',
      notApplicableWhen: 'The service does not report its tier (no sku.name, e.g. a Resource Graph export that did not project sku), so it cannot be compared.',
      examples: [
        {
          title: 'Azure CLI (move a classic Standard service to Premium)',
          language: 'bash',
          code: [
            'az apim update -g <rg> -n <name> --sku-name Premium --sku-capacity 1',
            '# or, with az rest:',
            'az rest --method patch --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body \'{"sku":{"name":"Premium","capacity":1}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            { type: 'Microsoft.ApiManagement/service', apiVersion: '2024-05-01', sku: { name: 'Premium', capacity: 1 } },
            null,
            2,
          ),
        },
        {
          title: 'apim-posture --config file (allow the v2 tiers as well)',
          language: 'json',
          code: JSON.stringify({ rules: { 'APIM-007': { allowedSkus: ['Developer', 'Premium', 'StandardV2', 'PremiumV2'] } } }, null, 2),
        },
      ],
      notes:
        'A tier change is a cost decision and only some moves are possible in place: classic Basic, Standard and Premium can move between each other, Developer can be upgraded to Premium, but Consumption and the v2 tiers cannot be changed to a classic tier (a new service and a migration are needed). Upgrades take tens of minutes. This is pure policy: the default list mirrors the Azure Policy, which predates the v2 tiers.',
      links: [
        { title: 'Feature-based comparison of the Azure API Management tiers', url: 'https://learn.microsoft.com/azure/api-management/api-management-features' },
        { title: 'Upgrade and scale an Azure API Management instance', url: 'https://learn.microsoft.com/azure/api-management/upgrade-and-scale' },
        { title: 'Azure Policy built-ins for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
      ],
    },
  },
  options,
  evaluate(service, { options: { allowedSkus } }) {
    const tier = service.sku.name;
    if (tier === undefined || isBlank(tier)) {
      return notApplicable(() => `Service '${service.name}' does not report its tier (sku.name), so it cannot be compared with the allowed SKUs.`);
    }
    if (includesIgnoringCase(allowedSkus, tier)) {
      return pass(() => `Service '${service.name}' is on the ${tier} tier, which is allowed.`, () => [evidence('sku.name', tier, allowedSkus)]);
    }
    return fail(() => `Service '${service.name}' is on the ${tier} tier, which is not in the allowed SKUs (${allowedSkus.join(', ')}).`, () => [evidence('sku.name', tier, allowedSkus)]);
  },
});
