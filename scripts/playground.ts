/**
 * `npm run playground`: the bot on the sandbox plus Microsoft 365 Agents Playground (the local
 * Teams client) pointed at it. The Playground opens a browser tab where one is available
 * (set TEAMSAPPTESTER_BROWSER=none on a headless machine and open the printed URL yourself).
 *
 * Ports taken are not an error: a bot of this version already answering on PORT (`npm start` in
 * another terminal) is reused, anything else there makes the bot listen on a free port, and a taken
 * PLAYGROUND_PORT makes the Playground open on a free one; each case is one line saying so.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { availablePort, parsePort, PortInUseError, runningBotVersion } from '../src/http/ports.js';
import { DEFAULT_PORT, startServer, type RunningServer, type ServerOptions } from '../src/server.js';

const HOST = '127.0.0.1';
const DEFAULT_PLAYGROUND_PORT = 56150;
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

async function main(): Promise<void> {
  // restify 11 reaches for process.binding('http_parser') on Node 20+; the warning is theirs, not actionable here.
  process.noDeprecation = true;
  const botPort = parsePort(process.env['PORT'], 'PORT', DEFAULT_PORT);
  const wantedPlaygroundPort = parsePort(process.env['PLAYGROUND_PORT'], 'PLAYGROUND_PORT', DEFAULT_PLAYGROUND_PORT);
  const notes: string[] = [];

  let bot: RunningServer | undefined;
  let botUrl: string;
  let botLabel: string;
  const existing = botPort === 0 ? undefined : await runningBotVersion(`http://${HOST}:${botPort}`);
  if (existing === version) {
    botUrl = `http://${HOST}:${botPort}`;
    botLabel = 'the bot already running there';
    notes.push(`Reusing the bot already running on ${botUrl} (npm start?); stop it first to have the Playground start its own.`);
  } else {
    const options: ServerOptions = {
      port: botPort,
      host: HOST,
      config: await loadConfig(undefined, process.env),
      // The Playground sends no Bot Framework token, so the bot runs in local anonymous mode.
      bot: { appId: '', appType: 'MultiTenant' },
      logger: pino({ level: process.env['LOG_LEVEL'] ?? 'warn' }),
    };
    try {
      bot = await startServer(options);
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      bot = await startServer({ ...options, port: 0 });
      const holder = existing === undefined ? 'another program' : `another version of this bot (${existing})`;
      notes.push(`Port ${botPort} (PORT) is taken by ${holder}; the bot listens on ${bot.url} instead.`);
    }
    botUrl = bot.url;
    botLabel = bot.target.target.label;
  }

  const playgroundPort = await availablePort(wantedPlaygroundPort);
  if (wantedPlaygroundPort !== 0 && playgroundPort !== wantedPlaygroundPort) notes.push(`Port ${wantedPlaygroundPort} (PLAYGROUND_PORT) is taken; the Playground opens on port ${playgroundPort} instead.`);

  const cli = join(import.meta.dirname, '..', 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
  const playground = spawn(process.execPath, [cli, '-e', `${botUrl}/api/messages`, '-c', 'msteams', '-p', String(playgroundPort)], { stdio: 'inherit' });
  process.stderr.write(
    ['', ...notes, `Bot: ${botUrl}/api/messages (${botLabel})`, `Playground: http://localhost:${playgroundPort} — type "audit apim in prod"`, '', ''].join('\n'),
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    playground.kill('SIGTERM');
    // A reused bot belongs to whoever started it: it keeps running.
    void (bot === undefined ? Promise.resolve() : bot.close()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  playground.once('exit', stop);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`playground: cannot start: ${error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error)}\n`);
  process.exit(1);
}
