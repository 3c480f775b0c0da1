import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

/** What the fake transport answers: a status, headers and a JSON body. */
export interface FakeReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialized as JSON; a string is sent verbatim. */
  readonly body?: unknown;
}

/** One request as it reached the transport, after every pipeline policy ran. */
export interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** `Date.now()` when it was sent (fake timers make this exact). */
  readonly at: number;
  readonly request: PipelineRequest;
}

export type FakeHttpClient = HttpClient & { readonly sent: SentRequest[] };

/**
 * A transport that answers in-process, for the real SDK clients: every policy (auth, retry,
 * pacing, counting) runs, nothing touches the network. `reply` may throw to simulate a transport failure.
 */
export function fakeHttpClient(reply: (request: PipelineRequest, index: number) => FakeReply, options: { latencyInMs?: number } = {}): FakeHttpClient {
  const sent: SentRequest[] = [];
  return {
    sent,
    sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const index = sent.length;
      sent.push({
        method: request.method,
        url: request.url,
        headers: request.headers.toJSON(),
        body: typeof request.body === 'string' ? request.body : undefined,
        at: Date.now(),
        request,
      });
      try {
        const answer = reply(request, index);
        const bodyAsText = answer.body === undefined ? undefined : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        const headers = createHttpHeaders({ ...(bodyAsText === undefined ? {} : { 'content-type': 'application/json' }), ...answer.headers });
        const response: PipelineResponse = { request, status: answer.status, headers, ...(bodyAsText === undefined ? {} : { bodyAsText }) };
        // With latency, concurrent requests are all on the wire before the first answer returns, as on a real network.
        const latencyInMs = options.latencyInMs ?? 0;
        return latencyInMs === 0 ? Promise.resolve(response) : new Promise((resolve) => setTimeout(() => { resolve(response); }, latencyInMs));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/** A credential that records the scopes it was asked for and returns a fixed token. */
export function fakeCredential(token = 'fake-token'): TokenCredential & { readonly scopes: string[][] } {
  const scopes: string[][] = [];
  return {
    scopes,
    getToken(requested: string | string[]): Promise<AccessToken> {
      scopes.push(Array.isArray(requested) ? requested : [requested]);
      return Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
}

export const SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000001';

/** An ARG query response with the given rows. */
export function argPage(rows: readonly unknown[], skipToken?: string): Record<string, unknown> {
  return {
    totalRecords: rows.length,
    count: rows.length,
    resultTruncated: 'false',
    data: rows,
    facets: [],
    ...(skipToken === undefined ? {} : { $skipToken: skipToken }),
  };
}

/** ARG's throttling body (from Azure/azure-cli-extensions#3325). */
export const ARG_THROTTLED_BODY = {
  error: {
    code: 'RateLimiting',
    message: 'Please provide below info when asking for support: timestamp = 2026-06-01T00:00:00Z, correlationId = 00000000-0000-0000-0000-000000000000.',
    details: [{ code: 'RateLimiting', message: 'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed.' }],
  },
};

/** `hh:mm:ss` as ARG writes `x-ms-user-quota-resets-after`, truncating to whole seconds. */
export function timeSpan(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

/**
 * ARG's per-user quota as a server would keep it: `limit` requests per fixed window that starts
 * with the first request after the previous one ended; over the limit it answers 429 with only
 * the quota headers, as ARG does.
 */
export function argQuotaServer(options: { limit: number; windowInMs: number }): (request: PipelineRequest) => FakeReply {
  let windowEndsAt = -Infinity;
  let used = 0;
  return () => {
    const now = Date.now();
    if (now >= windowEndsAt) {
      windowEndsAt = now + options.windowInMs;
      used = 0;
    }
    const quotaHeaders = (remaining: number): Record<string, string> => ({
      'x-ms-user-quota-remaining': String(remaining),
      'x-ms-user-quota-resets-after': timeSpan(windowEndsAt - now),
    });
    if (used >= options.limit) return { status: 429, headers: quotaHeaders(0), body: ARG_THROTTLED_BODY };
    used += 1;
    return { status: 200, headers: quotaHeaders(options.limit - used), body: argPage([{ id: `/row/${now}` }]) };
  };
}
