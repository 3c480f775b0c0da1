import { z } from 'zod';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { additionalLocationsEvidence, additionalRegions } from './shared/regions.js';
import { isDeveloper, isPremium, v2Tier } from './shared/sku.js';
import { isBlank } from './shared/values.js';

const options = z.object({
  /** APRL baf3bfc0 variant: anything but Premium fails (only Premium offers zones and multi-region). */
  requirePremium: z.boolean().default(false),
});

type Options = z.infer<typeof options>;

export default defineRule<Options>({
  meta: {
    id: 'APIM-010',
    title: 'The service runs on a tier with an SLA',
    failureTitle: 'Tier without an SLA',
    severity: 'high',
    category: 'resilience',
    pillar: 'reliability',
    needs: [],
    fix: 'manual',
    sources: {
      aprl: ['baf3bfc0-32a2-4c0c-926d-c9bf0b49808e'],
      azqr: ['apim-003', 'apim-005'],
    },
    docs: {
      synopsis: 'Run production APIs on a tier that carries a service level agreement, not on the Developer tier.',
      description:
        'The Developer tier is meant for evaluation and development: it has no SLA, runs on a single unit that cannot be scaled out, and goes down during updates. The other tiers carry an SLA: 99.95 % for Consumption, Basic, Standard and single-region Premium, and 99.99 % for Premium deployed to more than one region; the v2 tiers (Basic v2, Standard v2, Premium v2) are supported with an SLA too. Only Premium (classic) supports availability zones across all its regions and multi-region deployment, which is why APRL recommends it for production.',
      recommendation:
        'Move production services off the Developer tier, to Standard, Standard v2 or Premium; choose Premium with availability zones and additional regions where the workload needs 99.99 %.',
      howChecked:
        'Reads sku.name (case-insensitive). "Developer" fails. With the option requirePremium set to true (APRL variant), every tier except "Premium" fails, including the v2 tiers. The pass reason states the SLA the way azqr apim-003 computes it: Premium with at least one properties.additionalLocations entry 99.99 %, every other classic tier and Consumption 99.95 %. For BasicV2, StandardV2 and PremiumV2 it says only that the tier has an SLA, because their percentages were not confirmed.',
      notApplicableWhen: 'sku.name is absent, so the tier and its SLA cannot be told.',
      examples: [
        {
          title: 'Azure CLI (Developer → Premium; a long-running update)',
          language: 'bash',
          code: 'az apim update -g <rg> -n <name> --sku-name Premium --sku-capacity 1',
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify({ type: 'Microsoft.ApiManagement/service', apiVersion: '2024-05-01', sku: { name: 'Premium', capacity: 1 } }, null, 2),
        },
      ],
      notes:
        'Changing the tier is a manual decision: it changes the price, can take 45 minutes or more, and some moves are not possible in place (classic tiers cannot be changed to v2 tiers or to Consumption, and the other way round; a new service is needed). Non-production services on the Developer tier are expected findings: scope the rule to production or exempt them. azqr reports the SLA for information only; APRL baf3bfc0 flags everything but Premium, which this rule does only with requirePremium.',
      links: [
        { title: 'Feature-based comparison of the Azure API Management tiers', url: 'https://learn.microsoft.com/azure/api-management/api-management-features' },
        { title: 'Upgrade and scale an Azure API Management instance', url: 'https://learn.microsoft.com/azure/api-management/upgrade-and-scale' },
        { title: 'Service Level Agreements (SLA) for Online Services', url: 'https://www.microsoft.com/licensing/docs/view/Service-Level-Agreements-SLA-for-Online-Services' },
        { title: 'Reliability in Azure API Management', url: 'https://learn.microsoft.com/azure/reliability/reliability-api-management' },
      ],
    },
  },
  options,
  evaluate(service, { options: { requirePremium } }) {
    const tier = service.sku.name;
    if (tier === undefined || isBlank(tier)) {
      return notApplicable(() => `Service '${service.name}' has no sku.name, so its tier and SLA cannot be told.`);
    }
    if (isDeveloper(service)) {
      return fail(() => `Service '${service.name}' is on the Developer tier, which has no SLA and is not meant for production.`, () => [
        evidence('sku.name', tier, requirePremium ? 'Premium' : 'a tier with an SLA (not Developer)', 'Developer: no SLA, a single unit, downtime during updates'),
      ]);
    }
    if (requirePremium && !isPremium(service)) {
      return fail(
        () => `Service '${service.name}' is on the ${tier} tier; the configuration requires Premium, the only tier with availability zones in every region and multi-region deployment.`,
        () => [evidence('sku.name', tier, 'Premium', 'requirePremium is set (APRL baf3bfc0)')],
      );
    }
    const expected = requirePremium ? 'Premium' : 'a tier with an SLA (not Developer)';
    const v2 = v2Tier(service);
    if (v2 !== undefined) {
      // Learn says the v2 tiers have an SLA; their percentages were not confirmed, so none is stated.
      return pass(() => `Service '${service.name}' is on the ${v2} tier, which has an SLA.`, () => [evidence('sku.name', tier, expected, 'v2 tiers are supported with an SLA')]);
    }
    if (!isPremium(service)) {
      return pass(() => `Service '${service.name}' is on the ${tier} tier, which has an SLA of 99.95 %.`, () => [evidence('sku.name', tier, expected)]);
    }
    const additional = additionalRegions(service);
    const regions = additional.length;
    return regions > 0
      ? pass(() => `Service '${service.name}' is on the Premium tier in ${regions + 1} regions, which has an SLA of 99.99 %.`, () => [
          evidence('sku.name', tier, expected),
          additionalLocationsEvidence(additional, 'at least 1 additional location for 99.99 %'),
        ])
      : pass(() => `Service '${service.name}' is on the Premium tier in a single region, which has an SLA of 99.95 % (99.99 % needs an additional region).`, () => [
          evidence('sku.name', tier, expected),
        ]);
  },
});
