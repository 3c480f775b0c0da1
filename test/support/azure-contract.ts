import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import formatsModule from 'ajv-formats';

/**
 * Microsoft's published REST contract (test/fixtures/azure-specs, OpenAPI 2.0 extracts of
 * Azure/azure-rest-api-specs) as a checker: which operation a method and path are, and whether a
 * request or a response keeps to that operation's parameters and schemas. Schemas are checked by
 * ajv (draft-04, the JSON Schema dialect of Swagger 2.0) with `$ref`s resolved across the vendored
 * files; this module only matches paths, reads parameters and reads AutoRest's conventions (below).
 */

export const SPECS_ROOT = fileURLToPath(new URL('../fixtures/azure-specs/', import.meta.url));
const BASE_URI = 'https://azure-specs.invalid/';

type Json = Record<string, unknown>;

export interface ContractParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'body';
  readonly required: boolean;
  /** What the value must be: `{ $ref }` into the specs for a body, the parameter's own keywords otherwise. */
  readonly schema: Json;
  /** The parameter's Swagger type (`string`, `integer`, …); a body has none. */
  readonly type?: string;
  /** A path parameter with `x-ms-skip-url-encoding` may span several segments (`{resourceUri}`). */
  readonly multiSegment: boolean;
}

export interface ContractOperation {
  readonly operationId: string;
  readonly method: string;
  /** The path template as the spec writes it. */
  readonly template: string;
  /** The api-version the operation is defined for: the `stable/<v>` or `preview/<v>` folder of its file. */
  readonly apiVersion: string;
  /** Spec file, relative to the specs root. */
  readonly file: string;
  readonly parameters: readonly ContractParameter[];
  /** Status code (or `default`) → absolute `$ref` of the response schema, or undefined when it has no body. */
  readonly responses: ReadonlyMap<string, string | undefined>;
  readonly pattern: RegExp;
  /** `x-ms-pageable.nextLinkName`: the property a page links the next one by; undefined when the operation does not page. */
  readonly nextLinkName?: string;
  /** Literal characters in the template: the most specific template wins when several match. */
  readonly specificity: number;
}

export interface ContractRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Header names in any case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

export interface ContractResponse {
  readonly status: number;
  readonly body?: unknown;
}

/** One way a request or a response breaks the contract: the operation, the field, and how. */
export interface ContractViolation {
  readonly operationId: string;
  readonly direction: 'request' | 'response';
  /** `path apiId`, `query api-version`, `header If-Match`, `body /properties/x`, `status 202`. */
  readonly field: string;
  readonly message: string;
}

export function describeViolation(violation: ContractViolation, method: string, path: string): string {
  return `${violation.operationId} (${method} ${path}) ${violation.direction} ${violation.field}: ${violation.message}`;
}

export class AzureContract {
  private readonly ajv: InstanceType<typeof AjvModule.default>;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly operations: readonly ContractOperation[];

  constructor(root: string = SPECS_ROOT) {
    this.ajv = new AjvModule.default({ strict: false, allErrors: true, validateSchema: false, unicodeRegExp: false });
    formatsModule.default(this.ajv);
    // Swagger's numeric formats and ARM's `arm-id` name a kind of value, not a pattern to check.
    for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'password', 'arm-id', 'decimal']) this.ajv.addFormat(format, true);
    const docs = new Map<string, { doc: Json; file: string }>();
    for (const file of specFiles(root)) {
      const uri = new URL(relative(root, file).split('\\').join('/'), BASE_URI).href;
      const doc = normaliseSchemas(JSON.parse(readFileSync(file, 'utf8')) as unknown) as Json;
      this.ajv.addSchema(doc, uri);
      docs.set(uri, { doc, file: relative(root, file) });
    }
    const resolve = (ref: string): unknown => {
      const [uri = '', fragment = ''] = ref.split('#');
      return walk(docs.get(uri)?.doc, fragment);
    };
    this.operations = [...docs].flatMap(([uri, { doc, file }]) => operationsOf(doc, uri, file, resolve));
  }

  /** The operation a method and path are, or undefined when the vendored contract has none. */
  match(method: string, path: string): { operation: ContractOperation; values: Record<string, string> } | undefined {
    const candidates = this.operations
      .filter((operation) => operation.method === method.toLowerCase())
      .map((operation) => ({ operation, found: operation.pattern.exec(path) }))
      .filter((candidate) => candidate.found !== null)
      .sort((a, b) => b.operation.specificity - a.operation.specificity);
    const best = candidates[0];
    if (best?.found == null) return undefined;
    const names = [...best.operation.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
    const values = Object.fromEntries(names.map((name, index) => [name, decode(best.found?.[index + 1] ?? '')]));
    return { operation: best.operation, values };
  }

  /** Everything wrong with a request: unknown operation, api-version, path/query/header parameters, body. */
  checkRequest(request: ContractRequest): { operation?: ContractOperation; violations: ContractViolation[] } {
    const matched = this.match(request.method, request.path);
    if (matched === undefined) {
      return { violations: [{ operationId: '(none)', direction: 'request', field: 'path', message: `no vendored operation answers ${request.method} ${request.path}` }] };
    }
    const { operation, values } = matched;
    const violations: ContractViolation[] = [];
    const fail = (field: string, message: string): void => {
      violations.push({ operationId: operation.operationId, direction: 'request', field, message });
    };
    const headers = lowerKeys(request.headers);
    for (const parameter of operation.parameters) {
      const field = `${parameter.in} ${parameter.name}`;
      let value: unknown;
      if (parameter.in === 'path') value = values[parameter.name];
      else if (parameter.in === 'query') value = request.query[parameter.name];
      else if (parameter.in === 'header') value = headers[parameter.name.toLowerCase()];
      else value = request.body;
      if (value === undefined) {
        if (parameter.required) fail(field, 'is required and missing');
        continue;
      }
      if (parameter.name === 'api-version' && parameter.in === 'query' && value !== operation.apiVersion) {
        fail(field, `is ${JSON.stringify(value)}; this operation is defined for ${operation.apiVersion}`);
      }
      // Query strings carry text; a Swagger integer or boolean parameter is its text form.
      const typed = parameter.in === 'query' ? coerce(value, parameter.type) : value;
      for (const error of this.validate(parameter.schema, typed)) fail(parameter.in === 'body' ? `body ${pointer(error)}` : field, error.message ?? 'is invalid');
    }
    return { operation, violations };
  }

  /** Everything wrong with a response to an operation: an undeclared success status, or a body off its schema. */
  checkResponse(operation: ContractOperation, response: ContractResponse): ContractViolation[] {
    const status = String(response.status);
    const declared = operation.responses.has(status);
    if (!declared && response.status < 300) {
      return [{ operationId: operation.operationId, direction: 'response', field: `status ${status}`, message: `is not a declared response (declared: ${[...operation.responses.keys()].join(', ')})` }];
    }
    const schemaRef = declared ? operation.responses.get(status) : operation.responses.get('default');
    if (schemaRef === undefined || response.body === undefined) return [];
    const violations = this.validate({ $ref: schemaRef }, response.body).map((error) => ({
      operationId: operation.operationId,
      direction: 'response' as const,
      field: `status ${status} body ${pointer(error)}`,
      message: error.message ?? 'is invalid',
    }));
    // A list the spec does not page (no x-ms-pageable, or nextLinkName null) comes whole: a client
    // generated from the spec never follows a link it does not know of.
    const link = response.status < 300 && operation.nextLinkName === undefined ? (response.body as Json | null)?.['nextLink'] : undefined;
    if (typeof link === 'string') {
      violations.push({ operationId: operation.operationId, direction: 'response', field: `status ${status} body /nextLink`, message: 'is set, but the operation does not page (x-ms-pageable)' });
    }
    return violations;
  }

  private validate(schema: Json, value: unknown): ErrorObject[] {
    const key = JSON.stringify(schema);
    let validator = this.validators.get(key);
    if (validator === undefined) {
      validator = this.ajv.compile(schema);
      this.validators.set(key, validator);
    }
    if (validator(value)) return [];
    // A nullable value that is neither null nor valid fails both branches of `anyOf`: report the real one.
    return (validator.errors ?? []).filter((error) => error.keyword !== 'anyOf' && !(error.keyword === 'type' && (error.params as { type?: unknown }).type === 'null'));
  }
}

/** The vendored spec files, examples left out (they are data, not contract). */
function specFiles(root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const full = join(entry.parentPath, entry.name);
    if (full.split(/[\\/]/).includes('examples')) continue;
    out.push(full);
  }
  return out.sort();
}

const METHODS = ['get', 'put', 'patch', 'post', 'delete', 'head'];

function operationsOf(doc: Json, uri: string, file: string, resolve: (ref: string) => unknown): ContractOperation[] {
  const info = doc['info'] as Json | undefined;
  // The repository files every version under `stable/<api-version>/` or `preview/<api-version>/`;
  // `info.version` is not always kept in step (an assessments.json says 2019-01-01-preview).
  const version = info?.['version'];
  const apiVersion = /\/(?:stable|preview)\/([^/]+)\//.exec(file.split('\\').join('/'))?.[1] ?? (typeof version === 'string' ? version : '');
  const paths = (doc['paths'] ?? {}) as Record<string, Json>;
  const operations: ContractOperation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (operation === undefined) continue;
      const where = `${uri}#/paths/${escapePointer(template)}/${method}`;
      const parameters = ((operation['parameters'] ?? []) as Json[]).map((parameter, index) => parameterOf(parameter, `${where}/parameters/${index}`, uri, resolve));
      const responses = new Map<string, string | undefined>();
      for (const [status, response] of Object.entries((operation['responses'] ?? {}) as Record<string, Json>)) {
        responses.set(status, response['schema'] === undefined ? undefined : `${where}/responses/${status}/schema`);
      }
      const multi = new Set(parameters.filter((p) => p.multiSegment).map((p) => p.name));
      const pageable = operation['x-ms-pageable'] as Json | undefined;
      const nextLinkName = typeof pageable?.['nextLinkName'] === 'string' ? pageable['nextLinkName'] : undefined;
      operations.push({
        operationId: String(operation['operationId']),
        method,
        template,
        apiVersion,
        file,
        parameters,
        responses,
        ...(nextLinkName === undefined ? {} : { nextLinkName }),
        pattern: templatePattern(template, multi),
        specificity: template.replace(/\{[^}]+\}/g, '').length,
      });
    }
  }
  return operations;
}

function parameterOf(parameter: Json, where: string, uri: string, resolve: (ref: string) => unknown): ContractParameter {
  const ref = parameter['$ref'];
  if (typeof ref === 'string') {
    const absolute = new URL(ref, uri).href;
    const target = resolve(absolute) as Json | undefined;
    if (target === undefined) throw new Error(`${where}: parameter $ref ${ref} does not resolve in the vendored specs`);
    return parameterOf(target, absolute, absolute.split('#')[0] ?? uri, resolve);
  }
  const location = parameter['in'] as ContractParameter['in'];
  const common = { name: String(parameter['name']), in: location, required: parameter['required'] === true, multiSegment: parameter['x-ms-skip-url-encoding'] === true };
  // A body parameter's schema sits under `schema`; any other parameter carries its schema keywords itself.
  if (location === 'body') return { ...common, schema: { $ref: `${where}/schema` } };
  const schema = Object.fromEntries(Object.entries(parameter).filter(([key]) => PARAMETER_SCHEMA_KEYWORDS.has(key)));
  return { ...common, schema, type: typeof parameter['type'] === 'string' ? parameter['type'] : undefined };
}

const PARAMETER_SCHEMA_KEYWORDS = new Set(['type', 'format', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'items']);

function templatePattern(template: string, multiSegment: ReadonlySet<string>): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return multiSegment.has(name) ? '(.+?)' : '([^/]+)';
    })
    .join('');
  // ARM paths compare case-insensitively; a trailing slash is the same resource.
  return new RegExp(`^${source}/?$`, 'i');
}

/**
 * AutoRest's reading of Swagger, applied to the schemas in memory (the files stay as vendored):
 * - `x-ms-enum.modelAsString: true` makes an enum extensible: any string is valid, so the listed
 *   values are documentation, not a constraint;
 * - `type: object` with no properties at all is "any JSON value" (ARG's `data` is an array);
 * - Defender's `type: "int"` is an integer;
 * - as in Azure's own validator (Azure/oav, lib/transform/nullableTransformer.ts), a property that
 *   is not required may be `null` (ARM answers `"description": null`), and so may array items and
 *   map values, unless the schema says `x-nullable: false`; `x-nullable: true` allows null anywhere.
 * Parameters are schemas too (type, pattern, enum), so the same rules apply to them.
 */
function normaliseSchemas(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseSchemas);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) out[key] = normaliseSchemas(value);
  const xmsEnum = out['x-ms-enum'] as Json | undefined;
  if (xmsEnum?.['modelAsString'] === true) delete out['enum'];
  if (out['type'] === 'int') out['type'] = 'integer';
  if (out['type'] === 'object' && out['properties'] === undefined && out['additionalProperties'] === undefined && out['allOf'] === undefined && out['$ref'] === undefined) {
    delete out['type'];
  }
  const properties = out['properties'];
  if (isPropertyMap(properties)) {
    const required = new Set(Array.isArray(out['required']) ? (out['required'] as unknown[]) : []);
    for (const [name, schema] of Object.entries(properties)) properties[name] = nullable(schema, !required.has(name));
  }
  if (isSchema(out['items'])) out['items'] = nullable(out['items'], true);
  if (isSchema(out['additionalProperties'])) out['additionalProperties'] = nullable(out['additionalProperties'], true);
  return out;
}

/** `{ anyOf: [schema, null] }` when the schema may be null (see {@link normaliseSchemas}). */
function nullable(schema: Json, byDefault: boolean): Json {
  const flag = schema['x-nullable'];
  return flag === true || (byDefault && flag !== false) ? { anyOf: [schema, { type: 'null' }] } : schema;
}

function isSchema(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A schema's `properties`: a map whose every value is a schema (a schema itself has string or boolean keywords). */
function isPropertyMap(value: unknown): value is Record<string, Json> {
  return isSchema(value) && Object.values(value).every(isSchema);
}

function walk(node: unknown, fragment: string): unknown {
  let current = node;
  for (const part of fragment.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Json)[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function escapePointer(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function coerce(value: unknown, type: string | undefined): unknown {
  if (typeof value !== 'string') return value;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function lowerKeys(headers: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function pointer(error: ErrorObject): string {
  const missing = error.keyword === 'required' ? `/${String((error.params as { missingProperty?: unknown }).missingProperty)}` : '';
  return `${error.instancePath}${missing}` || '/';
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** What a contract recorder needs of a sandbox exchange (src/sandbox/server.ts `SandboxExchange`). */
export interface ObservedExchange {
  readonly request: ContractRequest & { readonly body: unknown };
  readonly response: { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: unknown };
}

/**
 * Checks every exchange a sandbox sees (pass {@link ContractRecorder.observe} as `onExchange`) and
 * keeps what breaks the contract, so a test can end with {@link ContractRecorder.assertClean}.
 * Polls of a long-running operation go to the URL a 202 named in `Location`/`Azure-AsyncOperation`;
 * that URL is the service's, not an operation of the spec, so it is exempt (and counted).
 */
export class ContractRecorder {
  readonly violations: string[] = [];
  /** operationId → exchanges checked, so a test can see what the run covered. */
  readonly checked = new Map<string, number>();
  private readonly pollPaths = new Set<string>();
  polls = 0;

  constructor(private readonly contract: AzureContract) {}

  readonly observe = (exchange: ObservedExchange): void => {
    const { request, response } = exchange;
    if (this.pollPaths.has(request.path.toLowerCase())) {
      this.polls += 1;
      return;
    }
    const { operation, violations } = this.contract.checkRequest(request);
    const all = operation === undefined ? violations : [...violations, ...this.contract.checkResponse(operation, response)];
    for (const violation of all) this.violations.push(describeViolation(violation, request.method, request.path));
    if (operation !== undefined) this.checked.set(operation.operationId, (this.checked.get(operation.operationId) ?? 0) + 1);
    for (const [name, value] of Object.entries(response.headers ?? {})) {
      if (/^(location|azure-asyncoperation)$/i.test(name)) this.pollPaths.add(new URL(value).pathname.toLowerCase());
    }
  };

  /** Throws with every violation, one per line, naming the operation and the field. */
  assertClean(): void {
    if (this.violations.length === 0) return;
    const unique = [...new Set(this.violations)];
    throw new Error(`${unique.length} exchange(s) break Azure's REST contract:\n${unique.join('\n')}`);
  }
}
