import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiManagementClient } from '../../src/azure/clients.js';
import { sandboxTarget, type AzureTarget } from '../../src/azure/target.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { isOpenFailure } from '../../src/contracts/results.js';
import { applyFinding, type ApplyDependencies } from '../../src/remediation/apply-finding.js';
import type { Finding } from '../../src/remediation/finding-fix.js';
import { remediationPolicySchema } from '../../src/remediation/policy.js';
import { rereadFinding } from '../../src/remediation/reread.js';
import { sendFix } from '../../src/remediation/send-fix.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { openStore, type Store } from '../../src/store/index.js';

/**
 * Applying a confirmed fix against the sandbox, counting the writes it receives: refusals and a
 * change since the confirmation send nothing; the happy path sends, verifies and leaves an audit
 * trail whose chain verifies.
 */
const SUBSCRIPTION = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const SERVICE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-payments-legacy`;
const ALEX = '00000000-0000-0000-0000-000000000020';
const SAM = '11111111-2222-3333-4444-555555555555';
const CHAT = 'a:on-call';
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

const policy = remediationPolicySchema.parse({
  environments: {
    prod: { requesters: [ALEX], approvers: [SAM], kinds: ['safe', 'guarded'], conversations: [CHAT] },
    dev: { requesters: [ALEX], kinds: ['safe', 'guarded'], conversations: [CHAT] },
  },
});

function deps(): ApplyDependencies {
  return {
    target,
    client: (subscription) => createApiManagementClient(target, subscription),
    policy,
    auditLog: store.auditLog,
    leases: store.leases,
    reread: { audit: config.audit, now: new Date(), version: 'test' },
    send: { pollIntervalInMs: 1 },
  };
}

const writes = () => sandbox.requests.filter((entry) => entry.method === 'PATCH' || entry.method === 'PUT').length;

async function confirmed(ruleId: string, serviceId = SERVICE) {
  const serviceName = serviceId.split('/').at(-1) ?? '';
  const probe = await rereadFinding(target, { serviceId, serviceName, ruleId, resourceIds: [] }, deps().reread);
  const resourceIds = probe.report.results.filter((result) => result.ruleId === ruleId && isOpenFailure(result)).map((result) => result.resourceId);
  const finding: Finding = { serviceId, serviceName, ruleId, resourceIds };
  const read = await rereadFinding(target, finding, deps().reread);
  if (read.fix.state !== 'plans') throw new Error(`${ruleId} has no plan on the sandbox`);
  return { finding, fixes: read.fix.fixes };
}

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
    const kinds = (await store.auditLog.read()).slice(logBefore).map((record) => record.kind);
    expect(kinds).toEqual(['fix.sending', ...fixes.map(() => 'fix.succeeded'), 'fix.verified']);
    expect(await store.auditLog.verify()).toMatchObject({ ok: true });
  }, 30_000);

  it('production needs a second person: with the approval of a listed approver it goes through', async () => {
    const { finding, fixes } = await confirmed('APIM-001');
    const result = await applyFinding(deps(), { finding, environment: 'prod', requesterId: ALEX, approverId: SAM, conversationId: CHAT, confirmed: fixes });
    expect(result.state).toBe('verified');
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
