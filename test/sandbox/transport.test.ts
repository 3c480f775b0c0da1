import { RestError } from '@azure/core-rest-pipeline';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceQuery, subscriptionQuery } from '../../src/inventory/queries.js';
import { renderQuery } from '../../src/inventory/query-text.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.js';
import { apimClient, argClient, BEARER, raw } from './support.js';

const PAYMENTS = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const IDENTITY = SEED_SUBSCRIPTIONS.identityProd.subscriptionId;
const RG = 'rg-payments-prod';
const GOLD = 'apim-payments-prod-weu';
const SERVICES = renderQuery(serviceQuery([]));
const SUBSCRIPTIONS = renderQuery(subscriptionQuery());

let current: Sandbox | undefined;

async function sandboxWith(options: SandboxOptions): Promise<Sandbox> {
  current = await startSandbox(options);
  return current;
}

afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe('authentication and request hygiene', () => {
  it('answers 401 to a request without a bearer token, and to another scheme', async () => {
    const sandbox = await sandboxWith({});
    const missing = await raw(sandbox, 'GET', `/subscriptions/${PAYMENTS}?api-version=2022-12-01`);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { code: 'AuthenticationFailed' } });
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);
    const basic = await raw(sandbox, 'POST', '/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01', { headers: { authorization: 'Basic dXNlcjpwYXNz' }, body: { query: SUBSCRIPTIONS } });
    expect(basic.status).toBe(401);
    expect(sandbox.requests.map((entry) => [entry.status, entry.headers['authorization']])).toEqual([
      [401, undefined],
      [401, 'Basic <redacted>'],
    ]);
  });

  it('logs the bearer scheme without the token, and requires api-version', async () => {
    const sandbox = await sandboxWith({});
    const response = await raw(sandbox, 'GET', `/subscriptions/${PAYMENTS}`, { headers: BEARER });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
    expect(sandbox.requests[0]?.headers['authorization']).toBe('Bearer <redacted>');
  });

  it('delays every reply by latencyMs', async () => {
    const sandbox = await sandboxWith({ latencyMs: 150 });
    const started = performance.now();
    await apimClient(sandbox, PAYMENTS).apiManagementService.get(RG, GOLD);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(sandbox.requests[0]?.durationMs).toBeGreaterThanOrEqual(145);
  });
});

describe('ARG quota', () => {
  it('sends x-ms-user-quota-remaining and -resets-after on every ARG response', async () => {
    const sandbox = await sandboxWith({});
    const client = argClient(sandbox);
    const seen: [string | undefined, string | undefined][] = [];
    for (let index = 0; index < 3; index += 1) {
      await client.resources({ query: SUBSCRIPTIONS }, { onResponse: (response) => seen.push([response.headers.get('x-ms-user-quota-remaining'), response.headers.get('x-ms-user-quota-resets-after')]) });
    }
    expect(seen.map(([remaining]) => remaining)).toEqual(['14', '13', '12']);
    expect(seen.every(([, resets]) => /^00:00:0[1-5]$/.test(resets ?? ''))).toBe(true);
  });

  it('answers 429 without Retry-After when a token exceeds its quota, which the SDK does not retry', async () => {
    const sandbox = await sandboxWith({ argQuota: { limit: 2, windowMs: 60_000 } });
    const client = argClient(sandbox);
    await client.resources({ query: SUBSCRIPTIONS });
    await client.resources({ query: SUBSCRIPTIONS });
    let headers: Record<string, string | undefined> = {};
    const refused = await client
      .resources({ query: SUBSCRIPTIONS }, { onResponse: (response) => (headers = { remaining: response.headers.get('x-ms-user-quota-remaining'), resets: response.headers.get('x-ms-user-quota-resets-after'), retry: response.headers.get('retry-after') }) })
      .then(() => undefined, (caught: unknown) => caught);
    expect(refused).toBeInstanceOf(RestError);
    expect((refused as RestError).statusCode).toBe(429);
    expect((refused as RestError).code).toBe('RateLimiting');
    expect(headers).toEqual({ remaining: '0', resets: expect.stringMatching(/^00:0[01]:\d\d$/) as unknown, retry: undefined });
    expect(sandbox.requests).toHaveLength(3);

    // The quota is per principal: another token still has its own.
    const other = argClient(sandbox, {}, { getToken: () => Promise.resolve({ token: 'other-token', expiresOnTimestamp: Date.now() + 60_000 }) });
    await expect(other.resources({ query: SUBSCRIPTIONS })).resolves.toMatchObject({ count: 4 });
  });
});

describe('injected faults and ARM throttling', () => {
  it('retries a 429 with Retry-After from the SDK\'s own pipeline', async () => {
    const sandbox = await sandboxWith({ faults: [{ method: 'GET', path: `/service/${GOLD}`, status: 429, retryAfterSeconds: 1 }] });
    const started = performance.now();
    const service = await apimClient(sandbox, PAYMENTS).apiManagementService.get(RG, GOLD);
    expect(service.name).toBe(GOLD);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(sandbox.requests.map((entry) => entry.status)).toEqual([429, 200]);
    expect(sandbox.faults.pending()).toBe(0);
  });

  it('matches ARG faults by table; a 429 with only quota headers is not retried', async () => {
    const sandbox = await sandboxWith({ faults: [{ table: 'resources', status: 429, quotaHeaders: { resetsAfterSeconds: 3 } }] });
    const client = argClient(sandbox);
    await expect(client.resources({ query: SUBSCRIPTIONS })).resolves.toMatchObject({ count: 4 });
    const refused = await client.resources({ query: SERVICES }).then(() => undefined, (caught: unknown) => caught);
    expect((refused as RestError).statusCode).toBe(429);
    expect((refused as RestError).response?.headers.get('x-ms-user-quota-resets-after')).toBe('00:00:03');
    expect(sandbox.requests.map((entry) => [entry.table, entry.status])).toEqual([
      ['resourcecontainers', 200],
      ['resources', 429],
    ]);
  });

  it('lets the SDK retry 503s with exponential backoff', async () => {
    const sandbox = await sandboxWith({ faults: [{ table: 'resources', status: 503, times: 2 }] });
    const result = await argClient(sandbox, { retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 20 } }).resources({ query: SERVICES });
    expect(result.totalRecords).toBe(16);
    expect(sandbox.requests.map((entry) => entry.status)).toEqual([503, 503, 200]);
  });

  it('spends an ARM read budget per subscription and answers 429 with Retry-After when it is empty', async () => {
    const sandbox = await sandboxWith({ armReadBudget: { capacity: 3, refillPerSecond: 0.5 } });
    const client = apimClient(sandbox, PAYMENTS, { retryOptions: { maxRetries: 0 } });
    const remaining: (string | undefined)[] = [];
    for (let index = 0; index < 3; index += 1) {
      await client.apiManagementService.get(RG, GOLD, { onResponse: (response) => remaining.push(response.headers.get('x-ms-ratelimit-remaining-subscription-reads')) });
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await client.apiManagementService.get(RG, GOLD).then(() => undefined, (caught: unknown) => caught);
    expect((refused as RestError).statusCode).toBe(429);
    expect((refused as RestError).response?.headers.get('retry-after')).toBe('2');
    // Another subscription has its own bucket.
    await expect(apimClient(sandbox, IDENTITY).apiManagementService.get('rg-identity', 'apim-identity-prod-neu')).resolves.toMatchObject({ name: 'apim-identity-prod-neu' });
  });
});
