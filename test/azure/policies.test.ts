import { createHttpHeaders, createPipelineRequest, RestError, type PipelineResponse, type SendRequest } from '@azure/core-rest-pipeline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResourceGraphClient } from '../../src/azure/clients.js';
import { argQuotaPolicy, requestCounterPolicy } from '../../src/azure/policies.js';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import { RequestCounters } from '../../src/azure/request-counters.js';
import { azureTarget } from '../../src/azure/target.js';
import { ARG_THROTTLED_BODY, fakeCredential, fakeHttpClient, SUBSCRIPTION_ID } from './fake-http.js';

const request = () => createPipelineRequest({ url: 'https://management.azure.com/providers/Microsoft.ResourceGraph/resources', method: 'POST' });

function respond(status: number, headers: Record<string, string> = {}): SendRequest {
  return (req) => Promise.resolve<PipelineResponse>({ request: req, status, headers: createHttpHeaders(headers) });
}

describe('argQuotaPolicy', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sets retry-after-ms from resets-after on a 429 without a delay header, at least one second', async () => {
    const gate = new QuotaGate();
    const r1 = await argQuotaPolicy(gate).sendRequest(request(), respond(429, { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:04' }));
    const r2 = await argQuotaPolicy(new QuotaGate()).sendRequest(request(), respond(429, { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:00' }));
    expect(r1.headers.get('retry-after-ms')).toBe('4000');
    expect(r2.headers.get('retry-after-ms')).toBe('1000');
    // The window is spent until the reset: the gate holds the next request.
    expect(gate.stats).toMatchObject({ remaining: 0, resetsAt: 4_000 });
  });

  it('does not touch successful responses, but feeds their quota to the gate', async () => {
    const gate = new QuotaGate();
    const response = await argQuotaPolicy(gate).sendRequest(request(), respond(200, { 'x-ms-user-quota-remaining': '3', 'x-ms-user-quota-resets-after': '00:00:02' }));
    expect(response.headers.has('retry-after-ms')).toBe(false);
    expect(gate.stats).toMatchObject({ remaining: 3, resetsAt: 2_000, observed: true });
  });

  it('gives a request’s slot back when the transport fails, so later estimates stay right', async () => {
    const gate = new QuotaGate();
    const policy = argQuotaPolicy(gate);
    await expect(policy.sendRequest(request(), () => Promise.reject(new RestError('socket hang up', { code: 'ECONNRESET' })))).rejects.toThrow('socket hang up');
    await policy.sendRequest(request(), respond(200, { 'x-ms-user-quota-remaining': '12', 'x-ms-user-quota-resets-after': '00:00:04' }));
    // Had the failed request stayed "in flight", the gate would have assumed 11.
    expect(gate.stats.remaining).toBe(12);
  });
});

describe('requestCounterPolicy', () => {
  it('counts attempts by status, transport errors and aborts separately', async () => {
    const counters = new RequestCounters();
    const policy = requestCounterPolicy(counters);
    await policy.sendRequest(request(), respond(200));
    await policy.sendRequest(request(), respond(404));
    await policy.sendRequest(request(), () => Promise.reject(new RestError('refused', { code: 'ECONNREFUSED' }))).catch(() => undefined);
    await policy.sendRequest(request(), () => Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))).catch(() => undefined);
    expect(counters.snapshot()).toEqual({
      attempts: 4,
      byStatus: { 200: 1, 404: 1 },
      transportErrors: 1,
      aborted: 1,
      throttled: 0,
      throttledRetried: 0,
      throttledNotRetried: 0,
    });
  });

  it('tells a 429 that was retried from one that surfaced to the caller', async () => {
    const counters = new RequestCounters();
    const httpClient = fakeHttpClient(() => ({ status: 429, headers: { 'retry-after-ms': '0' }, body: ARG_THROTTLED_BODY }));
    const target = azureTarget({ credential: fakeCredential(), credentialName: 'test' });
    const client = createResourceGraphClient(target, { gate: new QuotaGate({ safetyMarginInMs: 0 }), counters, httpClient, retryOptions: { maxRetries: 2 } });

    await expect(client.resources({ query: 'resources', subscriptions: [SUBSCRIPTION_ID] })).rejects.toMatchObject({ statusCode: 429, code: 'RateLimiting' });
    expect(counters.snapshot()).toMatchObject({ attempts: 3, throttled: 3, throttledRetried: 2, throttledNotRetried: 1 });
  });
});
