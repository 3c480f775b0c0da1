import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Azurite's fixed development account: public, documented, and only ever valid against an emulator. */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  readonly connectionString: string;
  readonly tableUrl: string;
  readonly blobUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts Azurite on loopback, on ports the OS picks (port 0; Azurite prints the real ones), with
 * everything in memory, and returns once blob and table services listen.
 */
export async function startAzurite(): Promise<Azurite> {
  const workspace = await mkdtemp(join(tmpdir(), 'azurite-'));
  const binary = resolve('node_modules/.bin/azurite');
  const child = spawn(
    binary,
    ['--silent', '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry', '--blobHost', '127.0.0.1', '--blobPort', '0', '--queueHost', '127.0.0.1', '--queuePort', '0', '--tableHost', '127.0.0.1', '--tablePort', '0'],
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => { done(); }));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(workspace, { recursive: true, force: true });
  };
  try {
    const ports = await listeningPorts(child);
    const blobUrl = `http://127.0.0.1:${ports.blob}/${ACCOUNT}`;
    const tableUrl = `http://127.0.0.1:${ports.table}/${ACCOUNT}`;
    const connectionString = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=${blobUrl};TableEndpoint=${tableUrl};`;
    return { connectionString, tableUrl, blobUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listeningPorts(child: ChildProcess): Promise<{ blob: number; table: number }> {
  return new Promise((resolvePorts, reject) => {
    let output = '';
    const ports: { blob?: number; table?: number } = {};
    const timer = setTimeout(() => { reject(new Error(`Azurite did not start within 30 s: ${output.slice(-500)}`)); }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      for (const match of output.matchAll(/Azurite (Blob|Table) service is successfully listening at http:\/\/127\.0\.0\.1:(\d+)/g)) {
        ports[match[1] === 'Blob' ? 'blob' : 'table'] = Number(match[2]);
      }
      if (ports.blob !== undefined && ports.table !== undefined) {
        clearTimeout(timer);
        resolvePorts({ blob: ports.blob, table: ports.table });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with ${code}: ${output.slice(-500)}`));
    });
  });
}
