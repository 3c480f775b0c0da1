import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiManagementClient } from '@azure/arm-apimanagement';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import { ARM_SCOPE, sandboxTarget } from '../../src/azure/target.js';
import { alertCard, type AlertModel } from '../../src/cards/render.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { runDueAlerts } from '../../src/digest/alert-runner.js';
import { changeCauses } from '../../src/digest/causes.js';
import { checkForAlerts, forSeverity, worsened, type AlertDependencies } from '../../src/digest/alerts.js';
import { sandboxUserCredential } from '../../src/sandbox/caller.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { openStore, type Store } from '../../src/store/index.js';
import { executeActions, fullText, schemaErrors } from '../cards/support.js';

/**
 * Alerts between digests: a scheduled audit of prod compared with the snapshot before it. A change
 * made on the sandbox in the portal raises exactly one alert, naming who made it.
 */
const PAYMENTS = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const RG = 'rg-payments-prod';
const GOLD = 'apim-payments-prod-weu';
const TLS10 = 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10';

let sandbox: Sandbox;
let store: Store;
let config: AppConfig;
let deps: AlertDependencies;
const warnings: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ argQuota: false });
  store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
  config = await loadConfig(undefined, {});
  deps = {
    target: sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem }),
    gate: new QuotaGate(),
    audit: config.audit,
    environments: config.environments,
    history: store.history,
    exemptions: store.exemptions,
    version: 'test',
    now: () => new Date(),
    warn: (message) => warnings.push(message),
  };
}, 30_000);

afterAll(async () => {
  await sandbox.close();
});

describe('checkForAlerts', () => {
  it('a first check is a baseline; a portal change raises one alert naming its author; the next check raises none', async () => {
    const baseline = await checkForAlerts(deps, 'prod');
    expect(baseline?.worse).toEqual([]);

    // Alice turns TLS 1.0 back on in the portal.
    const client = new ApiManagementClient(sandboxUserCredential({ upn: 'alice@contoso.example' }), PAYMENTS, { endpoint: sandbox.url, credentialScopes: [ARM_SCOPE], tlsOptions: { ca: sandbox.caPem } });
    const current = await client.apiManagementService.get(RG, GOLD);
    await client.apiManagementService.beginUpdateAndWait(RG, GOLD, { customProperties: { ...current.customProperties, [TLS10]: 'True' } }, { updateIntervalInMs: 5 });

    const check = await checkForAlerts(deps, 'prod');
    expect(check?.worse).toEqual([expect.objectContaining({ ruleId: 'APIM-001', serviceName: GOLD, cause: expect.stringMatching(/^alice@contoso\.example changed .*Tls10.* in Azure Portal/) as unknown })]);
    expect(check?.since).toBe(baseline?.at);
    const card = alertCard({ environment: 'prod', since: check?.since ?? '', rows: forSeverity(check?.worse ?? [], 'high') });
    expect(schemaErrors(card)).toEqual([]);
    expect(fullText(card)).toContain('prod got worse: 1 new finding');
    expect(fullText(card)).toContain('alice@contoso.example changed');
    expect(executeActions(card)).toContainEqual({ title: `Audit ${GOLD}`, verb: 'command', data: { text: `audit ${GOLD} in prod` } });

    const again = await checkForAlerts(deps, 'prod');
    expect(again?.worse).toEqual([]);
    expect(warnings).toEqual([]);
  }, 60_000);
});

describe('worsened and forSeverity', () => {
  const finding = (key: string, exempted?: true) => ({ key, severity: 'high' as const, firstSeen: '2026-12-01T00:00:00.000Z', ...(exempted === undefined ? {} : { exempted }) });

  it('counts findings open now that were not open before; an exemption ending reopens, one starting does not alert', () => {
    expect(worsened({ findings: [finding('a'), finding('b', true)] }, { findings: [finding('a'), finding('b'), finding('c'), finding('d', true)] })).toEqual(['b', 'c']);
  });

  it('keeps findings at or above the severity asked for', () => {
    const row = (severity: 'critical' | 'high' | 'medium' | 'low') => ({ ruleId: 'APIM-001', severity, title: 't', resourceId: 'r', serviceId: 's', serviceName: 'n' });
    expect(forSeverity([row('critical'), row('high'), row('medium'), row('low')], 'high').map((one) => one.severity)).toEqual(['critical', 'high']);
  });
});

describe('runDueAlerts', () => {
  it('audits each due environment once and sends each subscription its alert once, at its severity', async () => {
    const sent: { conversationId: string; text: string }[] = [];
    const done = new Set<string>();
    let slot = 0;
    const subscription = (conversationId: string, minSeverity: 'critical' | 'low') => ({ conversationId, topic: 'alerts', environment: 'prod', minSeverity, createdBy: 'u', createdAt: '2026-01-01T00:00:00.000Z' });
    const options = {
      alerts: deps,
      leases: store.leases,
      idempotency: store.idempotency,
      due: () => Promise.resolve(done.has(`slot-${slot}`) ? [] : [{ environment: 'prod', slotStart: new Date(), key: `slot-${slot}`, subscriptions: [subscription('a:critical-only', 'critical'), subscription('a:everything', 'low')] }]),
      markDone: (key: string) => {
        const fresh = !done.has(key);
        done.add(key);
        return Promise.resolve(fresh);
      },
      send: (target: { conversationId: string }, alert: AlertModel) => {
        sent.push({ conversationId: target.conversationId, text: fullText(alertCard(alert)) });
        return Promise.resolve('sent' as const);
      },
      logger: { info: () => undefined, warn: () => undefined },
    };
    const client = new ApiManagementClient(sandboxUserCredential({ upn: 'bob@contoso.example' }), PAYMENTS, { endpoint: sandbox.url, credentialScopes: [ARM_SCOPE], tlsOptions: { ca: sandbox.caPem } });
    const setFlags = async (flags: Record<string, string>) => {
      const current = await client.apiManagementService.get(RG, GOLD);
      await client.apiManagementService.beginUpdateAndWait(RG, GOLD, { customProperties: { ...current.customProperties, ...flags } }, { updateIntervalInMs: 5 });
    };
    // Alice's TLS 1.0 is turned off again: the baseline has no APIM-001 finding on the service.
    await setFlags({ [TLS10]: 'False' });
    await runDueAlerts(options, new Date());
    expect(sent).toEqual([]);
    slot += 1;
    // Bob turns TLS 1.1 on: APIM-001 is critical, so both subscriptions hear of it.
    await setFlags({ 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'True' });
    expect(await runDueAlerts(options, new Date())).toBe(2);
    expect(sent.map((one) => one.conversationId).sort()).toEqual(['a:critical-only', 'a:everything']);
    expect(sent[0]?.text).toContain('bob@contoso.example changed');
    // The same slot again: nothing (the slot is done); a new slot with nothing new: nothing.
    expect(await runDueAlerts(options, new Date())).toBe(0);
    slot += 1;
    expect(await runDueAlerts(options, new Date())).toBe(0);
  }, 60_000);
});

describe('changeCauses (who changed it, for the digest)', () => {
  it('names the latest change to a finding\'s resource from the change history', async () => {
    const goldId = `/subscriptions/${PAYMENTS}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/${GOLD}`;
    const finding = { key: `APIM-001|${goldId.toLowerCase()}`, ruleId: 'APIM-001', severity: 'critical' as const, resourceId: goldId, serviceId: goldId, service: GOLD, owner: null, firstSeen: new Date().toISOString(), openDays: 0 };
    const quiet = { ...finding, key: 'other', resourceId: `${goldId}-never-changed`, serviceId: `${goldId}-never-changed` };
    const causes = await changeCauses(deps.target, deps.gate, () => new Date())([finding, quiet]);
    // Bob's TLS 1.1 change (the runDueAlerts test) is the latest on the service.
    expect(causes.get(finding.key)).toMatch(/bob@contoso\.example/);
    expect(causes.has('other')).toBe(false);
  }, 30_000);
});
