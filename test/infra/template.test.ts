import { describe, expect, it } from 'vitest';
import {
  allResources,
  apiVersionProblems,
  at,
  isObject,
  loadTemplate,
  onlyResource,
  resourcesOfType,
  SCHEMAS,
  structureProblems,
  usageProblems,
  type Json,
} from './arm-template.js';

const main = loadTemplate('main.json');
const managementGroup = loadTemplate('access-management-group.json');
const TEMPLATES = [
  ['main.json', main, SCHEMAS.resourceGroup],
  ['access-management-group.json', managementGroup, SCHEMAS.managementGroup],
] as const;

const clone = (template: Json): Json => structuredClone(template);
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const TABLE_DATA_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
const BLOB_DATA_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';

describe.each(TEMPLATES)('%s', (_file, template, schema) => {
  it("has ARM's structure: $schema, contentVersion, parameters, variables, resources, outputs", () => {
    expect(structureProblems(template, schema)).toEqual([]);
  });

  it('gives every resource, nested ones included, a type and the api-version the allow-list records', () => {
    expect(allResources(template).length).toBeGreaterThan(0);
    expect(apiVersionProblems(template)).toEqual([]);
  });

  it('uses every parameter and variable it declares, and declares every one it uses', () => {
    expect(usageProblems(template, 'parameters')).toEqual([]);
    expect(usageProblems(template, 'variables')).toEqual([]);
  });

  it('describes every parameter', () => {
    const parameters = template['parameters'] as Json;
    for (const [name, parameter] of Object.entries(parameters)) {
      expect(typeof at(parameter, 'metadata.description'), name).toBe('string');
    }
  });
});

describe('the checks themselves find problems', () => {
  it('a missing section or a wrong $schema', () => {
    const broken = clone(main);
    Reflect.deleteProperty(broken, 'outputs');
    expect(structureProblems(broken, SCHEMAS.resourceGroup)).toEqual(['outputs must be an object']);
    expect(structureProblems(main, SCHEMAS.subscription)[0]).toMatch(/^\$schema is/);
  });

  it('an api-version that is not the recorded one, a type not in the list, a resource without type', () => {
    const broken = clone(main);
    const resources = broken['resources'] as Json[];
    (resources[0] as Json)['apiVersion'] = '2018-11-30';
    resources.push({ type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-07-01', name: 'kv' }, { name: 'untyped' });
    const problems = apiVersionProblems(broken);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('uses apiVersion "2018-11-30"');
    expect(problems[1]).toContain('Microsoft.KeyVault/vaults) is not in the api-version allow-list');
    expect(problems[2]).toContain('has no type');
  });

  it('an api-version inside a nested deployment', () => {
    const broken = clone(main);
    const nested = allResources(broken).find(({ at: where }) => where.includes('.properties.template.'));
    if (nested === undefined) throw new Error('main.json has no nested template');
    nested.resource['apiVersion'] = '2015-07-01';
    expect(apiVersionProblems(broken)).toEqual([expect.stringContaining('.properties.template.resources[0] (Microsoft.Authorization/roleDefinitions) uses apiVersion "2015-07-01"')]);
  });

  it('an unused parameter, an undeclared one, and the same inside a nested template', () => {
    const broken = clone(main);
    (broken['parameters'] as Json)['forgotten'] = { type: 'string' };
    (broken['outputs'] as Json)['typo'] = { type: 'string', value: "[parameters('appname2')]" };
    const nested = allResources(broken).map((found) => found.resource).find((resource) => isObject(at(resource, 'properties.template')));
    ((at(nested, 'properties.template') as Json)['parameters'] as Json)['innerUnused'] = { type: 'string' };
    expect(usageProblems(broken, 'parameters')).toEqual([
      "template: parameter 'forgotten' is declared but never used",
      "template: parameter 'appname2' is used but not declared",
      "template > nested template 0: parameter 'innerUnused' is declared but never used",
    ]);
  });

  it('an inner-scope expression does not count as a use of the outer parameter', () => {
    const broken = clone(main);
    const parameters = broken['parameters'] as Json;
    parameters['onlyInside'] = { type: 'string' };
    const nested = allResources(broken).map((found) => found.resource).find((resource) => isObject(at(resource, 'properties.template')));
    const inner = at(nested, 'properties.template') as Json;
    (inner['parameters'] as Json)['onlyInside'] = { type: 'string' };
    (inner['outputs'] = { echo: { type: 'string', value: "[parameters('onlyInside')]" } });
    expect(usageProblems(broken, 'parameters')).toEqual(["template: parameter 'onlyInside' is declared but never used"]);
  });
});

describe('main.json deploys the bot as asked', () => {
  const identity = onlyResource(main, 'Microsoft.ManagedIdentity/userAssignedIdentities');
  const site = onlyResource(main, 'Microsoft.Web/sites');
  const plan = onlyResource(main, 'Microsoft.Web/serverfarms');
  const storage = onlyResource(main, 'Microsoft.Storage/storageAccounts');
  const bot = onlyResource(main, 'Microsoft.BotService/botServices');
  const parameters = main['parameters'] as Json;
  const variables = main['variables'] as Json;
  const appSettings = new Map(((at(site, 'properties.siteConfig.appSettings') ?? []) as Json[]).map((entry) => [entry['name'], entry['value']]));
  const identityRef = String(identity['name']).replace(/^\[|\]$/g, '');

  it('a Linux plan running two instances at least', () => {
    expect(at(plan, 'properties.reserved')).toBe(true);
    expect(at(plan, 'sku.capacity')).toBe("[parameters('instanceCount')]");
    expect(at(parameters, 'instanceCount.defaultValue')).toBe(2);
    expect(at(parameters, 'instanceCount.minValue')).toBe(2);
    expect(at(parameters, 'appServicePlanSku.allowedValues')).not.toContain('F1');
    expect(at(parameters, 'appServicePlanSku.allowedValues')).not.toContain('D1');
  });

  it('a web app on Node 22 LTS, HTTPS only, TLS 1.2, FTP and basic publishing credentials off', () => {
    expect(at(site, 'properties.siteConfig.linuxFxVersion')).toBe('NODE|22-lts');
    expect(at(site, 'properties.httpsOnly')).toBe(true);
    expect(at(site, 'properties.siteConfig.minTlsVersion')).toBe('1.2');
    expect(at(site, 'properties.siteConfig.scmMinTlsVersion')).toBe('1.2');
    expect(at(site, 'properties.siteConfig.ftpsState')).toBe('Disabled');
    expect(at(site, 'properties.siteConfig.healthCheckPath')).toBe('/healthz');
    const policies = resourcesOfType(main, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
    expect(policies.map((policy) => [String(policy['name']).replace(/.*\//, '').replace(/'.*$/, ''), at(policy, 'properties.allow')]).sort()).toEqual([
      ['ftp', false],
      ['scm', false],
    ]);
  });

  it('the managed identity attached to the web app, and named in AZURE_CLIENT_ID and the bot settings', () => {
    expect(at(site, 'identity.type')).toBe('UserAssigned');
    expect(Object.keys(at(site, 'identity.userAssignedIdentities') as Json)).toEqual([`[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', ${identityRef})]`]);
    expect(appSettings.get('AZURE_CLIENT_ID')).toMatch(/userAssignedIdentities.*\)\.clientId\]$/);
    expect(appSettings.get('MicrosoftAppId')).toBe(appSettings.get('AZURE_CLIENT_ID'));
    expect(appSettings.get('MicrosoftAppType')).toBe('UserAssignedMSI');
    expect(appSettings.get('MicrosoftAppTenantId')).toBe('[subscription().tenantId]');
    expect(appSettings.get('APIM_POSTURE_TARGET')).toBe('azure');
    expect(appSettings.get('APIM_POSTURE_CREDENTIAL')).toBe('managedIdentity');
    expect(appSettings.get('HOST')).toBe('0.0.0.0');
  });

  it('the store URLs under the setting names kept in one variable', () => {
    const names = variables['storeSettingNames'] as Json;
    expect(names).toEqual({ tableUrl: 'APIM_POSTURE_STORAGE_TABLE_URL', blobUrl: 'APIM_POSTURE_STORAGE_BLOB_URL' });
    expect(appSettings.get("[variables('storeSettingNames').tableUrl]")).toMatch(/primaryEndpoints\.table\]$/);
    expect(appSettings.get("[variables('storeSettingNames').blobUrl]")).toMatch(/primaryEndpoints\.blob\]$/);
    // Written out only through the variable, so renaming it there renames it everywhere.
    const text = JSON.stringify(main);
    expect(text.split('APIM_POSTURE_STORAGE_TABLE_URL')).toHaveLength(2);
    expect(text.split('APIM_POSTURE_STORAGE_BLOB_URL')).toHaveLength(2);
    // A deployment fails at start without its storage account instead of quietly using the disk.
    expect(appSettings.get('APIM_POSTURE_STORE')).toBe('azure');
  });

  it('the store setting names are the ones the store reads', async () => {
    const { storeConfigFromEnv } = await import('../../src/store/config.js');
    const env = { APIM_POSTURE_STORE: 'azure', APIM_POSTURE_STORAGE_TABLE_URL: 'https://acct.table.core.windows.net/', APIM_POSTURE_STORAGE_BLOB_URL: 'https://acct.blob.core.windows.net/' };
    expect(storeConfigFromEnv(env)).toMatchObject({ kind: 'azure' });
  });

  it('a storage account for Entra ID only: no shared keys, TLS 1.2, HTTPS only, no public blobs', () => {
    expect(at(storage, 'kind')).toBe('StorageV2');
    expect(at(storage, 'properties.allowSharedKeyAccess')).toBe(false);
    expect(at(storage, 'properties.defaultToOAuthAuthentication')).toBe(true);
    expect(at(storage, 'properties.minimumTlsVersion')).toBe('TLS1_2');
    expect(at(storage, 'properties.supportsHttpsTrafficOnly')).toBe(true);
    expect(at(storage, 'properties.allowBlobPublicAccess')).toBe(false);
  });

  it('data-plane roles for the identity on the storage account: Table and Blob Data Contributor', () => {
    const onStorage = resourcesOfType(main, 'Microsoft.Authorization/roleAssignments').filter((assignment) => String(assignment['scope']).includes('Microsoft.Storage/storageAccounts'));
    const roles = onStorage.map((assignment) => String(at(assignment, 'properties.roleDefinitionId')));
    expect(roles).toHaveLength(2);
    expect(roles.some((role) => role.includes('storageTableDataContributor'))).toBe(true);
    expect(roles.some((role) => role.includes('storageBlobDataContributor'))).toBe(true);
    expect(variables['builtInRoles']).toEqual({ reader: READER, storageTableDataContributor: TABLE_DATA_CONTRIBUTOR, storageBlobDataContributor: BLOB_DATA_CONTRIBUTOR });
    for (const assignment of onStorage) {
      expect(at(assignment, 'properties.principalId')).toMatch(/userAssignedIdentities.*\)\.principalId\]$/);
      expect(at(assignment, 'properties.principalType')).toBe('ServicePrincipal');
    }
  });

  it('an Azure Bot that signs in as the managed identity, with its endpoint on the web app and Teams on', () => {
    expect(at(bot, 'kind')).toBe('azurebot');
    expect(at(bot, 'location')).toBe('global');
    expect(at(bot, 'properties.msaAppType')).toBe('UserAssignedMSI');
    expect(at(bot, 'properties.msaAppId')).toBe(appSettings.get('AZURE_CLIENT_ID'));
    expect(at(bot, 'properties.msaAppTenantId')).toBe('[subscription().tenantId]');
    expect(at(bot, 'properties.msaAppMSIResourceId')).toBe(`[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', ${identityRef})]`);
    expect(at(bot, 'properties.endpoint')).toMatch(/^\[format\('https:\/\/\{0\}\/api\/messages', reference\(resourceId\('Microsoft\.Web\/sites'.*\)\.defaultHostName\)\]$/);
    const channel = onlyResource(main, 'Microsoft.BotService/botServices/channels');
    expect(channel['name']).toMatch(/\/MsTeamsChannel'/);
    expect(at(channel, 'properties.channelName')).toBe('MsTeamsChannel');
    expect(at(channel, 'properties.properties.isEnabled')).toBe(true);
  });

  it('workspace-based Application Insights, its connection string in the app settings', () => {
    const insights = onlyResource(main, 'Microsoft.Insights/components');
    expect(at(insights, 'properties.WorkspaceResourceId')).toBe("[resourceId('Microsoft.OperationalInsights/workspaces', variables('names').workspace)]");
    expect(onlyResource(main, 'Microsoft.OperationalInsights/workspaces')['name']).toBe("[variables('names').workspace]");
    expect(appSettings.get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toMatch(/Microsoft\.Insights\/components.*\.ConnectionString\]$/);
  });

  it('Reader on every audited subscription, through one nested deployment per subscription', () => {
    const access = resourcesOfType(main, 'Microsoft.Resources/deployments').find((deployment) => isObject(deployment['copy']));
    expect(at(access, 'copy.count')).toBe("[length(parameters('auditSubscriptionIds'))]");
    expect(at(access, 'subscriptionId')).toBe("[parameters('auditSubscriptionIds')[copyIndex()]]");
    expect(at(access, 'properties.template.$schema')).toBe(SCHEMAS.subscription);
    const assignments = (at(access, 'properties.template.resources') as Json[]).filter((resource) => resource['type'] === 'Microsoft.Authorization/roleAssignments');
    const reader = assignments.find((assignment) => !('condition' in assignment));
    expect(at(reader, 'properties.roleDefinitionId')).toBe("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', parameters('readerRoleId'))]");
    expect(at(access, 'properties.parameters.readerRoleId.value')).toBe("[variables('builtInRoles').reader]");
    const remediation = assignments.find((assignment) => assignment['condition'] === "[parameters('enableRemediation')]");
    expect(at(remediation, 'properties.roleDefinitionId')).toBe("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', parameters('remediationRoleDefinitionName'))]");
  });

  it('outputs the bot endpoint, the identity ids and the storage URLs', () => {
    const outputs = main['outputs'] as Json;
    for (const name of ['botEndpoint', 'identityClientId', 'identityPrincipalId', 'identityResourceId', 'tenantId', 'storageTableUrl', 'storageBlobUrl', 'webAppName', 'remediationRoleDefinitionId', 'teamsPackageCommand']) {
      expect(at(outputs, `${name}.type`), name).toBe('string');
      expect(typeof at(outputs, `${name}.value`), name).toBe('string');
    }
    expect(at(outputs, 'botEndpoint.value')).toBe(at(bot, 'properties.endpoint'));
  });
});

describe('access-management-group.json grants access at a management group', () => {
  it('Reader, and the remediation role defined and assigned only at that group when enabled', () => {
    const assignments = resourcesOfType(managementGroup, 'Microsoft.Authorization/roleAssignments');
    const reader = assignments.find((assignment) => !('condition' in assignment));
    expect(at(reader, 'properties.roleDefinitionId')).toBe("[tenantResourceId('Microsoft.Authorization/roleDefinitions', variables('readerRoleId'))]");
    expect(at(managementGroup, 'variables.readerRoleId')).toBe(READER);
    const definition = onlyResource(managementGroup, 'Microsoft.Authorization/roleDefinitions');
    expect(definition['condition']).toBe("[parameters('enableRemediation')]");
    expect(at(definition, 'properties.assignableScopes')).toEqual(['[managementGroup().id]']);
    expect(at(definition, 'properties.type')).toBe('CustomRole');
    const remediation = assignments.find((assignment) => assignment['condition'] === "[parameters('enableRemediation')]");
    expect(at(remediation, 'properties.roleDefinitionId')).toBe("[managementGroupResourceId('Microsoft.Authorization/roleDefinitions', variables('remediationRole').name)]");
  });
});

describe('main.parameters.example.json', () => {
  const example = loadTemplate('main.parameters.example.json');

  it('sets only parameters main.json declares, with values of their type, and every required one', () => {
    const declared = main['parameters'] as Json;
    const given = example['parameters'] as Json;
    expect(example['$schema']).toBe('https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#');
    for (const [name, entry] of Object.entries(given)) {
      const type = at(declared, `${name}.type`);
      expect(type, `${name} is not a parameter of main.json`).toBeDefined();
      const value = at(entry, 'value');
      const kind = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? 'int' : typeof value;
      expect(kind, name).toBe(type);
    }
    const required = Object.entries(declared).filter(([, parameter]) => !('defaultValue' in (parameter as Json))).map(([name]) => name);
    for (const name of required) expect(Object.keys(given), `required parameter ${name}`).toContain(name);
  });
});
