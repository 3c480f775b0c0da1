import type { ChildResource } from '../estate/model.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { developerPortalDisabled } from './shared/developer-portal.js';
import { needsChildren, unreadableChild } from './shared/children.js';
import { isEntra } from './shared/identity-providers.js';
import { isConsumption } from './shared/sku.js';
import { quoted } from './shared/text.js';
import { equalsIgnoreCase } from './shared/values.js';

/** Every identity provider type ARM knows; an entry with one of these names is known even without properties. */
const KNOWN_TYPES = ['aad', 'aadB2C', 'facebook', 'google', 'microsoft', 'twitter'];
const EXPECTED = 'an identity provider of type aad or aadB2C';

function hasKnownName(provider: ChildResource): boolean {
  return KNOWN_TYPES.some((type) => equalsIgnoreCase(provider.name, type));
}

export default defineRule({
  meta: {
    id: 'APIM-040',
    title: 'Developer portal uses a Microsoft Entra ID identity provider',
    failureTitle: 'Developer portal lacks Entra ID sign-in',
    severity: 'medium',
    category: 'developer-portal',
    pillar: 'security',
    needs: ['identityProviders'],
    fix: 'manual',
    sources: {
      mcsb: ['IM-1', 'IM-5'],
    },
    docs: {
      synopsis: 'Developers sign in to the developer portal through Microsoft Entra ID or Azure AD B2C.',
      description:
        'The developer portal signs developers in with portal-local usernames and passwords unless an identity provider is configured. With a Microsoft Entra ID (aad) or Azure AD B2C (aadB2C) provider, sign-in gets multifactor authentication, Conditional Access, single sign-on and central offboarding, and portal-local passwords can be switched off (APIM-023). Social providers (Facebook, Google, Microsoft account, Twitter) give none of these controls to the organisation.',
      recommendation:
        'Register an application in Microsoft Entra ID (or Azure AD B2C for external developers), add it to API Management as an identity provider, republish the developer portal, and then disable username and password sign-in (APIM-023).',
      howChecked:
        'Lists the identity providers of the service (Microsoft.ApiManagement/service/identityProviders). It passes when one has the name or properties.type "aad" or "aadB2C" (any casing; the ARM name of an identity provider is its type), and fails otherwise, including when the service has no identity provider at all. An entry that cannot be read and has no known provider name makes the result an error when no Entra ID provider was found. properties.developerPortalStatus of the service absent counts as Enabled.',
      notApplicableWhen:
        'The service is on the Consumption tier (no developer portal), its properties.developerPortalStatus is "Disabled", or the identity providers were not collected (a deep audit reads them from ARM).',
      examples: [
        {
          title: 'Azure CLI (Entra ID application already registered)',
          language: 'bash',
          code: [
            'az rest --method put \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/identityProviders/aad?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"type":"aad","clientId":"<app id>","clientSecret":"<secret>","allowedTenants":["contoso.onmicrosoft.com"],"clientLibrary":"MSAL-2"}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/identityProviders',
              apiVersion: '2024-05-01',
              name: '<name>/aad',
              properties: {
                type: 'aad',
                clientId: '<app id>',
                clientSecret: "[parameters('entraClientSecret')]",
                allowedTenants: ['contoso.onmicrosoft.com'],
                signinTenant: 'contoso.onmicrosoft.com',
                clientLibrary: 'MSAL-2',
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Manual fix: it needs an app registration in the right tenant, a client secret (store and rotate it) and a republish of the developer portal. No upstream tool implements this check; it follows the MCSB IM-1/IM-5 guidance for API Management. The rule does not test that the provider works (valid client id and secret, allowed tenants). It applies to all three v2 tiers, Basic v2 included: the Learn feature comparison lists Microsoft Entra integration for Basic v2, Standard v2 and Premium v2, but not for classic Basic, where a finding can only be resolved by a tier change.',
      links: [
        { title: 'Authorize developer accounts by using Microsoft Entra ID', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-aad' },
        { title: 'Authorize developer accounts by using Azure AD B2C', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-aad-b2c' },
        { title: 'Secure access to the API Management developer portal', url: 'https://learn.microsoft.com/azure/api-management/secure-developer-portal-access' },
        { title: 'Azure security baseline for API Management', url: 'https://learn.microsoft.com/security/benchmark/azure/baselines/api-management-security-baseline' },
      ],
    },
  },
  evaluate(service) {
    if (isConsumption(service)) return notApplicable('Consumption tier has no developer portal.');
    const portalOff = developerPortalDisabled(service, 'Microsoft Entra ID sign-in');
    if (portalOff) return portalOff;
    const providers = service.children.identityProviders;
    if (providers === undefined) return needsChildren(['identityProviders'], service);

    const entra = providers.filter(isEntra);
    if (entra.length > 0) {
      return pass(
        () => `The developer portal can sign developers in with ${entra.map((provider) => `the '${provider.name}' identity provider`).join(' and ')}.`,
        () => entra.map((provider) => evidence(`identityProviders/${provider.name}: properties.type`, provider.properties['type'], 'aad or aadB2C')),
      );
    }
    // An unreadable entry with an unknown name might be the Entra ID provider: say so rather than fail.
    const unreadable = providers.filter((provider) => provider.problem !== undefined && !hasKnownName(provider));
    if (unreadable.length > 0) return unreadable.map((provider) => unreadableChild(service, provider));
    const names = providers.map((provider) => provider.name);
    return fail(
      () => names.length === 0
        ? 'The developer portal has no identity provider, so developers can only sign in with portal-local usernames and passwords.'
        : `The developer portal has no Microsoft Entra ID identity provider (it has ${quoted(names)}).`,
      () => [evidence('identityProviders', names, EXPECTED, names.length === 0 ? 'no identity provider is configured' : undefined)],
    );
  },
});
