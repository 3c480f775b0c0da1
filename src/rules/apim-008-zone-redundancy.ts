import { z } from 'zod';
import type { ApimService } from '../estate/model.js';
import type { FixPrecondition } from '../contracts/fix-plan.js';
import { defineRule, evidence, fail, notApplicable, notChecked, pass } from './define-rule.js';
import { patchService, precondition, serviceAtRest, toConfirm } from './shared/fix-plans.js';
import {
  planRegionEdits,
  regionError,
  serviceRegions,
  supportsZones,
  withRegionErrors,
  zoneRegionKeys,
  type RegionEdit,
  type ServiceRegion,
} from './shared/regions.js';
import { isPremium, isV2Tier, premiumOnly } from './shared/sku.js';
import { count, quoted } from './shared/text.js';
import { equalsIgnoreCase, isFalseFlag, isTrueFlag, readField } from './shared/values.js';
import type { Evidence, Verdict } from './types.js';

const options = z.object({
  /** Zone-capable regions (display names or keys); replaces the built-in list of 34 regions. */
  zoneRedundantRegions: z.array(z.string().min(1)).min(1).optional(),
});

type Options = z.infer<typeof options>;

/** What the rule concluded about one region. */
type RegionJudgement =
  | { readonly kind: 'redundant'; readonly summary: string; readonly evidence: readonly Evidence[] }
  | { readonly kind: 'no-zone-support'; readonly summary: string; readonly evidence: readonly Evidence[] }
  | { readonly kind: 'not-redundant'; readonly summary: string; readonly evidence: readonly Evidence[] }
  | { readonly kind: 'unreadable'; readonly summary: string };
type ReadableJudgement = Exclude<RegionJudgement, { readonly kind: 'unreadable' }>;

export default defineRule<Options>({
  meta: {
    id: 'APIM-008',
    title: 'Premium services are zone redundant in every zone-capable region',
    failureTitle: 'Not zone redundant',
    severity: 'high',
    category: 'resilience',
    pillar: 'reliability',
    needs: [],
    fix: 'guarded',
    sources: {
      psrule: ['Azure.APIM.AvailabilityZone', 'AZR-000052'],
      azurePolicy: ['42daa904-5969-47ef-92cb-b75df946195a'],
      aprl: ['740f2c1c-8857-4648-80eb-47d2c56d5a50'],
      azqr: ['apim-002'],
    },
    docs: {
      synopsis: 'Spread the gateway units of a Premium service over at least two availability zones in the primary region and in each additional region that supports zones.',
      description:
        'A Premium API Management service places its units in one datacenter unless availability zones are configured. A zone outage then takes the gateway, the management endpoint and the developer portal in that region offline. With zones set, API Management spreads the units over the zones; a zone without a unit adds no redundancy, so a region is only zone redundant when it has at least two zones and at least one unit per zone. Each additional location of a multi-region service has its own zones and units and is judged on its own.',
      recommendation:
        'Set zones to ["1", "2", "3"] (or at least two zones) with a unit count of at least the number of zones, for the primary region and for every additional location in a zone-capable region. Services on stv1 must first migrate to stv2.',
      howChecked:
        'Standard v2 and Premium v2: reads properties.zoneRedundant (api-version 2025-03-01-preview and later); true passes, false fails (no fix is planned: zone redundancy of a v2 service is chosen only at creation), absent or any other value is not checked, because zone redundancy cannot be shown (zones and units are not read on the v2 tiers). Premium (classic): reads the primary region from location, zones and sku.capacity, and each properties.additionalLocations[i] from its location, zones and sku.capacity. A region counts as zone-capable when it is in the option zoneRedundantRegions (display names or keys, e.g. "East US" or "eastus"), else in the built-in list in src/rules/data/zone-regions.json (its source and asOf fields say where it comes from and when; scripts/refresh-zone-regions.ts rebuilds it from the zoneMappings of az provider show -n Microsoft.ApiManagement --expand "resourceTypes/zoneMappings"). In a zone-capable region, zones absent, null or with fewer than 2 entries fails (absent zones may mean automatic, best-effort zone support, which ARM does not show, so redundancy cannot be verified), and sku.capacity smaller than the number of zones fails (an absent capacity fails too: a unit per zone cannot be shown). Regions that do not support zones pass with a note. An additional location that is not an object, or a region without a location, is reported as an error.',
      notApplicableWhen:
        'The service is on a tier without availability zones: Developer, Basic, Standard, Consumption or Basic v2. Premium (classic), Standard v2 and Premium v2 are judged (Learn: "Enable availability zone support on Azure API Management instances", APPLIES TO Premium | Standard v2 | Premium v2).',
      examples: [
        {
          title: 'Azure CLI (primary region: three zones, three units)',
          language: 'bash',
          code: [
            'az rest --method patch \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body \'{"zones":["1","2","3"],"sku":{"name":"Premium","capacity":3}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template (primary and one additional location)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              name: '<name>',
              location: 'westeurope',
              sku: { name: 'Premium', capacity: 3 },
              zones: ['1', '2', '3'],
              properties: {
                publisherEmail: 'apis@contoso.com',
                publisherName: 'Contoso',
                additionalLocations: [{ location: 'northeurope', sku: { name: 'Premium', capacity: 3 }, zones: ['1', '2', '3'] }],
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'The fix is guarded: it needs the Premium tier, platform stv2 and a region with zone support; VNet-injected classic services may need a Standard public IP address (publicIpAddressId). Adding units costs money and the update runs for a long time; moving to zones changes the underlying infrastructure. properties.additionalLocations is replaced as a whole by a PATCH, so resend every entry. The built-in region list is a snapshot with a date: rebuild it with scripts/refresh-zone-regions.ts, or set zoneRedundantRegions, when a region is missing. Learn says that new Premium instances and newly added locations in a supported region get automatic availability zone support when no zones are specified, with a best-effort spread of the units over zones and no way to tell which zones hold them; ARM then returns no zones. Best effort is not a guarantee, and an older service without zones looks the same, so this rule fails the region with a note saying that redundancy cannot be verified — pin the zones explicitly (the recommended fix), or exempt the finding. On Standard v2 and Premium v2, zone redundancy is fixed at creation; a service that is not zone redundant has to be recreated, so no fix is planned, and properties.zoneRedundant is only returned from api-version 2025-03-01-preview (the inventory reads 2024-05-01), so such services are often not checked. Azure Policy 42daa904 (preview) flags every non-Premium service instead of skipping it. PSRule\'s test expects apim-J to fail although every region has three zones and three units; this rule passes it.',
      links: [
        { title: 'Availability zone support for Azure API Management', url: 'https://learn.microsoft.com/azure/reliability/reliability-api-management' },
        { title: 'Deploy an Azure API Management instance to multiple Azure regions', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region' },
        { title: 'Enable availability zone support on Azure API Management instances', url: 'https://learn.microsoft.com/azure/api-management/enable-availability-zone-support' },
        { title: 'PSRule Azure.APIM.AvailabilityZone', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.AvailabilityZone/' },
      ],
    },
  },
  options,
  evaluate(service, { options: { zoneRedundantRegions } }) {
    if (isV2Tier(service)) return judgeV2(service);
    const notPremium = premiumOnly(service, 'zone redundancy');
    if (notPremium) return notPremium;
    const zoneRegions = zoneRegionKeys(zoneRedundantRegions);
    const errors: Verdict[] = [];
    const readable: ReadableJudgement[] = [];
    const failing: ReadableJudgement[] = [];
    for (const region of serviceRegions(service)) {
      const judgement = judgeRegion(region, zoneRegions);
      if (judgement.kind === 'unreadable') {
        errors.push(regionError(service, judgement.summary));
        continue;
      }
      readable.push(judgement);
      if (judgement.kind === 'not-redundant') failing.push(judgement);
    }
    if (failing.length > 0) {
      return withRegionErrors(
        fail(
          () => `Service '${service.name}' is not zone redundant in ${failing.map((judgement) => judgement.summary).join('; ')}.`,
          () => evidenceOf(failing),
        ),
        errors,
      );
    }
    // A region that cannot be read could be the one without zones: never pass over it.
    return withRegionErrors(
      pass(
        () => `Service '${service.name}' is zone redundant wherever zones are supported: ${readable.map((judgement) => judgement.summary).join('; ')}.`,
        () => evidenceOf(readable),
      ),
      errors,
    );
  },
  planFix(service, result, { options: { zoneRedundantRegions } }) {
    // v2 tiers choose zone redundancy only at creation: there is nothing to PATCH.
    if (!isPremium(service)) return undefined;
    const zoneRegions = zoneRegionKeys(zoneRedundantRegions);
    const edits: RegionEdit[] = [];
    const described: string[] = [];
    for (const region of serviceRegions(service)) {
      if (judgeRegion(region, zoneRegions).kind !== 'not-redundant') continue;
      const layout = redundantLayout(region.zones, region.capacity);
      const sameZones = region.zones !== undefined && region.zones.join(',') === layout.zones.join(',');
      edits.push({ region, ...(sameZones ? {} : { zones: layout.zones }), ...(layout.capacity === region.capacity ? {} : { capacity: layout.capacity }) });
      described.push(`${region.label} (zones ${layout.zones.join(', ')} with ${count(layout.capacity, 'unit')})`);
    }
    if (edits.length === 0) return undefined;
    const fix = planRegionEdits(service, edits);
    if (fix === undefined) return undefined;
    return {
      resourceId: result.resourceId,
      summary: `Make service '${service.name}' zone redundant in ${described.join(' and ')}.`,
      request: patchService(service, fix.body),
      changes: fix.changes,
      preconditions: [
        stv2Platform(service),
        precondition(
          'Every region being changed supports availability zones',
          true,
          `${quoted(edits.map((edit) => edit.region.location ?? '?'))} ${edits.length === 1 ? 'is' : 'are'} in the zone-capable region list${zoneRedundantRegions === undefined ? '' : ' (option zoneRedundantRegions)'}.`,
        ),
        serviceAtRest(service),
        publicIpMayChange(service),
        vnetPublicIp(service),
      ],
      blastRadius:
        'Cost: every added unit is billed. The update is long-running (tens of minutes) and moves the gateway onto zone-redundant infrastructure; a VNet-injected classic instance may also need a Standard public IP address (publicIpAddressId).',
    };
  },
});

/**
 * Learn ("Enable availability zone support", "Reliability in API Management"): new Premium instances
 * and new locations in a zone-capable region get automatic availability zone support when no zones
 * are given, and the platform makes a best-effort attempt to spread the units over zones, with no way
 * to tell which. Best effort is not a guarantee and ARM then shows no zones, exactly as for a service
 * without zone support, so an absent zones list fails: redundancy cannot be shown.
 */
const AUTOMATIC_ZONES_NOTE =
  'absent (null or missing) — API Management may spread the units over zones automatically (best effort, per Learn) but ARM does not show it, so zone redundancy cannot be verified; pin the zones explicitly';

/** Learn: the v2 tiers without availability zones (Basic v2); Standard v2 and Premium v2 have them. */
function judgeV2(service: ApimService): Verdict {
  const tier = service.sku.name ?? '';
  if (equalsIgnoreCase(tier, 'BasicV2')) {
    return notApplicable(() => `Service '${service.name}' is on the ${tier} tier, which has no availability zones.`);
  }
  const path = 'properties.zoneRedundant';
  const value = readField(service.properties, 'zoneRedundant');
  if (isTrueFlag(value)) {
    return pass(() => `Service '${service.name}' (${tier}) was created zone redundant (properties.zoneRedundant is true).`, () => [evidence(path, value, true)]);
  }
  if (isFalseFlag(value)) {
    return fail(
      () => `Service '${service.name}' (${tier}) is not zone redundant (properties.zoneRedundant is false); on the v2 tiers zone redundancy can only be chosen when the service is created.`,
      () => [evidence(path, value, true, 'no fix planned: a v2 service cannot be made zone redundant after creation; create a zone-redundant service and move the configuration')],
    );
  }
  const shown = value === undefined || value === null ? 'absent' : `${JSON.stringify(value)}, which is neither true nor false`;
  return notChecked(
    () => `Service '${service.name}' (${tier}): properties.zoneRedundant is ${shown}, so zone redundancy cannot be shown (the property exists from api-version 2025-03-01-preview; zones and units are not read on the v2 tiers).`,
  );
}

const ALL_ZONES: readonly string[] = ['1', '2', '3'];

/**
 * The smallest change that makes a region zone redundant: at least two zones, and units spread
 * evenly over them (API Management requires the unit count to be a multiple of the zone count). A
 * region with zones keeps them and gets one unit per zone; a region without keeps its unit count
 * when it already divides over three or two zones (keeping a zone it has), and otherwise gets all
 * three zones and the next multiple of three units.
 */
function redundantLayout(zones: readonly string[] | undefined, capacity: number | undefined): { zones: readonly string[]; capacity: number } {
  const units = capacity ?? 0;
  if (zones !== undefined && zones.length >= 2) return { zones, capacity: roundUp(Math.max(units, zones.length), zones.length) };
  if (units >= 3 && units % 3 === 0) return { zones: ALL_ZONES, capacity: units };
  if (units >= 2 && units % 2 === 0) {
    const kept = zones?.find((zone) => ALL_ZONES.includes(zone));
    const pair = kept === undefined ? ['1', '2'] : [kept, ALL_ZONES.find((zone) => zone !== kept) ?? '1'].sort();
    return { zones: pair, capacity: units };
  }
  return { zones: ALL_ZONES, capacity: roundUp(Math.max(units, 3), 3) };
}

function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

/** Zone redundancy needs the stv2 compute platform (stv1 was retired; APIM-013). */
function stv2Platform(service: ApimService): FixPrecondition {
  const description = 'The service runs on the stv2 platform';
  const version = service.properties['platformVersion'];
  if (equalsIgnoreCase(version, 'stv2') || equalsIgnoreCase(version, 'stv2.1')) {
    return precondition(description, true, `Service '${service.name}' reports platformVersion "${String(version)}".`);
  }
  if (typeof version !== 'string' || version.trim() === '') {
    return precondition(description, false, `Service '${service.name}' does not report properties.platformVersion, so the stv2 platform cannot be shown.`);
  }
  return precondition(description, false, `Service '${service.name}' reports platformVersion "${version}"; migrate it to stv2 first (APIM-013).`);
}

/**
 * Enabling or changing availability zones triggers a change of the public IP address (Learn,
 * "Migrate Azure API Management to availability zone support", considerations). The estate cannot
 * show who allow-lists it, so a person confirms.
 */
function publicIpMayChange(service: ApimService): FixPrecondition {
  const addresses = service.properties['publicIPAddresses'];
  const listed = Array.isArray(addresses) && addresses.length > 0 ? ` (today ${addresses.map(String).join(', ')})` : '';
  return toConfirm(
    'Nothing depends on the current public IP address',
    `Changing zones gives service '${service.name}' a new public IP address${listed}: confirm that no firewall, allow-list or DNS record pins the current one (backends that allow-list the gateway, outbound rules), or update them right after.`,
  );
}

/**
 * A VNet-injected classic service needs a new Standard public IP resource (publicIpAddressId) for
 * a zone change (same Learn page); the request does not create or send one.
 */
function vnetPublicIp(service: ApimService): FixPrecondition {
  const description = 'A VNet-injected service is given a new Standard public IP address';
  const mode = service.properties['virtualNetworkType'];
  if (mode === undefined || mode === null || equalsIgnoreCase(mode, 'None')) {
    return precondition(description, true, `Service '${service.name}' is not injected in a virtual network (virtualNetworkType ${mode === undefined || mode === null ? 'absent' : JSON.stringify(mode)}), so no public IP resource is needed.`);
  }
  return precondition(
    description,
    false,
    `Service '${service.name}' is injected in a virtual network (virtualNetworkType ${JSON.stringify(mode)}): ARM needs a new Standard SKU public IP address in properties.publicIpAddressId (and in each additional location changed) for the zone change, which this request does not send; create one and add it to the request, and expect the public IP to change.`,
  );
}

/** The evidence of several regions, in region order. */
function evidenceOf(judgements: readonly ReadableJudgement[]): Evidence[] {
  const found: Evidence[] = [];
  for (const judgement of judgements) found.push(...judgement.evidence);
  return found;
}

function judgeRegion(region: ServiceRegion, zoneRegions: ReadonlySet<string>): RegionJudgement {
  if (region.problem !== undefined) return { kind: 'unreadable', summary: `${region.label} cannot be judged: ${region.problem}` };
  if (region.location === undefined) {
    return { kind: 'unreadable', summary: `${region.label} has no location, so its zone support cannot be told` };
  }
  const zones = region.zones;
  const zoneCount = zones?.length ?? 0;
  if (!supportsZones(region, zoneRegions)) {
    const note =
      zoneCount > 0
        ? 'the region is not in the zone-capable list although zones are set; add it to zoneRedundantRegions if it supports zones'
        : 'the region has no availability zones for API Management';
    return {
      kind: 'no-zone-support',
      summary: `${region.label} does not support availability zones`,
      evidence: [evidence(region.paths.zones, zones, 'not required', note)],
    };
  }
  const problems: Evidence[] = [];
  const reasons: string[] = [];
  if (zones === undefined) {
    problems.push(evidence(region.paths.zones, undefined, 'at least 2 zones', AUTOMATIC_ZONES_NOTE));
    reasons.push('no zones shown; automatic zone support, if any, cannot be verified');
  } else if (zones.length < 2) {
    problems.push(evidence(region.paths.zones, zones, 'at least 2 zones', zones.length === 0 ? 'empty — no zone redundancy' : 'one zone is zonal, not zone redundant'));
    reasons.push(zones.length === 0 ? 'no zones' : `only zone ${zones.join('')}`);
  }
  if (zoneCount > 0 && (region.capacity === undefined || region.capacity < zoneCount)) {
    problems.push(
      evidence(
        region.paths.capacity,
        region.capacityRaw,
        `at least ${count(zoneCount, 'unit')}`,
        region.capacity === undefined
          ? `${region.capacityRaw === undefined ? 'absent' : 'not a number'} — a unit per zone cannot be shown for zones ${zones?.join(', ') ?? ''}`
          : `${count(zoneCount, 'zone')} (${zones?.join(', ') ?? ''}) need one unit each; a zone without a unit is not redundant`,
      ),
    );
    reasons.push(`${count(zoneCount, 'zone')} but ${region.capacity === undefined ? 'no readable unit count' : count(region.capacity, 'unit')}`);
  }
  if (problems.length > 0) {
    return { kind: 'not-redundant', summary: `${region.label} (${reasons.join(', ')})`, evidence: problems };
  }
  return {
    kind: 'redundant',
    summary: `${region.label} has ${count(zoneCount, 'zone')} and ${count(region.capacity ?? 0, 'unit')}`,
    evidence: [evidence(region.paths.zones, zones, 'at least 2 zones'), evidence(region.paths.capacity, region.capacityRaw, `at least ${count(zoneCount, 'unit')}`)],
  };
}
