import type { PipelinePolicy, PipelineRequest, PipelineResponse, PipelineRetryOptions } from '@azure/core-rest-pipeline';
import { isAbortError } from './abort.js';
import { readQuotaResetsAfterInMs, readRetryAfterInMs, readUserQuota } from './headers.js';
import { QUOTA_HEADER_RESOLUTION_IN_MS, type QuotaGate } from './quota-gate.js';
import type { RequestCounters } from './request-counters.js';

/**
 * Retry settings for both clients. The SDK's default retry policy already retries 429/503 that
 * carry a delay header and backs off on 5xx and connection errors; we only give it more attempts
 * (default 3), because a large audit can meet several throttled windows in a row.
 */
export const DEFAULT_RETRY_OPTIONS: PipelineRetryOptions = Object.freeze({ maxRetries: 6 });

/** The wait given to an ARG 429 that says nothing about when to come back: one assumed quota window. */
export const DEFAULT_THROTTLE_RETRY_AFTER_IN_MS = 5_000;

/** Name of {@link argQuotaPolicy}, for `pipeline.removePolicy`. */
export const ARG_QUOTA_POLICY_NAME = 'apimPostureArgQuota';

/** Name of {@link requestCounterPolicy}. */
export const REQUEST_COUNTER_POLICY_NAME = 'apimPostureRequestCounter';

/**
 * Keeps ARG requests inside the per-user quota. Add it `perRetry` so it sees every attempt:
 * - before sending, waits for the {@link QuotaGate} (honouring the request's abort signal);
 * - after a response, feeds `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after` to the gate;
 * - on a 429 without any retry delay header (ARG's usual shape, which the SDK would not retry),
 *   adds `retry-after-ms` from `x-ms-user-quota-resets-after`, or {@link DEFAULT_THROTTLE_RETRY_AFTER_IN_MS}
 *   without it, so the SDK's own throttling retry waits and tries again.
 */
export function argQuotaPolicy(gate: QuotaGate): PipelinePolicy {
  return {
    name: ARG_QUOTA_POLICY_NAME,
    async sendRequest(request, next) {
      await gate.acquire(request.abortSignal === undefined ? {} : { abortSignal: request.abortSignal });
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        gate.release();
        throw error;
      }
      if (response.status === 429) {
        let retryAfterInMs = readRetryAfterInMs(response.headers);
        if (retryAfterInMs === undefined) {
          retryAfterInMs = throttleRetryAfterInMs(response);
          response.headers.set('retry-after-ms', String(retryAfterInMs));
        }
        // A 429 means the window is spent, whatever the remaining-count header says.
        gate.observe(0, retryAfterInMs);
        return response;
      }
      const quota = readUserQuota(response.headers);
      if (quota === undefined) gate.release();
      else gate.observe(quota.remaining, quota.resetsAfterInMs);
      return response;
    },
  };
}

/**
 * "00:00:00" only means "less than a second" at the header's resolution; retrying at once would
 * spend a retry on another 429, so the wait is at least one resolution step.
 */
function throttleRetryAfterInMs(response: PipelineResponse): number {
  const resetsAfterInMs = readQuotaResetsAfterInMs(response.headers);
  return resetsAfterInMs === undefined ? DEFAULT_THROTTLE_RETRY_AFTER_IN_MS : Math.max(resetsAfterInMs, QUOTA_HEADER_RESOLUTION_IN_MS);
}

/**
 * Counts every attempt into `counters` by status, plus transport failures and whether each 429 was
 * followed by another attempt of the same request. Add it `perRetry`; it changes nothing it sees.
 */
export function requestCounterPolicy(counters: RequestCounters): PipelinePolicy {
  // The retry policy resends the same request object, so identity tells a retry from a new request.
  const lastAttemptThrottled = new WeakSet<PipelineRequest>();
  return {
    name: REQUEST_COUNTER_POLICY_NAME,
    async sendRequest(request, next) {
      if (lastAttemptThrottled.delete(request)) counters.recordThrottledRetry();
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        if (isAbortError(error)) counters.recordAborted();
        else counters.recordTransportError();
        throw error;
      }
      counters.recordResponse(response.status);
      if (response.status === 429) lastAttemptThrottled.add(request);
      return response;
    },
  };
}
