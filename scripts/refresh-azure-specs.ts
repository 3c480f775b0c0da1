/**
 * Refreshes test/fixtures/azure-specs from Azure/azure-rest-api-specs (MIT): downloads the spec
 * files of the operations the product calls, keeps those operations and exactly the definitions
 * and parameters they reach (across files), drops prose, and writes the extracts, the examples
 * the tests replay and the licence. UPSTREAM.md says what was taken from where.
 *
 *   npx tsx scripts/refresh-azure-specs.ts [--ref <commit-or-branch>] [--out <dir>]
 *
 * It needs GitHub (raw file downloads): run it on a developer machine, not on the project's build
 * machines, which reach only the npm registry. Review the diff: a new api-version of the specs is a
 * change of contract, and the contract tests will say which sandbox reply or product request no
 * longer fits.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

type Json = Record<string, unknown>;

export const UPSTREAM_REPO = 'Azure/azure-rest-api-specs';

const APIM = 'specification/apimanagement/resource-manager/Microsoft.ApiManagement/stable/2024-05-01';

/** Spec file → the operations kept from it (files that only hold definitions are reached through `$ref`). */
export const MANIFEST: Readonly<Record<string, readonly string[]>> = {
  [`${APIM}/apimdeployment.json`]: ['ApiManagementService_Get', 'ApiManagementService_List', 'ApiManagementService_ListByResourceGroup', 'ApiManagementService_Update'],
  [`${APIM}/apimapis.json`]: [
    'Api_ListByService', 'Api_Get', 'Api_Update', 'ApiOperation_ListByApi', 'ApiOperationPolicy_ListByOperation', 'ApiPolicy_ListByApi',
    'GraphQLApiResolver_ListByApi', 'GraphQLApiResolverPolicy_ListByResolver',
  ],
  [`${APIM}/apimbackends.json`]: ['Backend_ListByService', 'Backend_Get', 'Backend_Update'],
  [`${APIM}/apimproducts.json`]: ['Product_ListByService', 'Product_Get', 'Product_Update', 'ProductPolicy_ListByProduct'],
  [`${APIM}/apimnamedvalues.json`]: ['NamedValue_ListByService'],
  [`${APIM}/apimsubscriptions.json`]: ['Subscription_List'],
  [`${APIM}/apimpolicies.json`]: ['Policy_ListByService'],
  [`${APIM}/apimtenant.json`]: ['TenantAccess_ListByService', 'TenantAccess_Get', 'TenantAccess_Create', 'TenantAccess_Update'],
  [`${APIM}/apimportalconfigs.json`]: ['PortalConfig_ListByService', 'PortalConfig_Get', 'PortalConfig_Update', 'PortalConfig_CreateOrUpdate'],
  [`${APIM}/apimportalsettings.json`]: ['PortalSettings_ListByService'],
  [`${APIM}/apimidentityprovider.json`]: ['IdentityProvider_ListByService'],
  [`${APIM}/apimworkspaces.json`]: [
    'Workspace_ListByService', 'WorkspacePolicy_ListByApi', 'WorkspaceApi_ListByService', 'WorkspaceApiPolicy_ListByApi', 'WorkspaceApiOperation_ListByApi',
    'WorkspaceApiOperationPolicy_ListByOperation', 'WorkspaceProduct_ListByService', 'WorkspaceProductPolicy_ListByProduct',
  ],
  'specification/monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/diagnosticsSettings_API.json': ['DiagnosticSettings_List', 'DiagnosticSettings_Get', 'DiagnosticSettings_CreateOrUpdate'],
  'specification/security/resource-manager/Microsoft.Security/stable/2023-11-15/apiCollections.json': [
    'APICollection_ListByAzureApiManagementService', 'APICollection_GetByAzureApiManagementService', 'APICollection_OnboardAzureApiManagementApi',
  ],
  'specification/security/resource-manager/Microsoft.Security/stable/2021-06-01/assessments.json': ['Assessments_List'],
  'specification/resourcegraph/resource-manager/Microsoft.ResourceGraph/stable/2024-04-01/resourcegraph.json': ['Resources'],
};

/**
 * `$ref`s replaced by an open object instead of being followed: what they describe is never read
 * by the product, and following them would vendor a whole further file.
 */
export const STUBS: Readonly<Record<string, string>> = {
  'specification/security/resource-manager/Microsoft.Security/stable/2021-06-01/assessmentMetadata.json#/definitions/SecurityAssessmentMetadataProperties':
    'upstream: $ref ./assessmentMetadata.json#/definitions/SecurityAssessmentMetadataProperties (not vendored)',
};

/**
 * Prose, not contract: dropped wherever it is a string (a property may be *named* `description`,
 * and then its schema is an object and stays). `description` stays on responses, where Swagger
 * requires it.
 */
const PROSE = new Set(['description', 'summary', 'title']);
/** Tooling hints and sample values: dropped whatever their value. */
const HINTS = new Set(['example', 'externalDocs', 'x-ms-identifiers', 'x-ms-odata', 'x-ms-code-generation-settings']);
const OPERATION_KEYS = new Set(['operationId', 'x-ms-examples', 'parameters', 'responses', 'x-ms-pageable', 'x-ms-long-running-operation', 'x-ms-long-running-operation-options']);
const METHODS = ['get', 'put', 'patch', 'post', 'delete', 'head'];

/**
 * The extracts: for each manifest file its operations, and for every file (followed through
 * `$ref`) the definitions and parameters those operations reach. Pure, so it can be tested on the
 * vendored files themselves (extracting an extract changes nothing).
 */
export function extractSpecs(upstream: ReadonlyMap<string, Json>, manifest: Readonly<Record<string, readonly string[]>> = MANIFEST): Map<string, Json> {
  const reached = new Map<string, Set<string>>();
  const pending: { file: string; node: unknown }[] = [];
  const out = new Map<string, Json>();

  for (const [file, operationIds] of Object.entries(manifest)) {
    const doc = upstream.get(file);
    if (doc === undefined) throw new Error(`${file}: not downloaded`);
    const paths: Json = {};
    const wanted = new Set(operationIds);
    for (const [template, item] of Object.entries((doc['paths'] ?? {}) as Record<string, Json>)) {
      const kept: Json = {};
      for (const method of METHODS) {
        const operation = item[method] as Json | undefined;
        if (operation === undefined || !wanted.has(String(operation['operationId']))) continue;
        kept[method] = cleanOperation(operation);
        wanted.delete(String(operation['operationId']));
        pending.push({ file, node: kept[method] });
      }
      if (Object.keys(kept).length > 0) paths[template] = kept;
    }
    if (wanted.size > 0) throw new Error(`${file}: no operation ${[...wanted].join(', ')}`);
    out.set(file, { ...header(doc), paths, definitions: {}, parameters: {} });
  }

  // Follow every $ref from the kept operations, across files, until nothing new is reached.
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined) break;
    for (const ref of refsIn(next.node)) {
      const target = resolveRef(next.file, ref);
      if (STUBS[target] !== undefined) continue;
      const [file = '', fragment = ''] = target.split('#');
      const [, section = '', name = ''] = fragment.split('/');
      if (section !== 'definitions' && section !== 'parameters') throw new Error(`${next.file}: $ref ${ref} points outside definitions and parameters`);
      const key = `${section}/${name}`;
      const seen = reached.get(file) ?? new Set<string>();
      reached.set(file, seen);
      if (seen.has(key)) continue;
      seen.add(key);
      const doc = upstream.get(file);
      const value = (doc?.[section] as Json | undefined)?.[name];
      if (value === undefined) throw new Error(`${next.file}: $ref ${ref} does not resolve (${target})`);
      const cleaned = clean(stubbed(value, file));
      const extract = out.get(file) ?? { ...header(doc ?? {}), paths: {}, definitions: {}, parameters: {} };
      out.set(file, extract);
      (extract[section] as Json)[name] = cleaned;
      pending.push({ file, node: cleaned });
    }
  }
  for (const extract of out.values()) {
    extract['definitions'] = sortKeys(extract['definitions'] as Json);
    extract['parameters'] = sortKeys(extract['parameters'] as Json);
  }
  return out;
}

function header(doc: Json): Json {
  const info = (doc['info'] ?? {}) as Json;
  const out: Json = { swagger: doc['swagger'] ?? '2.0', info: { title: info['title'], version: info['version'] } };
  for (const key of ['host', 'schemes', 'consumes', 'produces']) if (doc[key] !== undefined) out[key] = doc[key];
  return out;
}

function cleanOperation(operation: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(operation)) {
    if (!OPERATION_KEYS.has(key)) continue;
    out[key] = key === 'responses' ? cleanResponses(value as Record<string, Json>) : key === 'x-ms-examples' ? value : clean(value);
  }
  return out;
}

function cleanResponses(responses: Record<string, Json>): Json {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => {
      const kept: Json = { description: response['description'] ?? '' };
      if (response['schema'] !== undefined) kept['schema'] = clean(response['schema']);
      if (response['headers'] !== undefined) kept['headers'] = clean(response['headers']);
      return [status, kept];
    }),
  );
}

/** Drops prose; keeps every keyword that constrains a value, and `x-ms-enum` without its per-value prose. */
function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if ((PROSE.has(key) && typeof value === 'string') || HINTS.has(key)) continue;
    if (key === 'x-ms-enum' && value !== null && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value as Json).filter(([name]) => name !== 'values'));
      continue;
    }
    out[key] = clean(value);
  }
  return out;
}

function stubbed(node: unknown, file: string): unknown {
  if (Array.isArray(node)) return node.map((item) => stubbed(item, file));
  if (node === null || typeof node !== 'object') return node;
  const ref = (node as Json)['$ref'];
  if (typeof ref === 'string') {
    const note = STUBS[resolveRef(file, ref)];
    if (note !== undefined) return { type: 'object', 'x-vendored-trim': note };
  }
  return Object.fromEntries(Object.entries(node as Json).map(([key, value]) => [key, stubbed(value, file)]));
}

function refsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Json).flatMap(([key, value]) => (key === '$ref' && typeof value === 'string' ? [value] : key === 'x-ms-examples' ? [] : refsIn(value)));
}

/** `./definitions.json#/definitions/X` seen from `a/b/apis.json` → `a/b/definitions.json#/definitions/X`. */
export function resolveRef(fromFile: string, ref: string): string {
  const [path = '', fragment = ''] = ref.split('#');
  const file = path === '' ? fromFile : posix.normalize(posix.join(posix.dirname(fromFile), path));
  return `${file}#${fragment}`;
}

function sortKeys(object: Json): Json {
  return Object.fromEntries(Object.keys(object).sort().map((key) => [key, object[key]]));
}

/** The files a download must include: the manifest's, and every file they reach through `$ref`. */
async function download(ref: string): Promise<Map<string, Json>> {
  const docs = new Map<string, Json>();
  const queue = Object.keys(MANIFEST);
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === undefined || docs.has(file)) continue;
    const doc = (await fetchJson(ref, file)) as Json;
    docs.set(file, doc);
    for (const target of refsIn({ ...doc, paths: undefined, examples: undefined }).concat(refsIn(doc['paths']))) {
      const resolved = resolveRef(file, target).split('#')[0] ?? '';
      if (resolved !== '' && !docs.has(resolved) && STUBS[resolveRef(file, target)] === undefined) queue.push(resolved);
    }
  }
  return docs;
}

async function fetchJson(ref: string, file: string): Promise<unknown> {
  const text = await fetchText(ref, file);
  return JSON.parse(text) as unknown;
}

async function fetchText(ref: string, file: string): Promise<string> {
  const url = `https://raw.githubusercontent.com/${UPSTREAM_REPO}/${ref}/${file}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return response.text();
}

/** The examples the tests replay (test/contract/examples.test.ts), copied whole. */
export const EXAMPLES: readonly string[] = [
  ...[
    'ApiManagementServiceGetService', 'ApiManagementListApis', 'ApiManagementListApiOperations', 'ApiManagementListBackends', 'ApiManagementListProducts',
    'ApiManagementListNamedValues', 'ApiManagementListSubscriptions', 'ApiManagementListPolicies', 'ApiManagementListPortalConfig',
    'ApiManagementListPortalSettings', 'ApiManagementListIdentityProviders', 'ApiManagementGetTenantAccess',
  ].map((name) => `${APIM}/examples/${name}.json`),
  'specification/monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/examples/listDiagnosticSettings.json',
  'specification/security/resource-manager/Microsoft.Security/stable/2023-11-15/examples/ApiCollections/APICollection_ListByAzureApiManagementService_example.json',
  'specification/security/resource-manager/Microsoft.Security/stable/2021-06-01/examples/Assessments/ListAssessments_example.json',
];

async function main(argv: readonly string[]): Promise<void> {
  const option = (name: string, fallback: string): string => {
    const index = argv.indexOf(name);
    return index >= 0 ? (argv[index + 1] ?? fallback) : fallback;
  };
  const ref = option('--ref', 'main');
  const out = option('--out', fileURLToPath(new URL('../test/fixtures/azure-specs/', import.meta.url)));
  const extracts = extractSpecs(await download(ref));
  for (const [file, doc] of extracts) write(join(out, file), `${JSON.stringify(doc, null, 2)}\n`);
  for (const example of EXAMPLES) write(join(out, example), await fetchText(ref, example));
  write(join(out, 'LICENSE'), await fetchText(ref, 'LICENSE'));
  process.stdout.write(`Wrote ${extracts.size} spec extracts and ${EXAMPLES.length} examples from ${UPSTREAM_REPO}@${ref} to ${out}; update UPSTREAM.md with the commit.\n`);
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`refresh-azure-specs: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
