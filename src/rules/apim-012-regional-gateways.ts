import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { patchService, serviceAtRest } from './shared/fix-plans.js';
import { planRegionEdits, serviceRegions, type ServiceRegion } from './shared/regions.js';
import { isPremium, notOnV2Tiers, premiumOnly } from './shared/sku.js';
import { isTrueFlag } from './shared/values.js';
import type { Evidence } from './types.js';

export default defineRule({
  meta: {
    id: 'APIM-012',
    title: 'The gateway is enabled in every region of a multi-region service',
    failureTitle: 'Regional gateway disabled',
    severity: 'medium',
    category: 'resilience',
    pillar: 'reliability',
    needs: [],
    fix: 'guarded',
    sources: { psrule: ['Azure.APIM.MultiRegionGateway', 'AZR-000341'] },
    docs: {
      synopsis: 'Keep the gateway of each region of a multi-region Premium service enabled so that every region serves API traffic.',
      description:
        'In a multi-region Premium service each region runs its own gateway. A region with disableGateway set to true keeps its units (and costs) but takes no API traffic: it is left out of the traffic routing, so it adds no capacity and does not take over when another region fails unless someone enables it first. properties.disableGateway does the same for the primary region.',
      recommendation:
        'Set disableGateway to false (or remove it) in each properties.additionalLocations entry, and leave properties.disableGateway of the primary false, unless the region is a deliberate standby with a tested procedure to enable it.',
      howChecked:
        'Runs for Premium services with at least one properties.additionalLocations entry. Fails when any properties.additionalLocations[i].disableGateway, or properties.disableGateway of the primary region, is true (JSON true or the string "true" in any casing). An absent value means false (gateway enabled) and passes.',
      notApplicableWhen: 'The service is not on the Premium tier (the v2 tiers, Premium v2 included, have no multi-region deployment), or it runs in one region only (properties.additionalLocations absent, null or empty).',
      examples: [
        {
          title: 'Azure CLI (enable every regional gateway; the array is replaced as a whole)',
          language: 'bash',
          code: [
            "locations=$(az apim show -g <rg> -n <name> --query additionalLocations -o json | jq 'map(.disableGateway = false)')",
            'az rest --method patch \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body "{\\"properties\\":{\\"disableGateway\\":false,\\"additionalLocations\\":$locations}}"',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              properties: {
                disableGateway: false,
                additionalLocations: [{ location: 'northeurope', sku: { name: 'Premium', capacity: 1 }, disableGateway: false }],
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'The fix is guarded and opt-in: an operator may have disabled a region on purpose, as a disaster-recovery standby or while a backend in that region is unavailable; enabling it sends live traffic there at once. properties.additionalLocations is replaced as a whole by a PATCH, so every entry must be sent back. PSRule checks only the additional locations; this rule also reports a disabled primary gateway. PSRule\'s test asserts neither outcome for apim-I and apim-J, whose regions have disableGateway true; this rule fails both.',
      links: [
        { title: 'Disable routing to a regional gateway', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region#disable-routing-to-a-regional-gateway' },
        { title: 'Deploy an Azure API Management instance to multiple Azure regions', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region' },
        { title: 'PSRule Azure.APIM.MultiRegionGateway', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.MultiRegionGateway/' },
      ],
    },
  },
  evaluate(service) {
    const notPremium =
      notOnV2Tiers(service, 'the v2 tiers have no multi-region deployment, so there are no regional gateways to check') ?? premiumOnly(service, 'regional gateways');
    if (notPremium) return notPremium;
    const regions = serviceRegions(service);
    if (regions.length === 1) {
      return notApplicable(() => `Service '${service.name}' runs in one region only (no properties.additionalLocations), so it has no regional gateways to check.`);
    }
    const disabled = regions.filter((region) => isTrueFlag(region.disableGateway));
    if (disabled.length > 0) {
      return fail(
        () => `Service '${service.name}' has the gateway disabled in ${disabled.map((region) => region.label).join(', ')}; ${disabled.length === 1 ? 'that region takes' : 'those regions take'} no API traffic.`,
        () => disabled.map((region) => gatewayEvidence(region)),
      );
    }
    return pass(
      () => `Service '${service.name}' has the gateway enabled in ${regions.length === 2 ? 'both regions' : `all ${regions.length} regions`}.`,
      () => regions.map((region) => gatewayEvidence(region)),
    );
  },
  planFix(service, result) {
    if (!isPremium(service)) return undefined;
    const regions = serviceRegions(service);
    const disabled = regions.filter((region) => isTrueFlag(region.disableGateway));
    if (regions.length === 1 || disabled.length === 0) return undefined;
    const fix = planRegionEdits(service, disabled.map((region) => ({ region, disableGateway: false as const })));
    if (fix === undefined) return undefined;
    return {
      resourceId: result.resourceId,
      summary: `Enable the gateway of service '${service.name}' in ${disabled.map((region) => region.label).join(' and ')}${disabled.some((region) => !region.isPrimary) ? ', re-sending the whole additionalLocations array' : ''}.`,
      request: patchService(service, fix.body),
      changes: fix.changes,
      preconditions: [serviceAtRest(service)],
      blastRadius:
        'The region starts taking API traffic again. An operator may have disabled it on purpose (a disaster-recovery standby), so apply only with the owner’s consent.',
    };
  },
});

function gatewayEvidence(region: ServiceRegion): Evidence {
  const value = region.disableGateway;
  if (value === undefined || value === null) {
    return evidence(region.paths.disableGateway, value, false, 'absent — platform default: false (gateway enabled)');
  }
  return isTrueFlag(value)
    ? evidence(region.paths.disableGateway, value, false, `the gateway in ${region.label} takes no traffic`)
    : evidence(region.paths.disableGateway, value, false);
}
