import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/engine/audit-config.js';
import { scratchDir, writeJson } from '../support/cli.js';

/** `acceptRisk.maxDays` bounds how far ahead an exemption accepted in Teams may expire. */
describe('configuration acceptRisk', () => {
  it('defaults to 90 days and takes 1 to 366', async () => {
    expect((await loadConfig(undefined, {})).acceptRisk).toEqual({ maxDays: 90 });
    const dir = scratchDir();
    expect((await loadConfig(writeJson(dir, 'short.json', { acceptRisk: { maxDays: 30 } }), {})).acceptRisk).toEqual({ maxDays: 30 });
    for (const maxDays of [0, 367, 1.5, '30']) {
      await expect(loadConfig(writeJson(dir, 'bad.json', { acceptRisk: { maxDays } }), {}), String(maxDays)).rejects.toThrow(ConfigError);
    }
    await expect(loadConfig(writeJson(dir, 'extra.json', { acceptRisk: { maxDays: 30, approvers: [] } }), {})).rejects.toThrow(/acceptRisk/);
  });
});
