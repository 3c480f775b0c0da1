import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import type { AuditRecord } from '../../src/store/contracts.js';
import { openFileStore } from '../../src/store/file/file-store.js';
import { FileRecordTable } from '../../src/store/file/file-table.js';
import { storeContract, type AuditTamper, type ContractHarness } from './store-contract.js';

const roots: string[] = [];

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** Edits audit.jsonl as a person with a text editor would. */
export function fileTamper(directory: string): AuditTamper {
  const path = join(directory, 'audit.jsonl');
  async function rewrite(change: (records: AuditRecord[]) => AuditRecord[]): Promise<void> {
    const records = (await readFile(path, 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditRecord);
    await writeFile(path, change(records).map((record) => `${JSON.stringify(record)}\n`).join(''));
  }
  return {
    edit: (seq, mutate) => rewrite((records) => records.map((record) => (record.seq === seq ? mutate(record) : record))),
    remove: (seq) => rewrite((records) => records.filter((record) => record.seq !== seq)),
    swap: (a, b) =>
      rewrite((records) => {
        return records.map((record, index) => (index === a - 1 ? records[b - 1] : index === b - 1 ? records[a - 1] : record) ?? record);
      }),
  };
}

export async function freshDirectory(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'apim-store-'));
  roots.push(root);
  return root;
}

const harness: ContractHarness = {
  async fresh(clock) {
    const directory = await freshDirectory();
    return {
      open: (options) => openFileStore({ directory, now: clock.now, ...(options?.maxReportBytes === undefined ? {} : { maxReportBytes: options.maxReportBytes }) }),
      raw: () => new FileRecordTable(join(directory, 'records')),
      tamper: () => fileTamper(directory),
    };
  },
};

describe('file store contract', () => {
  storeContract(harness);
});
