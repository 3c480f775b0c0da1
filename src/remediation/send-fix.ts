import { ArmRequestError } from '../azure/arm-error.js';
import { getArmJson, sendArmWrite, type ArmJsonClient } from '../azure/arm-raw.js';
import type { AbortSignalLike } from '../azure/abort.js';
import { API_VERSIONS } from '../contracts/api-versions.js';
import type { FixRequest } from '../contracts/fix-plan.js';
import { isObject } from '../estate/fields.js';

/** How one fix request ended, in words a card can show. */
export type SendOutcome =
  | { readonly outcome: 'succeeded'; readonly status: number; readonly requestId?: string }
  /** ARM refused or the operation failed: nothing (or not all) was changed. */
  | { readonly outcome: 'failed'; readonly status: number; readonly code: string; readonly message: string; readonly requestId?: string }
  /** The resource changed since it was read (412), or another operation holds it (409): nothing was changed. */
  | { readonly outcome: 'conflict'; readonly status: number; readonly code: string; readonly message: string; readonly requestId?: string }
  /** Still running when we stopped waiting: its result is unknown until the resource is read again. */
  | { readonly outcome: 'unknown'; readonly status: number; readonly operationUrl: string; readonly message: string };

export interface SendFixOptions {
  readonly abortSignal?: AbortSignalLike;
  /** Wait between polls when ARM gives no Retry-After; default 10 s (service updates take minutes). */
  readonly pollIntervalInMs?: number;
  /** Stop waiting after this long; default 60 minutes (an APIM service update takes 15–45). */
  readonly timeoutInMs?: number;
  /** Called with the operation URL as soon as ARM accepts a long-running request (to record it). */
  readonly onAccepted?: (operationUrl: string) => void | Promise<void>;
  readonly onPoll?: (status: string, elapsedInMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const TERMINAL_FAILURES = new Set(['failed', 'canceled', 'cancelled']);

/**
 * Sends one fix request exactly as planned (method, path, api-version, headers such as `If-Match`,
 * body) and follows a long-running operation to its end. Refusals are answers, not exceptions: a
 * card says what happened. Only an abort or an unusable polling URL throws.
 */
export async function sendFix(client: ArmJsonClient, request: FixRequest, options: SendFixOptions = {}): Promise<SendOutcome> {
  let answer;
  try {
    answer = await sendArmWrite(client, request.method, request.path, {
      apiVersion: request.apiVersion,
      body: request.body,
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
    });
  } catch (error) {
    if (error instanceof ArmRequestError && error.status > 0) return refusal(error);
    throw error;
  }
  const requestId = answer.headers.get('x-ms-request-id');
  const operationUrl = answer.headers.get('azure-asyncoperation') ?? answer.headers.get('location');
  if (answer.status !== 202 && (answer.status !== 201 || operationUrl === undefined)) {
    return { outcome: 'succeeded', status: answer.status, ...(requestId === undefined ? {} : { requestId }) };
  }
  if (operationUrl === undefined) {
    return { outcome: 'unknown', status: answer.status, operationUrl: '', message: 'ARM accepted the change but gave no operation to follow; read the resource again to see whether it landed' };
  }
  await options.onAccepted?.(operationUrl);
  return follow(client, operationUrl, answer.status, requestId, options);
}

async function follow(client: ArmJsonClient, operationUrl: string, acceptedStatus: number, requestId: string | undefined, options: SendFixOptions): Promise<SendOutcome> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  const timeout = options.timeoutInMs ?? 60 * 60 * 1000;
  const interval = options.pollIntervalInMs ?? 10_000;
  for (;;) {
    let status: string;
    let body: unknown;
    try {
      // The operation URL comes from a response header: getArmJson keeps it on the ARM endpoint.
      body = await getArmJson(client, operationUrl, { apiVersion: apiVersionOf(operationUrl), ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }) });
      status = isObject(body) && typeof body['status'] === 'string' ? body['status'] : 'Unknown';
    } catch (error) {
      if (error instanceof ArmRequestError && error.status > 0) return refusal(error);
      throw error;
    }
    options.onPoll?.(status, now() - started);
    const lower = status.toLowerCase();
    if (lower === 'succeeded') return { outcome: 'succeeded', status: acceptedStatus, ...(requestId === undefined ? {} : { requestId }) };
    if (TERMINAL_FAILURES.has(lower)) {
      const error = isObject(body) && isObject(body['error']) ? body['error'] : {};
      return {
        outcome: 'failed',
        status: acceptedStatus,
        code: typeof error['code'] === 'string' ? error['code'] : status,
        message: typeof error['message'] === 'string' ? error['message'] : `the operation ended as ${status}`,
        ...(requestId === undefined ? {} : { requestId }),
      };
    }
    if (now() - started >= timeout) {
      return { outcome: 'unknown', status: acceptedStatus, operationUrl, message: `the operation was still ${status} after ${Math.round(timeout / 60_000)} minutes` };
    }
    await sleep(interval);
  }
}

function refusal(error: ArmRequestError): SendOutcome {
  const base = { status: error.status, code: error.code, message: error.message, ...(error.requestId === undefined ? {} : { requestId: error.requestId }) };
  return error.status === 412 || error.status === 409 ? { outcome: 'conflict', ...base } : { outcome: 'failed', ...base };
}

/** The operation URL carries its own api-version; this is only the fallback getArmJson needs. */
function apiVersionOf(url: string): string {
  try {
    return new URL(url).searchParams.get('api-version') ?? API_VERSIONS.apiManagement;
  } catch {
    return API_VERSIONS.apiManagement;
  }
}
