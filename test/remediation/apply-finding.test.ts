import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiManagementClient } from '../../src/azure/clients.js';
import { sandboxTarget, type AzureTarget } from '../../src/azure/target.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { applyFinding, type ApplyDependencies } from '../../src/remediation/apply-finding.js';
import { fixLeaseName } from '../../src/remediation/fix-lease.js';
import { sendFix } from '../../src/remediation/send-fix.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { openStore, type Store } from '../../src/store/index.js';
import { ALEX, applyDependencies, CHAT, confirmedFinding, SAM, SERVICE, SUBSCRIPTION } from '../support/remediation.js';

/**
 * Applying a confirmed fix against the sandbox, counting the writes it receives: refusals and a
 * change since the confirmation send nothing; the happy path sends, verifies and leaves an audit
 * trail whose chain verifies.
 */
let sandbox: Sandbox;
let target: AzureTarget;
let config: AppConfig;
let store: Store;

beforeAll(async () => {
  sandbox = await startSandbox({ lro: { mode: 'apim', inProgressPolls: 1, retryAfterSeconds: 0 } });
  target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
  config = await loadConfig(undefined, {});
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
}, 30_000);

afterAll(async () => {
  await sandbox.close();
});

function deps(overrides: Partial<ApplyDependencies> = {}): ApplyDependencies {
  return applyDependencies(target, config, store, overrides);
}

const writes = () => sandbox.requests.filter((entry) => entry.method === 'PATCH' || entry.method === 'PUT').length;

const confirmed = (ruleId: string, serviceId = SERVICE) => confirmedFinding(target, deps().reread, ruleId, serviceId);

describe('applyFinding', () => {
  it.each([
    ['someone not on the list', { requesterId: '99999999-9999-9999-9999-999999999999' }, 'not on the list'],
    ['a conversation not allowed', { conversationId: 'a:elsewhere' }, 'cannot be requested from this conversation'],
    ['an environment without a policy', { environment: 'test' }, 'not enabled for test'],
    ['production without an approval', { environment: 'prod' }, "need a second person's approval"],
    ['production approved by the requester', { environment: 'prod', approverId: ALEX }, 'a second person must approve it'],
    ['production approved by someone who is not an approver', { environment: 'prod', approverId: '99999999-9999-9999-9999-999999999999' }, 'may approve fixes in prod'],
  ])('refuses %s and sends nothing', async (_name, change, reason) => {
    const { finding, fixes } = await confirmed('APIM-024');
    const before = writes();
    const result = await applyFinding(deps(), { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes, ...change });
    expect(result).toMatchObject({ state: 'refused' });
    expect(result.state === 'refused' ? result.reason : '').toContain(reason);
    expect(writes()).toBe(before);
  }, 30_000);

  it('refuses with a fresh plan when the resource changed since the confirmation, and sends nothing', async () => {
    const { finding, fixes } = await confirmed('APIM-001');
    // Someone changes the TLS settings after the card was shown.
    const client = createApiManagementClient(target, SUBSCRIPTION);
    const theirs = { 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'True', 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'False' };
    expect(await sendFix(client, { method: 'PATCH', path: SERVICE, apiVersion: '2024-05-01', body: { properties: { customProperties: theirs } } }, { pollIntervalInMs: 1 })).toMatchObject({ outcome: 'succeeded' });
    const before = writes();
    const result = await applyFinding(deps(), { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes });
    expect(result.state).toBe('changed');
    expect(writes()).toBe(before);
  }, 30_000);

  it('sends the confirmed fix, verifies it, records every step, and keeps what Revert needs', async () => {
    const { finding, fixes } = await confirmed('APIM-024');
    const logBefore = (await store.auditLog.read()).length;
    const result = await applyFinding(deps(), { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes });
    expect(result.state).toBe('verified');
    if (result.state !== 'verified') return;
    expect(result.outcomes.every((outcome) => outcome.outcome === 'succeeded')).toBe(true);
    expect(result.revert.length).toBe(fixes.length);
    for (const step of result.revert) expect(step.snapshot).toMatchObject({ ok: true, body: { properties: { protocols: expect.arrayContaining(['http']) as unknown } } });
    const records = (await store.auditLog.read()).slice(logBefore);
    expect(records.map((record) => record.kind)).toEqual(['fix.sending', ...fixes.map(() => 'fix.succeeded'), 'fix.verified']);
    // Every later record names its intent, and the intent says which api-version to re-read with (reconcile.ts).
    const [intent, ...later] = records;
    for (const record of later) expect(record.details['operation']).toBe(intent?.seq);
    expect(intent?.details['requests']).toEqual(fixes.map((fix) => expect.objectContaining({ path: fix.request.path, apiVersion: fix.request.apiVersion }) as unknown));
    expect(await store.auditLog.verify()).toMatchObject({ ok: true });
  }, 30_000);

  it('production needs a second person: with the approval of a listed approver it goes through', async () => {
    const { finding, fixes } = await confirmed('APIM-001');
    const result = await applyFinding(deps(), { finding, environment: 'prod', requesterId: ALEX, approverId: SAM, conversationId: CHAT, confirmed: fixes });
    expect(result.state).toBe('verified');
  }, 30_000);

  it('renews the service lease while a long update runs, and releases it at the end', async () => {
    const dev = `/subscriptions/${SEED_SUBSCRIPTIONS.sharedDev.subscriptionId}/resourceGroups/rg-shared-dev/providers/Microsoft.ApiManagement/service/apim-basic-dev`;
    const { finding, fixes } = await confirmed('APIM-002', dev);
    sandbox.requests.length = 0;
    // The update outlasts the lease's TTL several times over: only renewal keeps others out.
    // Margins for a loaded machine: a renewal through the file store may take a few hundred milliseconds.
    const applying = applyFinding(deps({ lease: { ttlInMs: 1_000, renewEveryInMs: 150 }, send: { pollIntervalInMs: 3_000 } }), { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes });
    while (!sandbox.requests.some((entry) => entry.method === 'PATCH')) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await store.leases.acquire(fixLeaseName(dev), 60_000)).toBeUndefined();
    expect((await applying).state).toBe('verified');
    const after = await store.leases.acquire(fixLeaseName(dev), 60_000);
    expect(after).toBeDefined();
    if (after !== undefined) await store.leases.release(after);
  }, 30_000);

  it('two Apply clicks at once send one fix: the second waits for the lease or finds nothing left to do', async () => {
    const edge = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments-edge/providers/Microsoft.ApiManagement/service/apim-payments-prod-eus2`;
    const { finding, fixes } = await confirmed('APIM-002', edge);
    const before = writes();
    const apply = () => applyFinding(deps(), { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes });
    const results = await Promise.all([apply(), apply()]);
    expect(results.map((result) => result.state).sort()).toEqual(expect.arrayContaining(['verified']));
    expect(results.filter((result) => result.state === 'verified')).toHaveLength(1);
    expect(writes() - before).toBe(fixes.length);
  }, 60_000);
});
