/**
 * `npm run playground`: the bot on the sandbox plus Microsoft 365 Agents Playground (the local
 * Teams client) pointed at it. The Playground opens a browser tab where one is available
 * (set TEAMSAPPTESTER_BROWSER=none on a headless machine and open the printed URL yourself).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

const botPort = Number(process.env['PORT'] ?? 3978);
const playgroundPort = Number(process.env['PLAYGROUND_PORT'] ?? 56150);
const bot = await startServer({
  port: botPort,
  host: '127.0.0.1',
  config: await loadConfig(undefined, process.env),
  // The Playground sends no Bot Framework token, so the bot runs in local anonymous mode.
  bot: { appId: '', appType: 'MultiTenant' },
  logger: pino({ level: process.env['LOG_LEVEL'] ?? 'warn' }),
});
const cli = join(import.meta.dirname, '..', 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
const playground = spawn(process.execPath, [cli, '-e', `${bot.url}/api/messages`, '-c', 'msteams', '-p', String(playgroundPort)], { stdio: 'inherit' });
process.stderr.write(`\nBot: ${bot.url}/api/messages (${bot.target.target.label})\nPlayground: http://localhost:${playgroundPort} — type "audit apim in prod"\n\n`);
const stop = (): void => {
  playground.kill('SIGTERM');
  void bot.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
playground.once('exit', stop);
