import { createHttpHeaders, createPipelineRequest, isRestError, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { isAbortError, throwIfAborted, type AbortSignalLike } from './abort.js';
import { ArmRequestError, armErrorFromFailure, armErrorFromResponse } from './arm-error.js';
import { isObject } from '../estate/fields.js';
import { checkArmPath } from './resource-path.js';

/**
 * What raw reads need from a client: its pipeline and its endpoint. An `ArmClient` from
 * `createApiManagementClient` fits, so raw reads get its auth, retry and counting policies.
 */
export interface ArmJsonClient {
  /** Base URL that relative paths resolve against, and the only origin requests may go to. */
  readonly endpoint: string;
  sendRequest(request: PipelineRequest): Promise<PipelineResponse>;
}

/** Options for {@link getArmJson} and {@link listArmJson}. */
export interface ArmReadOptions {
  /** Added as `api-version` unless the URL already has one (nextLinks usually do). */
  readonly apiVersion: string;
  readonly abortSignal?: AbortSignalLike;
}

/**
 * GETs one ARM resource and returns its body exactly as ARM sent it, parsed from JSON.
 * SDK models are avoided on purpose: their deserializers add defaults the server never sent
 * (`developerPortalStatus: "Enabled"`, …), which would hide the absence a rule must see.
 *
 * @param pathOrUrl - a path such as `/subscriptions/…/service/apim1/tenant/access`, or an absolute URL on the client's endpoint
 * @throws {@link ArmRequestError} for non-2xx answers, unreadable bodies and unreachable endpoints; `AbortError` when aborted
 */
export async function getArmJson(client: ArmJsonClient, pathOrUrl: string, options: ArmReadOptions): Promise<unknown> {
  return sendArmGet(client, resolveArmUrl(client.endpoint, pathOrUrl, options.apiVersion), options.abortSignal);
}

/**
 * Lists an ARM collection item by item, following `nextLink` (absolute URLs) until ARM sends none,
 * `null` or `""`. Items are ARM's raw JSON; pages are fetched only as the caller iterates.
 *
 * @throws {@link ArmRequestError} as {@link getArmJson}, and with code `InvalidResponse` when a page has no `value` array or paging loops
 */
export async function* listArmJson(client: ArmJsonClient, pathOrUrl: string, options: ArmReadOptions): AsyncGenerator<unknown, void, undefined> {
  const seen = new Set<string>();
  let url = resolveArmUrl(client.endpoint, pathOrUrl, options.apiVersion);
  for (;;) {
    seen.add(url.href);
    const page = await sendArmGet(client, url, options.abortSignal);
    const resource = resourceOf(url);
    if (!isObject(page) || !Array.isArray(page['value'])) {
      throw invalidResponse(resource, 'a page without a "value" array');
    }
    yield* page['value'] as unknown[];
    const nextLink = page['nextLink'];
    if (nextLink === undefined || nextLink === null || nextLink === '') return;
    if (typeof nextLink !== 'string') throw invalidResponse(resource, 'a nextLink that is not a string');
    url = resolveArmUrl(client.endpoint, nextLink, options.apiVersion);
    // A server bug that repeats a link would otherwise page forever.
    if (seen.has(url.href)) throw invalidResponse(resource, 'a nextLink that repeats an earlier page');
  }
}

/**
 * Resolves a path or absolute URL against the endpoint and adds `api-version` when missing.
 * Absolute URLs must stay on the endpoint's origin: the pipeline attaches our bearer token to
 * whatever URL it is given, and a nextLink is just text from a response body.
 */
export function resolveArmUrl(endpoint: string, pathOrUrl: string, apiVersion: string): URL {
  const base = new URL(endpoint);
  const isAbsolute = /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl);
  let url: URL;
  try {
    // A relative path is built from resource ids; a nextLink's path is checked as the server sent it.
    url = isAbsolute ? new URL(pathOrUrl) : new URL(`${base.pathname.replace(/\/+$/, '')}/${checkArmPath(pathOrUrl).replace(/^\/+/, '')}`, base);
    if (isAbsolute) checkArmPath(rawPathOf(pathOrUrl));
  } catch (error) {
    throw new ArmRequestError({ status: 0, code: 'UnsafePath', resource: pathOrUrl.slice(0, 300), message: error instanceof Error ? error.message : String(error) });
  }
  if (url.origin !== base.origin) {
    throw new ArmRequestError({
      status: 0,
      code: 'UntrustedUrl',
      resource: url.pathname,
      message: `refusing to send credentials to ${url.origin}, which is not the ARM endpoint ${base.origin}`,
    });
  }
  if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', apiVersion);
  return url;
}

/** The path of an absolute URL as written, before URL parsing resolves `..` away. */
function rawPathOf(absolute: string): string {
  const afterOrigin = absolute.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  return afterOrigin.split(/[?#]/)[0] ?? '';
}

/**
 * GETs one ARM resource with its `ETag` header (quoted as ARM sends it, ready for `If-Match`), for
 * a write that must not overwrite a change made since this read.
 *
 * @throws {@link ArmRequestError} as {@link getArmJson}
 */
export async function getArmResource(client: ArmJsonClient, pathOrUrl: string, options: ArmReadOptions): Promise<{ readonly body: unknown; readonly etag?: string }> {
  const response = await sendArmGetResponse(client, resolveArmUrl(client.endpoint, pathOrUrl, options.apiVersion), options.abortSignal);
  const etag = response.headers.get('etag');
  return { body: response.body, ...(etag === undefined ? {} : { etag }) };
}

async function sendArmGet(client: ArmJsonClient, url: URL, abortSignal: AbortSignalLike | undefined): Promise<unknown> {
  return (await sendArmGetResponse(client, url, abortSignal)).body;
}

async function sendArmGetResponse(client: ArmJsonClient, url: URL, abortSignal: AbortSignalLike | undefined): Promise<{ body: unknown; headers: { get(name: string): string | undefined } }> {
  // The pipeline only notices an abort once a request is under way; a cancelled listing should not start another page.
  throwIfAborted(abortSignal);
  const resource = resourceOf(url);
  const request = createPipelineRequest({
    url: url.href,
    method: 'GET',
    headers: createHttpHeaders({ accept: 'application/json' }),
    ...(abortSignal === undefined ? {} : { abortSignal }),
  });
  const response = await sendChecked(client, request, resource);
  return { body: parseBody(response, resource), headers: response.headers };
}

/** Sends a request and returns a 2xx answer; every failure becomes an {@link ArmRequestError} (aborts stay aborts). */
async function sendChecked(client: ArmJsonClient, request: PipelineRequest, resource: string): Promise<PipelineResponse> {
  let response: PipelineResponse;
  try {
    response = await client.sendRequest(request);
  } catch (error) {
    if (isAbortError(error)) throw error;
    if (isRestError(error) && error.response !== undefined) {
      // The SDK's deserialization policy throws on a JSON content type with an unparseable body, even on 200.
      if (isSuccess(error.response.status)) throw invalidResponse(resource, 'a body that is not JSON', error);
      throw armErrorFromResponse(error.response, resource);
    }
    throw armErrorFromFailure(error, resource, new URL(client.endpoint).origin);
  }
  if (!isSuccess(response.status)) throw armErrorFromResponse(response, resource);
  return response;
}

function parseBody(response: PipelineResponse, resource: string): unknown {
  const text = response.bodyAsText;
  if (text === undefined || text === null || text.trim() === '') throw invalidResponse(resource, 'an empty body');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidResponse(resource, 'a body that is not JSON', error);
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

function invalidResponse(resource: string, what: string, cause?: unknown): ArmRequestError {
  return new ArmRequestError({
    status: 0,
    code: 'InvalidResponse',
    resource,
    message: `ARM returned ${what} for ${resource}`,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The path names the resource in messages; the query only repeats api-version and paging tokens. */
function resourceOf(url: URL): string {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return url.pathname;
  }
}

/** What {@link sendArmWrite} got back: the status, the headers a caller follows, and the body if any. */
export interface ArmWriteResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: unknown;
}

/** Options of {@link sendArmWrite}. */
export interface ArmWriteOptions extends ArmReadOptions {
  readonly body: unknown;
  /** E.g. `If-Match`; names are sent as given. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Sends one PATCH or PUT with a JSON body and returns the answer as it came, 2xx only: the caller
 * decides about 201/202 and their polling headers. The path is checked like a read's, and an
 * absolute URL must stay on the endpoint.
 *
 * @throws {@link ArmRequestError} for non-2xx answers (412 when an `If-Match` no longer matches), unreachable endpoints and unsafe paths; `AbortError` when aborted
 */
export async function sendArmWrite(client: ArmJsonClient, method: 'PATCH' | 'PUT', pathOrUrl: string, options: ArmWriteOptions): Promise<ArmWriteResponse> {
  throwIfAborted(options.abortSignal);
  const url = resolveArmUrl(client.endpoint, pathOrUrl, options.apiVersion);
  const resource = resourceOf(url);
  const headers = createHttpHeaders({ accept: 'application/json', 'content-type': 'application/json', ...options.headers });
  const request = createPipelineRequest({
    url: url.href,
    method,
    headers,
    body: JSON.stringify(options.body),
    ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
  });
  const response = await sendChecked(client, request, resource);
  const text = response.bodyAsText;
  let body: unknown;
  if (text !== undefined && text !== null && text.trim() !== '') {
    try {
      body = JSON.parse(text) as unknown;
    } catch (error) {
      throw invalidResponse(resource, 'a body that is not JSON', error);
    }
  }
  const answerHeaders = new Map<string, string>();
  for (const [name, value] of response.headers) answerHeaders.set(name.toLowerCase(), value);
  return { status: response.status, headers: answerHeaders, body };
}
