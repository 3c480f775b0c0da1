import { z } from 'zod';
import type { ChildResource } from '../estate/model.js';
import { defineRule, evidence, fail, pass } from './define-rule.js';
import { judgeChildren } from './shared/children.js';
import type { Verdict } from './types.js';
import { isBlank, isTrueFlag, readPath } from './shared/values.js';

const options = z.object({
  /**
   * `secret` (default, Azure Policy f1cc7827): only values marked secret need a Key Vault reference.
   * `all` (PSRule Azure.APIM.EncryptValues): every named value needs one.
   */
  mode: z.enum(['secret', 'all']).default('secret'),
});

type Options = z.infer<typeof options>;

const EXPECTED = 'a Key Vault secret identifier (https://<vault>.vault.azure.net/secrets/<name>)';

function judge(child: ChildResource, { mode }: Options): Verdict {
  const path = `namedValues/${child.name}: properties.keyVault.secretIdentifier`;
  const identifier = readPath(child.properties, 'keyVault.secretIdentifier');
  if (typeof identifier === 'string' && !isBlank(identifier)) {
    return pass(() => `Named value '${child.name}' references a Key Vault secret.`, () => [evidence(path, identifier, EXPECTED)]);
  }
  const secret = child.properties['secret'];
  const missing = identifier === undefined ? 'absent' : 'empty';
  const secretState =
    secret === undefined ? 'properties.secret is absent (platform default: false)' : `properties.secret is ${JSON.stringify(secret)}`;
  if (isTrueFlag(secret)) {
    return fail(() => `Named value '${child.name}' is a secret stored in API Management instead of a Key Vault reference.`, () => [
      evidence(path, identifier, EXPECTED, `${missing} — ${secretState}, so the secret is stored in API Management`),
    ]);
  }
  if (mode === 'all') {
    return fail(() => `Named value '${child.name}' is stored in API Management instead of referencing a Key Vault secret.`, () => [
      evidence(path, identifier, EXPECTED, `${missing} — ${secretState}; mode 'all' requires Key Vault for every named value`),
    ]);
  }
  return pass(() => `Named value '${child.name}' is a plain (non-secret) value; mode 'all' would require a Key Vault reference for it too.`, () => [
    evidence(path, identifier, EXPECTED, `${missing} — not required in mode 'secret': ${secretState}`),
  ]);
}

export default defineRule<Options>({
  meta: {
    id: 'APIM-028',
    title: 'Named values use Key Vault secrets',
    failureTitle: 'Named value secrets outside Key Vault',
    severity: 'medium',
    category: 'secrets',
    pillar: 'security',
    needs: ['namedValues'],
    fix: 'manual',
    sources: {
      psrule: ['Azure.APIM.EncryptValues', 'AZR-000045'],
      azurePolicy: ['f1cc7827-022c-473e-836e-5a51cae0b249'],
      mcsb: ['IM-8', 'DP-7'],
    },
    docs: {
      synopsis: 'Keep named-value secrets in Azure Key Vault and reference them from API Management.',
      description:
        'Named values hold the constants that policies use, often credentials: backend keys, client secrets, signing keys. A secret stored in API Management itself can be read by anyone with the listValue permission on the service, is copied into every backup and template export, and has no rotation, expiry or access audit. A Key Vault-backed named value keeps the secret in the vault; API Management reads it with its managed identity and refreshes it every four hours, so rotation happens in one place.',
      recommendation:
        "Create the secret in Key Vault, give the service's managed identity the Key Vault Secrets User role (or a get-secret access policy), then recreate the named value as a Key Vault reference with properties.keyVault.secretIdentifier. Policies keep using {{name}} unchanged. Set the option mode: 'all' to require Key Vault for plain values as well (PSRule's stricter reading).",
      howChecked:
        "Reads each named value's properties.keyVault.secretIdentifier and properties.secret. A non-empty secretIdentifier passes. Otherwise, in the default mode 'secret' (Azure Policy f1cc7827), a value whose secret is true (JSON true or the string \"true\" in any casing) fails, and a plain value (secret false or absent — absent means false, the platform default) passes with a note. In mode 'all' (PSRule Azure.APIM.EncryptValues) every named value without a secretIdentifier fails. A service with no named values passes.",
      notApplicableWhen: 'Named values were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI: turn a named value into a Key Vault reference',
          language: 'bash',
          code: [
            'az rest --method put \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/namedValues/backend-key?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"displayName":"backend-key","secret":true,"keyVault":{"secretIdentifier":"https://<vault>.vault.azure.net/secrets/backend-key"}}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/namedValues',
              apiVersion: '2024-05-01',
              name: '<name>/backend-key',
              properties: {
                displayName: 'backend-key',
                secret: true,
                keyVault: { secretIdentifier: 'https://<vault>.vault.azure.net/secrets/backend-key' },
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        "The two sources disagree: Azure Policy only flags values marked secret, PSRule flags every value without a Key Vault reference (its fixture fails plain non-secret values). The default follows Azure Policy, which has the better signal; mode 'all' reproduces PSRule. The migration needs the service's managed identity to reach the vault (network rules included); if it cannot, the named value goes into an error state and policies that use it fail. Omit the secret version from the identifier so that rotation is picked up automatically.",
      links: [
        { title: 'Use named values in Azure API Management policies', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-properties' },
        { title: 'Azure Policy built-in definitions for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
        { title: 'PSRule Azure.APIM.EncryptValues', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.EncryptValues/' },
      ],
    },
  },
  options,
  evaluate(service, { options: resolved }) {
    return judgeChildren(service, 'namedValues', (child) => judge(child, resolved), { none: 'The service has no named values.' });
  },
});
