import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getArmJson, getArmResource } from '../../src/azure/arm-raw.js';
import { createApiManagementClient } from '../../src/azure/clients.js';
import { sandboxTarget } from '../../src/azure/target.js';
import type { FixRequest } from '../../src/contracts/fix-plan.js';
import { sendFix } from '../../src/remediation/send-fix.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';

/**
 * Sending a fix through the real SDK pipeline to the sandbox: the service PATCH as a long-running
 * operation followed to its end, a child PATCH guarded by If-Match (412 on a stale ETag, refused
 * without one), and refusals reported as outcomes, never thrown.
 */
const SUBSCRIPTION = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const SERVICE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-legacy`;
const API_VERSION = '2024-05-01';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ lro: { mode: 'apim', inProgressPolls: 2, retryAfterSeconds: 0 } });
});

afterAll(async () => {
  await sandbox.close();
});

function client() {
  return createApiManagementClient(sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem }), SUBSCRIPTION);
}

const writes = () => sandbox.requests.filter((entry) => entry.method === 'PATCH' || entry.method === 'PUT');

describe('sendFix', () => {
  it('follows a service PATCH through its long-running operation, and the change is there afterwards', async () => {
    const before = (await getArmJson(client(), SERVICE, { apiVersion: API_VERSION })) as { properties: { customProperties?: Record<string, string> } };
    const customProperties = { ...before.properties.customProperties, 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'False' };
    const polls: string[] = [];
    let accepted = '';
    const outcome = await sendFix(client(), { method: 'PATCH', path: SERVICE, apiVersion: API_VERSION, body: { properties: { customProperties } } }, {
      pollIntervalInMs: 1,
      onAccepted: (url) => void (accepted = url),
      onPoll: (status) => polls.push(status),
    });
    expect(outcome).toMatchObject({ outcome: 'succeeded', status: 202 });
    expect(accepted).toContain('/operationresults/');
    expect(polls).toEqual(['InProgress', 'InProgress', 'Succeeded']);
    const after = (await getArmJson(client(), SERVICE, { apiVersion: API_VERSION })) as { properties: { customProperties: Record<string, string> } };
    expect(after.properties.customProperties['Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10']).toBe('False');
  });

  it('gives up waiting after the timeout and says the result is unknown, without a second write', async () => {
    const count = writes().length;
    let clock = 0;
    const outcome = await sendFix(client(), { method: 'PATCH', path: SERVICE, apiVersion: API_VERSION, body: { properties: { customProperties: {} } } }, {
      timeoutInMs: 5,
      now: () => (clock += 10),
      sleep: () => Promise.resolve(),
    });
    expect(outcome).toMatchObject({ outcome: 'unknown', status: 202 });
    expect(writes().length).toBe(count + 1);
  });

  it('sends If-Match on a child PATCH: the current ETag succeeds, a stale one is a conflict, and nothing changes', async () => {
    const apis = (await getArmJson(client(), `${SERVICE}/apis`, { apiVersion: API_VERSION })) as { value: { id: string }[] };
    const api = apis.value[0]?.id ?? '';
    const read = async () => {
      const { body, etag } = await getArmResource(client(), api, { apiVersion: API_VERSION });
      return { etag, properties: (body as { properties: { protocols: string[] } }).properties };
    };
    const first = await read();
    expect(first.etag).toMatch(/^".+"$/);
    const patch = (etag: string): FixRequest => ({ method: 'PATCH', path: api, apiVersion: API_VERSION, headers: { 'If-Match': etag }, body: { properties: { protocols: ['https'] } } });

    expect(await sendFix(client(), patch(first.etag ?? ''))).toMatchObject({ outcome: 'succeeded', status: 200 });
    expect((await read()).properties.protocols).toEqual(['https']);

    // The first write changed the ETag: the old one now names a resource that no longer exists.
    const stale = await sendFix(client(), { ...patch(first.etag ?? ''), body: { properties: { protocols: ['http'] } } });
    expect(stale).toMatchObject({ outcome: 'conflict', status: 412 });
    expect((await read()).properties.protocols).toEqual(['https']);
    // Without If-Match the write is refused outright (the sandbox's reading of the spec's required header).
    const unguarded: FixRequest = { method: 'PATCH', path: api, apiVersion: API_VERSION, body: { properties: { protocols: ['http'] } } };
    expect(await sendFix(client(), unguarded)).toMatchObject({ outcome: 'failed', status: 400 });
    expect((await read()).properties.protocols).toEqual(['https']);
  });

  it('reports a refused request as failed with ARM\'s code and message', async () => {
    const missing = SERVICE.replace('apim-payments-legacy', 'apim-does-not-exist');
    const outcome = await sendFix(client(), { method: 'PATCH', path: missing, apiVersion: API_VERSION, body: { properties: {} } });
    expect(outcome).toMatchObject({ outcome: 'failed', status: 404 });
    expect(outcome.outcome === 'failed' ? outcome.message : '').not.toBe('');
  });
});
