#!/usr/bin/env node
import { createRequire } from 'node:module';
import { runCli } from './cli/main.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

// A closed pipe (`apim-posture audit … | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// First Ctrl-C stops the audit cleanly (sockets closed, sandbox stopped); a second one kills.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', () => process.exit(130));
});

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTty: process.stdout.isTTY,
  stderrIsTty: process.stderr.isTTY,
  abortSignal: interrupt.signal,
  env: process.env,
  now: () => new Date(),
}, version);
process.exitCode = code;
