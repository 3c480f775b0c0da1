import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { equalsIgnoreCase, isBlank } from './shared/values.js';
import { notOnV2Tiers } from './shared/sku.js';

const EXPECTED = 'stv2 or stv2.1';

export default defineRule({
  meta: {
    id: 'APIM-013',
    title: 'The service does not run on the retired stv1 platform',
    failureTitle: 'Runs on the retired stv1 platform',
    severity: 'high',
    category: 'resilience',
    pillar: 'reliability',
    needs: [],
    fix: 'manual',
    sources: {
      azurePolicy: ['1dc2fc00-2245-4143-99f4-874c937f13ef'],
      aprl: ['e35cf148-8eee-49d1-a1c9-956160f99e0b'],
    },
    docs: {
      synopsis: 'Migrate services still hosted on the stv1 compute platform to stv2.',
      description:
        'Classic-tier services run on one of two compute platforms. stv1 was retired on 31 August 2024 in global Azure (24 February 2025 in Azure Government and Azure in China): stv1 services are no longer supported or covered by the SLA, and stv1 lacks features that need stv2, such as availability zones. stv2 (and stv2.1) is the supported platform.',
      recommendation:
        'Migrate the service to stv2: in place with the migrateToStv2 operation (services without VNet injection, or VNet-injected services keeping their subnet), or by moving a VNet-injected service to a new subnet. Plan for the IP address change of VNet-injected services and update firewalls, NSGs, DNS records and backend allow-lists.',
      howChecked:
        'Reads properties.platformVersion (compared case-insensitively). "stv1" fails; "stv2", "stv2.1" and any other reported platform pass. A missing value is never a pass.',
      notApplicableWhen:
        'The service is on a v2 tier (BasicV2, StandardV2, PremiumV2): stv1 and stv2 are platforms of the classic tiers, unrelated to v2, and what v2 services report in properties.platformVersion is undocumented. Or the service reports "mtv1" (the multi-tenant Consumption platform, which is not migrated this way), or the platform version is not reported (absent, empty or "undetermined", e.g. while the service is being created or in an export that omits it).',
      examples: [
        {
          title: 'Azure CLI (in-place migration; the public IP address changes)',
          language: 'bash',
          code: [
            'az rest --method post --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/migrateToStv2?api-version=2023-03-01-preview" \\',
            '  --body \'{"mode":"PreserveIp"}\'',
            '# then confirm:',
            'az apim show -g <rg> -n <name> --query platformVersion -o tsv   # stv2',
          ].join('\n'),
        },
        {
          title: 'ARM template (VNet-injected service: migrate by moving to a new subnet with a Standard public IP)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              properties: {
                virtualNetworkType: 'External',
                virtualNetworkConfiguration: {
                  subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), 'snet-apim-stv2')]",
                },
                publicIpAddressId: "[resourceId('Microsoft.Network/publicIPAddresses', parameters('publicIpName'))]",
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Migration takes from tens of minutes to a few hours and cannot be undone. Services that are not VNet-injected can keep their public IP address (mode PreserveIp); VNet-injected services get new private and public IP addresses unless they use the preserve-IP option where offered, so firewalls, NSG rules, DNS and backend allow-lists must be updated. The Developer tier has downtime during migration.',
      links: [
        { title: 'Compute platform for Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/compute-infrastructure' },
        { title: 'Migrate an API Management instance hosted on the stv1 platform to stv2', url: 'https://learn.microsoft.com/azure/api-management/migrate-stv1-to-stv2' },
        { title: 'stv1 platform retirement (August 2024)', url: 'https://learn.microsoft.com/azure/api-management/breaking-changes/stv1-platform-retirement-august-2024' },
      ],
    },
  },
  evaluate(service) {
    // Judged by tier, not by value: what platformVersion reports on v2 is undocumented.
    const v2 = notOnV2Tiers(service, 'stv1 and stv2 are compute platforms of the classic tiers, unrelated to the v2 tiers, so there is no stv1 to migrate from');
    if (v2) return v2;
    const version = service.properties['platformVersion'];
    if (isBlank(version) || equalsIgnoreCase(version, 'undetermined')) {
      return notApplicable(
        () => `Service '${service.name}': the platform version is not reported (properties.platformVersion is ${isBlank(version) ? 'absent' : `"${String(version)}"`}), so it cannot be told whether the service is on stv1.`,
      );
    }
    if (typeof version !== 'string') {
      return notApplicable(() => `Service '${service.name}': the platform version is not reported as text (properties.platformVersion is ${JSON.stringify(version)}).`);
    }
    if (equalsIgnoreCase(version, 'mtv1')) {
      return notApplicable(() => `Service '${service.name}' runs on mtv1, the multi-tenant Consumption platform, which has no stv1/stv2 choice.`);
    }
    const found = evidence('properties.platformVersion', version, EXPECTED);
    if (equalsIgnoreCase(version, 'stv1')) {
      return fail(() => `Service '${service.name}' runs on the stv1 compute platform, which was retired on 31 August 2024; migrate it to stv2.`, () => [found]);
    }
    return pass(() => `Service '${service.name}' runs on the ${version} compute platform.`, () => [found]);
  },
});
