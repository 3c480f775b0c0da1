import type { ApimService } from '../estate/model.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { change, patchService, serviceAtRest } from './shared/fix-plans.js';
import { isBlank } from './shared/values.js';

type IdentityKind = 'systemassigned' | 'userassigned';
type IdentityRead = { readonly kinds: readonly IdentityKind[] } | 'none' | 'unknown';

/** The spellings ARM writes, read without parsing; for speed, as every service row has one. */
const ARM_IDENTITY_TYPES: ReadonlyMap<string, IdentityRead> = new Map<string, IdentityRead>([
  ['SystemAssigned', { kinds: ['systemassigned'] }],
  ['UserAssigned', { kinds: ['userassigned'] }],
  ['SystemAssigned, UserAssigned', { kinds: ['systemassigned', 'userassigned'] }],
  ['None', 'none'],
]);

/**
 * Reads `identity.type` as a set of identity kinds. ARM writes the combined type as
 * "SystemAssigned, UserAssigned", templates and exports also as "SystemAssigned,UserAssigned"; any
 * casing is accepted. `none` is "None"; `unknown` is a value Azure does not define.
 */
function readIdentityType(type: string): IdentityRead {
  const known = ARM_IDENTITY_TYPES.get(type);
  if (known !== undefined) return known;
  const parts = type
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '');
  if (parts.length === 1 && parts[0] === 'none') return 'none';
  if (parts.length === 0 || parts.length > 2) return 'unknown';
  const kinds = new Set<IdentityKind>();
  for (const part of parts) {
    if (part !== 'systemassigned' && part !== 'userassigned') return 'unknown';
    kinds.add(part);
  }
  return kinds.size === parts.length ? { kinds: [...kinds] } : 'unknown';
}

function describeKinds(service: ApimService, kinds: readonly IdentityKind[]): string {
  const words: string[] = [];
  if (kinds.includes('systemassigned')) words.push('a system-assigned managed identity');
  if (kinds.includes('userassigned')) {
    const count = Object.keys(service.identity?.userAssignedIdentities ?? {}).length;
    words.push(count === 0 ? 'user-assigned managed identities' : `${count} user-assigned managed ${count === 1 ? 'identity' : 'identities'}`);
  }
  return words.join(' and ');
}

const EXPECTED = 'SystemAssigned, UserAssigned or "SystemAssigned, UserAssigned"';

export default defineRule({
  meta: {
    id: 'APIM-003',
    title: 'A managed identity is assigned',
    failureTitle: 'No managed identity',
    severity: 'medium',
    category: 'identity',
    pillar: 'security',
    needs: [],
    fix: 'safe',
    sources: {
      psrule: ['Azure.APIM.ManagedIdentity', 'AZR-000053'],
      azqr: ['apim-008'],
      conformity: ['APIManagement-010', 'APIManagement-011'],
      mcsb: ['IM-3'],
    },
    docs: {
      synopsis: 'Give the service a system-assigned or user-assigned managed identity.',
      description:
        'A managed identity lets API Management read certificates and named values from Azure Key Vault and authenticate to backends (authentication-managed-identity policy) with Microsoft Entra ID tokens instead of stored secrets. Without one, credentials have to be pasted into named values or policies, where they are harder to rotate and audit.',
      recommendation:
        'Enable the system-assigned identity (additive and free), or attach a user-assigned identity that several resources share. Grant the identity only the roles it needs (for example Key Vault Secrets User on one vault): anyone who can edit API Management policies can act as this identity.',
      howChecked:
        'Reads identity.type. "SystemAssigned", "UserAssigned" and "SystemAssigned, UserAssigned" pass, in any casing and with or without spaces around the comma. An absent identity block, a null or empty type, or "None" fails.',
      notApplicableWhen:
        'identity.type holds a value Azure does not define (neither None nor a combination of SystemAssigned and UserAssigned), so the export cannot tell whether an identity is assigned; check the source of the data.',
      examples: [
        {
          title: 'Azure CLI (system-assigned identity)',
          language: 'bash',
          code: [
            'az apim update -g <rg> -n <name> --enable-managed-identity true',
            '# or, with az rest:',
            'az rest --method patch --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body \'{"identity":{"type":"SystemAssigned"}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template (keep existing user-assigned identities when adding the system-assigned one)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              identity: {
                type: 'SystemAssigned, UserAssigned',
                userAssignedIdentities: {
                  "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))]": {},
                },
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'The fix is additive: it creates a service principal in the tenant and changes no traffic. When user-assigned identities already exist, send type "SystemAssigned, UserAssigned" together with the existing userAssignedIdentities map, or they may be dropped. Trend Micro Conformity splits this check into system-assigned (APIManagement-010) and user-assigned (APIManagement-011); here either kind passes.',
      links: [
        { title: 'Use managed identities in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-use-managed-service-identity' },
        { title: 'Authenticate with managed identity (policy)', url: 'https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy' },
        { title: 'PSRule Azure.APIM.ManagedIdentity', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.ManagedIdentity/' },
      ],
    },
  },
  evaluate(service) {
    const identity = service.identity;
    if (identity === undefined) {
      return fail(() => `Service '${service.name}' has no managed identity: the identity block is absent.`, () => [
        evidence('identity.type', undefined, EXPECTED, 'absent — no identity block, so no managed identity'),
      ]);
    }
    const type = identity.type;
    if (type === undefined || isBlank(type)) {
      return fail(() => `Service '${service.name}' has no managed identity: identity.type is not set.`, () => [
        evidence('identity.type', type, EXPECTED, 'not set — no managed identity'),
      ]);
    }
    const read = readIdentityType(type);
    if (read === 'none') {
      return fail(() => `Service '${service.name}' has no managed identity: identity.type is "${type}".`, () => [evidence('identity.type', type, EXPECTED)]);
    }
    if (read === 'unknown') {
      return notApplicable(
        () => `Service '${service.name}' has identity.type "${type}", which is not a type Azure defines (None, SystemAssigned, UserAssigned or "SystemAssigned, UserAssigned"), so it cannot be told whether a managed identity is assigned.`,
      );
    }
    return pass(() => `Service '${service.name}' has ${describeKinds(service, read.kinds)}.`, () => [evidence('identity.type', type, EXPECTED)]);
  },
  planFix(service, result) {
    const identity = service.identity;
    const type = identity?.type;
    if (type !== undefined && !isBlank(type) && readIdentityType(type) !== 'none') return undefined;
    // ARM may drop user-assigned identities a PATCH leaves out, so the existing ones are re-sent
    // (values are `{}`: principalId and clientId are read-only).
    const userAssigned = Object.keys(identity?.userAssignedIdentities ?? {});
    const after = userAssigned.length === 0 ? 'SystemAssigned' : 'SystemAssigned, UserAssigned';
    const body =
      userAssigned.length === 0
        ? { identity: { type: after } }
        : { identity: { type: after, userAssignedIdentities: Object.fromEntries(userAssigned.map((id) => [id, {}])) } };
    return {
      resourceId: result.resourceId,
      summary:
        userAssigned.length === 0
          ? `Assign a system-assigned managed identity to service '${service.name}'.`
          : `Assign a system-assigned managed identity to service '${service.name}', re-sending its ${userAssigned.length} user-assigned ${userAssigned.length === 1 ? 'identity' : 'identities'} so none is dropped.`,
      request: patchService(service, body),
      changes: [change('identity.type', isBlank(type) ? undefined : type, after)],
      preconditions: [serviceAtRest(service)],
      blastRadius:
        'Additive: no traffic changes. A service principal is created in the tenant; anyone who can edit API Management policies can act as this identity (authentication-managed-identity), so grant it least privilege.',
    };
  },
});
