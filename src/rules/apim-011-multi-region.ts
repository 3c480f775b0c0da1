import { defineRule, evidence, fail, pass } from './define-rule.js';
import { additionalLocationsEvidence, additionalLocationsValue, additionalRegions, primaryLocationName } from './shared/regions.js';
import { notOnV2Tiers, premiumOnly } from './shared/sku.js';
import { quoted } from './shared/text.js';

export default defineRule({
  meta: {
    id: 'APIM-011',
    title: 'Premium services are deployed to more than one region',
    failureTitle: 'Premium service in one region only',
    severity: 'high',
    category: 'resilience',
    pillar: 'reliability',
    needs: [],
    fix: 'manual',
    sources: {
      psrule: ['Azure.APIM.MultiRegion', 'AZR-000340'],
      aprl: ['af4f88cb-35e8-4371-b29e-3a32b1d2f40a'],
    },
    docs: {
      synopsis: 'Add at least one additional region to a Premium service so the gateway survives the loss of its primary region.',
      description:
        'A Premium API Management service can run gateway units in additional Azure regions. Callers are routed to the closest healthy regional gateway, and when the primary region fails the additional regions keep serving API traffic from the last synchronised configuration. Deploying to more than one region also raises the SLA from 99.95 % to 99.99 %. The management plane and the developer portal stay in the primary region.',
      recommendation:
        'Add one or more entries to properties.additionalLocations, in regions paired with or distant from the primary, each with at least one unit (and availability zones where the region supports them).',
      howChecked:
        'Runs for the Premium tier only. Reads properties.additionalLocations: absent, null, an empty array (or not an array) fails; one or more entries passes.',
      notApplicableWhen: 'The service is not on the Premium tier: only Premium (classic) supports additional regions; the v2 tiers, Premium v2 included, have no multi-region deployment.',
      examples: [
        {
          title: 'Azure CLI (add North Europe; resend existing entries)',
          language: 'bash',
          code: [
            "locations=$(az apim show -g <rg> -n <name> --query 'additionalLocations || `[]`' -o json)",
            'locations=$(echo "$locations" | jq \'. + [{"location":"North Europe","sku":{"name":"Premium","capacity":1}}]\')',
            'az rest --method patch \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body "{\\"properties\\":{\\"additionalLocations\\":$locations}}"',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              location: 'westeurope',
              sku: { name: 'Premium', capacity: 3 },
              zones: ['1', '2', '3'],
              properties: {
                additionalLocations: [{ location: 'northeurope', sku: { name: 'Premium', capacity: 3 }, zones: ['1', '2', '3'] }],
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Each additional region is billed as Premium units and takes a long-running update to add. VNet-injected services need a virtual network and subnet in every region. Backends must be reachable from every region (often they need their own multi-region design), and rate-limit counters and caches are per region. APRL says this cannot be checked with Azure Resource Graph, but properties.additionalLocations is in the ARG row. PSRule\'s test expects apim-I and apim-J to fail although both have two additional locations; this rule passes them.',
      links: [
        { title: 'Deploy an Azure API Management instance to multiple Azure regions', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region' },
        { title: 'Reliability in Azure API Management', url: 'https://learn.microsoft.com/azure/reliability/reliability-api-management' },
        { title: 'PSRule Azure.APIM.MultiRegion', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.MultiRegion/' },
      ],
    },
  },
  evaluate(service) {
    const notPremium =
      notOnV2Tiers(service, 'multi-region deployment is not available on the v2 tiers, Premium v2 included') ?? premiumOnly(service, 'multi-region deployment');
    if (notPremium) return notPremium;
    const value = additionalLocationsValue(service);
    const regions = additionalRegions(service, value);
    if (regions.length === 0) {
      const found = value === undefined ? 'absent' : value === null ? 'null' : Array.isArray(value) ? 'empty' : 'not an array';
      return fail(
        () => `Service '${service.name}' runs only in its primary region '${primaryLocationName(service)}' (properties.additionalLocations is ${found}).`,
        () => [evidence('properties.additionalLocations', value, 'at least 1 additional location', value === undefined ? 'absent — single-region deployment' : `${found} — single-region deployment`)],
      );
    }
    const names = regions.map((region) => region.location ?? `entry #${(region.index ?? 0) + 1}`);
    return pass(
      () => `Service '${service.name}' runs in ${regions.length + 1} regions: '${primaryLocationName(service)}' (primary), ${quoted(names)}.`,
      () => [additionalLocationsEvidence(regions, 'at least 1 additional location')],
    );
  },
});
