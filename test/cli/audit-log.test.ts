import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCliBinary, scratchDir } from '../support/cli.js';

/** `apim-posture audit-log` lists the trail the bot wrote; `verify` exits 1 at the first tampered record. */
const data = join(scratchDir(), 'data');
const env = { APIM_POSTURE_DATA: data, APIM_POSTURE_STORE: 'file' };

beforeAll(async () => {
  const store = await openStore({ kind: 'file', directory: data });
  await store.auditLog.append({ kind: 'fix.sending', actor: '00000000-0000-0000-0000-000000000020', subject: '/subscriptions/s/x', details: { ruleId: 'APIM-024' } });
  await store.auditLog.append({ kind: 'fix.succeeded', actor: '00000000-0000-0000-0000-000000000020', subject: '/subscriptions/s/x', details: { status: 200, note: '=cmd|calc' } });
  await store.auditLog.append({ kind: 'fix.verified', actor: 'system', subject: '/subscriptions/s/x', details: { ruleId: 'APIM-024' } });
});

describe('apim-posture audit-log', () => {
  it('lists the trail oldest first, as a table, JSON or CSV', () => {
    const table = runCliBinary(['audit-log'], { env });
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').filter(Boolean).map((line) => line.split('\t')[2])).toEqual(['fix.sending', 'fix.succeeded', 'fix.verified']);
    const json = JSON.parse(runCliBinary(['audit-log', '--format', 'json'], { env }).stdout) as { seq: number; kind: string }[];
    expect(json.map((record) => [record.seq, record.kind])).toEqual([[1, 'fix.sending'], [2, 'fix.succeeded'], [3, 'fix.verified']]);
    const csv = runCliBinary(['audit-log', '--format', 'csv', '--limit', '2'], { env }).stdout.split('\r\n').filter(Boolean);
    expect(csv).toHaveLength(3);
    expect(csv[0]).toBe('seq,at,kind,actor,subject,details');
  });

  it('verify holds on an untouched log and names the first edited record, exit 1', () => {
    const intact = runCliBinary(['audit-log', 'verify'], { env });
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^audit log intact: 3 records, head [0-9a-f]+/);
    const file = join(data, 'audit.jsonl');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"status":200', '"status":201'));
    try {
      const broken = runCliBinary(['audit-log', 'verify'], { env });
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/^audit log BROKEN at 2: edited: /);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('says in one line when the store cannot be used, exit 2', () => {
    const run = runCliBinary(['audit-log'], { env: { APIM_POSTURE_STORE: 'azure' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^apim-posture: APIM_POSTURE_STORE=azure needs [^\n]*\n$/);
    expect(runCliBinary(['audit-log', 'nonsense'], { env }).code).toBe(2);
  });
});
