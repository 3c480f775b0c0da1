import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { scaleEstate } from '../sandbox/scale.js';
import { seedEstate, seededServices, SEED_DATE } from '../sandbox/seed.js';
import { startSandbox } from '../sandbox/server.js';
import { UsageError } from './errors.js';
import { plural } from '../util/text.js';

/**
 * `apim-posture sandbox`: runs the emulator in the foreground until Ctrl+C, and says exactly how
 * to point the CLI at it. The CA certificate goes to a file because a separate Node process can
 * only trust it through NODE_EXTRA_CA_CERTS, which Node reads at startup.
 */

export interface SandboxCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface SandboxCommandOptions {
  /** Stops the sandbox like SIGINT does (tests use it instead of signalling the process). */
  readonly signal?: AbortSignal;
}

const USAGE = `Usage: apim-posture sandbox [options]

Runs a local HTTPS emulator of Azure Resource Manager and Azure Resource Graph with a seeded
API Management estate, until Ctrl+C.

Options:
  --port <n>            port on 127.0.0.1 (default: any free port)
  --scale <n>           serve <n> generated services instead of the seeded estate
  --subscriptions <m>   spread the generated services over <m> subscriptions (with --scale;
                        default: one per 10 services)
  --seed <n>            random seed of the generated estate (with --scale; default 1)
  --latency-ms <n>      delay every reply by <n> ms
  --arg-latency-ms <n>  delay Resource Graph replies by <n> ms instead (pages of 1,000 rows are slower)
  --lro <sync|apim>     service updates answer 200 at once (sync) or 202 and poll like APIM (default apim)
  --list                print the seeded services and their postures, then exit
  -h, --help            show this help`;

export async function runSandboxCommand(args: string[], io: SandboxCommandIo, options: SandboxCommandOptions = {}): Promise<number> {
  const values = parse(args);
  if (values.help === true) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (values.list === true) {
    io.stdout(listing());
    return 0;
  }

  const port = integer(values.port, '--port', 0, 65_535) ?? 0;
  const scale = integer(values.scale, '--scale', 1, 1_000_000);
  const subscriptions = integer(values.subscriptions, '--subscriptions', 1, 100_000);
  const seed = integer(values.seed, '--seed', 0, 2 ** 32 - 1);
  const latencyMs = integer(values['latency-ms'], '--latency-ms', 0, 600_000) ?? 0;
  const argLatencyMs = integer(values['arg-latency-ms'], '--arg-latency-ms', 0, 600_000);
  if (scale === undefined && (subscriptions !== undefined || seed !== undefined)) throw new UsageError('--subscriptions and --seed need --scale <n>');
  const lro = values.lro ?? 'apim';
  if (lro !== 'sync' && lro !== 'apim') throw new UsageError(`--lro must be sync or apim, not "${lro}"`);

  const data =
    scale === undefined
      ? seedEstate()
      : scaleEstate({ services: scale, subscriptions: subscriptions ?? Math.max(1, Math.ceil(scale / 10)), ...(seed === undefined ? {} : { seed }) });
  const sandbox = await startSandbox({ data, port, latencyMs, ...(argLatencyMs === undefined ? {} : { argLatencyMs }), lro: { mode: lro } }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') throw new UsageError(`port ${port} is already in use; pick another with --port or leave it out`);
    throw error;
  });

  const directory = await mkdtemp(join(tmpdir(), 'apim-posture-sandbox-'));
  const caFile = join(directory, 'ca.pem');
  try {
    await writeFile(caFile, sandbox.caPem, { mode: 0o644 });
    const services = data.resources.filter((resource) => typeof resource['type'] === 'string' && resource['type'].toLowerCase() === 'microsoft.apimanagement/service').length;
    io.stdout(
      [
        `APIM posture sandbox listening on ${sandbox.url}`,
        `  estate: ${plural(data.subscriptions.length, 'subscription')}, ${plural(services, 'API Management service')} (${scale === undefined ? `seeded, as of ${SEED_DATE}` : 'generated'})`,
        `  CA certificate: ${caFile}`,
        latencyMs > 0 ? `  latency: ${latencyMs} ms per request` : undefined,
        '',
        'Point the CLI at it (in another shell):',
        `  export APIM_POSTURE_ARM_ENDPOINT=${sandbox.url}`,
        `  export NODE_EXTRA_CA_CERTS=${caFile}`,
        '  export APIM_POSTURE_CREDENTIAL=sandbox',
        '  apim-posture audit --env prod',
        '',
        'The sandbox accepts any bearer token; it refuses requests without one. Press Ctrl+C to stop.',
        '',
      ]
        .filter((line) => line !== undefined)
        .join('\n'),
    );
    await stopped(options.signal);
    io.stdout('Stopping the sandbox.\n');
  } finally {
    await sandbox.close();
    await rm(directory, { recursive: true, force: true });
  }
  return 0;
}

function parse(args: string[]): {
  port?: string;
  scale?: string;
  subscriptions?: string;
  seed?: string;
  'latency-ms'?: string;
  'arg-latency-ms'?: string;
  lro?: string;
  list?: boolean;
  help?: boolean;
} {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        scale: { type: 'string' },
        subscriptions: { type: 'string' },
        seed: { type: 'string' },
        'latency-ms': { type: 'string' },
        'arg-latency-ms': { type: 'string' },
        lro: { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    // node:util reports unknown options as TypeErrors; make them ordinary one-line usage errors.
    throw new UsageError(`sandbox: ${error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error)} (see apim-posture sandbox --help)`);
  }
}

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}

function listing(): string {
  const rows = seededServices();
  const width = Math.max(...rows.map((row) => row.name.length));
  const lines = rows.map((row) => `${row.name.padEnd(width)}  ${row.subscription.padEnd(13)}  ${row.sku.padEnd(11)}  ${row.posture}`);
  return `Seeded estate as of ${SEED_DATE} (${plural(rows.length, 'service')}):\n${lines.join('\n')}\n`;
}

/** Resolves on SIGINT, SIGTERM or the abort signal, whichever comes first, and cleans up. */
function stopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
