import rule from '../../src/rules/apim-003-managed-identity.js';
import { apimService, apimV2Service, serviceId } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const USER_IDENTITY = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-apim';
const userAssigned = { [USER_IDENTITY]: { principalId: '33333333-3333-3333-3333-333333333333', clientId: '44444444-4444-4444-4444-444444444444' } };

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2 with a system-assigned identity', resources: [apimV2Service('BasicV2')], reason: "Service 'apim-test' has a system-assigned managed identity." },
    { name: 'StandardV2 with a user-assigned identity', resources: [apimV2Service('StandardV2', { identity: { type: 'UserAssigned', userAssignedIdentities: userAssigned } })], reason: '1 user-assigned managed identity' },
    { name: 'system-assigned identity', resources: [apimService()], reason: "Service 'apim-test' has a system-assigned managed identity." },
    {
      name: 'one user-assigned identity',
      resources: [apimService({ identity: { type: 'UserAssigned', userAssignedIdentities: userAssigned } })],
      reason: "has 1 user-assigned managed identity.",
    },
    {
      name: 'both kinds, "SystemAssigned, UserAssigned" as ARM writes it',
      resources: [apimService({ identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: userAssigned } })],
      reason: 'has a system-assigned managed identity and 1 user-assigned managed identity.',
    },
    {
      name: 'both kinds without the space (PSRule fixture apim-D)',
      resources: [apimService({ identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: userAssigned } })],
    },
    { name: 'type in lower case', resources: [apimService({ identity: { type: 'systemassigned' } })] },
    { name: 'combined type, mixed casing and extra spaces', resources: [apimService({ identity: { type: ' userAssigned ,  SYSTEMASSIGNED ' } })] },
    {
      name: 'UserAssigned without the identities map in the export',
      resources: [apimService({ identity: { type: 'UserAssigned' } })],
      reason: 'has user-assigned managed identities.',
    },
    { name: 'PSRule export casing (Identity.Type)', resources: [apimService({ top: { identity: undefined, Identity: { Type: 'SystemAssigned' } } })] },
  ],
  fail: [
    {
      name: 'PremiumV2 without an identity',
      resources: [apimV2Service('PremiumV2', { identity: null })],
      reason: "Service 'apim-test' has no managed identity",
      evidence: [{ path: 'identity.type' }],
    },
    {
      name: 'identity block absent',
      resources: [apimService({ top: { identity: undefined } })],
      reason: "Service 'apim-test' has no managed identity: the identity block is absent.",
      evidence: [{ path: 'identity.type', actual: undefined, note: 'absent' }],
    },
    {
      name: 'identity null, as real GET bodies carry it',
      resources: [apimService({ identity: null })],
      reason: 'the identity block is absent.',
      evidence: [{ path: 'identity.type', actual: undefined }],
    },
    {
      name: 'identity type null (PSRule fixture apim-B)',
      resources: [apimService({ identity: { type: null } })],
      reason: 'identity.type is not set.',
      evidence: [{ path: 'identity.type', actual: undefined, note: 'not set' }],
    },
    {
      name: 'identity type empty string',
      resources: [apimService({ identity: { type: '' } })],
      reason: 'identity.type is not set.',
      evidence: [{ path: 'identity.type', actual: '' }],
    },
    {
      name: 'identity type "None"',
      resources: [apimService({ identity: { type: 'None' } })],
      reason: 'has no managed identity: identity.type is "None".',
      evidence: [{ path: 'identity.type', actual: 'None', expected: 'SystemAssigned, UserAssigned or "SystemAssigned, UserAssigned"' }],
    },
    {
      name: 'identity type "none" in lower case',
      resources: [apimService({ identity: { type: 'none' } })],
      evidence: [{ path: 'identity.type', actual: 'none' }],
    },
  ],
  notApplicable: [
    {
      name: 'identity type Azure does not define',
      resources: [apimService({ identity: { type: 'ManagedIdentity' } })],
      reason: 'identity.type "ManagedIdentity", which is not a type Azure defines',
    },
    {
      name: 'identity type repeats a kind',
      resources: [apimService({ identity: { type: 'SystemAssigned, SystemAssigned' } })],
      reason: 'cannot be told whether a managed identity is assigned.',
    },
    {
      name: 'identity type "None" combined with a kind',
      resources: [apimService({ identity: { type: 'None, SystemAssigned' } })],
      reason: 'not a type Azure defines',
    },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' },
  ],
  fix: [
    {
      name: 'no identity block: a system-assigned identity is added',
      resources: [apimService({ identity: null })],
      summary: "Assign a system-assigned managed identity to service 'apim-test'.",
      request: { method: 'PATCH', path: serviceId('apim-test'), apiVersion: '2024-05-01', body: { identity: { type: 'SystemAssigned' } } },
      changes: [{ path: 'identity.type', before: undefined, after: 'SystemAssigned' }],
      preconditions: [{ description: 'No other operation is running', satisfied: true }],
    },
    {
      name: 'type "None"',
      resources: [apimService({ identity: { type: 'None' } })],
      request: { body: { identity: { type: 'SystemAssigned' } } },
      changes: [{ path: 'identity.type', before: 'None', after: 'SystemAssigned' }],
    },
    {
      name: 'user-assigned identities listed without a type are kept',
      resources: [apimService({ identity: { userAssignedIdentities: userAssigned } })],
      summary: 're-sending its 1 user-assigned identity',
      request: { body: { identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [USER_IDENTITY]: {} } } } },
      changes: [{ path: 'identity.type', before: undefined, after: 'SystemAssigned, UserAssigned' }],
    },
  ],
});
