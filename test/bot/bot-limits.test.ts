import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { botLimitsFromEnv, DEFAULT_BOT_LIMITS, shareRetainedBytes } from '../../src/bot/bot-limits.js';

describe('botLimitsFromEnv', () => {
  it('uses the defaults when nothing is set, or a variable is empty', () => {
    expect(botLimitsFromEnv({})).toEqual(DEFAULT_BOT_LIMITS);
    expect(botLimitsFromEnv({ APIM_POSTURE_MAX_AUDITS_PER_USER: '' })).toEqual(DEFAULT_BOT_LIMITS);
    expect(DEFAULT_BOT_LIMITS).toEqual({ fairUse: { perConversation: 2, perUser: 2, concurrent: 4 }, retainedBytes: 256 * 1024 * 1024 });
  });

  it('reads every variable', () => {
    expect(
      botLimitsFromEnv({
        APIM_POSTURE_MAX_AUDITS_PER_CONVERSATION: '3',
        APIM_POSTURE_MAX_AUDITS_PER_USER: '5',
        APIM_POSTURE_MAX_CONCURRENT_AUDITS: ' 8 ',
        APIM_POSTURE_MAX_RETAINED_MB: '64',
      }),
    ).toEqual({ fairUse: { perConversation: 3, perUser: 5, concurrent: 8 }, retainedBytes: 64 * 1024 * 1024 });
  });

  it.each(['0', '-1', '2.5', 'two', '1e3', '0x10', '99999999', 'Infinity'])('refuses %j with a one-line error naming the variable', (value) => {
    expect(() => botLimitsFromEnv({ APIM_POSTURE_MAX_CONCURRENT_AUDITS: value })).toThrow(
      new RegExp(`^APIM_POSTURE_MAX_CONCURRENT_AUDITS must be a whole number from 1 to 1000000, not "${value.replace(/[.+]/g, '\\$&')}"$`),
    );
  });

  it('keeps a hostile value to one line', () => {
    expect(() => botLimitsFromEnv({ APIM_POSTURE_MAX_RETAINED_MB: '1\nforged log line' })).toThrow(/^[^\n]+$/);
  });
});

describe('the bot server with a bad limit', () => {
  it('does not start, and says why in one line (built binary)', () => {
    const server = fileURLToPath(new URL('../../dist/server.js', import.meta.url));
    const result = spawnSync(process.execPath, [server], {
      env: { ...process.env, APIM_POSTURE_MAX_AUDITS_PER_USER: 'two', PORT: '0' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('apim-posture bot: cannot start: APIM_POSTURE_MAX_AUDITS_PER_USER must be a whole number from 1 to 1000000, not "two"\n');
  });
});

describe('shareRetainedBytes', () => {
  it('splits the budget between audits and refs without exceeding it', () => {
    const total = 256 * 1024 * 1024;
    const { audits, refs } = shareRetainedBytes(total);
    expect(audits + refs).toBe(total);
    expect(refs).toBe(16 * 1024 * 1024);
  });
});
