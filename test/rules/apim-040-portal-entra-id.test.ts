import rule from '../../src/rules/apim-040-portal-entra-id.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const service = apimService();
const portalDisabled = apimService({ properties: { developerPortalStatus: 'Disabled' } });
const consumption = apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } });

function provider(name: string, properties: Raw | null = { type: name, clientId: '00000000-0000-0000-0000-0000000000aa' }, owner: Raw = service): Raw {
  return childOf(owner, `identityProviders/${name}`, 'Microsoft.ApiManagement/service/identityProviders', properties);
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2 with an Entra ID provider (Basic v2 has Entra integration)', resources: [apimV2Service('BasicV2'), provider('aad')], reason: "the 'aad' identity provider." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), provider('aad')], reason: "the 'aad' identity provider." },
    { name: 'Entra ID provider', resources: [service, provider('aad')], reason: "the 'aad' identity provider." },
    { name: 'Azure AD B2C provider', resources: [service, provider('aadB2C')] },
    { name: 'provider name in other casing ("AADB2C")', resources: [service, provider('AADB2C', { type: 'AadB2c' })] },
    { name: 'Entra ID next to social providers', resources: [service, provider('facebook'), provider('aad'), provider('google')] },
    { name: 'Entra ID provider with null properties counts by name', resources: [service, provider('aad', null)] },
    {
      name: 'developerPortalStatus absent counts as enabled',
      resources: [apimService({ properties: { developerPortalStatus: undefined } }), provider('aad')],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [{ ...apimV2Service('StandardV2'), collectedChildren: ['identityProviders'] }],
      reason: 'The developer portal has no identity provider',
      evidence: [{ path: 'identityProviders', actual: [], note: 'no identity provider is configured' }],
    },
    {
      name: 'BasicV2 without an identity provider',
      resources: [{ ...apimV2Service('BasicV2'), collectedChildren: ['identityProviders'] }],
      reason: 'The developer portal has no identity provider',
      evidence: [{ path: 'identityProviders', actual: [], note: 'no identity provider is configured' }],
    },
    {
      name: 'identity providers collected and there are none',
      resources: [{ ...service, collectedChildren: ['identityProviders'] }],
      reason: 'The developer portal has no identity provider, so developers can only sign in with portal-local usernames and passwords.',
      evidence: [{ path: 'identityProviders', actual: [], expected: 'an identity provider of type aad or aadB2C', note: 'no identity provider is configured' }],
      failing: ['apim-test'],
    },
    {
      name: 'only social providers',
      resources: [service, provider('facebook'), provider('google')],
      reason: "The developer portal has no Microsoft Entra ID identity provider (it has 'facebook', 'google').",
      evidence: [{ path: 'identityProviders', actual: ['facebook', 'google'], expected: 'an identity provider of type aad or aadB2C' }],
      failing: ['apim-test'],
    },
    {
      name: 'Microsoft account provider is not Entra ID',
      resources: [service, provider('microsoft')],
      evidence: [{ path: 'identityProviders', actual: ['microsoft'] }],
    },
    {
      name: 'unreadable social provider does not hide the failure',
      resources: [service, provider('twitter', null)],
      evidence: [{ path: 'identityProviders', actual: ['twitter'] }],
    },
  ],
  notApplicable: [
    {
      name: 'developer portal disabled, no Entra ID provider',
      resources: [portalDisabled, provider('facebook', undefined, portalDisabled)],
      reason:
        'The developer portal of service \'apim-test\' is disabled (properties.developerPortalStatus is "Disabled"), so nobody can sign in to it and Microsoft Entra ID sign-in does not apply.',
    },
    { name: 'developer portal "disabled" in lower case', resources: [apimService({ properties: { developerPortalStatus: 'disabled' } })], reason: 'properties.developerPortalStatus is "disabled"' },
    {
      name: 'developer portal disabled and identity providers not collected (not applicable, not "not checked")',
      resources: [{ ...portalDisabled, collectedChildren: [] }],
      reason: 'developer portal of service \'apim-test\' is disabled',
    },
    {
      name: 'developer portal disabled on a Basic v2 service',
      resources: [apimService({ sku: { name: 'BasicV2', capacity: 1 }, properties: { developerPortalStatus: 'Disabled' } })],
      reason: 'is disabled (properties.developerPortalStatus is "Disabled")',
    },
    { name: 'Consumption tier', resources: [consumption, provider('facebook', undefined, consumption)], reason: 'Consumption tier has no developer portal' },
  ],
  notChecked: [
    { name: 'identity providers not collected', resources: [service], reason: 'needs identity providers' },
  ],
  error: [
    { name: 'unreadable provider of unknown name and no Entra ID', resources: [service, provider('facebook'), provider('custom', null)], reason: "Identity provider 'custom' cannot be judged: properties is null." },
    { name: 'service with null properties', resources: [{ ...service, properties: null }], reason: 'properties is null' },
  ],
});
