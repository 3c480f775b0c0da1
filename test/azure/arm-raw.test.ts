import { RestError } from '@azure/core-rest-pipeline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArmRequestError } from '../../src/azure/arm-error.js';
import { getArmJson, listArmJson, resolveArmUrl } from '../../src/azure/arm-raw.js';
import { createApiManagementClient, type ClientOptions } from '../../src/azure/clients.js';
import { RequestCounters } from '../../src/azure/request-counters.js';
import { azureTarget, sandboxTarget } from '../../src/azure/target.js';
import { fakeCredential, fakeHttpClient, SUBSCRIPTION_ID, type FakeReply } from './fake-http.js';

const API_VERSION = '2024-05-01';
const SERVICE = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-prod/providers/Microsoft.ApiManagement/service/apim-prod`;
const ARM = 'https://management.azure.com';

function armClient(reply: Parameters<typeof fakeHttpClient>[0], options: Omit<ClientOptions, 'httpClient'> = {}, credential = fakeCredential()) {
  const httpClient = fakeHttpClient(reply);
  const client = createApiManagementClient(azureTarget({ credential, credentialName: 'test credential' }), SUBSCRIPTION_ID, { ...options, httpClient });
  return { client, httpClient };
}

async function collect(items: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Runs a read and returns what it threw. */
async function failure(read: Promise<unknown>): Promise<ArmRequestError> {
  const error: unknown = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ArmRequestError);
  return error as ArmRequestError;
}

function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): FakeReply {
  return { status, headers, body: { error: { code, message } } };
}

describe('listArmJson', () => {
  it('follows absolute nextLinks across pages and stops on an empty one', async () => {
    const next = `${ARM}${SERVICE}/namedValues?api-version=${API_VERSION}&$skiptoken=page2`;
    const { client, httpClient } = armClient((_request, index) =>
      index === 0 ? { status: 200, body: { value: [{ name: 'a' }, { name: 'b' }], nextLink: next } } : { status: 200, body: { value: [{ name: 'c' }], nextLink: '' } },
    );

    const items = await collect(listArmJson(client, `${SERVICE}/namedValues`, { apiVersion: API_VERSION }));

    expect(items).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect(httpClient.sent.map((r) => r.url)).toEqual([`${ARM}${SERVICE}/namedValues?api-version=${API_VERSION}`, next]);
    expect(httpClient.sent.every((r) => r.method === 'GET' && r.headers['authorization'] === 'Bearer fake-token')).toBe(true);
  });

  it.each([null, undefined])('stops when nextLink is %s', async (nextLink) => {
    const { client, httpClient } = armClient(() => ({ status: 200, body: { value: [{ name: 'only' }], ...(nextLink === undefined ? {} : { nextLink }) } }));
    expect(await collect(listArmJson(client, `${SERVICE}/apis`, { apiVersion: API_VERSION }))).toEqual([{ name: 'only' }]);
    expect(httpClient.sent).toHaveLength(1);
  });

  it('fetches pages only as the caller iterates', async () => {
    const { client, httpClient } = armClient(() => ({ status: 200, body: { value: [{ name: 'x' }], nextLink: `${ARM}${SERVICE}/apis?api-version=${API_VERSION}&page=${String(Math.random())}` } }));
    for await (const item of listArmJson(client, `${SERVICE}/apis`, { apiVersion: API_VERSION })) {
      expect(item).toEqual({ name: 'x' });
      break;
    }
    expect(httpClient.sent).toHaveLength(1);
  });

  it('refuses a nextLink to another host rather than send it the bearer token', async () => {
    const { client, httpClient } = armClient(() => ({ status: 200, body: { value: [], nextLink: 'https://attacker.example/steal?api-version=1' } }));
    const error = await failure(collect(listArmJson(client, `${SERVICE}/apis`, { apiVersion: API_VERSION })));
    expect(error).toMatchObject({ code: 'UntrustedUrl', status: 0 });
    expect(error.message).toBe('refusing to send credentials to https://attacker.example, which is not the ARM endpoint https://management.azure.com');
    expect(httpClient.sent).toHaveLength(1);
  });

  it('stops with an error when a nextLink repeats a page', async () => {
    const self = `${ARM}${SERVICE}/apis?api-version=${API_VERSION}`;
    const { client } = armClient(() => ({ status: 200, body: { value: [{}], nextLink: self } }));
    const error = await failure(collect(listArmJson(client, `${SERVICE}/apis`, { apiVersion: API_VERSION })));
    expect(error.code).toBe('InvalidResponse');
    expect(error.message).toBe(`ARM returned a nextLink that repeats an earlier page for ${SERVICE}/apis`);
  });

  it('rejects a page without a value array', async () => {
    const { client } = armClient(() => ({ status: 200, body: { items: [] } }));
    const error = await failure(collect(listArmJson(client, `${SERVICE}/apis`, { apiVersion: API_VERSION })));
    expect(error.message).toBe(`ARM returned a page without a "value" array for ${SERVICE}/apis`);
  });
});

describe('getArmJson', () => {
  const rawService = {
    id: SERVICE,
    name: 'apim-prod',
    type: 'Microsoft.ApiManagement/service',
    location: 'West Europe',
    sku: { name: 'Developer', capacity: 1 },
    properties: { publisherEmail: 'ops@example.com', publisherName: 'Ops', customProperties: { 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'False' } },
  };

  it('returns the body as ARM sent it, where the SDK model adds defaults', async () => {
    const { client, httpClient } = armClient(() => ({ status: 200, body: rawService }));

    const raw = await getArmJson(client, SERVICE, { apiVersion: API_VERSION });
    const model = await client.apiManagementService.get('rg-prod', 'apim-prod');

    expect(raw).toEqual(rawService);
    expect(model.developerPortalStatus).toBe('Enabled'); // never sent: why raw reads exist
    expect(httpClient.sent[0]?.url).toBe(`${ARM}${SERVICE}?api-version=${API_VERSION}`);
    expect(httpClient.sent[0]?.headers['accept']).toBe('application/json');
  });

  it('goes through the client’s pipeline: user agent and request counting apply', async () => {
    const counters = new RequestCounters();
    const { client, httpClient } = armClient(() => ({ status: 200, body: rawService }), { counters });
    await getArmJson(client, SERVICE, { apiVersion: API_VERSION });
    expect(httpClient.sent[0]?.headers['user-agent']).toMatch(/^apim-posture\/\S+ azsdk-js-arm-apimanagement\/10\.0\.0 /);
    expect(counters.snapshot()).toMatchObject({ attempts: 1, byStatus: { 200: 1 } });
  });

  it('keeps an api-version already in the URL and resolves paths on the sandbox endpoint', async () => {
    const httpClient = fakeHttpClient(() => ({ status: 200, body: {} }));
    const target = sandboxTarget({ endpoint: 'https://127.0.0.1:8443', ca: 'PEM' });
    const client = createApiManagementClient(target, SUBSCRIPTION_ID, { httpClient });
    await getArmJson(client, `https://127.0.0.1:8443${SERVICE}/tenant/access?api-version=2022-08-01`, { apiVersion: API_VERSION });
    expect(httpClient.sent[0]?.url).toBe(`https://127.0.0.1:8443${SERVICE}/tenant/access?api-version=2022-08-01`);
    expect(httpClient.sent[0]?.headers['authorization']).toBe('Bearer apim-posture-sandbox-token');
  });

  it('asks the credential for the ARM scope whatever the endpoint', async () => {
    const credential = fakeCredential();
    const httpClient = fakeHttpClient(() => ({ status: 200, body: {} }));
    const target = azureTarget({ credential, credentialName: 'test', endpoint: 'https://127.0.0.1:8443' });
    await getArmJson(createApiManagementClient(target, SUBSCRIPTION_ID, { httpClient }), SERVICE, { apiVersion: API_VERSION });
    expect(credential.scopes).toEqual([['https://management.azure.com/.default']]);
  });

  it('rejects with an AbortError when the signal is already aborted', async () => {
    const { client, httpClient } = armClient(() => ({ status: 200, body: {} }));
    await expect(getArmJson(client, SERVICE, { apiVersion: API_VERSION, abortSignal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(httpClient.sent).toHaveLength(0);
  });
});

describe('ARM error mapping', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('403 says the identity lacks read access to the resource', async () => {
    const { client } = armClient(() => armError(403, 'AuthorizationFailed', "The client 'x' does not have authorization to perform action 'read'.", { 'x-ms-request-id': 'req-1' }));
    const error = await failure(getArmJson(client, `${SERVICE}/namedValues`, { apiVersion: API_VERSION }));
    expect(error).toMatchObject({ status: 403, code: 'AuthorizationFailed', resource: `${SERVICE}/namedValues`, requestId: 'req-1' });
    expect(error.message).toBe(
      `the identity lacks read access to ${SERVICE}/namedValues (403 AuthorizationFailed); grant it Reader on the service or its subscription`,
    );
  });

  it('404 says the resource was not found', async () => {
    const { client } = armClient(() => armError(404, 'ResourceNotFound', "The Resource 'Microsoft.ApiManagement/service/apim-prod' was not found."));
    const error = await failure(getArmJson(client, SERVICE, { apiVersion: API_VERSION }));
    expect(error).toMatchObject({ status: 404, code: 'ResourceNotFound' });
    expect(error.message).toBe(`${SERVICE} was not found (404 ResourceNotFound); check the subscription, resource group and service name`);
  });

  it('401 says the credential was rejected, with a default code when the body has none', async () => {
    const { client } = armClient(() => ({ status: 401 }));
    const error = await failure(getArmJson(client, SERVICE, { apiVersion: API_VERSION }));
    expect(error.message).toBe(`ARM rejected the credential reading ${SERVICE} (401 Unauthorized); sign in again or check the tenant`);
  });

  it('429 that outlasts the retries says so, with the delay ARM asked for', async () => {
    vi.useFakeTimers({ now: 0 });
    const { client, httpClient } = armClient(() => armError(429, 'TooManyRequests', 'slow down', { 'retry-after': '1' }));
    const read = failure(getArmJson(client, SERVICE, { apiVersion: API_VERSION }));
    await vi.advanceTimersByTimeAsync(6_000);
    const error = await read;
    expect(httpClient.sent).toHaveLength(7); // the first attempt and DEFAULT_RETRY_OPTIONS.maxRetries
    expect(error).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterInMs: 1_000 });
    expect(error.message).toBe(`ARM kept throttling reads of ${SERVICE} (429 TooManyRequests) after retries; wait 1 s and try again, or audit fewer services at once`);
  });

  it('other statuses carry ARM’s own message on one line', async () => {
    const { client } = armClient(() => armError(500, 'InternalServerError', 'Something\n  went wrong.'), { retryOptions: { maxRetries: 0 } });
    const error = await failure(getArmJson(client, SERVICE, { apiVersion: API_VERSION }));
    expect(error.message).toBe(`ARM answered 500 InternalServerError reading ${SERVICE}: Something went wrong.`);
  });

  it('a transport failure names the endpoint and the system code', async () => {
    const { client } = armClient(
      () => {
        throw new RestError('connect ECONNREFUSED 127.0.0.1:443', { code: 'ECONNREFUSED' });
      },
      { retryOptions: { maxRetries: 0 } },
    );
    const error = await failure(getArmJson(client, SERVICE, { apiVersion: API_VERSION }));
    expect(error).toMatchObject({ status: 0, code: 'ECONNREFUSED' });
    expect(error.message).toBe(`could not reach https://management.azure.com to read ${SERVICE} (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:443`);
  });

  it('a credential that cannot sign in says so', async () => {
    const unavailable = Object.assign(new Error('DefaultAzureCredential failed to retrieve a token.\nAzureCliCredential: Please run az login.'), {
      name: 'CredentialUnavailableError',
    });
    const credential = { ...fakeCredential(), getToken: () => Promise.reject(unavailable) };
    const { client } = armClient(() => ({ status: 200, body: {} }), {}, credential);
    const error = await failure(getArmJson(client, SERVICE, { apiVersion: API_VERSION }));
    expect(error).toMatchObject({ status: 0, code: 'CredentialUnavailable' });
    expect(error.message).toBe(`could not get a token to read ${SERVICE}: DefaultAzureCredential failed to retrieve a token. AzureCliCredential: Please run az login.`);
  });

  it.each([
    ['labelled JSON', { 'content-type': 'application/json' }],
    ['labelled HTML', { 'content-type': 'text/html' }],
  ])('a body that is not JSON (%s) is an invalid response', async (_label, headers) => {
    const { client } = armClient(() => ({ status: 200, headers, body: '<html>proxy login</html>' }));
    const error = await failure(getArmJson(client, SERVICE, { apiVersion: API_VERSION }));
    expect(error).toMatchObject({ code: 'InvalidResponse' });
    expect(error.message).toBe(`ARM returned a body that is not JSON for ${SERVICE}`);
  });
});

describe('resolveArmUrl', () => {
  it('joins paths onto an endpoint with a base path and adds api-version once', () => {
    expect(resolveArmUrl('https://arm.example/base', '/subscriptions/s/x', '1').href).toBe('https://arm.example/base/subscriptions/s/x?api-version=1');
    expect(resolveArmUrl('https://arm.example', 'https://arm.example/subscriptions/s/x?$top=5', '1').href).toBe('https://arm.example/subscriptions/s/x?%24top=5&api-version=1');
  });

  it('keeps names of every script and ARM punctuation', () => {
    expect(resolveArmUrl('https://arm.example', '/subscriptions/s/resourceGroups/rg(prod)_1.a/providers/Microsoft.ApiManagement/service/x/apis/orders;rev=2', '1').pathname).toBe(
      '/subscriptions/s/resourceGroups/rg(prod)_1.a/providers/Microsoft.ApiManagement/service/x/apis/orders;rev=2',
    );
    expect(resolveArmUrl('https://arm.example', '/subscriptions/s/resourceGroups/grüße', '1').pathname).toBe('/subscriptions/s/resourceGroups/gr%C3%BC%C3%9Fe');
  });

  // Resource ids come from responses and estate files; none of these may move a request elsewhere.
  it.each([
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/x/../../../other',
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/x%2f..%2fother',
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/x%2Fapis',
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/./x',
    '/subscriptions/s//resourceGroups/rg',
    '/subscriptions/s/resourceGroups/rg\\..\\x',
    '/subscriptions/s/resourceGroups/rg/providers/x?api-version=evil',
    '/subscriptions/s/resourceGroups/rg/providers/x#frag',
    '/subscriptions/s/resourceGroups/r g',
    '/subscriptions/s/resourceGroups/rg\u0000',
    'https://arm.example/subscriptions/s/x/../../y?api-version=1',
    'https://arm.example/subscriptions/s/x%2F..%2Fy',
  ])('refuses %s', (path) => {
    expect(() => resolveArmUrl('https://arm.example', path, '1')).toThrow(/refusing an ARM path/);
  });
});
