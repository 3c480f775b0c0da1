/**
 * Offline checks of ARM deployment templates (JSON), without Azure: structure, the api-version of
 * every resource against a recorded allow-list, parameters and variables declared ⇔ used. Each
 * check returns the problems it finds (empty: none), so tests can show it finds them in a broken
 * copy as well as none in the real template.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Json = Record<string, unknown>;

export const INFRA_DIR = join(import.meta.dirname, '..', '..', 'infra');

export function loadTemplate(file: string, dir = INFRA_DIR): Json {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
}

export const SCHEMAS = {
  resourceGroup: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  subscription: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
  managementGroup: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
} as const;

/**
 * The api-version allowed for each resource type, and where it was confirmed (Learn template
 * reference pages and their change logs, read through the search tool on 2026-12-03).
 * "unverified" says the version could not be confirmed there.
 */
export const API_VERSIONS: Readonly<Record<string, { readonly apiVersion: string; readonly source: string }>> = {
  'Microsoft.ManagedIdentity/userAssignedIdentities': {
    apiVersion: '2023-01-31',
    source: 'learn.microsoft.com/azure/templates/microsoft.managedidentity/userassignedidentities (resource format shows @2023-01-31; 2024-11-30 also appears in third-party templates)',
  },
  'Microsoft.Storage/storageAccounts': {
    apiVersion: '2025-01-01',
    source: 'learn.microsoft.com/azure/templates/microsoft.storage/change-log/storageaccounts (2025-01-01 listed; later 2025-06-01, 2025-08-01, 2026-04-01)',
  },
  'Microsoft.Web/serverfarms': {
    apiVersion: '2024-11-01',
    source: 'same Microsoft.Web version as sites; serverfarms pages show 2022-09-01 and 2025-03-01, 2024-11-01 for serverfarms itself unverified',
  },
  'Microsoft.Web/sites': {
    apiVersion: '2024-11-01',
    source: 'learn.microsoft.com/azure/templates/microsoft.web/sites (resource format shows @2024-11-01)',
  },
  'Microsoft.Web/sites/basicPublishingCredentialsPolicies': {
    apiVersion: '2024-11-01',
    source: 'unverified: same Microsoft.Web version as sites; the child type page was not read',
  },
  'Microsoft.OperationalInsights/workspaces': {
    apiVersion: '2023-09-01',
    source: 'learn.microsoft.com/azure/templates/microsoft.operationalinsights/change-log/workspaces (2023-09-01 the newest listed)',
  },
  'Microsoft.Insights/components': {
    apiVersion: '2020-02-02',
    source: 'Pulumi azure-native Component "Uses Azure REST API version 2020-02-02" (the stable version; Learn page not read)',
  },
  'Microsoft.BotService/botServices': {
    apiVersion: '2022-09-15',
    source: 'azure-rest-api-specs stable/2022-09-15/botservice.json (via Azure Service Operator reference); Learn shows 2023-09-15-preview as newest, a preview',
  },
  'Microsoft.BotService/botServices/channels': {
    apiVersion: '2022-09-15',
    source: 'same spec as botServices (stable/2022-09-15/botservice.json)',
  },
  'Microsoft.Authorization/roleAssignments': {
    apiVersion: '2022-04-01',
    source: 'unverified on Learn in this session; the version Bicep role-assignment samples on Learn use',
  },
  'Microsoft.Authorization/roleDefinitions': {
    apiVersion: '2022-04-01',
    source: 'learn.microsoft.com/azure/templates/Microsoft.Authorization/roleDefinitions (@2022-04-01; deployable at resource group, subscription and management group)',
  },
  'Microsoft.Resources/deployments': {
    apiVersion: '2024-03-01',
    source: 'unverified: nested deployments; not confirmed on Learn in this session',
  },
};

/** `$schema`, `contentVersion` and the five sections, each of the right JSON kind. */
export function structureProblems(template: Json, schema: string): string[] {
  const problems: string[] = [];
  if (template['$schema'] !== schema) problems.push(`$schema is ${JSON.stringify(template['$schema'])}, expected ${schema}`);
  if (typeof template['contentVersion'] !== 'string' || !/^\d+\.\d+\.\d+\.\d+$/.test(template['contentVersion'])) problems.push('contentVersion must be a.b.c.d');
  for (const section of ['parameters', 'variables', 'outputs']) {
    if (!isObject(template[section])) problems.push(`${section} must be an object`);
  }
  if (!Array.isArray(template['resources']) || template['resources'].length === 0) problems.push('resources must be a non-empty array');
  return problems;
}

export interface FoundResource {
  readonly resource: Json;
  /** Where it is: `resources[3]`, `resources[14].properties.template.resources[0]`. */
  readonly at: string;
}

/** Every resource of the template and of the inline templates of nested deployments. */
export function allResources(template: Json, at = ''): FoundResource[] {
  const resources = Array.isArray(template['resources']) ? (template['resources'] as unknown[]) : [];
  return resources.flatMap((entry, index) => {
    const where = `${at}resources[${index}]`;
    if (!isObject(entry)) return [{ resource: {}, at: where }];
    const nested = isObject(entry['properties']) && isObject(entry['properties']['template']) ? entry['properties']['template'] : undefined;
    return [{ resource: entry, at: where }, ...(nested === undefined ? [] : allResources(nested, `${where}.properties.template.`))];
  });
}

/** Each resource has a type and the api-version the allow-list records for it. */
export function apiVersionProblems(template: Json): string[] {
  return allResources(template).flatMap(({ resource, at }) => {
    const type = resource['type'];
    const apiVersion = resource['apiVersion'];
    if (typeof type !== 'string' || type === '') return [`${at} has no type`];
    const allowed = API_VERSIONS[type];
    if (allowed === undefined) return [`${at} (${type}) is not in the api-version allow-list`];
    if (apiVersion !== allowed.apiVersion) return [`${at} (${type}) uses apiVersion ${JSON.stringify(apiVersion)}, the allow-list has ${allowed.apiVersion}`];
    return [];
  });
}

/**
 * Names declared in `section` (parameters or variables) against names used as `parameters('x')` /
 * `variables('x')` anywhere in the template (defaults and other variables count as uses). A nested
 * deployment whose expressions are evaluated in the inner scope is checked on its own; what it is
 * passed (its `parameters` values) belongs to the outer template.
 */
export function usageProblems(template: Json, section: 'parameters' | 'variables', where = 'template'): string[] {
  const declared = Object.keys(isObject(template[section]) ? template[section] : {});
  const pattern = section === 'parameters' ? /\bparameters\('([^']+)'\)/g : /\bvariables\('([^']+)'\)/g;
  const used = new Set<string>();
  const inner: Json[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(pattern)) used.add(match[1] ?? '');
    } else if (Array.isArray(value)) {
      for (const entry of value) visit(entry);
    } else if (isObject(value)) {
      const options = value['expressionEvaluationOptions'];
      const innerScope = isObject(options) && options['scope'] === 'inner';
      for (const [name, entry] of Object.entries(value)) {
        visit(name);
        if (innerScope && name === 'template' && isObject(entry)) inner.push(entry);
        else visit(entry);
      }
    }
  };
  visit(template);
  const kind = section === 'parameters' ? 'parameter' : 'variable';
  return [
    ...declared.filter((name) => !used.has(name)).map((name) => `${where}: ${kind} '${name}' is declared but never used`),
    ...[...used].filter((name) => !declared.includes(name)).map((name) => `${where}: ${kind} '${name}' is used but not declared`),
    ...inner.flatMap((nested, index) => usageProblems(nested, section, `${where} > nested template ${index}`)),
  ];
}

export function resourcesOfType(template: Json, type: string): Json[] {
  return allResources(template).map((found) => found.resource).filter((resource) => resource['type'] === type);
}

/** The one resource of `type`; throws when there is none or more than one. */
export function onlyResource(template: Json, type: string): Json {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as Json;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property at a dotted path, e.g. `properties.siteConfig.minTlsVersion`. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split('.')) current = isObject(current) ? current[segment] : undefined;
  return current;
}
