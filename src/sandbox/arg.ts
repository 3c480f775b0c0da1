import { createHash } from 'node:crypto';
import { type ArgTableName, type ParsedQuery, parseQuery, QueryParseError, runQuery, TABLE_COLUMNS } from './arg-query.js';
import { deriveRows } from './arg-rows.js';
import { formatHms, isRecord, json, type Reply, SandboxHttpError, type SandboxRequest } from './http.js';
import type { SandboxState } from './state.js';
import type { ArgQuota } from './throttling.js';
import type { JsonObject } from './types.js';

/**
 * `POST /providers/Microsoft.ResourceGraph/resources`: the request and response shapes the
 * `@azure/arm-resourcegraph@5` client sends and accepts (reference/azure-sdk.md §2) — `$top`,
 * `$skip`, `$skipToken` with the dollar, `resultTruncated` as a *string*, `facets: []`.
 */

const MAX_TOP = 1000;
const DEFAULT_TOP = 100;
const MAX_SUBSCRIPTIONS = 1000;
const RESULT_CACHE_SIZE = 32;

/** ARG's generic message; the specific reason is in `details`, where the SDK keeps it. */
const INVALID_QUERY = 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.';

const RATE_LIMITED_DETAIL =
  'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.';

export class ArgEndpoint {
  /** Query results per request fingerprint, valid for one state version (pages re-use them). */
  private readonly results = new Map<string, { version: number; rows: JsonObject[] }>();
  private readonly rows = new Map<ArgTableName, { version: number; rows: JsonObject[] }>();

  constructor(
    private readonly state: SandboxState,
    private readonly quota: ArgQuota | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Derives the tables before the first query: on a generated estate of 10,000 services that takes
   * a few hundred milliseconds, which the first query would otherwise pay on top of the latency.
   */
  warm(): void {
    for (const table of ['resources', 'resourcecontainers'] as const) this.tableRows(table);
  }

  handle(request: SandboxRequest): Reply {
    const quotaHeaders = this.takeQuota(request.token);
    try {
      return withHeaders(this.query(request.body), quotaHeaders);
    } catch (error) {
      if (error instanceof SandboxHttpError) {
        throw new SandboxHttpError(error.status, error.code, error.message, { ...error.options, headers: { ...error.options.headers, ...quotaHeaders } });
      }
      throw error;
    }
  }

  private takeQuota(token: string): Record<string, string> {
    if (this.quota === undefined) return {};
    const decision = this.quota.take(token, this.now());
    const headers = quotaHeaders(decision.remaining, decision.resetsAfterMs / 1000);
    if (!decision.allowed) {
      // Real ARG: 429 with the quota headers and no Retry-After, so the SDK does not retry on its own.
      throw argRateLimited(headers);
    }
    return headers;
  }

  private query(body: unknown): Reply {
    if (!isRecord(body)) throw argBadRequest('InvalidRequestContent', 'The request body must be a JSON object with a query.');
    const text = body['query'];
    if (typeof text !== 'string' || text.trim() === '') throw argBadRequest('InvalidRequestContent', 'The request body must contain a non-empty "query" string.');
    const subscriptions = stringList(body['subscriptions'], 'subscriptions');
    const managementGroups = stringList(body['managementGroups'], 'managementGroups');
    if (subscriptions !== undefined && subscriptions.length > MAX_SUBSCRIPTIONS) {
      throw argBadRequest('InvalidSubscriptionCount', `A query may name at most ${MAX_SUBSCRIPTIONS} subscriptions; this one names ${subscriptions.length}. Send them in batches.`);
    }
    const options = isRecord(body['options']) ? body['options'] : {};
    const top = integerOption(options['$top'], '$top', 1, MAX_TOP) ?? DEFAULT_TOP;
    const skip = integerOption(options['$skip'], '$skip', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const format = options['resultFormat'] ?? 'objectArray';
    if (format !== 'objectArray' && format !== 'table') throw argBadRequest('InvalidResultFormat', `resultFormat must be "objectArray" or "table", not ${JSON.stringify(format)}.`);

    let parsed: ParsedQuery;
    try {
      parsed = parseQuery(text);
    } catch (error) {
      if (error instanceof QueryParseError) {
        throw new SandboxHttpError(400, 'BadRequest', INVALID_QUERY, { details: [{ code: 'ParserFailure', message: error.message }] });
      }
      throw error;
    }

    // A skip token is bound to the exact request it came from, as ARG requires the identical body.
    const fingerprint = createHash('sha256').update(JSON.stringify([text, subscriptions ?? null, managementGroups ?? null])).digest('hex').slice(0, 24);
    const offset = options['$skipToken'] === undefined ? skip : decodeSkipToken(options['$skipToken'], fingerprint);
    const rows = this.result(parsed, fingerprint, this.scope(subscriptions, managementGroups));
    const page = rows.slice(offset, offset + top);
    const next = offset + page.length;
    const response: Record<string, unknown> = {
      totalRecords: rows.length,
      count: page.length,
      data: format === 'table' ? asTable(parsed, page) : page,
      facets: [],
      resultTruncated: 'false',
    };
    if (next < rows.length) response['$skipToken'] = encodeSkipToken(fingerprint, next);
    return json(200, response);
  }

  /** Lower-cased subscription ids the query may see, or undefined for the whole tenant. */
  private scope(subscriptions: readonly string[] | undefined, managementGroups: readonly string[] | undefined): Set<string> | undefined {
    if (subscriptions !== undefined) return new Set(subscriptions.map((id) => id.toLowerCase()));
    if (managementGroups === undefined) return undefined;
    const ids = new Set<string>();
    for (const name of managementGroups) {
      // The tenant root group is named after the tenant id and holds every subscription.
      if (name.toLowerCase() === this.state.tenantId.toLowerCase()) return undefined;
      const group = this.state.managementGroup(name);
      if (group === undefined) throw argBadRequest('ManagementGroupNotFound', `Management group '${name}' was not found or the caller has no access to it.`);
      for (const id of group.subscriptionIds) ids.add(id.toLowerCase());
    }
    return ids;
  }

  private result(query: ParsedQuery, fingerprint: string, scope: Set<string> | undefined): JsonObject[] {
    const cached = this.results.get(fingerprint);
    if (cached?.version === this.state.version) return cached.rows;
    const table = this.tableRows(query.table);
    const visible = scope === undefined ? table : table.filter((row) => typeof row['subscriptionId'] === 'string' && scope.has(row['subscriptionId'].toLowerCase()));
    const rows = runQuery(query, visible);
    this.results.delete(fingerprint);
    this.results.set(fingerprint, { version: this.state.version, rows });
    if (this.results.size > RESULT_CACHE_SIZE) {
      const oldest = this.results.keys().next();
      if (oldest.done !== true) this.results.delete(oldest.value);
    }
    return rows;
  }

  private tableRows(table: ArgTableName): JsonObject[] {
    const cached = this.rows.get(table);
    if (cached?.version === this.state.version) return cached.rows;
    const rows = deriveRows(this.state, table);
    this.rows.set(table, { version: this.state.version, rows });
    return rows;
  }
}

export function quotaHeaders(remaining: number, resetsAfterSeconds: number): Record<string, string> {
  return { 'x-ms-user-quota-remaining': String(remaining), 'x-ms-user-quota-resets-after': formatHms(resetsAfterSeconds) };
}

/** ARG's throttling error (body as reported in Azure/azure-cli-extensions#3325). */
export function argRateLimited(headers: Readonly<Record<string, string>>): SandboxHttpError {
  return new SandboxHttpError(429, 'RateLimiting', `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = sandbox.`, {
    details: [{ code: 'RateLimiting', message: RATE_LIMITED_DETAIL }],
    headers,
  });
}

function argBadRequest(code: string, message: string): SandboxHttpError {
  return new SandboxHttpError(400, 'BadRequest', message, { details: [{ code, message }] });
}

function withHeaders(reply: Reply, headers: Readonly<Record<string, string>>): Reply {
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw argBadRequest('InvalidRequestContent', `"${name}" must be an array of strings.`);
  }
  return value;
}

function integerOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw argBadRequest('InvalidRequestContent', `options.${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function encodeSkipToken(fingerprint: string, offset: number): string {
  return Buffer.from(JSON.stringify({ q: fingerprint, o: offset })).toString('base64');
}

function decodeSkipToken(token: unknown, fingerprint: string): number {
  const invalid = argBadRequest('InvalidSkipToken', 'The $skipToken is not valid for this request: resend the identical query, scopes and options it came with.');
  if (typeof token !== 'string') throw invalid;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!isRecord(decoded) || decoded['q'] !== fingerprint || typeof decoded['o'] !== 'number' || !Number.isInteger(decoded['o']) || decoded['o'] < 0) throw invalid;
  return decoded['o'];
}

const STRING_COLUMNS = new Set(['id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy']);

/** `resultFormat: "table"`: `{ columns: [{ name, type }], rows: [[…]] }`. */
function asTable(query: ParsedQuery, page: readonly JsonObject[]): JsonObject {
  const extended = new Map(query.extend.map((extension) => [extension.name, extension.fn === 'todatetime' ? 'datetime' : 'string']));
  const columns = query.project.filter((column) => TABLE_COLUMNS[query.table].includes(column) || extended.has(column));
  return {
    columns: columns.map((name) => ({ name, type: extended.get(name) ?? (STRING_COLUMNS.has(name) ? 'string' : 'object') })),
    rows: page.map((row) => columns.map((column) => row[column] ?? null)),
  };
}
