import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResourceGraphClient } from '../../src/azure/clients.js';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import { RequestCounters } from '../../src/azure/request-counters.js';
import { azureTarget, sandboxTarget } from '../../src/azure/target.js';
import { ARG_THROTTLED_BODY, argPage, argQuotaServer, fakeCredential, fakeHttpClient, SUBSCRIPTION_ID, type FakeReply } from './fake-http.js';

const QUERY = { query: "resources | where type =~ 'microsoft.apimanagement/service' | project id", subscriptions: [SUBSCRIPTION_ID] };
const OK: FakeReply = { status: 200, body: argPage([{ id: '/subscriptions/s/providers/x' }]) };

/** The real ResourceGraphClient over a fake transport, with a fresh gate and counters. */
function argClient(reply: Parameters<typeof fakeHttpClient>[0], gate = new QuotaGate(), latencyInMs = 0) {
  const httpClient = fakeHttpClient(reply, { latencyInMs });
  const counters = new RequestCounters();
  const target = azureTarget({ credential: fakeCredential(), credentialName: 'test credential' });
  const client = createResourceGraphClient(target, { gate, counters, httpClient });
  return { client, httpClient, counters, gate };
}

/** Settles a promise under fake timers: advances time until it does, up to a bound. */
async function settle<T>(promise: Promise<T>, maxMs = 120_000): Promise<T> {
  const state = { done: false };
  const tracked = promise.finally(() => (state.done = true));
  tracked.catch(() => undefined);
  for (let elapsed = 0; !state.done && elapsed < maxMs; elapsed += 100) await vi.advanceTimersByTimeAsync(100);
  return tracked;
}

describe('ARG client pipeline', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a 429 that carries only quota headers once resets-after has passed, and succeeds', async () => {
    const { client, httpClient, counters } = argClient((_request, index) =>
      index === 0
        ? { status: 429, headers: { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:03' }, body: ARG_THROTTLED_BODY }
        : OK,
    );
    const result = client.resources(QUERY);

    await vi.advanceTimersByTimeAsync(2_999);
    expect(httpClient.sent).toHaveLength(1);
    const response = await settle(result);

    expect(response.count).toBe(1);
    // The SDK waits the 3 s we put in retry-after-ms; the gate adds its one-second margin past the reset.
    expect(httpClient.sent.map((r) => r.at)).toEqual([0, 4_000]);
    expect(counters.snapshot()).toMatchObject({ attempts: 2, byStatus: { 200: 1, 429: 1 }, throttled: 1, throttledRetried: 1, throttledNotRetried: 0 });
  });

  it('retries a 429 without any headers after the default 5 s', async () => {
    const { client, httpClient } = argClient((_request, index) => (index === 0 ? { status: 429, body: ARG_THROTTLED_BODY } : OK));
    await settle(client.resources(QUERY));
    expect(httpClient.sent.map((r) => r.at)).toEqual([0, 6_000]);
  });

  it('leaves a 429 that has Retry-After to the SDK’s own throttling retry', async () => {
    const { client, httpClient } = argClient((_request, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: ARG_THROTTLED_BODY } : OK));
    await settle(client.resources(QUERY));
    expect(httpClient.sent[0]?.request.headers.has('retry-after-ms')).toBe(false);
    expect(httpClient.sent.map((r) => r.at)).toEqual([0, 3_000]);
  });

  it('holds the 16th request of a window until the window resets', async () => {
    const { client, httpClient } = argClient(() => OK);
    const all = Promise.all(Array.from({ length: 16 }, () => client.resources(QUERY)));
    await settle(all);
    const times = httpClient.sent.map((r) => r.at);
    expect(times.filter((t) => t === 0)).toHaveLength(15);
    expect(times[15]).toBe(6_000);
  });

  it('waits out resets-after when a response reports remaining 0', async () => {
    const { client, httpClient } = argClient(() => ({ ...OK, headers: { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:02' } }));
    await settle(client.resources(QUERY));
    await settle(client.resources(QUERY));
    expect(httpClient.sent.map((r) => r.at)).toEqual([0, 3_000]);
  });

  it('runs a large audit against ARG’s quota without a single 429', async () => {
    const { client, httpClient, counters, gate } = argClient(argQuotaServer({ limit: 15, windowInMs: 5_000 }), new QuotaGate(), 100);
    const all = Promise.all(Array.from({ length: 100 }, () => client.resources(QUERY)));
    const responses = await settle(all, 600_000);

    expect(responses).toHaveLength(100);
    expect(counters.snapshot()).toMatchObject({ attempts: 100, throttled: 0 });
    expect(gate.stats).toMatchObject({ requests: 100 });
    // 7 windows of 15, each 5 s plus the margin plus one round trip.
    expect(httpClient.sent.at(-1)?.at).toBe(6 * 6_100);
  });

  it('absorbs a quota stricter than the assumed default with retries, not failures', async () => {
    const { client, counters, gate } = argClient(argQuotaServer({ limit: 10, windowInMs: 5_000 }), new QuotaGate(), 100);
    const all = Promise.all(Array.from({ length: 60 }, () => client.resources(QUERY)));
    const responses = await settle(all, 600_000);

    expect(responses).toHaveLength(60);
    const counts = counters.snapshot();
    // Only the first window, sent before ARG has answered, overshoots; later windows assume the quota ARG showed.
    expect(counts.throttled).toBe(5);
    expect(counts.throttledNotRetried).toBe(0);
    expect(gate.stats.assumedLimit).toBe(10);
  });

  it('rejects with an AbortError when aborted while waiting for quota, sending nothing more', async () => {
    const gate = new QuotaGate();
    await gate.acquire();
    gate.observe(0, 60_000);
    const { client, httpClient } = argClient(() => OK, gate);
    const controller = new AbortController();
    const outcome = client.resources(QUERY, { abortSignal: controller.signal }).then(
      () => 'resolved',
      (error: unknown) => error,
    );

    await vi.advanceTimersByTimeAsync(250);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);

    expect(await outcome).toMatchObject({ name: 'AbortError' });
    expect(Date.now()).toBe(250);
    expect(httpClient.sent).toHaveLength(0);
  });

  it('sends the user agent, the bearer token and the fixed ARG URL', async () => {
    const { client, httpClient } = argClient(() => OK);
    await settle(client.resources(QUERY));
    const [sent] = httpClient.sent;
    expect(sent?.url).toBe('https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01');
    expect(sent?.headers['user-agent']).toMatch(/^apim-posture\/\d+\.\d+\.\d+ azsdk-js-arm-resourcegraph\/5\.0\.0 /);
    expect(sent?.headers['authorization']).toBe('Bearer fake-token');
  });

  it('sends sandbox traffic to the sandbox endpoint, trusting its certificate', async () => {
    const httpClient = fakeHttpClient(() => OK);
    const target = sandboxTarget({ endpoint: 'https://127.0.0.1:1234/', ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' });
    const client = createResourceGraphClient(target, { gate: new QuotaGate(), httpClient });
    await settle(client.resources(QUERY));
    const [sent] = httpClient.sent;
    expect(sent?.url).toBe('https://127.0.0.1:1234/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01');
    expect(sent?.headers['authorization']).toBe('Bearer apim-posture-sandbox-token');
    expect(sent?.request.tlsSettings?.ca).toBe(target.ca);
  });
});
