import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getArmJson } from '../../src/azure/arm-raw.js';
import { createApiManagementClient } from '../../src/azure/clients.js';
import { sandboxTarget, type AzureTarget } from '../../src/azure/target.js';
import { reconcileOpenFixes, type ReconcileDependencies } from '../../src/remediation/reconcile.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { openStore, type AuditRecord, type Store } from '../../src/store/index.js';
import { REPO_ROOT } from '../support/cli.js';
import { SERVICE, SUBSCRIPTION } from '../support/remediation.js';

/**
 * A real kill -9 in the middle of a fix: a child process applies APIM-001 against the sandbox this
 * test runs (so the sandbox outlives it) and is killed while ARM runs the update. Reconciliation on
 * the same file store then leaves the fix open while the dead process's lease lasts and while the
 * update runs, and closes it exactly once when the update has landed; the chain verifies and every
 * record the child wrote is still there.
 */
const SCRIPT = fileURLToPath(new URL('./kill/apply-then-wait.ts', import.meta.url));
const LEASE_TTL_MS = 4_000;

let sandbox: Sandbox;
let target: AzureTarget;
let child: ChildProcess | undefined;
let operationUrl: string | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({
    // The update stays InProgress until polled a few times; the child polls once, then waits ten minutes.
    lro: { mode: 'apim', inProgressPolls: 3, retryAfterSeconds: 0 },
    onExchange: ({ request, response }) => {
      if (request.method === 'PATCH' && response.status === 202) operationUrl = response.headers?.['Location'];
    },
  });
  target = sandboxTarget({ endpoint: sandbox.url, ca: sandbox.caPem });
}, 30_000);

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await sandbox.close();
});

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutInMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!(await condition())) {
    if (child?.exitCode !== null && child?.exitCode !== undefined) throw new Error(`the child exited with ${child.exitCode} before ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('kill -9 in the middle of a fix', () => {
  it('is reconciled on the next start: closed once, honestly, with the chain intact and no record lost', async () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data');
    const store: Store = await openStore({ kind: 'file', directory });
    const reported: { seq: number; hash: string }[] = [];
    let stderr = '';
    child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      cwd: REPO_ROOT,
      env: { ...process.env, SANDBOX_URL: sandbox.url, SANDBOX_CA: sandbox.caPem, STORE_DIRECTORY: directory, LEASE_TTL_MS: String(LEASE_TTL_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // Whole lines only: a chunk may end in the middle of one.
      const lines = stdout.split('\n');
      stdout = lines.pop() ?? '';
      for (const match of lines.map((line) => /^appended (\d+) ([0-9a-f]{64})$/.exec(line))) if (match !== null) reported.push({ seq: Number(match[1]), hash: match[2] ?? '' });
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => {
      child?.once('exit', (_code, signal) => {
        resolve(signal);
      });
    });

    const intents = async (): Promise<AuditRecord[]> => (await store.auditLog.read()).filter((record) => record.kind === 'fix.sending');
    try {
      await until(async () => (await intents()).length === 1, 'fix.sending in the audit log');
      // Killed while ARM runs the update: the PATCH was accepted and the child has polled it once.
      await until(() => sandbox.requests.some((entry) => entry.method === 'GET' && entry.path.includes('/operationresults/')), 'the first poll of the update');
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; child stderr: ${stderr.slice(-2_000)}`);
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const killedAt = Date.now();

    // Nothing the child wrote was lost, and no write was torn.
    const log = await store.auditLog.read();
    for (const { seq, hash } of reported) expect(log.find((record) => record.seq === seq)?.hash).toBe(hash);
    expect(await store.auditLog.verify()).toMatchObject({ ok: true });
    const [intent] = await intents();
    if (intent === undefined) throw new Error('no fix.sending');
    expect(reported.map((record) => record.seq)).toContain(intent.seq);

    const deps: ReconcileDependencies = { auditLog: store.auditLog, leases: store.leases, client: (subscription) => createApiManagementClient(target, subscription) };
    // Right after the kill the dead process's lease still stands: a living fix would look the same.
    const first = await reconcileOpenFixes(deps);
    expect(first).toEqual({ closed: [], leftOpen: [{ operation: intent.seq, serviceId: SERVICE, reason: expect.stringContaining('holds the fix lease') as unknown }] });
    // Once it has lapsed, the fix is re-read: ARM is still running the update, so it stays open.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + LEASE_TTL_MS + 200 - Date.now())));
    const second = await reconcileOpenFixes(deps);
    expect(second).toEqual({ closed: [], leftOpen: [{ operation: intent.seq, serviceId: SERVICE, reason: expect.stringContaining('still running') as unknown }] });

    // The platform finishes the update; the next run closes the fix as applied, once.
    expect(operationUrl).toBeDefined();
    const client = createApiManagementClient(target, SUBSCRIPTION);
    for (let polls = 0; polls < 10; polls++) {
      if ((await getArmJson(client, operationUrl ?? '', { apiVersion: '2024-05-01' }).then((body) => (body as { status?: string }).status)) === 'Succeeded') break;
    }
    const third = await reconcileOpenFixes(deps);
    expect(third.closed).toEqual([{ operation: intent.seq, serviceId: SERVICE, result: 'applied', detail: expect.stringContaining('landed') as unknown }]);
    expect(await reconcileOpenFixes(deps)).toEqual({ closed: [], leftOpen: [] });

    const after = await store.auditLog.read();
    expect(after.filter((record) => record.kind === 'fix.reconciled' && record.details['operation'] === intent.seq)).toHaveLength(1);
    // Every record from before the reconciliation is unchanged; only the reconciliation was added.
    expect(after.slice(0, log.length)).toEqual(log);
    expect(after.slice(log.length).map((record) => record.kind)).toEqual(['fix.reconciled']);
    expect(await store.auditLog.verify()).toMatchObject({ ok: true, count: log.length + 1 });
  }, 60_000);
});
