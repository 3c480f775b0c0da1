import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { postureSnapshotSchema } from '../../src/store/records.js';
import { scratchDir, writeJson } from '../support/cli.js';

/** The digest's settings in the configuration file, and snapshots written before services and exemptions were kept. */
const dir = scratchDir();

describe('digest configuration', () => {
  it('defaults to the owner and team tags and the built-in SLAs', async () => {
    const config = await loadConfig(undefined, {});
    expect(config.digest).toEqual({ ownerTags: ['owner', 'team'], slaDays: {} });
  });

  it('reads owner tags and SLA days, null meaning never overdue', async () => {
    const file = writeJson(dir, 'digest.json', { digest: { ownerTags: ['costOwner'], slaDays: { low: 180, critical: null } } });
    expect((await loadConfig(file, {})).digest).toEqual({ ownerTags: ['costOwner'], slaDays: { low: 180, critical: null } });
  });

  it('refuses SLA days that are not whole days, and unknown severities', async () => {
    await expect(loadConfig(writeJson(dir, 'half.json', { digest: { slaDays: { high: 2.5 } } }), {})).rejects.toThrow(/digest\.slaDays\.high: must be a whole number of days/);
    await expect(loadConfig(writeJson(dir, 'severity.json', { digest: { slaDays: { urgent: 1 } } }), {})).rejects.toThrow(/digest\.slaDays/);
    await expect(loadConfig(writeJson(dir, 'tags.json', { digest: { ownerTags: [] } }), {})).rejects.toThrow(/digest\.ownerTags/);
  });

  it('reads the alert interval in whole minutes, no shorter than 5 (each check is an audit of the environment)', async () => {
    expect((await loadConfig(writeJson(dir, 'alerts.json', { digest: { alertIntervalMinutes: 15 } }), {})).digest.alertIntervalMinutes).toBe(15);
    await expect(loadConfig(writeJson(dir, 'often.json', { digest: { alertIntervalMinutes: 1 } }), {})).rejects.toThrow(/digest\.alertIntervalMinutes/);
    await expect(loadConfig(writeJson(dir, 'part.json', { digest: { alertIntervalMinutes: 7.5 } }), {})).rejects.toThrow(/digest\.alertIntervalMinutes: must be a whole number of minutes/);
  });
});

describe('postureSnapshotSchema', () => {
  const old = { id: '1', environment: 'prod', at: '2026-11-02T09:00:00Z', score: 60, findings: [{ key: 'APIM-001|/subscriptions/s/x', severity: 'critical', firstSeen: '2026-11-02T09:00:00Z' }] };

  it('still reads snapshots recorded before services and exempted flags were kept', () => {
    expect(postureSnapshotSchema.parse(old)).toEqual(old);
  });

  it('reads the new fields and refuses an owner with control characters', () => {
    const current = { ...old, findings: [{ ...old.findings[0], exempted: true }], services: [{ id: '/subscriptions/s/x', name: 'x', owner: 'team-x' }] };
    expect(postureSnapshotSchema.parse(current)).toEqual(current);
    expect(postureSnapshotSchema.safeParse({ ...current, services: [{ id: '/subscriptions/s/x', name: 'x', owner: 'a\nb' }] }).success).toBe(false);
    expect(postureSnapshotSchema.safeParse({ ...old, findings: [{ ...old.findings[0], exempted: false }] }).success).toBe(false);
  });
});
