import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, withoutAzureCredentials } from '../support/cli.js';
import { LoopbackListeners } from '../support/loopback-listeners.js';

/**
 * `npm start` and `npm run playground` when their ports are taken (a second `npm start`, a
 * playground beside it, another program): one clear line, never a stack trace. Every listener here
 * is on loopback, and every process started is stopped at the end.
 */
const { version } = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };
const listeners = new LoopbackListeners();
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) await stopGroup(child);
  await listeners.closeAll();
});

/** Something that is not the bot holding a loopback port: it accepts connections and says nothing. */
const otherProgram = (): Promise<number> => listeners.silent();

/** A stand-in for `npm start` of this version: the bot's exact /healthz answer. */
function runningBot(): Promise<number> {
  return listeners.http((path) => (path === '/healthz' ? { status: 200, body: JSON.stringify({ status: 'ok', version }) } : { status: 404, body: '' }));
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {
      // gone already
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** `npm run playground` without the build step, until it prints where the Playground is. */
async function startPlayground(env: Record<string, string>): Promise<{ stderr: () => string; playgroundUrl: string; botUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', 'playground.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...withoutAzureCredentials(), APIM_POSTURE_TARGET: '', TEAMSAPPTESTER_BROWSER: 'none', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group, so the Playground it starts is stopped with it.
    detached: true,
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const playground = /^Playground: (http:\/\/localhost:\d+) /m.exec(stderr);
    const bot = /^Bot: (http:\/\/127\.0\.0\.1:\d+)\/api\/messages /m.exec(stderr);
    if (playground?.[1] !== undefined && bot?.[1] !== undefined) return { stderr: () => stderr, playgroundUrl: playground[1], botUrl: bot[1] };
    if (child.exitCode !== null) throw new Error(`playground exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`playground did not start within 60 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function answers(url: string): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

describe('ports already taken', () => {
  it('npm start on a taken PORT: one line naming the port and PORT, exit 2', async () => {
    const port = await otherProgram();
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'server.js')], {
      env: { ...process.env, ...withoutAzureCredentials(), APIM_POSTURE_TARGET: '', PORT: String(port) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe(
      `apim-posture bot: cannot start: port ${port} on 127.0.0.1 is already in use (another npm start or npm run playground?); stop it, or set PORT to a free port: PORT=${port + 1} npm start\n`,
    );
    expect(run.status).toBe(2);
  }, 40_000);

  it('npm start with a PORT that is no port: one line, before anything starts', () => {
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'server.js')], { env: { ...process.env, PORT: 'http' }, encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('apim-posture bot: cannot start: PORT must be a port number from 0 to 65535, not "http"\n');
    expect(run.status).toBe(1);
  });

  it('npm run playground with both ports taken by other programs: a bot and a Playground on free ports, one line each', async () => {
    const botPort = await otherProgram();
    const playgroundPort = await otherProgram();
    const started = await startPlayground({ PORT: String(botPort), PLAYGROUND_PORT: String(playgroundPort) });
    const newBotPort = Number(new URL(started.botUrl).port);
    const newPlaygroundPort = Number(new URL(started.playgroundUrl).port);
    expect(newBotPort).not.toBe(botPort);
    expect(newPlaygroundPort).not.toBe(playgroundPort);
    expect(started.stderr()).toContain(`Port ${botPort} (PORT) is taken by another program; the bot listens on ${started.botUrl} instead.\n`);
    expect(started.stderr()).toContain(`Port ${playgroundPort} (PLAYGROUND_PORT) is taken; the Playground opens on port ${newPlaygroundPort} instead.\n`);
    expect(started.stderr()).not.toMatch(/^\s+at /m);
    expect(started.stderr()).not.toContain('DeprecationWarning');
    expect(await answers(`${started.botUrl}/healthz`)).toBe(true);
    expect(await answers(started.playgroundUrl)).toBe(true);
  }, 120_000);

  it('npm run playground while this bot already runs on PORT: reuses it instead of starting another', async () => {
    const botPort = await runningBot();
    const started = await startPlayground({ PORT: String(botPort), PLAYGROUND_PORT: '0' });
    expect(started.botUrl).toBe(`http://127.0.0.1:${botPort}`);
    expect(started.stderr()).toContain(`Reusing the bot already running on http://127.0.0.1:${botPort} (npm start?); stop it first to have the Playground start its own.\n`);
    expect(started.stderr()).toContain(`Bot: http://127.0.0.1:${botPort}/api/messages (the bot already running there)\n`);
    expect(started.stderr()).not.toContain('is taken');
    expect(await answers(started.playgroundUrl)).toBe(true);
  }, 120_000);
});
