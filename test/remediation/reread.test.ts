import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiManagementClient } from '../../src/azure/clients.js';
import { sandboxTarget, type AzureTarget } from '../../src/azure/target.js';
import { isOpenFailure } from '../../src/contracts/results.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import type { Finding } from '../../src/remediation/finding-fix.js';
import { rereadFinding, withFreshEtags } from '../../src/remediation/reread.js';
import { sendFix } from '../../src/remediation/send-fix.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';

/**
 * Plan from a fresh read, send with the ETag of that read, verify by reading again: the APIM-024
 * finding (plain-HTTP APIs) on the sandbox's legacy payments service, through the real SDK pipeline.
 */
const SUBSCRIPTION = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const SERVICE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-legacy`;
let sandbox: Sandbox;
let target: AzureTarget;
let config: AppConfig;

beforeAll(async () => {
  sandbox = await startSandbox({ lro: { mode: 'apim', inProgressPolls: 1, retryAfterSeconds: 0 } });
  target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
  config = await loadConfig(undefined, {});
});

afterAll(async () => {
  await sandbox.close();
});

const context = () => ({ audit: config.audit, now: new Date(), version: 'test' });
const client = () => createApiManagementClient(target, SUBSCRIPTION);
const writes = () => sandbox.requests.filter((entry) => entry.method === 'PATCH' || entry.method === 'PUT');

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item === undefined) throw new Error('expected one item');
  return item;
}

async function finding(ruleId: string): Promise<Finding> {
  const { report } = await rereadFinding(target, { serviceId: SERVICE, serviceName: 'apim-payments-legacy', ruleId, resourceIds: [] }, context());
  const failing = report.results.filter((result) => result.ruleId === ruleId && isOpenFailure(result)).map((result) => result.resourceId);
  expect(failing.length).toBeGreaterThan(0);
  return { serviceId: SERVICE, serviceName: 'apim-payments-legacy', ruleId, resourceIds: failing };
}

describe('plan from a fresh read, apply with its ETag, verify', () => {
  it('a change made between the read and the send is refused (412) and nothing of ours lands', async () => {
    const apim024 = await finding('APIM-024');
    const read = await rereadFinding(target, apim024, context());
    expect(read.fix.state).toBe('plans');
    const fixes = await withFreshEtags(client(), read.fix.state === 'plans' ? read.fix.fixes : []);
    for (const fix of fixes) expect(fix.request.headers?.['If-Match']).toMatch(/^".+"$/);
    // Someone else changes the first API after our read (a description edit moves its ETag).
    const first = only(fixes.slice(0, 1));
    const theirs = only(await withFreshEtags(client(), [{ ...first, request: { ...first.request, body: { properties: { description: 'edited by someone else' } } } }]));
    expect(await sendFix(client(), theirs.request)).toMatchObject({ outcome: 'succeeded' });
    const before = writes().length;
    expect(await sendFix(client(), first.request)).toMatchObject({ outcome: 'conflict', status: 412 });
    // The refused request reached the sandbox but changed nothing: the finding still fails there.
    expect(writes().length).toBe(before + 1);
    expect((await rereadFinding(target, apim024, context())).fix.state).toBe('plans');
  }, 30_000);

  it('sends every request of a fresh plan and the rule passes on the next read', async () => {
    const apim024 = await finding('APIM-024');
    const read = await rereadFinding(target, apim024, context());
    const fixes = await withFreshEtags(client(), read.fix.state === 'plans' ? read.fix.fixes : []);
    expect(fixes.length).toBeGreaterThan(0);
    for (const fix of fixes) expect(await sendFix(client(), fix.request, { pollIntervalInMs: 1 })).toMatchObject({ outcome: 'succeeded' });
    expect((await rereadFinding(target, apim024, context())).fix).toEqual({ state: 'passes' });
  }, 30_000);

  it('a service-level fix (TLS protocols, a long-running PATCH) verifies as passing', async () => {
    const apim001 = await finding('APIM-001');
    const read = await rereadFinding(target, apim001, context());
    const fixes = read.fix.state === 'plans' ? read.fix.fixes : [];
    expect(fixes.map((fix) => fix.request.method)).toEqual(['PATCH']);
    expect(await sendFix(client(), only(fixes).request, { pollIntervalInMs: 1 })).toMatchObject({ outcome: 'succeeded', status: 202 });
    expect((await rereadFinding(target, apim001, context())).fix).toEqual({ state: 'passes' });
  }, 30_000);
});
