import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DigestScheduler, type SendDetails, type SendOutcome } from '../../src/digest/digest-scheduler.js';
import { openStore, type Store, type Subscription } from '../../src/store/index.js';

/** One fake clock shared by every "instance": the store's lease expiry and the scheduler read it. */
let clock: Date;
let directory: string;

function open(): Promise<Store> {
  return openStore({ kind: 'file', directory }, { now: () => clock });
}

interface Sent {
  readonly conversationId: string;
  readonly at: string;
  readonly details: SendDetails;
}

function silentLogger() {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

/** A scheduler over its own store handle (as a separate process would have), recording what it sends. */
async function instance(sent: Sent[], outcome: (subscription: Subscription) => Promise<SendOutcome> = () => Promise.resolve('sent'), logger = silentLogger(), sendTimeoutInMs?: number) {
  const store = await open();
  const scheduler = new DigestScheduler({
    ...(sendTimeoutInMs === undefined ? {} : { sendTimeoutInMs }),
    subscriptions: store.subscriptions,
    leases: store.leases,
    idempotency: store.idempotency,
    logger,
    now: () => clock,
    send: async (subscription, details) => {
      // Yield first, so racing instances interleave their store calls.
      await new Promise((resolve) => setImmediate(resolve));
      sent.push({ conversationId: subscription.conversationId, at: clock.toISOString(), details });
      return outcome(subscription);
    },
  });
  return { store, scheduler, logger };
}

async function subscribe(overrides: Partial<Subscription> = {}): Promise<void> {
  const store = await open();
  await store.subscriptions.put({
    conversationId: '19:team@thread.tacv2',
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

const minutes = (n: number): number => n * 60 * 1000;

/** Ticks every `step` minutes (default one, as start() does) from `from` to `to` inclusive. */
async function tickEveryMinute(scheduler: DigestScheduler, from: string, to: string, step = 1): Promise<void> {
  for (let time = Date.parse(from); time <= Date.parse(to); time += minutes(step)) {
    clock = new Date(time);
    await scheduler.tick(clock);
  }
}

beforeEach(() => {
  directory = join(mkdtempSync(join(tmpdir(), 'apim-posture-schedule-')), 'data');
  clock = new Date('2026-12-14T08:00:00Z');
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('DigestScheduler', () => {
  // Subscribed shortly before the first week shown, so no earlier week is owed.
  it('sends Monday 09:00 Berlin once per week, at 08:00 UTC before the March change and 07:00 UTC after it', async () => {
    await subscribe({ createdAt: '2026-03-23T07:00:00Z' });
    const sent: Sent[] = [];
    const { scheduler } = await instance(sent);
    // Clocks go forward on Sunday 29 March: ticks through the change day (every 10 minutes), then each minute around Monday 09:00.
    await tickEveryMinute(scheduler, '2026-03-23T07:50:00Z', '2026-03-23T08:10:00Z');
    await tickEveryMinute(scheduler, '2026-03-29T00:00:00Z', '2026-03-30T06:40:00Z', 10);
    await tickEveryMinute(scheduler, '2026-03-30T06:50:00Z', '2026-03-30T07:10:00Z');
    expect(sent.map((send) => [send.at, send.details.scheduledFor.toISOString(), send.details.late])).toEqual([
      ['2026-03-23T08:00:00.000Z', '2026-03-23T08:00:00.000Z', false],
      ['2026-03-30T07:00:00.000Z', '2026-03-30T07:00:00.000Z', false],
    ]);
  });

  it('sends Monday 09:00 Berlin once per week, at 07:00 UTC before the October change and 08:00 UTC after it', async () => {
    await subscribe({ createdAt: '2026-10-19T06:00:00Z' });
    const sent: Sent[] = [];
    const { scheduler } = await instance(sent);
    // Clocks go back on Sunday 25 October: the hour from 00:00 to 01:00 UTC is 02:00–03:00 local twice.
    await tickEveryMinute(scheduler, '2026-10-19T06:50:00Z', '2026-10-19T07:10:00Z');
    await tickEveryMinute(scheduler, '2026-10-25T00:00:00Z', '2026-10-26T06:50:00Z', 10);
    await tickEveryMinute(scheduler, '2026-10-26T06:51:00Z', '2026-10-26T08:10:00Z');
    expect(sent.map((send) => [send.at, send.details.scheduledFor.toISOString(), send.details.late])).toEqual([
      ['2026-10-19T07:00:00.000Z', '2026-10-19T07:00:00.000Z', false],
      ['2026-10-26T08:00:00.000Z', '2026-10-26T08:00:00.000Z', false],
    ]);
  });

  it('sends a Sunday 02:30 Berlin digest once on both change days (03:00 after the gap; the first of the two 02:30s)', async () => {
    await subscribe({ createdAt: '2026-03-28T00:00:00Z', day: 'sunday', time: '02:30' });
    const sent: Sent[] = [];
    const { scheduler } = await instance(sent);
    await tickEveryMinute(scheduler, '2026-03-29T00:00:00Z', '2026-03-29T03:00:00Z');
    expect(sent.map((send) => send.at)).toEqual(['2026-03-29T01:00:00.000Z']);
    // The Sunday before: catch up on the weeks in between (one late digest), then watch the change day.
    await tickEveryMinute(scheduler, '2026-10-24T12:00:00Z', '2026-10-24T12:00:00Z');
    sent.length = 0;
    await tickEveryMinute(scheduler, '2026-10-25T00:00:00Z', '2026-10-25T03:00:00Z');
    expect(sent.map((send) => [send.at, send.details.late])).toEqual([['2026-10-25T00:30:00.000Z', false]]);
  });

  it('sends once when two instances on one store tick at the same moment', async () => {
    await subscribe();
    await subscribe({ conversationId: '19:other@thread.tacv2' });
    const sent: Sent[] = [];
    const [a, b] = await Promise.all([instance(sent), instance(sent)]);
    const [reportA, reportB] = await Promise.all([a.scheduler.tick(clock), b.scheduler.tick(clock)]);
    expect(sent.map((send) => send.conversationId).sort()).toEqual(['19:other@thread.tacv2', '19:team@thread.tacv2']);
    expect([...reportA.sent, ...reportB.sent]).toHaveLength(2);
    // And neither sends it again on later ticks that week.
    clock = new Date(clock.getTime() + minutes(30));
    await Promise.all([a.scheduler.tick(clock), b.scheduler.tick(clock)]);
    expect(sent).toHaveLength(2);
  });

  it('does not send again after a restart once the period is done', async () => {
    await subscribe();
    const sent: Sent[] = [];
    await (await instance(sent)).scheduler.tick(clock);
    const restarted = await instance(sent);
    clock = new Date(clock.getTime() + minutes(20));
    const report = await restarted.scheduler.tick(clock);
    expect(sent).toHaveLength(1);
    expect(report.skipped).toEqual(['digest:19:team@thread.tacv2:prod:2026-12-14T08:00:00.000Z']);
  });

  it('re-sends a digest whose sender died mid-send once, after its lease expired, flagged resumed (at-least-once)', async () => {
    await subscribe();
    const sent: Sent[] = [];
    // The first instance's send never completes: the process died after (or before) handing it to the connector.
    let finishHungSend: (outcome: SendOutcome) => void = () => undefined;
    const dying = await instance(sent, () => new Promise<SendOutcome>((resolve) => (finishHungSend = resolve)));
    void dying.scheduler.tick(clock);
    await vi.waitFor(() => {
      expect(sent).toHaveLength(1);
    });
    const logger = silentLogger();
    const restarted = await instance(sent, undefined, logger);
    // While the dead instance's lease lasts, nobody sends.
    clock = new Date(Date.parse('2026-12-14T08:14:00Z'));
    expect((await restarted.scheduler.tick(clock)).skipped).toHaveLength(1);
    expect(sent).toHaveLength(1);
    // After the lease (15 minutes) the period is sent once more: no loss, and a possible duplicate, said so.
    clock = new Date(Date.parse('2026-12-14T08:16:00Z'));
    expect((await restarted.scheduler.tick(clock)).sent).toHaveLength(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.details).toMatchObject({ resumed: true, late: true });
    expect(logger.warn).toHaveBeenCalledWith({ key: 'digest:19:team@thread.tacv2:prod:2026-12-14T08:00:00.000Z' }, expect.stringMatching(/may arrive twice/));
    // The hung send finishing late changes nothing, and no third instance sends again.
    finishHungSend('sent');
    const third = await instance(sent);
    clock = new Date(Date.parse('2026-12-14T09:00:00Z'));
    await third.scheduler.tick(clock);
    expect(sent).toHaveLength(2);
  });

  it('after two weeks of downtime sends one late digest, for the latest week, and nothing more', async () => {
    await subscribe();
    const sent: Sent[] = [];
    clock = new Date('2026-11-30T08:00:00Z');
    await (await instance(sent)).scheduler.tick(clock);
    // Down from 30 November until Wednesday 16 December: the 7 and 14 December digests were missed.
    const restarted = await instance(sent);
    await tickEveryMinute(restarted.scheduler, '2026-12-16T10:00:00Z', '2026-12-16T10:05:00Z');
    expect(sent.map((send) => [send.at, send.details.scheduledFor.toISOString(), send.details.late])).toEqual([
      ['2026-11-30T08:00:00.000Z', '2026-11-30T08:00:00.000Z', false],
      ['2026-12-16T10:00:00.000Z', '2026-12-14T08:00:00.000Z', true],
    ]);
    expect(sent[1]?.details.resumed).toBe(false);
  });

  it("disables a subscription whose conversation is gone and does not try it again", async () => {
    await subscribe();
    const sent: Sent[] = [];
    const logger = silentLogger();
    const { scheduler, store } = await instance(sent, () => Promise.resolve('gone'), logger);
    expect((await scheduler.tick(clock)).gone).toHaveLength(1);
    const [stored] = await store.subscriptions.list('weekly-digest');
    expect(stored).toMatchObject({ enabled: false, disabledAt: '2026-12-14T08:00:00.000Z' });
    expect(stored?.disabledReason).toMatch(/removed|deleted/);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ conversationId: '19:team@thread.tacv2' }), expect.stringMatching(/disabled/));
    // Neither another instance this week nor anyone next week sends to it.
    const other = await instance(sent);
    clock = new Date('2026-12-14T08:30:00Z');
    await other.scheduler.tick(clock);
    clock = new Date('2026-12-21T08:00:00Z');
    await other.scheduler.tick(clock);
    expect(sent).toHaveLength(1);
  });

  it('does not send to a gone conversation again from an instance that listed subscriptions before it was disabled', async () => {
    await subscribe();
    const sent: Sent[] = [];
    const stale = await (await open()).subscriptions.list('weekly-digest');
    await (await instance(sent, () => Promise.resolve('gone'))).scheduler.tick(clock);
    const other = await instance(sent);
    vi.spyOn(other.store.subscriptions, 'list').mockResolvedValue(stale);
    clock = new Date('2026-12-14T08:01:00Z');
    expect((await other.scheduler.tick(clock)).skipped).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });

  it('waits out the lease after a failed send on every instance, then retries late', async () => {
    await subscribe();
    const sent: Sent[] = [];
    let outcome: SendOutcome = 'failed';
    const a = await instance(sent, () => Promise.resolve(outcome));
    const b = await instance(sent);
    expect((await a.scheduler.tick(clock)).failed).toHaveLength(1);
    clock = new Date('2026-12-14T08:10:00Z');
    await Promise.all([a.scheduler.tick(clock), b.scheduler.tick(clock)]);
    expect(sent).toHaveLength(1);
    outcome = 'sent';
    clock = new Date('2026-12-14T08:16:00Z');
    await a.scheduler.tick(clock);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.details.late).toBe(true);
    await b.scheduler.tick(clock);
    expect(sent).toHaveLength(2);
  });

  it('counts a send that throws as failed and goes on with the other subscriptions', async () => {
    await subscribe({ conversationId: 'broken' });
    await subscribe({ conversationId: 'fine' });
    const sent: Sent[] = [];
    const { scheduler, logger } = await instance(sent, (subscription) => (subscription.conversationId === 'broken' ? Promise.reject(new Error('connector down')) : Promise.resolve('sent')));
    const report = await scheduler.tick(clock);
    expect(report.failed).toEqual(['digest:broken:prod:2026-12-14T08:00:00.000Z']);
    expect(report.sent).toEqual(['digest:fine:prod:2026-12-14T08:00:00.000Z']);
    // Logged as the send's fault, not the store's.
    expect(logger.warn).toHaveBeenCalledWith({ err: new Error('connector down'), key: 'digest:broken:prod:2026-12-14T08:00:00.000Z' }, 'digest send threw');
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('counts a send that hangs past the timeout as failed, so the tick goes on with the others', async () => {
    await subscribe({ conversationId: 'hung' });
    await subscribe({ conversationId: 'fine' });
    const sent: Sent[] = [];
    const { scheduler } = await instance(sent, (subscription) => (subscription.conversationId === 'hung' ? new Promise<SendOutcome>(() => undefined) : Promise.resolve('sent')), silentLogger(), 50);
    const report = await scheduler.tick(clock);
    expect(report.failed).toEqual(['digest:hung:prod:2026-12-14T08:00:00.000Z']);
    expect(report.sent).toEqual(['digest:fine:prod:2026-12-14T08:00:00.000Z']);
  });

  it('lists alert audits due per environment until one is marked done', async () => {
    await subscribe({ topic: 'alerts', conversationId: 'a' });
    await subscribe({ topic: 'alerts', conversationId: 'b' });
    const { scheduler } = await instance([]);
    const [due] = await scheduler.dueAlertAudits(new Date('2026-12-14T08:42:00Z'));
    expect(due).toMatchObject({ environment: 'prod', key: 'alerts:prod:2026-12-14T08:00:00.000Z' });
    expect(due?.subscriptions).toHaveLength(2);
    expect(await scheduler.markAlertAuditDone(due?.key ?? '')).toBe(true);
    expect(await scheduler.dueAlertAudits(new Date('2026-12-14T08:50:00Z'))).toEqual([]);
    expect(await scheduler.dueAlertAudits(new Date('2026-12-14T09:00:00Z'))).toHaveLength(1);
  });

  it('ticks at start, then stops', async () => {
    await subscribe();
    const sent: Sent[] = [];
    const { scheduler } = await instance(sent);
    scheduler.start();
    await vi.waitFor(() => {
      expect(sent).toHaveLength(1);
    });
    await scheduler.stop();
  });
});
