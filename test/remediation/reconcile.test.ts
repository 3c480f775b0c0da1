import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getArmJson, getArmResource } from '../../src/azure/arm-raw.js';
import { createApiManagementClient } from '../../src/azure/clients.js';
import { sandboxTarget, type AzureTarget } from '../../src/azure/target.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { applyFinding, type ApplyDependencies } from '../../src/remediation/apply-finding.js';
import { fixLeaseName } from '../../src/remediation/fix-lease.js';
import { reconcileOpenFixes, type ReconcileDependencies } from '../../src/remediation/reconcile.js';
import { sendFix } from '../../src/remediation/send-fix.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { openStore, type AuditRecord, type Store } from '../../src/store/index.js';
import { ALEX, applyDependencies, CHAT, confirmedFinding, Died, dyingLog, SERVICE, SUBSCRIPTION } from '../support/remediation.js';

/**
 * Reconciliation against the sandbox: a fix whose process died somewhere between recording its
 * intent and closing it is closed once, honestly, from a fresh read of the resource. The deaths are
 * simulated in-process here (a store or a callback that throws at the chosen step); the real kill -9
 * is in reconcile-kill.test.ts.
 */
let config: AppConfig;
let sandbox: Sandbox;
let target: AzureTarget;
let store: Store;

beforeAll(async () => {
  config = await loadConfig(undefined, {});
});

beforeEach(async () => {
  sandbox = await startSandbox({ lro: { mode: 'apim', inProgressPolls: 1, retryAfterSeconds: 0 } });
  target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
}, 30_000);

afterEach(async () => {
  await sandbox.close();
});

const deps = (overrides: Partial<ApplyDependencies> = {}) => applyDependencies(target, config, store, overrides);
const reconcileDeps = (overrides: Partial<ReconcileDependencies> = {}): ReconcileDependencies => ({
  auditLog: store.auditLog,
  leases: store.leases,
  client: (subscription) => createApiManagementClient(target, subscription),
  ...overrides,
});
const writes = () => sandbox.requests.filter((entry) => entry.method === 'PATCH' || entry.method === 'PUT').length;

/** Runs applyFinding for APIM-001 on the seeded service until the simulated death; returns the intent's sequence number. */
async function dieWhileApplying(overrides: Partial<ApplyDependencies>, card?: { conversationId: string; activityId: string }): Promise<number> {
  const { finding, fixes } = await confirmedFinding(target, deps().reread, 'APIM-001');
  await expect(applyFinding(deps(overrides), { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes, ...(card === undefined ? {} : { card }) })).rejects.toThrow(Died);
  const intent = (await store.auditLog.read()).findLast((record) => record.kind === 'fix.sending');
  if (intent === undefined) throw new Error('no fix.sending was recorded');
  return intent.seq;
}

async function reconciledRecords(operation: number): Promise<AuditRecord[]> {
  return (await store.auditLog.read()).filter((record) => record.kind === 'fix.reconciled' && record.details['operation'] === operation);
}

describe('reconcileOpenFixes', () => {
  it('closes a fix that was sent but never recorded as applied: the values it set are there', async () => {
    const operation = await dieWhileApplying({ auditLog: dyingLog(store.auditLog, 'before-outcome') });
    expect(writes()).toBe(1);
    const summary = await reconcileOpenFixes(reconcileDeps());
    expect(summary).toEqual({ closed: [{ operation, serviceId: SERVICE, result: 'applied', detail: expect.stringContaining('landed') as unknown }], leftOpen: [] });
    const [record] = await reconciledRecords(operation);
    expect(record).toMatchObject({
      kind: 'fix.reconciled',
      actor: 'system',
      subject: SERVICE,
      details: { operation, ruleId: 'APIM-001', result: 'applied', requests: [{ path: SERVICE, result: 'applied' }] },
    });
    expect(await store.auditLog.verify()).toMatchObject({ ok: true });
  }, 30_000);

  it('tells whoever keeps the fix card how the fix ended, with the card the intent recorded', async () => {
    const card = { conversationId: CHAT, activityId: 'activity-fix-card' };
    const operation = await dieWhileApplying({ auditLog: dyingLog(store.auditLog, 'before-outcome') }, card);
    const told: unknown[] = [];
    await reconcileOpenFixes(
      reconcileDeps({
        onClosed: (closed) => {
          told.push(closed);
          return Promise.resolve();
        },
      }),
    );
    expect(told).toEqual([expect.objectContaining({ operation, result: 'applied', card })]);
  }, 30_000);

  it('closes an interrupted revert too, as revert.reconciled, from what the resource holds', async () => {
    const client = createApiManagementClient(target, SUBSCRIPTION);
    const { body: current } = await getArmResource(client, SERVICE, { apiVersion: '2024-05-01' });
    const map = (current as { properties: { customProperties: Record<string, string> } }).properties.customProperties;
    // A revert that meant to put this map back, killed after recording its intent; the map is what it set.
    const intent = await store.auditLog.append({
      kind: 'revert.sending',
      actor: ALEX,
      subject: SERVICE,
      details: { ruleId: 'APIM-001', requests: [{ method: 'PATCH', path: SERVICE, apiVersion: '2024-05-01', body: { properties: { customProperties: map } } }], before: [{ properties: { customProperties: {} } }] },
    });
    const summary = await reconcileOpenFixes(reconcileDeps());
    expect(summary.closed).toEqual([expect.objectContaining({ operation: intent.seq, result: 'applied' })]);
    const records = (await store.auditLog.read()).filter((record) => record.details['operation'] === intent.seq);
    expect(records.map((record) => record.kind)).toEqual(['revert.reconciled']);
    expect((await reconcileOpenFixes(reconcileDeps())).closed).toEqual([]);
  }, 30_000);

  it('closes a fix whose process died right after recording the intent as not applied: the values from before are still there', async () => {
    const operation = await dieWhileApplying({ auditLog: dyingLog(store.auditLog, 'after-intent') });
    expect(writes()).toBe(0);
    const summary = await reconcileOpenFixes(reconcileDeps());
    expect(summary.closed).toEqual([{ operation, serviceId: SERVICE, result: 'not-applied', detail: expect.stringContaining('did not land') as unknown }]);
    expect(await reconciledRecords(operation)).toHaveLength(1);
  }, 30_000);

  it('says unknown, with the reason, when the resource cannot be read again', async () => {
    const operation = await dieWhileApplying({ auditLog: dyingLog(store.auditLog, 'after-intent') });
    sandbox.faults.add({ method: 'GET', path: 'service/apim-payments-legacy', status: 404, code: 'ResourceNotFound', message: 'The Resource was not found.', times: Infinity });
    const summary = await reconcileOpenFixes(reconcileDeps());
    expect(summary.closed).toEqual([{ operation, serviceId: SERVICE, result: 'unknown', detail: expect.stringContaining(`The re-read of ${SERVICE} failed`) as unknown }]);
    const [record] = await reconciledRecords(operation);
    expect(record?.details['requests']).toEqual([{ path: SERVICE, result: 'unknown', reason: expect.stringContaining('not found') as unknown }]);
  }, 30_000);

  it('says unknown when the resource holds neither what the fix set nor the values from before', async () => {
    const operation = await dieWhileApplying({ auditLog: dyingLog(store.auditLog, 'after-intent') });
    // Someone else changed the TLS settings after the crash.
    const theirs = { 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'True', 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'False' };
    const client = createApiManagementClient(target, SUBSCRIPTION);
    expect(await sendFix(client, { method: 'PATCH', path: SERVICE, apiVersion: '2024-05-01', body: { properties: { customProperties: theirs } } }, { pollIntervalInMs: 1 })).toMatchObject({ outcome: 'succeeded' });
    const summary = await reconcileOpenFixes(reconcileDeps());
    expect(summary.closed).toEqual([{ operation, serviceId: SERVICE, result: 'unknown', detail: expect.stringContaining('neither what the fix set nor the values from before') as unknown }]);
  }, 30_000);

  it('leaves a fix open while its update is still running, and closes it once the update has landed', async () => {
    let operationUrl = '';
    const operation = await dieWhileApplying({
      send: {
        pollIntervalInMs: 1,
        onAccepted: (url) => {
          operationUrl = url;
          throw new Died('killed while ARM runs the update');
        },
      },
    });
    const first = await reconcileOpenFixes(reconcileDeps());
    expect(first.closed).toEqual([]);
    expect(first.leftOpen).toEqual([{ operation, serviceId: SERVICE, reason: expect.stringContaining('still running (provisioning state Updating)') as unknown }]);
    expect(await reconciledRecords(operation)).toHaveLength(0);
    // The platform finishes the update (the sandbox completes it when polled).
    const client = createApiManagementClient(target, SUBSCRIPTION);
    for (let polls = 0; polls < 10; polls++) {
      const status = await getArmJson(client, operationUrl, { apiVersion: '2024-05-01' });
      if ((status as { status?: string }).status === 'Succeeded') break;
    }
    const second = await reconcileOpenFixes(reconcileDeps());
    expect(second.closed).toMatchObject([{ operation, result: 'applied' }]);
  }, 30_000);

  it('settles a fix its sender stopped waiting for (fix.unknown) from the re-read, instead of counting it as closed', async () => {
    const { finding, fixes } = await confirmedFinding(target, deps().reread, 'APIM-001');
    const result = await applyFinding(deps({ send: { pollIntervalInMs: 1, timeoutInMs: 0 } }), { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes });
    expect(result).toMatchObject({ state: 'failed', outcomes: [{ outcome: 'unknown' }] });
    const intent = (await store.auditLog.read()).find((record) => record.kind === 'fix.sending');
    expect((await reconcileOpenFixes(reconcileDeps())).leftOpen).toMatchObject([{ operation: intent?.seq, reason: expect.stringContaining('still running') as unknown }]);
  }, 30_000);

  it('leaves a fix open while another process holds the service lease, and closes it on the next run', async () => {
    const operation = await dieWhileApplying({ auditLog: dyingLog(store.auditLog, 'after-intent') });
    const held = await store.leases.acquire(fixLeaseName(SERVICE), 60_000);
    expect(held).toBeDefined();
    const first = await reconcileOpenFixes(reconcileDeps());
    expect(first).toEqual({ closed: [], leftOpen: [{ operation, serviceId: SERVICE, reason: expect.stringContaining('holds the fix lease') as unknown }] });
    expect(await reconciledRecords(operation)).toHaveLength(0);
    if (held !== undefined) await store.leases.release(held);
    expect((await reconcileOpenFixes(reconcileDeps())).closed).toMatchObject([{ operation, result: 'not-applied' }]);
  }, 30_000);

  it('closes nothing twice: a second run, and two instances at once, leave exactly one record', async () => {
    const operation = await dieWhileApplying({ auditLog: dyingLog(store.auditLog, 'after-intent') });
    const [a, b] = await Promise.all([reconcileOpenFixes(reconcileDeps()), reconcileOpenFixes(reconcileDeps())]);
    expect(a.closed.length + b.closed.length).toBe(1);
    expect((await reconcileOpenFixes(reconcileDeps())).closed).toEqual([]);
    expect(await reconciledRecords(operation)).toHaveLength(1);
  }, 30_000);

  it('does not close again what another instance closed between listing the open fixes and taking the lease', async () => {
    const operation = await dieWhileApplying({ auditLog: dyingLog(store.auditLog, 'after-intent') });
    let raced = false;
    const slow: ReconcileDependencies = reconcileDeps({
      leases: {
        ...store.leases,
        async acquire(name, ttl) {
          // This instance has listed the fix as open; the other one closes it before this one gets the lease.
          if (!raced) {
            raced = true;
            expect((await reconcileOpenFixes(reconcileDeps())).closed).toHaveLength(1);
          }
          return store.leases.acquire(name, ttl);
        },
      },
    });
    expect(await reconcileOpenFixes(slow)).toEqual({ closed: [], leftOpen: [] });
    expect(await reconciledRecords(operation)).toHaveLength(1);
  }, 30_000);

  it('leaves finished fixes alone: verified, and stopped by ARM', async () => {
    const { finding, fixes } = await confirmedFinding(target, deps().reread, 'APIM-001');
    expect((await applyFinding(deps(), { finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: fixes })).state).toBe('verified');
    const again = await confirmedFinding(target, deps().reread, 'APIM-024');
    sandbox.faults.add({ method: 'PATCH', status: 400, code: 'ValidationError', times: Infinity });
    expect((await applyFinding(deps(), { finding: again.finding, environment: 'dev', requesterId: ALEX, conversationId: CHAT, confirmed: again.fixes })).state).toBe('failed');
    const logLength = (await store.auditLog.read()).length;
    expect(await reconcileOpenFixes(reconcileDeps())).toEqual({ closed: [], leftOpen: [] });
    expect(await store.auditLog.read()).toHaveLength(logLength);
  }, 30_000);

  it('closes an intent that does not say what it sent as unknown instead of failing', async () => {
    const intent = await store.auditLog.append({ kind: 'fix.sending', actor: ALEX, subject: SERVICE, details: { ruleId: 'APIM-001', requests: 'everything' } });
    const summary = await reconcileOpenFixes(reconcileDeps());
    expect(summary.closed).toEqual([{ operation: intent.seq, serviceId: SERVICE, result: 'unknown', detail: expect.stringContaining('does not list the requests') as unknown }]);
  }, 30_000);
});
