import type { ApimService, ChildResource } from '../estate/model.js';
import type { FixPrecondition } from '../contracts/fix-plan.js';
import type { Verdict } from './types.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { developerPortalDisabled } from './shared/developer-portal.js';
import { childPath, childSubject, judgeChildren } from './shared/children.js';
import { change, findingChild, patchChild, precondition } from './shared/fix-plans.js';
import { isEntra } from './shared/identity-providers.js';
import { quoted } from './shared/text.js';
import { isConsumption } from './shared/sku.js';
import { isFalseFlag } from './shared/values.js';

function judgeConfig(config: ChildResource): Verdict {
  const path = `${childPath(config)}: properties.enableBasicAuth`;
  const value = config.properties['enableBasicAuth'];
  if (isFalseFlag(value)) {
    return pass(() => `${childSubject(config)} does not allow username and password sign-in.`, () => [evidence(path, value, false)]);
  }
  const absent = value === undefined || value === null;
  return fail(() => `${childSubject(config)} allows developers to sign in with a username and password.`, () => [
    absent ? evidence(path, undefined, false, 'absent — counts as enabled (the platform default)') : evidence(path, value, false),
  ]);
}

export default defineRule({
  meta: {
    id: 'APIM-023',
    title: 'Developer portal username and password sign-in is disabled',
    failureTitle: 'Portal password sign-in enabled',
    severity: 'medium',
    category: 'developer-portal',
    pillar: 'security',
    needs: ['portalConfigs'],
    fix: 'guarded',
    sources: {
      azurePolicy: ['ffe25541-3853-4f4e-b71d-064422294b11', '1b0d74ac-4b43-4c39-a15f-594385adc38d'],
      mcsb: ['IM-1', 'PA-1'],
    },
    docs: {
      synopsis: 'Developers sign in to the developer portal with Microsoft Entra ID (or Azure AD B2C), not with portal-local usernames and passwords.',
      description:
        'With basic authentication on, the developer portal keeps its own user accounts with passwords. Those accounts get no multifactor authentication, no Conditional Access and no central offboarding, and they are exposed to password spraying and credential stuffing. A signed-in developer can read API documentation and obtain subscription keys, so a taken-over account is a way into the APIs.',
      recommendation:
        'Configure a Microsoft Entra ID or Azure AD B2C identity provider (APIM-040), move developers to it, then set properties.enableBasicAuth to false in the developer portal configuration.',
      howChecked:
        'Reads properties.enableBasicAuth of each developer portal configuration (Microsoft.ApiManagement/service/portalconfigs, normally one named default). Only false (JSON boolean or "false" in any casing) passes; true, any other value, or an absent value fails, because an absent value counts as enabled (as in Azure Policy ffe25541: "not equals false"). A service whose portal configuration list is collected but empty passes. properties.developerPortalStatus of the service absent counts as Enabled.',
      notApplicableWhen:
        'The service is on the Consumption tier (no developer portal), its properties.developerPortalStatus is "Disabled", or the portal configuration was not collected (a deep audit reads it from ARM).',
      examples: [
        {
          title: 'Azure CLI (after an Entra ID identity provider exists)',
          language: 'bash',
          code: [
            'base="https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>"',
            '# precondition (APIM-040): an aad or aadB2C identity provider',
            'az rest --method get --url "$base/identityProviders?api-version=2024-05-01" --query "value[].name"',
            'az rest --method patch --headers "If-Match=*" --url "$base/portalconfigs/default?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"enableBasicAuth":false}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/portalconfigs',
              apiVersion: '2024-05-01',
              name: '<name>/default',
              properties: { enableBasicAuth: false },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Guarded fix: apply it only when an Entra ID or Azure AD B2C identity provider exists (APIM-040) and developers have moved to it. Otherwise nobody can sign in to the developer portal any more, and existing portal-local accounts lose access. Azure Policy 1b0d74ac (Modify) makes the same change. Users of the publisher side (Azure portal) are not affected.',
      links: [
        { title: 'Secure access to the API Management developer portal', url: 'https://learn.microsoft.com/azure/api-management/secure-developer-portal-access' },
        { title: 'Authorize developer accounts by using Microsoft Entra ID', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-aad' },
        { title: 'Azure Policy built-in definitions for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
      ],
    },
  },
  evaluate(service) {
    if (isConsumption(service)) return notApplicable('Consumption tier has no developer portal.');
    const portalOff = developerPortalDisabled(service, 'username and password sign-in');
    if (portalOff) return portalOff;
    return judgeChildren(service, 'portalConfigs', judgeConfig, {
      none: 'The service reports no developer portal configuration, so no username and password sign-in is configured.',
    });
  },
  planFix(service, result) {
    const config = findingChild(service, 'portalConfigs', result.resourceId);
    if (config === undefined) return undefined;
    const value = config.properties['enableBasicAuth'];
    if (isFalseFlag(value)) return undefined;
    return {
      resourceId: result.resourceId,
      summary: `Turn off username and password sign-in to the developer portal of service '${service.name}' (${childPath(config)}).`,
      request: patchChild(config, { properties: { enableBasicAuth: false } }),
      changes: [change(`${childPath(config)}: properties.enableBasicAuth`, value ?? undefined, false)],
      preconditions: [entraProvider(service)],
      blastRadius:
        'Developers who sign in to the developer portal with a username and password can no longer sign in; they must use the Microsoft Entra ID provider. Existing subscriptions and keys keep working.',
    };
  },
});

/** Without another way in, turning off basic sign-in locks developers out of the portal. */
function entraProvider(service: ApimService): FixPrecondition {
  const description = 'A Microsoft Entra ID identity provider exists for the developer portal';
  const providers = service.children.identityProviders;
  if (providers === undefined) {
    return precondition(
      description,
      false,
      'The identity providers were not collected (they are read from ARM by a deep audit), so it cannot be shown that developers have another way to sign in; audit with identity providers first.',
    );
  }
  const entra = providers.filter((provider) => provider.problem === undefined && isEntra(provider));
  if (entra.length > 0) {
    return precondition(description, true, `Developers can sign in with ${quoted(entra.map((provider) => provider.name))} (Microsoft Entra ID).`);
  }
  return precondition(
    description,
    false,
    `${providers.length === 0 ? 'The developer portal has no identity provider' : `The developer portal has no Microsoft Entra ID identity provider (it has ${quoted(providers.map((provider) => provider.name))})`}, so developers could not sign in; add an aad or aadB2C provider first (APIM-040).`,
  );
}
