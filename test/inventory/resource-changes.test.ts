import { ApiManagementClient } from '@azure/arm-apimanagement';
import type { TokenCredential } from '@azure/core-auth';
import { afterEach, describe, expect, it } from 'vitest';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import { sandboxCredential } from '../../src/azure/sandbox-credential.js';
import { ARM_SCOPE, sandboxTarget } from '../../src/azure/target.js';
import { auditEstate } from '../../src/engine/audit.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { azureSources } from '../../src/inventory/azure-sources.js';
import { collectInventory } from '../../src/inventory/collect.js';
import { causeOfResult, describeCause } from '../../src/inventory/change-cause.js';
import { changeQuery, changesFor, type ResourceChange } from '../../src/inventory/resource-changes.js';
import { resolveScope } from '../../src/inventory/scope.js';
import { findRule } from '../../src/rules/index.js';
import { sandboxUserCredential } from '../../src/sandbox/caller.js';
import { SEED_SUBSCRIPTIONS } from '../../src/sandbox/seed.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.js';
import { AzureContract, ContractRecorder } from '../support/azure-contract.js';

/**
 * "Who changed it" end to end: writes through the real ApiManagementClient as named users, the
 * change history read back through the real ResourceGraphClient (azureSources), nothing mocked.
 */

const PAYMENTS = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const RG = 'rg-payments-prod';
const GOLD = 'apim-payments-prod-weu';
const goldId = `/subscriptions/${PAYMENTS}/resourceGroups/${RG}/providers/Microsoft.ApiManagement/service/${GOLD}`;
const TLS10 = 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10';
const ALICE = 'alice@contoso.example';

let sandbox: Sandbox | undefined;
// Every request and reply, the change-history queries included, is held to the vendored Azure REST specs.
const contract = new AzureContract();
let recorder: ContractRecorder | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  recorder?.assertClean();
  recorder = undefined;
});

async function setUp(options: SandboxOptions = {}) {
  recorder = new ContractRecorder(contract);
  const box = await startSandbox({ argQuota: false, ...options, onExchange: recorder.observe });
  sandbox = box;
  const sources = azureSources(sandboxTarget({ endpoint: box.url, ca: box.caPem }), { gate: new QuotaGate() });
  const apim = (credential: TokenCredential) => new ApiManagementClient(credential, PAYMENTS, { endpoint: box.url, credentialScopes: [ARM_SCOPE], tlsOptions: { ca: box.caPem } });
  /** Sets the service's `customProperties[key]`, sending the whole map as the platform requires. */
  const setFlag = async (credential: TokenCredential, key: string, value: string) => {
    const client = apim(credential);
    const current = await client.apiManagementService.get(RG, GOLD);
    await client.apiManagementService.beginUpdateAndWait(RG, GOLD, { customProperties: { ...current.customProperties, [key]: value } }, { updateIntervalInMs: 5 });
  };
  const setTag = async (credential: TokenCredential, value: string) => {
    const client = apim(credential);
    await client.apiManagementService.beginUpdateAndWait(RG, GOLD, { tags: { env: 'prod', note: value } }, { updateIntervalInMs: 5 });
  };
  return { box, sources, setFlag, setTag };
}

describe('changesFor through the real ResourceGraphClient', () => {
  it("names alice, her client and the property she changed in the portal, with before and after", async () => {
    const { box, sources, setFlag } = await setUp();
    const since = new Date(Date.now() - 60_000);
    await setFlag(sandboxUserCredential({ upn: ALICE }), TLS10, 'True');

    const changes = await changesFor(sources, [goldId], since);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      resourceId: goldId,
      changeType: 'Update',
      changedBy: ALICE,
      changedByType: 'User',
      clientType: 'Azure Portal',
      operation: 'Microsoft.ApiManagement/service/write',
    });
    expect(changes[0]?.properties).toContainEqual({ path: `properties.customProperties.${TLS10}`, before: 'False', after: 'True' });
    // Sent as the one documented query form, through ARG, with the subscription named.
    const posts = box.requests.filter((entry) => entry.table === 'resourcechanges');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toMatchObject({ query: changeQuery([goldId], since), subscriptions: [PAYMENTS] });
  });

  it('leaves out changes at or before `since`', async () => {
    const { sources, setTag } = await setUp();
    const start = new Date(Date.now() - 60_000);
    await setTag(sandboxUserCredential({ upn: 'bob@contoso.example', client: 'cli' }), 'first');
    const [first] = await changesFor(sources, [goldId], start);
    if (first === undefined) throw new Error('the first change was not recorded');
    expect(first).toMatchObject({ changedBy: 'bob@contoso.example', clientType: 'Azure CLI' });
    await setTag(sandboxUserCredential({ upn: ALICE }), 'second');

    const later = await changesFor(sources, [goldId], new Date(first.at));
    expect(later.map((change) => change.changedBy)).toEqual([ALICE]);
    expect(later[0]?.properties).toEqual([{ path: 'tags.note', before: 'first', after: 'second' }]);
    // Both, newest first, from the start.
    expect((await changesFor(sources, [goldId], start)).map((change) => change.changedBy)).toEqual([ALICE, 'bob@contoso.example']);
  });

  it('does not put an id with a quote into the query, and still answers for the others', async () => {
    const { box, sources, setTag } = await setUp();
    await setTag(sandboxCredential(), 'x');
    const hostile = `${goldId}') or targetResourceId !in~ ('`;
    const since = new Date(Date.now() - 60_000);

    const changes = await changesFor(sources, [hostile, goldId], since);
    expect(changes.map((change) => change.resourceId)).toEqual([goldId]);
    const sent = box.requests.filter((entry) => entry.table === 'resourcechanges').map((entry) => JSON.stringify(entry.body));
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toContain('!in~');

    // Nothing usable: nothing sent, nothing found.
    box.requests.length = 0;
    expect(await changesFor(sources, [hostile, "x' or 1==1", GOLD], since)).toEqual([]);
    expect(box.requests).toHaveLength(0);
  });

  it('stops at the cap, keeping the newest, across ARG pages', async () => {
    const { box, sources, setTag } = await setUp({ lro: { mode: 'sync' } });
    for (const note of ['a', 'b', 'c', 'd', 'e']) await setTag(sandboxCredential(), note);
    const since = new Date(Date.now() - 60_000);

    const notes = (changes: readonly ResourceChange[]) => changes.map((change) => change.properties.find((property) => property.path === 'tags.note')?.after);

    const capped = await changesFor(sources, [goldId], since, { maxChanges: 3, pageSize: 2 });
    expect(notes(capped)).toEqual(['e', 'd', 'c']);
    const pages = box.requests.filter((entry) => entry.table === 'resourcechanges');
    // Two pages of two were needed for three; the third page was never asked for.
    expect(pages).toHaveLength(2);
    expect(notes(await changesFor(sources, [goldId], since, { pageSize: 2 }))).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it("makes alice's portal change the cause of the APIM-001 finding it opened, not a later tag change", async () => {
    const { sources, setFlag, setTag } = await setUp();
    const since = new Date(Date.now() - 60_000);
    await setFlag(sandboxUserCredential({ upn: ALICE }), TLS10, 'True');
    await setTag(sandboxUserCredential({ upn: 'carol@contoso.example', client: 'powershell' }), 'unrelated');

    const rule = findRule('APIM-001');
    if (rule === undefined) throw new Error('APIM-001 missing');
    const inventory = await collectInventory(sources, resolveScope({ services: [GOLD] }), { childKinds: new Set() });
    const [result] = auditEstate(normalizeEstate(inventory.entries), { rules: [rule], now: new Date(), source: 't', version: 't' }).results;
    expect(result?.outcome).toBe('fail');
    if (result === undefined) throw new Error('no result');

    const changes = await changesFor(sources, [result.resourceId], since);
    expect(changes.map((change) => change.changedBy)).toEqual(['carol@contoso.example', ALICE]);
    const cause = causeOfResult(result, changes);
    expect(cause?.change.changedBy).toBe(ALICE);
    expect(cause?.touched).toEqual([{ path: `properties.customProperties.${TLS10}`, before: 'False', after: 'True' }]);
    if (cause === undefined) throw new Error('no cause');
    expect(describeCause(cause)).toMatch(new RegExp(`^alice@contoso\\.example changed properties\\.customProperties\\.${TLS10.replaceAll('.', '\\.')} from "False" to "True" in Azure Portal on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.$`));
  });
});
