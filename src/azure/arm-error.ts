import type { PipelineResponse } from '@azure/core-rest-pipeline';
import { readRetryAfterInMs } from './headers.js';
import { isObject } from '../estate/fields.js';

/** Fields of an {@link ArmRequestError}. */
export interface ArmRequestErrorInit {
  /** HTTP status of the failed answer; 0 when no response arrived or none could be used (unreachable, unreadable body, refused URL). */
  readonly status: number;
  /** ARM's `error.code`, a transport code such as `ECONNREFUSED`, or one of ours (`InvalidResponse`). */
  readonly code: string;
  readonly message: string;
  /** The resource path the request was for, without query. */
  readonly resource: string;
  /** The delay ARM asked for (429/503), when it gave one. */
  readonly retryAfterInMs?: number;
  /** `x-ms-request-id`, for a support ticket. */
  readonly requestId?: string;
  readonly cause?: unknown;
}

/**
 * A failed ARM read, with a one-line message a person can act on ("the identity lacks read access
 * to …"). Callers branch on `status`/`code`; the message is for people and may change.
 */
export class ArmRequestError extends Error {
  override readonly name = 'ArmRequestError';
  readonly status: number;
  readonly code: string;
  readonly resource: string;
  readonly retryAfterInMs?: number;
  readonly requestId?: string;

  constructor(init: ArmRequestErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.resource = init.resource;
    if (init.retryAfterInMs !== undefined) this.retryAfterInMs = init.retryAfterInMs;
    if (init.requestId !== undefined) this.requestId = init.requestId;
  }
}

/** Builds the error for a non-2xx ARM response, reading ARM's `{ error: { code, message } }` body when there is one. */
export function armErrorFromResponse(response: PipelineResponse, resource: string): ArmRequestError {
  const { status } = response;
  const body = parseErrorBody(response.bodyAsText);
  const code = body.code ?? defaultCode(status);
  const retryAfterInMs = readRetryAfterInMs(response.headers);
  const requestId = response.headers.get('x-ms-request-id');
  return new ArmRequestError({
    status,
    code,
    resource,
    message: describeStatus(status, code, resource, body.message, retryAfterInMs),
    ...(retryAfterInMs === undefined ? {} : { retryAfterInMs }),
    ...(requestId === undefined ? {} : { requestId }),
  });
}

/** Builds the error for a read that got no HTTP response: connection, TLS or credential failures. */
export function armErrorFromFailure(error: unknown, resource: string, endpoint: string): ArmRequestError {
  const message = error instanceof Error ? oneLine(error.message) : oneLine(String(error));
  const name = error instanceof Error ? error.name : '';
  if (CREDENTIAL_ERRORS.has(name)) {
    return new ArmRequestError({
      status: 0,
      code: 'CredentialUnavailable',
      resource,
      cause: error,
      message: `could not get a token to read ${resource}: ${message}`,
    });
  }
  const code = errorCode(error) ?? 'RequestFailed';
  return new ArmRequestError({ status: 0, code, resource, cause: error, message: `could not reach ${endpoint} to read ${resource} (${code}): ${message}` });
}

// Names @azure/identity gives its failures; matched by name so this module does not load identity.
const CREDENTIAL_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError', 'AuthenticationRequiredError']);

function describeStatus(status: number, code: string, resource: string, serverMessage: string | undefined, retryAfterInMs: number | undefined): string {
  switch (status) {
    case 401:
      return `ARM rejected the credential reading ${resource} (401 ${code}); sign in again or check the tenant`;
    case 403:
      return `the identity lacks read access to ${resource} (403 ${code}); grant it Reader on the service or its subscription`;
    case 404:
      return `${resource} was not found (404 ${code}); check the subscription, resource group and service name`;
    case 429: {
      const wait = retryAfterInMs === undefined ? 'a minute' : `${Math.ceil(retryAfterInMs / 1000)} s`;
      return `ARM kept throttling reads of ${resource} (429 ${code}) after retries; wait ${wait} and try again, or audit fewer services at once`;
    }
    default:
      return `ARM answered ${status} ${code} reading ${resource}${serverMessage === undefined ? '' : `: ${serverMessage}`}`;
  }
}

function defaultCode(status: number): string {
  switch (status) {
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 429:
      return 'TooManyRequests';
    default:
      return `Http${status}`;
  }
}

function parseErrorBody(text: string | null | undefined): { code?: string; message?: string } {
  if (text === undefined || text === null || text === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const error = isObject(json) && isObject(json['error']) ? json['error'] : {};
  const code = typeof error['code'] === 'string' && error['code'] !== '' ? error['code'] : undefined;
  const message = typeof error['message'] === 'string' && error['message'] !== '' ? oneLine(error['message']) : undefined;
  return { ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }) };
}

function errorCode(error: unknown): string | undefined {
  if (!isObject(error)) return undefined;
  const code = error['code'];
  return typeof code === 'string' && code !== '' ? code : undefined;
}

const MAX_MESSAGE_LENGTH = 300;

/** Server and transport messages can span lines or run long; ours must stay one readable line. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_MESSAGE_LENGTH ? flat : `${flat.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
