import { defineRule, fail, pass } from './define-rule.js';
import { anySwitchEnabled, disableSwitches, disabledSwitch, GATEWAY_SECURITY, judgeDisabledSwitches, type DisabledSwitch } from './shared/custom-properties.js';
import { patchService, serviceAtRest } from './shared/fix-plans.js';
import { consumptionHasNoCustomProperties } from './shared/sku.js';
import { count } from './shared/text.js';

/** The six protocol switches, with the words people use for them; an absent one defaults by creation date. */
const PROTOCOLS: readonly DisabledSwitch[] = [
  disabledSwitch(`${GATEWAY_SECURITY}.Protocols.Tls10`, 'client TLS 1.0', 'by-creation-date'),
  disabledSwitch(`${GATEWAY_SECURITY}.Protocols.Tls11`, 'client TLS 1.1', 'by-creation-date'),
  disabledSwitch(`${GATEWAY_SECURITY}.Protocols.Ssl30`, 'client SSL 3.0', 'by-creation-date'),
  disabledSwitch(`${GATEWAY_SECURITY}.Backend.Protocols.Tls10`, 'backend TLS 1.0', 'by-creation-date'),
  disabledSwitch(`${GATEWAY_SECURITY}.Backend.Protocols.Tls11`, 'backend TLS 1.1', 'by-creation-date'),
  disabledSwitch(`${GATEWAY_SECURITY}.Backend.Protocols.Ssl30`, 'backend SSL 3.0', 'by-creation-date'),
];

export default defineRule({
  meta: {
    id: 'APIM-001',
    title: 'Legacy TLS/SSL protocols are disabled',
    failureTitle: 'TLS 1.0/1.1 or SSL 3.0 enabled',
    severity: 'critical',
    category: 'encryption',
    pillar: 'security',
    needs: [],
    fix: 'guarded',
    sources: {
      psrule: ['Azure.APIM.Protocols', 'AZR-000054'],
      azqr: ['apim-009'],
      checkov: ['CKV_AZURE_173'],
      conformity: ['APIManagement-007'],
      mcsb: ['DP-3'],
    },
    docs: {
      synopsis: 'Allow only TLS 1.2 or later between clients and the gateway, and between the gateway and backends.',
      description:
        'API Management can negotiate SSL 3.0, TLS 1.0 and TLS 1.1 on the client side and the backend side. These protocols have known weaknesses (POODLE, BEAST, weak MACs) and are deprecated by RFC 8996. Each is switched by a customProperties string flag. When a flag is absent, the platform default applies: enabled for services created on or before 2018-04-01, disabled for later ones.',
      recommendation:
        'Set all six protocol flags to "False". Send the whole customProperties map in the PATCH: ARM resets omitted keys to their defaults, which can silently re-enable protocols or ciphers on older services.',
      howChecked:
        "Reads properties.customProperties['Microsoft.WindowsAzure.ApiManagement.Gateway.Security.{,Backend.}Protocols.{Tls10,Tls11,Ssl30}']. A value of \"true\" (any casing) fails. An absent key fails when the service was created on or before 2018-04-01 (properties.createdAtUtc, else systemData.createdAt) or when the creation date is unknown, and passes for newer services.",
      notApplicableWhen: 'The service is on the Consumption tier, which does not support customProperties.',
      examples: [
        {
          title: 'Azure CLI (read-modify-write the whole map)',
          language: 'bash',
          code: [
            'props=$(az apim show -g <rg> -n <name> --query customProperties -o json)',
            'for k in Protocols.Tls10 Protocols.Tls11 Protocols.Ssl30 Backend.Protocols.Tls10 Backend.Protocols.Tls11 Backend.Protocols.Ssl30; do',
            '  props=$(echo "$props" | jq --arg k "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.$k" \'.[$k] = "False"\')',
            'done',
            'az rest --method patch --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body "{\\"properties\\":{\\"customProperties\\":$props}}"',
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
                customProperties: Object.fromEntries(PROTOCOLS.map(({ key }) => [key, 'False'])),
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Clients or backends that only speak TLS 1.0/1.1 (old .NET Framework, Java 7, embedded devices) stop working. The update takes 15–45 minutes and the Developer tier has downtime. Checkov CKV_AZURE_173 treats the string "False" as truthy and skips backend TLS 1.1; this rule reads the strings as Azure does. The rule applies to the v2 tiers (Basic v2, Standard v2, Premium v2), where Learn lists TLS settings as supported and excludes only cipher changes; whether v2 services report these keys and whether ARM accepts the fix there is unverified.',
      links: [
        { title: 'Manage protocols and ciphers in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-manage-protocols-ciphers' },
        { title: 'PSRule Azure.APIM.Protocols', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.Protocols/' },
      ],
    },
  },
  evaluate(service) {
    const notApplicable = consumptionHasNoCustomProperties(service);
    if (notApplicable) return notApplicable;
    if (!anySwitchEnabled(service, PROTOCOLS)) {
      return pass('Only TLS 1.2 or later is allowed on the client and backend sides.', () => judgeDisabledSwitches(service, PROTOCOLS).all);
    }
    return fail(
      () => `Legacy protocols are enabled: ${judgeDisabledSwitches(service, PROTOCOLS).enabledLabels.join(', ')}.`,
      () => judgeDisabledSwitches(service, PROTOCOLS).enabled,
    );
  },
  planFix(service, result) {
    if (consumptionHasNoCustomProperties(service)) return undefined;
    const { enabledSwitches, enabledLabels } = judgeDisabledSwitches(service, PROTOCOLS);
    if (enabledSwitches.length === 0) return undefined;
    const { customProperties, changes } = disableSwitches(service, enabledSwitches);
    return {
      resourceId: result.resourceId,
      summary: `Disable ${enabledLabels.join(', ')} on service '${service.name}' by sending the whole customProperties map (${count(Object.keys(customProperties).length, 'key')}) with ${enabledSwitches.length === 1 ? 'that switch' : 'those switches'} set to "False".`,
      request: patchService(service, { properties: { customProperties } }),
      changes,
      preconditions: [serviceAtRest(service)],
      blastRadius:
        'Clients and backends that only speak TLS 1.0/1.1 or SSL 3.0 (old .NET Framework, Java 7, embedded devices) fail their handshakes. The update takes 15–45 minutes and the Developer tier has downtime.',
    };
  },
});
