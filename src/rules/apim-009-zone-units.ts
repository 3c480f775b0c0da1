import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { patchService, serviceAtRest } from './shared/fix-plans.js';
import { planRegionEdits, serviceRegions, unreadableRegions, withRegionErrors, type ServiceRegion } from './shared/regions.js';
import { isPremium, notOnV2Tiers, premiumOnly } from './shared/sku.js';
import { count } from './shared/text.js';
import type { Evidence } from './types.js';

export default defineRule({
  meta: {
    id: 'APIM-009',
    title: 'Every zone of a zone-redundant region has at least one unit',
    failureTitle: 'Fewer units than availability zones',
    severity: 'medium',
    category: 'resilience',
    pillar: 'reliability',
    needs: [],
    fix: 'guarded',
    sources: { psrule: ['Azure.APIM.AvailabilityZone.Units', 'AZR-000422'] },
    docs: {
      synopsis: 'Deploy at least as many scale units as availability zones in each region that has zones.',
      description:
        'API Management places one or more units in each availability zone listed in zones. With fewer units than zones, at least one zone has no unit: an outage of a zone that does hold units leaves fewer zones serving traffic than the configuration suggests, and the service is not spread the way the zones say. The primary region and each additional location have their own zones and unit counts.',
      recommendation:
        'Set sku.capacity (and properties.additionalLocations[i].sku.capacity) to at least the number of zones of that region, ideally a multiple of it so units are spread evenly: 2 or 4 units for zones ["1", "2"], 3 or 6 for ["1", "2", "3"].',
      howChecked:
        'Runs for the Premium tier only. For the primary region (zones, sku.capacity) and every properties.additionalLocations[i] (zones, sku.capacity) that has at least one zone, fails when the unit count is smaller than the number of zones. An absent or non-numeric unit count fails (a unit per zone cannot be shown). Regions without zones are skipped; zone redundancy itself is checked by APIM-008. Unlike PSRule, every additional location is checked, not only the last one.',
      notApplicableWhen:
        'The service is not on the Premium tier (on the v2 tiers, availability zones cannot be chosen or viewed per unit), or no region of the service has availability zones configured.',
      examples: [
        {
          title: 'Azure CLI (primary region: three units for three zones)',
          language: 'bash',
          code: 'az apim update -g <rg> -n <name> --sku-capacity 3',
        },
        {
          title: 'ARM template (additional location with two zones and two units)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              sku: { name: 'Premium', capacity: 3 },
              zones: ['1', '2', '3'],
              properties: { additionalLocations: [{ location: 'northeurope', sku: { name: 'Premium', capacity: 2 }, zones: ['1', '2'] }] },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Each unit is billed: adding units raises the cost, and scaling is a long-running update. The update of an additional location goes through the whole properties.additionalLocations array, which ARM replaces as a whole, so resend every entry. PSRule\'s AZR-000422 tests only the last additional location and misses zone redundancy that exists only in additional regions; this rule checks every region.',
      links: [
        { title: 'Reliability in Azure API Management', url: 'https://learn.microsoft.com/azure/reliability/reliability-api-management' },
        { title: 'Enable availability zone support on Azure API Management instances', url: 'https://learn.microsoft.com/azure/api-management/enable-availability-zone-support' },
        { title: 'Upgrade and scale an Azure API Management instance', url: 'https://learn.microsoft.com/azure/api-management/upgrade-and-scale' },
        { title: 'PSRule Azure.APIM.AvailabilityZone.Units', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.AvailabilityZone.Units/' },
      ],
    },
  },
  evaluate(service) {
    const notPremium =
      notOnV2Tiers(service, 'the v2 tiers do not let availability zones be chosen or viewed per unit, so there are no zones to give units to (zone redundancy is checked by APIM-008)') ??
      premiumOnly(service, 'spreading units over availability zones');
    if (notPremium) return notPremium;
    const regions = serviceRegions(service);
    const errors = unreadableRegions(service, regions);
    const zoned = regions.filter((region) => region.problem === undefined && (region.zones?.length ?? 0) > 0);
    if (zoned.length === 0) {
      return withRegionErrors(
        notApplicable(() => `Service '${service.name}' has no availability zones configured in any region, so there are no zones to give units to (zone redundancy is checked by APIM-008).`),
        errors,
      );
    }
    const short = zoned.filter((region) => region.capacity === undefined || region.capacity < zoneCount(region));
    if (short.length > 0) {
      return withRegionErrors(
        fail(() => `Service '${service.name}' has fewer units than zones in ${short.map(describeShortfall).join('; ')}.`, () => short.map(capacityEvidence)),
        errors,
      );
    }
    return withRegionErrors(
      pass(
        () => `Service '${service.name}' has at least one unit per zone in every region with zones: ${zoned.map((region) => `${region.label} has ${count(region.capacity ?? 0, 'unit')} for ${count(zoneCount(region), 'zone')}`).join('; ')}.`,
        () => zoned.map(capacityEvidence),
      ),
      errors,
    );
  },
  planFix(service, result) {
    if (!isPremium(service)) return undefined;
    // One unit per zone is the least that meets the rule, and a multiple of the zone count, as
    // API Management requires when units are spread over zones.
    const short = serviceRegions(service).filter(
      (region) => region.problem === undefined && zoneCount(region) > 0 && (region.capacity === undefined || region.capacity < zoneCount(region)),
    );
    if (short.length === 0) return undefined;
    const fix = planRegionEdits(service, short.map((region) => ({ region, capacity: zoneCount(region) })));
    if (fix === undefined) return undefined;
    return {
      resourceId: result.resourceId,
      summary: `Give service '${service.name}' one unit per zone in ${short.map((region) => `${region.label} (${count(zoneCount(region), 'unit')})`).join(' and ')}.`,
      request: patchService(service, fix.body),
      changes: fix.changes,
      preconditions: [serviceAtRest(service)],
      blastRadius: 'Cost: every added unit is billed. Scaling is a long-running update (typically 15–45 minutes); traffic keeps flowing meanwhile.',
    };
  },
});

function zoneCount(region: ServiceRegion): number {
  return region.zones?.length ?? 0;
}

function describeShortfall(region: ServiceRegion): string {
  const units = region.capacity === undefined ? 'no readable unit count' : count(region.capacity, 'unit');
  return `${region.label} (${count(zoneCount(region), 'zone')}, ${units})`;
}

function capacityEvidence(region: ServiceRegion): Evidence {
  const zoneList = `zones ${(region.zones ?? []).join(', ')}`;
  const note =
    region.capacity === undefined
      ? `${region.capacityRaw === undefined ? 'absent' : 'not a number'} — ${zoneList} need one unit each`
      : zoneList;
  return evidence(region.paths.capacity, region.capacityRaw, `at least ${count(zoneCount(region), 'unit')}`, note);
}
