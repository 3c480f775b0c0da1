import rule from '../../src/rules/apim-023-portal-basic-auth.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const service = apimService();
const PATH = 'portalconfigs/default: properties.enableBasicAuth';

function config(properties: Raw | null, owner: Raw = service, name = 'default'): Raw {
  return childOf(owner, `portalconfigs/${name}`, 'Microsoft.ApiManagement/service/portalconfigs', properties);
}

function portalConfig(enableBasicAuth: unknown): Raw {
  return config({ enableBasicAuth, signin: { require: true }, signup: { termsOfService: { requireConsent: false } } });
}

function provider(name: string, properties: Raw): Raw {
  return childOf(service, `identityProviders/${name}`, 'Microsoft.ApiManagement/service/identityProviders', properties);
}

const portalDisabled = apimService({ properties: { developerPortalStatus: 'Disabled' } });
const consumption = apimService({ sku: { name: 'Consumption', capacity: 0 }, properties: { customProperties: undefined } });

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), portalConfig(false)] },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), portalConfig(false)] },
    {
      name: 'portal configuration collected and empty',
      resources: [{ ...service, collectedChildren: ['portalConfigs'] }],
      reason: 'The service reports no developer portal configuration',
    },
    {
      name: 'basic auth disabled',
      resources: [service, portalConfig(false)],
      reason: "Developer portal configuration 'default' does not allow username and password sign-in.",
    },
    { name: 'basic auth "False" as a string', resources: [service, portalConfig('False')] },
    {
      name: 'developerPortalStatus absent counts as enabled, basic auth off',
      resources: [apimService({ properties: { developerPortalStatus: undefined } }), config({ enableBasicAuth: false })],
    },
    { name: 'portal status "enabled" in lower case, basic auth off', resources: [apimService({ properties: { developerPortalStatus: 'enabled' } }), config({ enableBasicAuth: false })] },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), portalConfig(true)],
      reason: "Developer portal configuration 'default' allows developers to sign in with a username and password.",
      evidence: [{ path: PATH, actual: true, expected: false }],
    },
    {
      name: 'basic auth enabled',
      resources: [service, portalConfig(true)],
      reason: "Developer portal configuration 'default' allows developers to sign in with a username and password.",
      evidence: [{ path: PATH, actual: true, expected: false }],
      failing: ['default'],
    },
    {
      name: 'enableBasicAuth absent counts as enabled',
      resources: [service, config({ signin: { require: false } })],
      evidence: [{ path: PATH, actual: undefined, expected: false, note: 'counts as enabled' }],
    },
    {
      name: 'enableBasicAuth null counts as enabled',
      resources: [service, portalConfig(null)],
      evidence: [{ path: PATH, actual: undefined, note: 'absent' }],
    },
    {
      name: 'string "TRUE"',
      resources: [service, portalConfig('TRUE')],
      evidence: [{ path: PATH, actual: 'TRUE', expected: false }],
    },
    {
      name: 'mixed configurations: only the one allowing basic auth fails',
      resources: [service, portalConfig(false), config({ enableBasicAuth: true }, service, 'legacy')],
      failing: ['legacy'],
      evidence: [{ path: 'portalconfigs/legacy: properties.enableBasicAuth', actual: true }],
    },
  ],
  notApplicable: [
    {
      name: 'developer portal disabled, basic auth on',
      resources: [portalDisabled, config({ enableBasicAuth: true }, portalDisabled)],
      reason:
        'The developer portal of service \'apim-test\' is disabled (properties.developerPortalStatus is "Disabled"), so nobody can sign in to it and username and password sign-in does not apply.',
    },
    { name: 'developer portal "DISABLED" in upper case', resources: [apimService({ properties: { developerPortalStatus: 'DISABLED' } })], reason: 'properties.developerPortalStatus is "DISABLED"' },
    {
      name: 'developer portal disabled and portal configuration not collected (not applicable, not "not checked")',
      resources: [{ ...portalDisabled, collectedChildren: [] }],
      reason: 'developer portal of service \'apim-test\' is disabled',
    },
    {
      name: 'developer portal disabled on a Standard v2 service',
      resources: [apimService({ sku: { name: 'StandardV2', capacity: 1 }, properties: { developerPortalStatus: 'Disabled' } })],
      reason: 'is disabled (properties.developerPortalStatus is "Disabled")',
    },
    { name: 'Consumption tier', resources: [consumption, config({ enableBasicAuth: true }, consumption)], reason: 'Consumption tier has no developer portal' },
  ],
  notChecked: [
    { name: 'portal configuration not collected', resources: [service], reason: 'This rule needs developer portal configuration, which is not in the estate (it is read from ARM by a deep audit).' },
  ],
  error: [{ name: 'portal configuration with null properties', resources: [service, config(null)], reason: 'properties is null' }],
  fix: [
    {
      name: 'Entra ID provider exists: basic sign-in turned off',
      resources: [service, portalConfig(true), provider('aad', { type: 'aad', clientId: 'app' })],
      summary: "Turn off username and password sign-in to the developer portal of service 'apim-test' (portalconfigs/default).",
      request: { method: 'PATCH', path: '/portalconfigs/default', apiVersion: '2024-05-01', body: { properties: { enableBasicAuth: false } } },
      changes: [{ path: PATH, before: true, after: false }],
      preconditions: [{ description: 'A Microsoft Entra ID identity provider exists', satisfied: true, detail: "Developers can sign in with 'aad' (Microsoft Entra ID)." }],
    },
    {
      name: 'Entra External ID (aadB2C) counts; enableBasicAuth absent',
      resources: [service, config({ signin: { require: true } }), provider('aadB2C', { type: 'aadB2C', clientId: 'app' })],
      changes: [{ path: PATH, before: undefined, after: false }],
      preconditions: [{ description: 'A Microsoft Entra ID identity provider exists', satisfied: true }],
    },
    {
      name: 'only a Google provider: developers would be locked out',
      resources: [service, portalConfig(true), provider('google', { type: 'google', clientId: 'g' })],
      preconditions: [
        {
          description: 'A Microsoft Entra ID identity provider exists',
          satisfied: false,
          detail: "no Microsoft Entra ID identity provider (it has 'google'), so developers could not sign in; add an aad or aadB2C provider first (APIM-040).",
        },
      ],
    },
    {
      name: 'identity providers collected and none',
      resources: [{ ...service, collectedChildren: ['identityProviders'] }, portalConfig(true)],
      preconditions: [{ description: 'A Microsoft Entra ID identity provider exists', satisfied: false, detail: 'The developer portal has no identity provider' }],
    },
    {
      name: 'identity providers not collected: unknown, so unsatisfied',
      resources: [service, portalConfig('TRUE')],
      changes: [{ path: PATH, before: 'TRUE', after: false }],
      preconditions: [{ description: 'A Microsoft Entra ID identity provider exists', satisfied: false, detail: 'The identity providers were not collected' }],
    },
  ],
});
