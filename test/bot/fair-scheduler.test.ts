import { describe, expect, it } from 'vitest';
import { FairScheduler, type FairUseLimits } from '../../src/bot/fair-scheduler.js';

/** Tasks that finish when the test says so, recording the order they started in. */
function harness(limits: FairUseLimits) {
  const scheduler = new FairScheduler(limits);
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const submit = (conversationId: string, name: string, userId = `user-of-${conversationId}`) => {
    const admission = scheduler.admit({ conversationId, userId, label: name });
    if (!admission.ok) return admission;
    const { waiting, done } = admission.reservation.run(
      () =>
        new Promise<void>((resolve) => {
          started.push(name);
          finishers.set(name, resolve);
        }),
    );
    return { ok: true as const, waiting, done };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const finish = async (name: string) => {
    const finisher = finishers.get(name);
    if (finisher === undefined) throw new Error(`${name} has not started`);
    finisher();
    await settle();
  };
  return { scheduler, started, submit, finish, settle };
}

describe('FairScheduler', () => {
  it('starts queued audits round robin by conversation: B submits after ten from A and starts before A\'s third', async () => {
    const { started, submit, finish, settle } = harness({ perConversation: 100, perUser: 100, concurrent: 1 });
    for (let i = 1; i <= 10; i++) submit('A', `A${i}`);
    submit('B', 'B1');
    await settle();
    expect(started).toEqual(['A1']);
    // A has been served, B not yet: B goes next, long before A's third.
    await finish('A1');
    expect(started).toEqual(['A1', 'B1']);
    await finish('B1');
    await finish('A2');
    expect(started).toEqual(['A1', 'B1', 'A2', 'A3']);
    expect(started.indexOf('B1')).toBeLessThan(started.indexOf('A3'));
  });

  it('with several slots, a conversation with nothing running goes before one that has audits running', async () => {
    const { started, submit, finish, settle } = harness({ perConversation: 100, perUser: 100, concurrent: 2 });
    for (let i = 1; i <= 10; i++) submit('A', `A${i}`);
    submit('B', 'B1');
    submit('C', 'C1');
    await settle();
    expect(started).toEqual(['A1', 'A2']);
    await finish('A1');
    expect(started).toEqual(['A1', 'A2', 'B1']);
    await finish('A2');
    expect(started).toEqual(['A1', 'A2', 'B1', 'C1']);
    await finish('B1');
    expect(started.at(-1)).toBe('A3');
  });

  it('fewest running goes first even when it was served more recently', async () => {
    const { started, submit, finish, settle } = harness({ perConversation: 100, perUser: 100, concurrent: 3 });
    submit('A', 'A1');
    submit('A', 'A2');
    submit('B', 'B1');
    submit('A', 'A3');
    submit('B', 'B2');
    await settle();
    expect(started).toEqual(['A1', 'A2', 'B1']);
    // B started last but now has nothing running; A still has two.
    await finish('B1');
    expect(started.at(-1)).toBe('B2');
  });

  it('round robin among many conversations: each gets one before any gets a second', async () => {
    const { started, submit, finish, settle } = harness({ perConversation: 100, perUser: 100, concurrent: 1 });
    submit('blocker', 'X');
    for (const conversation of ['A', 'B', 'C']) for (let i = 1; i <= 3; i++) submit(conversation, `${conversation}${i}`);
    await settle();
    await finish('X');
    for (const name of ['A1', 'B1', 'C1', 'A2', 'B2', 'C2', 'A3', 'B3']) await finish(name);
    expect(started).toEqual(['X', 'A1', 'B1', 'C1', 'A2', 'B2', 'C2', 'A3', 'B3', 'C3']);
  });

  it('never runs more than the concurrency limit, and says how many wait', async () => {
    const { scheduler, submit, settle } = harness({ perConversation: 100, perUser: 100, concurrent: 4 });
    const answers = Array.from({ length: 10 }, (_, i) => submit(`conv-${i}`, `job-${i}`));
    await settle();
    expect(scheduler.running).toBe(4);
    expect(scheduler.queued).toBe(6);
    expect(answers.map((a) => (a.ok ? a.waiting : -1))).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
  });

  it('refuses a conversation past its limit, naming what is in flight, queued ones included', async () => {
    const { started, submit, finish, settle } = harness({ perConversation: 2, perUser: 100, concurrent: 1 });
    submit('A', 'prod');
    submit('A', 'dev'); // queued behind prod, still counts
    const third = submit('A', 'test');
    expect(third).toEqual({ ok: false, limit: 'conversation', max: 2, inFlight: ['prod', 'dev'] });
    await settle();
    expect(started).toEqual(['prod']);
    await finish('prod');
    // One finished: there is room again.
    expect(submit('A', 'test').ok).toBe(true);
  });

  it('refuses a user past their limit across conversations, while others in the same conversation go on', () => {
    const { submit } = harness({ perConversation: 10, perUser: 2, concurrent: 10 });
    submit('A', 'prod', 'casey');
    submit('B', 'dev', 'casey');
    expect(submit('C', 'test', 'casey')).toEqual({ ok: false, limit: 'user', max: 2, inFlight: ['prod', 'dev'] });
    expect(submit('C', 'test', 'drew').ok).toBe(true);
  });

  it('gives the slot back when a task fails, and when a reservation is cancelled', async () => {
    const scheduler = new FairScheduler({ perConversation: 1, perUser: 1, concurrent: 1 });
    const first = scheduler.admit({ conversationId: 'A', userId: 'u', label: 'prod' });
    if (!first.ok) throw new Error('admitted');
    await first.reservation.run(() => Promise.reject(new Error('boom'))).done;
    const second = scheduler.admit({ conversationId: 'A', userId: 'u', label: 'prod' });
    if (!second.ok) throw new Error('room again after a failure');
    expect(scheduler.admit({ conversationId: 'A', userId: 'u', label: 'prod' }).ok).toBe(false);
    second.reservation.cancel();
    expect(scheduler.admit({ conversationId: 'A', userId: 'u', label: 'prod' }).ok).toBe(true);
    expect(scheduler.running).toBe(0);
  });
});
