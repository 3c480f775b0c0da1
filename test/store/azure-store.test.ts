import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe } from 'vitest';
import { openAzureStore } from '../../src/store/azure/azure-store.js';
import { TableRecordTable } from '../../src/store/azure/table-records.js';
import type { AuditRecord } from '../../src/store/contracts.js';
import type { RecordTable } from '../../src/store/primitives.js';
import { startAzurite, type Azurite } from './azurite.js';
import { defined, storeContract, type AuditTamper, type ContractHarness } from './store-contract.js';

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
  async fresh(clock, options) {
    // One Azurite for the file; a table and containers of its own for each test.
    const prefix = `t${randomBytes(6).toString('hex')}`;
    const open = () => openAzureStore({ connection: connection(), prefix, now: clock.now, ...(options?.maxReportBytes === undefined ? {} : { maxReportBytes: options.maxReportBytes }) });
    await open();
    const raw = () => new TableRecordTable(TableClient.fromConnectionString(azurite.connectionString, prefix, { allowInsecureConnection: true }));
    return { open, raw, tamper: () => tableTamper(raw()) };
  },
};

describe('Azure Storage contract (Azurite)', () => {
  storeContract(harness);
});
