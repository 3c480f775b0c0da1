import { describe, expect, it } from 'vitest';
import { subscriptionSchema } from '../../src/store/records.js';

/** Subscriptions from chat carry schedule fields; records written before them still read. */
describe('subscription records', () => {
  const base = { conversationId: 'c1', topic: 'weekly-digest', environment: 'prod', createdBy: 'u1', createdAt: '2026-03-01T00:00:00Z' };

  it('reads a record written before the schedule fields existed', () => {
    expect(subscriptionSchema.parse(base)).toEqual(base);
  });

  it('keeps the schedule, zone, severity and whether it is enabled', () => {
    const full = { ...base, cadence: 'weekly', day: 'monday', time: '09:00', timeZone: 'Europe/Berlin', minSeverity: 'high', enabled: true };
    expect(subscriptionSchema.parse(full)).toEqual(full);
  });

  it.each([
    ['time', '9:00'],
    ['time', '24:00'],
    ['timeZone', 'Europe/Berlin; rm -rf'],
    ['day', 'someday'],
    ['cadence', 'hourly'],
    ['minSeverity', 'severe'],
  ])('refuses %s %j', (field, value) => {
    expect(subscriptionSchema.safeParse({ ...base, [field]: value }).success).toBe(false);
  });
});
