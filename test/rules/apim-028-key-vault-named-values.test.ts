import rule from '../../src/rules/apim-028-key-vault-named-values.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const NAMED_VALUE = 'Microsoft.ApiManagement/service/namedValues';
const VAULT_URI = 'https://kv-contoso.vault.azure.net/secrets/backend-key';
const service = apimService();

function namedValue(name: string, properties: Raw | null): Raw {
  return childOf(service, `namedValues/${name}`, NAMED_VALUE, properties);
}

const keyVaultValue = namedValue('backend-key', { displayName: 'backend-key', secret: true, keyVault: { secretIdentifier: VAULT_URI, identityClientId: null } });
const plainValue = namedValue('region', { displayName: 'region', value: 'westeurope', secret: false });
const storedSecret = namedValue('db-password', { displayName: 'db-password', value: null, secret: true });

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), keyVaultValue], reason: "Named value 'backend-key' references a Key Vault secret." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), keyVaultValue], reason: "Named value 'backend-key' references a Key Vault secret." },
    { name: 'secret value referencing Key Vault', resources: [service, keyVaultValue], reason: "Named value 'backend-key' references a Key Vault secret." },
    {
      name: 'plain non-secret value in the default mode (with a note)',
      resources: [service, plainValue],
      reason: "Named value 'region' is a plain (non-secret) value; mode 'all' would require a Key Vault reference for it too.",
    },
    {
      name: 'secret flag absent counts as a plain value',
      resources: [service, namedValue('region', { displayName: 'region', value: 'westeurope' })],
      reason: 'plain (non-secret)',
    },
    { name: 'service collected with no named values', resources: [{ ...service, resources: [] }], reason: 'The service has no named values.' },
    { name: "mode 'all': Key Vault reference passes", resources: [service, keyVaultValue], options: { mode: 'all' } },
    {
      name: 'Key Vault reference with secret null (PSRule fixture namedvalue-C)',
      resources: [service, namedValue('kv-ref', { displayName: 'kv-ref', keyVault: { secretIdentifier: VAULT_URI }, value: null, secret: null })],
      options: { mode: 'all' },
    },
    {
      name: 'PSRule export: named values nested in the service',
      resources: [
        {
          ...service,
          resources: [{ ResourceId: `${String(service['id'])}/namedValues/region`, Name: 'region', ResourceType: NAMED_VALUE, Properties: { displayName: 'region', secret: false } }],
        },
      ],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), storedSecret],
      reason: "Named value 'db-password' is a secret stored in API Management instead of a Key Vault reference.",
      evidence: [{ path: 'namedValues/db-password: properties.keyVault.secretIdentifier', actual: undefined, note: 'absent — properties.secret is true' }],
    },
    {
      name: 'secret stored in API Management',
      resources: [service, storedSecret],
      reason: "Named value 'db-password' is a secret stored in API Management instead of a Key Vault reference.",
      evidence: [{ path: 'namedValues/db-password: properties.keyVault.secretIdentifier', actual: undefined, note: 'absent — properties.secret is true' }],
    },
    {
      name: 'secret given as the string "TRUE"',
      resources: [service, namedValue('db-password', { displayName: 'db-password', secret: 'TRUE' })],
      evidence: [{ path: 'namedValues/db-password: properties.keyVault.secretIdentifier', actual: undefined, note: 'properties.secret is "TRUE"' }],
    },
    {
      name: 'keyVault null on a secret value',
      resources: [service, namedValue('db-password', { displayName: 'db-password', secret: true, keyVault: null })],
      evidence: [{ path: 'namedValues/db-password: properties.keyVault.secretIdentifier', actual: undefined }],
    },
    {
      name: 'blank secretIdentifier on a secret value',
      resources: [service, namedValue('db-password', { displayName: 'db-password', secret: true, keyVault: { secretIdentifier: '  ' } })],
      evidence: [{ path: 'namedValues/db-password: properties.keyVault.secretIdentifier', actual: '  ', note: 'empty' }],
    },
    {
      name: "mode 'all': plain value fails (PSRule Azure.APIM.EncryptValues)",
      resources: [service, plainValue],
      options: { mode: 'all' },
      reason: "Named value 'region' is stored in API Management instead of referencing a Key Vault secret.",
      evidence: [{ path: 'namedValues/region: properties.keyVault.secretIdentifier', actual: undefined, note: "mode 'all' requires Key Vault" }],
    },
    {
      name: "mode 'all': secret flag absent fails too",
      resources: [service, namedValue('region', { displayName: 'region', value: 'westeurope' })],
      options: { mode: 'all' },
      evidence: [{ path: 'namedValues/region: properties.keyVault.secretIdentifier', note: 'properties.secret is absent (platform default: false)' }],
    },
    {
      name: 'mixed named values: only the stored secret fails',
      resources: [service, keyVaultValue, plainValue, storedSecret],
      failing: ['db-password'],
      evidence: [{ path: 'namedValues/db-password: properties.keyVault.secretIdentifier' }],
    },
    {
      name: "mode 'all' on mixed values: both stored values fail",
      resources: [service, keyVaultValue, plainValue, storedSecret],
      options: { mode: 'all' },
      failing: ['db-password', 'region'],
      evidence: [{ path: 'namedValues/region: properties.keyVault.secretIdentifier' }, { path: 'namedValues/db-password: properties.keyVault.secretIdentifier' }],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'named values not collected', resources: [service], reason: 'needs named values' },
  ],
  error: [{ name: 'named value with null properties', resources: [service, namedValue('broken', null)], reason: "Named value 'broken' cannot be judged: properties is null." }],
});
