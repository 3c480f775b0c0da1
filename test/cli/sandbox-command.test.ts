import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { runSandboxCommand } from '../../src/cli/sandbox-command.js';
import { startSandbox } from '../../src/sandbox/server.js';

interface Run {
  readonly output: () => string;
  readonly stop: () => void;
  readonly done: Promise<number>;
}

function run(args: string[]): Run {
  const chunks: string[] = [];
  const controller = new AbortController();
  const done = runSandboxCommand(args, { stdout: (text) => chunks.push(text), stderr: (text) => chunks.push(text) }, { signal: controller.signal });
  return { output: () => chunks.join(''), stop: () => { controller.abort(); }, done };
}

/** A separate Node process that trusts the sandbox only through NODE_EXTRA_CA_CERTS. */
function childRequest(url: string, caFile: string): Promise<string> {
  const script = `require('node:https').get(process.argv[1], { headers: { authorization: 'Bearer child' } }, (res) => {
    let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => console.log(res.statusCode, JSON.parse(body).value.length));
  }).on('error', (error) => console.log('error', error.code));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, `${url}/subscriptions?api-version=2022-12-01`], { env: { PATH: process.env['PATH'] ?? '', NODE_EXTRA_CA_CERTS: caFile } });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.on('error', reject);
    child.on('close', () => { resolve(output.trim()); });
  });
}

describe('apim-posture sandbox', () => {
  it('prints how to point the CLI at it, serves until stopped, and removes its CA file', async () => {
    const running = run([]);
    await vi.waitFor(() => { expect(running.output()).toContain('Ctrl+C'); }, { timeout: 10_000 });
    const text = running.output();
    const url = /APIM_POSTURE_ARM_ENDPOINT=(https:\/\/127\.0\.0\.1:\d+)\n/.exec(text)?.[1] ?? '';
    const caFile = /NODE_EXTRA_CA_CERTS=(\S+)\n/.exec(text)?.[1] ?? '';
    expect(text).toContain('4 subscriptions, 16 API Management services (seeded, as of 2026-11-29)');
    expect(text).toContain('export APIM_POSTURE_CREDENTIAL=sandbox');
    expect(existsSync(caFile)).toBe(true);

    await expect(childRequest(url, caFile)).resolves.toBe('200 4');

    running.stop();
    await expect(running.done).resolves.toBe(0);
    expect(existsSync(caFile)).toBe(false);
  });

  it('serves a generated estate with --scale and --subscriptions', async () => {
    const running = run(['--scale', '50', '--subscriptions', '5', '--latency-ms', '1', '--lro', 'sync']);
    await vi.waitFor(() => { expect(running.output()).toContain('Ctrl+C'); }, { timeout: 10_000 });
    expect(running.output()).toContain('5 subscriptions, 50 API Management services (generated)');
    expect(running.output()).toContain('latency: 1 ms per request');
    running.stop();
    await expect(running.done).resolves.toBe(0);
  });

  it('prints help and the seeded services without starting a server', async () => {
    const help = run(['--help']);
    await expect(help.done).resolves.toBe(0);
    expect(help.output()).toContain('Usage: apim-posture sandbox');
    const list = run(['--list']);
    await expect(list.done).resolves.toBe(0);
    expect(list.output()).toContain('apim-payments-legacy');
    expect(list.output().split('\n').filter((line) => /^(apim|gw)-/.test(line))).toHaveLength(16);
  });

  it.each([
    [['--port', 'abc'], '--port must be a whole number'],
    [['--port', '70000'], '--port must be a whole number'],
    [['--subscriptions', '5'], 'need --scale'],
    [['--lro', 'fast'], '--lro must be sync or apim'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['extra'], 'sandbox:'],
  ])('refuses %j with a one-line usage error', async (args, message) => {
    const error = await run(args).done.then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('says so when the port is taken', async () => {
    const other = await startSandbox();
    try {
      const port = new URL(other.url).port;
      const error = await run(['--port', port]).done.then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(`port ${port} is already in use`);
    } finally {
      await other.close();
    }
  });
});
