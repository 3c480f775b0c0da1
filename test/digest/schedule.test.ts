import { describe, expect, it } from 'vitest';
import { dueAlertAudits, dueDigests, nextRunOf, periodOf, subscriptionLeaseName } from '../../src/digest/schedule.js';
import { subscriptionSchema } from '../../src/store/records.js';
import type { Subscription } from '../../src/store/index.js';

function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return subscriptionSchema.parse({
    conversationId: '19:abc@thread.tacv2',
    topic: 'weekly-digest',
    environment: 'prod',
    createdBy: 'user-1',
    createdAt: '2026-01-01T00:00:00Z',
    day: 'monday',
    time: '09:00',
    timeZone: 'Europe/Berlin',
    ...overrides,
  });
}

const at = (iso: string): Date => new Date(iso);

describe('periodOf', () => {
  it('is the latest scheduled instant at or before now, keyed by conversation, environment and UTC instant', () => {
    const period = periodOf(subscription(), at('2026-12-09T12:00:00Z'));
    // Monday 7 December 2026, 09:00 in Berlin (winter, UTC+1).
    expect(period?.scheduledFor.toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(period?.key).toBe('digest:19:abc@thread.tacv2:prod:2026-12-07T08:00:00.000Z');
    expect(period?.late).toBe(true);
  });

  it('changes exactly at the week boundary: a minute before 09:00 Monday is still last week, 09:00 is this week and on time', () => {
    expect(periodOf(subscription(), at('2026-12-14T07:59:59Z'))?.scheduledFor.toISOString()).toBe('2026-12-07T08:00:00.000Z');
    const onTime = periodOf(subscription(), at('2026-12-14T08:00:00Z'));
    expect(onTime?.scheduledFor.toISOString()).toBe('2026-12-14T08:00:00.000Z');
    expect(onTime?.late).toBe(false);
    expect(periodOf(subscription(), at('2026-12-14T08:15:00Z'))?.late).toBe(false);
    expect(periodOf(subscription(), at('2026-12-14T08:15:01Z'))?.late).toBe(true);
  });

  it('crosses the year: the Monday of ISO week 2027-W01 (4 January) follows 28 December', () => {
    const sub = subscription({ timeZone: 'UTC' });
    expect(periodOf(sub, at('2027-01-03T23:59:00Z'))?.scheduledFor.toISOString()).toBe('2026-12-28T09:00:00.000Z');
    expect(periodOf(sub, at('2027-01-04T09:00:00Z'))?.scheduledFor.toISOString()).toBe('2027-01-04T09:00:00.000Z');
  });

  it('has no period before the subscription existed: no digest for a week nobody subscribed to', () => {
    const sub = subscription({ createdAt: '2026-12-08T10:00:00Z' });
    expect(periodOf(sub, at('2026-12-10T00:00:00Z'))).toBeUndefined();
    expect(periodOf(sub, at('2026-12-14T08:00:00Z'))?.scheduledFor.toISOString()).toBe('2026-12-14T08:00:00.000Z');
  });

  it('uses Monday 09:00 UTC when the subscription names no schedule', () => {
    const sub = subscriptionSchema.parse({ conversationId: 'c', topic: 'weekly-digest', createdBy: 'u', createdAt: '2026-01-01T00:00:00Z' });
    expect(periodOf(sub, at('2026-12-09T00:00:00Z'))?.scheduledFor.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(periodOf(sub, at('2026-12-09T00:00:00Z'))?.key).toBe('digest:c:*:2026-12-07T09:00:00.000Z');
  });
});

describe('daylight saving in Europe/Berlin', () => {
  it('sends Monday 09:00 at 08:00 UTC before the March change and 07:00 UTC after it, once each week', () => {
    const sub = subscription();
    // Clocks go forward on Sunday 29 March 2026.
    expect(periodOf(sub, at('2026-03-29T12:00:00Z'))?.scheduledFor.toISOString()).toBe('2026-03-23T08:00:00.000Z');
    expect(periodOf(sub, at('2026-03-30T06:59:59Z'))?.scheduledFor.toISOString()).toBe('2026-03-23T08:00:00.000Z');
    expect(periodOf(sub, at('2026-03-30T07:00:00Z'))?.scheduledFor.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextRunOf(sub, at('2026-03-30T07:00:00Z'))?.toISOString()).toBe('2026-04-06T07:00:00.000Z');
  });

  it('sends Monday 09:00 at 07:00 UTC before the October change and 08:00 UTC after it, once each week', () => {
    const sub = subscription();
    // Clocks go back on Sunday 25 October 2026.
    expect(periodOf(sub, at('2026-10-19T07:00:00Z'))?.scheduledFor.toISOString()).toBe('2026-10-19T07:00:00.000Z');
    // 07:00 UTC on the 26th is 08:00 local: last week's digest still.
    expect(periodOf(sub, at('2026-10-26T07:00:00Z'))?.scheduledFor.toISOString()).toBe('2026-10-19T07:00:00.000Z');
    expect(periodOf(sub, at('2026-10-26T08:00:00Z'))?.scheduledFor.toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });

  it('runs a Sunday 02:30 that does not exist (spring forward) once, at 03:00 local after the gap', () => {
    const sub = subscription({ day: 'sunday', time: '02:30' });
    const period = periodOf(sub, at('2026-03-29T12:00:00Z'));
    expect(period?.scheduledFor.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // The week before and after keep 02:30 local.
    expect(periodOf(sub, at('2026-03-29T00:59:00Z'))?.scheduledFor.toISOString()).toBe('2026-03-22T01:30:00.000Z');
    expect(nextRunOf(sub, at('2026-03-29T01:00:00Z'))?.toISOString()).toBe('2026-04-05T00:30:00.000Z');
  });

  it('runs a Sunday 02:30 that happens twice (fall back) once, at the first occurrence (summer time)', () => {
    const sub = subscription({ day: 'sunday', time: '02:30' });
    const first = periodOf(sub, at('2026-10-25T00:30:00Z'));
    expect(first?.scheduledFor.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    // At the second 02:30 (01:30 UTC) the period is unchanged: same key, no second digest.
    expect(periodOf(sub, at('2026-10-25T01:30:00Z'))?.key).toBe(first?.key);
    expect(nextRunOf(sub, at('2026-10-25T00:30:00Z'))?.toISOString()).toBe('2026-11-01T01:30:00.000Z');
  });
});

describe('dueDigests', () => {
  it('after two weeks of downtime has one period per subscription, the latest, marked late', () => {
    const due = dueDigests([subscription()], at('2026-12-16T10:00:00Z'));
    expect(due).toHaveLength(1);
    expect(due[0]?.scheduledFor.toISOString()).toBe('2026-12-14T08:00:00.000Z');
    expect(due[0]?.late).toBe(true);
  });

  it('leaves out disabled subscriptions and other topics', () => {
    const due = dueDigests(
      [subscription({ enabled: false }), subscription({ topic: 'alerts', conversationId: 'b' }), subscription({ conversationId: 'c' })],
      at('2026-12-14T08:00:00Z'),
    );
    expect(due.map((period) => period.subscription.conversationId)).toEqual(['c']);
  });
});

describe('keys', () => {
  it('stay within the store limit for the longest conversation ids, and stay distinct', () => {
    const long = (fill: string): Subscription => subscription({ conversationId: fill.repeat(512) });
    const a = periodOf(long('a'), at('2026-12-14T08:00:00Z'));
    const b = periodOf(long('b'), at('2026-12-14T08:00:00Z'));
    expect(a?.key.length).toBeLessThanOrEqual(496);
    expect(a?.key).toMatch(/^digest:sha256-[0-9a-f]{64}:2026-12-14T08:00:00.000Z$/);
    expect(a?.key).not.toBe(b?.key);
    expect(subscriptionLeaseName(long('a')).length).toBeLessThanOrEqual(496);
  });
});

describe('dueAlertAudits', () => {
  const alerts = (conversationId: string, environment?: string): Subscription =>
    subscription({ topic: 'alerts', conversationId, ...(environment === undefined ? {} : { environment }) });

  it('has one audit per environment per hourly slot, serving every conversation subscribed to it', () => {
    const due = dueAlertAudits([alerts('a', 'prod'), alerts('b', 'prod'), alerts('c', 'dev'), subscription()], at('2026-12-14T08:42:00Z'));
    expect(due.map((audit) => [audit.environment, audit.key, audit.subscriptions.length])).toEqual([
      ['prod', 'alerts:prod:2026-12-14T08:00:00.000Z', 2],
      ['dev', 'alerts:dev:2026-12-14T08:00:00.000Z', 1],
    ]);
  });

  it('takes a configurable interval and refuses one under a second (configuration allows 5 minutes and more)', () => {
    expect(dueAlertAudits([alerts('a', 'prod')], at('2026-12-14T08:42:00Z'), 15 * 60 * 1000)[0]?.slotStart.toISOString()).toBe('2026-12-14T08:30:00.000Z');
    expect(() => dueAlertAudits([], at('2026-12-14T08:42:00Z'), 999)).toThrow(/at least a second/);
  });
});

describe('subscription schedule fields', () => {
  it('refuse a time that is not HH:MM and a zone that is not IANA', () => {
    expect(() => subscription({ time: '9:00' })).toThrow(/HH:MM/);
    expect(() => subscription({ time: '24:00' })).toThrow(/HH:MM/);
    expect(() => subscription({ timeZone: 'Mars/Olympus' })).toThrow(/IANA/);
  });
});
