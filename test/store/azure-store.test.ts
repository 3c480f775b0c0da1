import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient, type BlobClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAzureStore } from '../../src/store/azure/azure-store.js';
import { BlobLeases } from '../../src/store/azure/blob-leases.js';
import { TableRecordTable } from '../../src/store/azure/table-records.js';
import type { AuditRecord } from '../../src/store/contracts.js';
import { StoreCorruptError, StoreLimitError } from '../../src/store/errors.js';
import type { RecordTable } from '../../src/store/primitives.js';
import { startAzurite, type Azurite } from './azurite.js';
import { defined, storeContract, TestClock, type AuditTamper, type ContractHarness, type OpenOptions } from './store-contract.js';

let azurite: Azurite;

beforeAll(async () => {
  azurite = await startAzurite();
}, 40_000);

afterAll(async () => {
  await azurite.stop();
});

/** Edits the audit log's rows directly, as someone with data-plane access could. */
function tableTamper(raw: RecordTable): AuditTamper {
  const key = (seq: number) => String(seq).padStart(12, '0');
  const text = async (seq: number) => defined(await raw.get('audit', key(seq))).text;
  return {
    async edit(seq, mutate) {
      await raw.put('audit', key(seq), JSON.stringify(mutate(JSON.parse(await text(seq)) as AuditRecord)));
    },
    async remove(seq) {
      await raw.delete('audit', key(seq));
    },
    async swap(a, b) {
      const [first, second] = [await text(a), await text(b)];
      await raw.put('audit', key(a), second);
      await raw.put('audit', key(b), first);
    },
  };
}

export function connection() {
  return { kind: 'connectionString' as const, connectionString: azurite.connectionString, tableUrl: azurite.tableUrl, blobUrl: azurite.blobUrl };
}

const harness: ContractHarness = {
  async fresh(clock) {
    // One Azurite for the file; a table and containers of its own for each test.
    const prefix = `t${randomBytes(6).toString('hex')}`;
    const open = (options?: OpenOptions) => openAzureStore({ connection: connection(), prefix, now: clock.now, ...(options?.maxReportBytes === undefined ? {} : { maxReportBytes: options.maxReportBytes }) });
    await open();
    const raw = () => new TableRecordTable(TableClient.fromConnectionString(azurite.connectionString, prefix, { allowInsecureConnection: true }));
    return { open, raw, tamper: () => tableTamper(raw()) };
  },
};

describe('Azure Storage contract (Azurite)', () => {
  storeContract(harness);
});

describe('Azure table records', () => {
  async function fresh() {
    const prefix = `t${randomBytes(6).toString('hex')}`;
    const store = await openAzureStore({ connection: connection(), prefix });
    return { store, client: TableClient.fromConnectionString(azurite.connectionString, prefix, { allowInsecureConnection: true }) };
  }

  it('splits records larger than one property across several and reads them back whole', async () => {
    const { store } = await fresh();
    // Both alignments, so a multi-byte character straddles a 64 KiB boundary in one of them.
    for (const text of ['é'.repeat(60_000), `x${'é'.repeat(60_000)}`, `${'a'.repeat(100_000)}😀`]) {
      await store.conversations.put('conv-1', { text });
      const stored = (await store.conversations.get('conv-1'))?.reference['text'];
      expect(stored === text).toBe(true);
    }
    await expect(store.conversations.put('conv-2', { text: 'x'.repeat(450_000) })).rejects.toThrow(StoreLimitError);
  });

  it('reports an entity without its chunks as corrupt', async () => {
    const { store, client } = await fresh();
    const ref = await store.buttonRefs.issue({ meaning: { a: 1 }, conversationId: 'conv-1', ttlInMs: 60_000, singleUse: true });
    await client.upsertEntity({ partitionKey: 'button-refs', rowKey: ref, chunks: 2, d0: '{"id":' }, 'Replace');
    await expect(store.buttonRefs.resolve(ref, { conversationId: 'conv-1' })).rejects.toThrow(/missing chunk 1/);
    await client.upsertEntity({ partitionKey: 'button-refs', rowKey: ref, chunks: 'many' }, 'Replace');
    await expect(store.buttonRefs.resolve(ref, { conversationId: 'conv-1' })).rejects.toThrow(StoreCorruptError);
  });
});

/** Holds a caller at a point until the test opens it, so a race happens in a chosen order. */
function gate() {
  let open = (): void => undefined;
  let arrive = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  return {
    arrived,
    open,
    wait: async () => {
      arrive();
      await opened;
    },
  };
}

type Pause = 'getProperties' | 'setMetadata';

/** Leases whose first call of `method` on the lease blob pauses at the gate after the service answered. */
function pausingLeases(container: ContainerClient, clock: TestClock, method: Pause, waitAt: () => Promise<void>): BlobLeases {
  let paused = false;
  const pausing = new Proxy(container, {
    get(target, property, receiver) {
      if (property !== 'getBlobClient') return Reflect.get(target, property, receiver) as unknown;
      return (name: string) =>
        new Proxy<BlobClient>(target.getBlobClient(name), {
          get(blob, member, blobReceiver) {
            const value = Reflect.get(blob, member, blobReceiver) as unknown;
            if (member !== method || typeof value !== 'function') return value;
            return async (...args: unknown[]) => {
              const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(blob, args);
              if (!paused) {
                paused = true;
                await waitAt();
              }
              return result;
            };
          },
        });
    },
  });
  return new BlobLeases(pausing, clock.now);
}

describe('blob lease races', () => {
  async function leaseContainer() {
    const prefix = `t${randomBytes(6).toString('hex')}`;
    await openAzureStore({ connection: connection(), prefix });
    return BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(`${prefix}-leases`);
  }

  it('a claim made on a stale read loses to the claim made first', async () => {
    const container = await leaseContainer();
    const clock = new TestClock();
    const first = gate();
    const second = gate();
    const late = pausingLeases(container, clock, 'getProperties', second.wait);
    const early = pausingLeases(container, clock, 'setMetadata', first.wait);
    const lateAcquire = late.acquire('digest', 10_000);
    await second.arrived; // read the blob as free
    const earlyAcquire = early.acquire('digest', 10_000);
    await first.arrived; // claimed it, not yet holding the blob lease
    second.open();
    expect(await lateAcquire).toBeUndefined();
    first.open();
    expect(await earlyAcquire).toBeDefined();
  });

  it('a claimer slower than the TTL does not take the blob lease from the claim after it', async () => {
    const container = await leaseContainer();
    const clock = new TestClock();
    const slowGate = gate();
    const nextGate = gate();
    const slow = pausingLeases(container, clock, 'setMetadata', slowGate.wait);
    const next = pausingLeases(container, clock, 'setMetadata', nextGate.wait);
    const slowAcquire = slow.acquire('digest', 10_000);
    await slowGate.arrived;
    clock.advance(10_001);
    const nextAcquire = next.acquire('digest', 10_000);
    await nextGate.arrived;
    slowGate.open();
    expect(await slowAcquire).toBeUndefined();
    nextGate.open();
    expect(await nextAcquire).toBeDefined();
  });
});

describe('blob lease takeover race', () => {
  it('a stale taker cannot break the lease of the instance that took over first', async () => {
    const prefix = `t${randomBytes(6).toString('hex')}`;
    await openAzureStore({ connection: connection(), prefix });
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(`${prefix}-leases`);
    const clock = new TestClock();
    const crashed = new BlobLeases(container, clock.now);
    expect(await crashed.acquire('digest', 10_000)).toBeDefined();
    clock.advance(10_001);

    const staleGate = gate();
    const stale = pausingLeases(container, clock, 'getProperties', staleGate.wait);
    const staleAcquire = stale.acquire('digest', 10_000);
    await staleGate.arrived; // saw the expired holder
    const first = new BlobLeases(container, clock.now);
    const taken = defined(await first.acquire('digest', 10_000));
    staleGate.open();
    expect(await staleAcquire).toBeUndefined();
    expect(await first.renew(taken, 10_000)).toBeDefined();
  });
});
