import { describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

/** A CliIo whose stdout fails the way a bug would: not an input the person gave. */
function brokenIo(env: Record<string, string> = {}): { io: CliIo; stderr: string[] } {
  const stderr: string[] = [];
  const io: CliIo = {
    stdout: () => {
      throw new Error('the output stream\nbroke');
    },
    stderr: (text) => stderr.push(text),
    stdoutIsTty: false,
    stderrIsTty: false,
    env,
    now: () => new Date('2026-06-01T00:00:00Z'),
  };
  return { io, stderr };
}

describe('runCli exit codes', () => {
  it('an internal error exits 3 with one line saying so and how to see more', async () => {
    const { io, stderr } = brokenIo();
    expect(INTERNAL_ERROR).toBe(3);
    expect(await runCli(['rules'], io, '0.0.0-test')).toBe(3);
    expect(stderr.join('')).toBe('apim-posture: internal error: the output stream broke (set APIM_POSTURE_DEBUG=1 for the stack trace, and please report it)\n');
  });

  it('APIM_POSTURE_DEBUG shows the stack of an internal error', async () => {
    const { io, stderr } = brokenIo({ APIM_POSTURE_DEBUG: '1' });
    expect(await runCli(['rules'], io, '0.0.0-test')).toBe(3);
    expect(stderr.join('')).toMatch(/^apim-posture: internal error: the output stream broke\nError: the output stream\nbroke\n\s+at /);
  });

  it('usage errors stay exit 2', async () => {
    const stderr: string[] = [];
    const io: CliIo = { stdout: () => undefined, stderr: (text) => stderr.push(text), stdoutIsTty: false, stderrIsTty: false, env: {}, now: () => new Date() };
    expect(await runCli(['deploy'], io, '0.0.0-test')).toBe(2);
    expect(stderr.join('')).toMatch(/^apim-posture: unknown command "deploy"/);
  });
});
