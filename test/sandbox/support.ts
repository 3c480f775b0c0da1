import { request as httpsRequest } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import { ApiManagementClient, type ApiManagementClientOptionalParams } from '@azure/arm-apimanagement';
import { ResourceGraphClient, type ResourceGraphClientOptionalParams } from '@azure/arm-resourcegraph';
import type { Sandbox } from '../../src/sandbox/server.js';

/**
 * The real SDK clients, pointed at a sandbox the way the product points them at Azure: only the
 * endpoint and the trusted CA differ. The credential is a dummy: the sandbox wants a bearer token,
 * not a valid one.
 */

export const credential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

export function argClient(sandbox: Sandbox, options: ResourceGraphClientOptionalParams = {}, token: TokenCredential = credential): ResourceGraphClient {
  return new ResourceGraphClient(token, { endpoint: sandbox.url, tlsOptions: { ca: sandbox.caPem }, ...options });
}

export function apimClient(sandbox: Sandbox, subscriptionId: string, options: ApiManagementClientOptionalParams = {}): ApiManagementClient {
  return new ApiManagementClient(credential, subscriptionId, {
    endpoint: sandbox.url,
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca: sandbox.caPem },
    ...options,
  });
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/** A plain HTTPS request (no SDK), for what the SDK would never send: no token, bad paths. */
export function raw(sandbox: Sandbox, method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, sandbox.url);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpsRequest(
      url,
      { method, ca: sandbox.caPem, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const BEARER = { authorization: 'Bearer test-token' };

/** Collects every item of a paged SDK list. */
export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}
