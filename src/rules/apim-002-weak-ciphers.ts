import { z } from 'zod';
import { defineRule, fail, pass } from './define-rule.js';
import {
  disableSwitches,
  disabledSwitch,
  GATEWAY_SECURITY,
  anySwitchEnabled,
  judgeDisabledSwitches,
  type AbsentDefault,
  type DisabledSwitch,
} from './shared/custom-properties.js';
import { patchService, serviceAtRest } from './shared/fix-plans.js';
import { consumptionHasNoCustomProperties, notOnV2Tiers } from './shared/sku.js';
import { count } from './shared/text.js';
import type { ApimService } from '../estate/model.js';
import type { Verdict } from './types.js';

/** Why the rule cannot judge the service's ciphers: no customProperties (Consumption), or a v2 tier whose default cipher configuration cannot be changed. */
function cipherSettingsUnavailable(service: ApimService): Verdict | undefined {
  return (
    consumptionHasNoCustomProperties(service) ??
    notOnV2Tiers(service, 'the v2 tiers do not support changes to the default cipher configuration, so there are no cipher suites to disable')
  );
}

/**
 * A cipher switch, labelled with the suite name as people write it. TripleDes168 shares the protocol
 * switches' era default (enabled only for services created on or before 2018-04-01); the REST spec
 * gives every other cipher a default of `true` (enabled).
 */
function cipher(name: string, absent: AbsentDefault = 'enabled'): DisabledSwitch {
  return disabledSwitch(`${GATEWAY_SECURITY}.Ciphers.${name}`, name, absent);
}

/** The eight suites PSRule Azure.APIM.Ciphers and azqr apim-010 check, in PSRule's order. */
const WEAK_CIPHERS: readonly DisabledSwitch[] = [
  cipher('TripleDes168', 'by-creation-date'),
  cipher('TLS_RSA_WITH_AES_128_CBC_SHA'),
  cipher('TLS_RSA_WITH_AES_256_CBC_SHA'),
  cipher('TLS_RSA_WITH_AES_128_CBC_SHA256'),
  cipher('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'),
  cipher('TLS_RSA_WITH_AES_256_CBC_SHA256'),
  cipher('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'),
  cipher('TLS_RSA_WITH_AES_128_GCM_SHA256'),
];

/** The two ECDSA CBC suites the REST spec also lets you disable; nobody upstream checks them. */
const ECDSA_CBC_CIPHERS: readonly DisabledSwitch[] = [
  cipher('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'),
  cipher('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'),
];
const WITH_ECDSA_CBC: readonly DisabledSwitch[] = [...WEAK_CIPHERS, ...ECDSA_CBC_CIPHERS];

const options = z.object({
  /** Also require the two ECDSA CBC suites to be disabled (off by default, as no upstream tool checks them). */
  includeEcdsaCbc: z.boolean().default(false),
});

export default defineRule({
  meta: {
    id: 'APIM-002',
    title: 'Weak cipher suites are disabled',
    failureTitle: 'Weak cipher suites enabled',
    severity: 'critical',
    category: 'encryption',
    pillar: 'security',
    needs: [],
    fix: 'guarded',
    sources: {
      psrule: ['Azure.APIM.Ciphers', 'AZR-000055'],
      azqr: ['apim-010'],
    },
    docs: {
      synopsis: 'Disable 3DES, the RSA key-exchange suites and the CBC-mode ECDHE suites on the gateway.',
      description:
        'The API Management gateway can negotiate cipher suites that lack forward secrecy (TLS_RSA_*), use CBC mode with SHA-1 (Lucky13-style padding-oracle attacks) or use 3DES (Sweet32). Each suite is switched by a customProperties string flag. The REST API documents a default of "true" (enabled) for the cipher switches, so an absent key leaves the suite enabled; the exception is TripleDes168, which shares the protocol switches\' default: enabled for services created on or before 2018-04-01, disabled for later ones. Suites the platform requires (TLS_AES_*_GCM_*, TLS_ECDHE_*_GCM_*, TLS_ECDHE_*_CBC_SHA256/384) cannot be disabled and are not checked.',
      recommendation:
        'Set the eight weak cipher flags to "False" (and, if your clients allow it, the two ECDSA CBC suites). Send the whole customProperties map in the PATCH: ARM resets omitted keys to their defaults, and the default for a cipher is enabled, so a partial PATCH re-enables every suite it leaves out.',
      howChecked:
        "Reads properties.customProperties['Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.<suite>'] for TripleDes168, TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_128_CBC_SHA256, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA256, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA and TLS_RSA_WITH_AES_128_GCM_SHA256; with the option includeEcdsaCbc, also TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA and TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA. Keys are matched case-insensitively. A value of \"true\" (any casing) fails. An absent key fails (platform default: enabled), except TripleDes168, whose absence fails only when the service was created on or before 2018-04-01 (properties.createdAtUtc, else systemData.createdAt) or when the creation date is unknown.",
      notApplicableWhen:
        'The service is on the Consumption tier, which does not support customProperties, or on a v2 tier (BasicV2, StandardV2, PremiumV2), which does not support changes to the default cipher configuration; no fix is planned there.',
      examples: [
        {
          title: 'Azure CLI (read-modify-write the whole map)',
          language: 'bash',
          code: [
            'props=$(az apim show -g <rg> -n <name> --query customProperties -o json)',
            'for c in TripleDes168 TLS_RSA_WITH_AES_128_CBC_SHA TLS_RSA_WITH_AES_256_CBC_SHA TLS_RSA_WITH_AES_128_CBC_SHA256 \\',
            '         TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA TLS_RSA_WITH_AES_256_CBC_SHA256 TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA TLS_RSA_WITH_AES_128_GCM_SHA256; do',
            '  props=$(echo "$props" | jq --arg k "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.$c" \'.[$k] = "False"\')',
            'done',
            'az rest --method patch --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body "{\\"properties\\":{\\"customProperties\\":$props}}"',
          ].join('\n'),
        },
        {
          title: 'ARM template (cipher keys only; keep the protocol keys in the same map)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              properties: {
                customProperties: Object.fromEntries(WEAK_CIPHERS.map(({ key }) => [key, 'False'])),
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Clients limited to RSA key exchange or CBC suites (older Windows Server and .NET Framework, Java 8 without ECDHE, some IoT stacks) fail their handshakes after the change. The update takes 15–45 minutes and the Developer tier has downtime. Absent keys are judged by the platform default, which makes this rule stricter than PSRule and azqr: a key that is missing or misspelt (PSRule\'s own fixture misspells TLS_RSA_WITH_AES_128_CBC_SHA for apim-L) leaves the suite enabled and fails here. The ECDSA CBC suites are off by default because no upstream tool checks them; turn on includeEcdsaCbc to require them too. The Consumption tier and the v2 tiers (Basic v2, Standard v2, Premium v2) do not support changes to the default cipher configuration (Learn, "Manage protocols and ciphers"), so the rule does not judge them and plans no fix there; which suites the v2 default enables is not documented.',
      links: [
        { title: 'Manage protocols and ciphers in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-manage-protocols-ciphers' },
        { title: 'API Management service – Update (REST API, customProperties)', url: 'https://learn.microsoft.com/rest/api/apimanagement/api-management-service/update' },
        { title: 'PSRule Azure.APIM.Ciphers', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.Ciphers/' },
      ],
    },
  },
  options,
  evaluate(service, { options: { includeEcdsaCbc } }) {
    const notApplicable = cipherSettingsUnavailable(service);
    if (notApplicable) return notApplicable;
    const ciphers = includeEcdsaCbc ? WITH_ECDSA_CBC : WEAK_CIPHERS;
    if (!anySwitchEnabled(service, ciphers)) {
      return pass(() => `Service '${service.name}' has all ${ciphers.length} checked weak cipher suites disabled.`, () => judgeDisabledSwitches(service, ciphers).all);
    }
    return fail(
      () => {
        const { enabled, enabledLabels } = judgeDisabledSwitches(service, ciphers);
        const absent = enabled.filter((item) => item.actual === undefined).length;
        const absentNote = absent === 0 ? '' : ` (${absent} of them because the key is absent and the platform default applies)`;
        return `Service '${service.name}' allows weak cipher suites: ${enabledLabels.join(', ')}${absentNote}.`;
      },
      () => judgeDisabledSwitches(service, ciphers).enabled,
    );
  },
  planFix(service, result, { options: { includeEcdsaCbc } }) {
    // No plan on v2 either: the cipher configuration there is fixed, so ARM has nothing to change.
    if (cipherSettingsUnavailable(service)) return undefined;
    const { enabledSwitches } = judgeDisabledSwitches(service, includeEcdsaCbc ? WITH_ECDSA_CBC : WEAK_CIPHERS);
    if (enabledSwitches.length === 0) return undefined;
    // Absent cipher keys default to enabled, so they are added as "False" rather than left out.
    const { customProperties, changes } = disableSwitches(service, enabledSwitches);
    return {
      resourceId: result.resourceId,
      summary: `Disable ${count(enabledSwitches.length, 'weak cipher suite')} on service '${service.name}' by sending the whole customProperties map (${count(Object.keys(customProperties).length, 'key')}) with ${enabledSwitches.length === 1 ? 'that suite' : 'those suites'} set to "False".`,
      request: patchService(service, { properties: { customProperties } }),
      changes,
      preconditions: [serviceAtRest(service)],
      blastRadius:
        'Clients limited to RSA key exchange or CBC suites (older Windows Server and .NET Framework, Java 8 without ECDHE, some IoT stacks) fail their handshakes. The update takes 15–45 minutes and the Developer tier has downtime.',
    };
  },
});
