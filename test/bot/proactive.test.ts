import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TurnContext } from 'botbuilder';
import { describe, expect, it, vi } from 'vitest';
import { alertSender, digestSender, noHistoryCard } from '../../src/bot/digest-delivery.js';
import { messageCard, type RowButtons } from '../../src/cards/render.js';
import { executeActions, fullText } from '../cards/support.js';
import { outcomeOfSendError, sendProactive } from '../../src/bot/proactive.js';
import { openStore, type JsonObject } from '../../src/store/index.js';

const TEAMS = { anonymous: false } as const;
const reference: JsonObject = {
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  conversation: { id: '19:team@thread.tacv2' },
  bot: { id: 'bot' },
  channelId: 'msteams',
};

/** An adapter that runs the logic against a turn recording what it sends, or fails with `error` (connector errors are not always Error instances). */
function fakeAdapter(error?: unknown) {
  const activities: unknown[] = [];
  const continueConversationAsync = vi.fn(async (_appId: unknown, _reference: unknown, logic: unknown) => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the connector's RestError is what is thrown; a plain object with statusCode stands in for it
    if (error !== undefined) throw error;
    const turn = { sendActivity: (activity: unknown) => Promise.resolve(activities.push(activity)) } as unknown as TurnContext;
    await (logic as (turn: TurnContext) => Promise<void>)(turn);
  });
  return { adapter: { continueConversationAsync } as never, continueConversationAsync, activities };
}

describe('sendProactive', () => {
  it('posts the card as an Adaptive Card attachment to the stored conversation', async () => {
    const { adapter, activities, continueConversationAsync } = fakeAdapter();
    expect(await sendProactive(adapter, 'app-id', reference, { type: 'AdaptiveCard' }, TEAMS)).toBe('sent');
    expect(continueConversationAsync).toHaveBeenCalledWith('app-id', reference, expect.any(Function));
    expect(activities).toEqual([{ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }] }]);
  });

  it('is gone on the connector’s 403 and 404, failed on anything else', async () => {
    expect(await sendProactive(fakeAdapter({ statusCode: 403 }).adapter, 'a', reference, {}, TEAMS)).toBe('gone');
    expect(await sendProactive(fakeAdapter({ statusCode: 404 }).adapter, 'a', reference, {}, TEAMS)).toBe('gone');
    expect(await sendProactive(fakeAdapter({ statusCode: 429 }).adapter, 'a', reference, {}, TEAMS)).toBe('failed');
    expect(await sendProactive(fakeAdapter(new Error('socket hang up')).adapter, 'a', reference, {}, TEAMS)).toBe('failed');
    expect(outcomeOfSendError(null)).toBe('failed');
  });

  it('never sends to a stored reference whose connector the bot would not accept, nor to one without a conversation', async () => {
    const { adapter, continueConversationAsync } = fakeAdapter();
    expect(await sendProactive(adapter, 'a', { ...reference, serviceUrl: 'https://attacker.example/' }, {}, TEAMS)).toBe('gone');
    expect(await sendProactive(adapter, 'a', { ...reference, serviceUrl: 'http://localhost:3978/' }, {}, TEAMS)).toBe('gone');
    expect(await sendProactive(adapter, 'a', { ...reference, conversation: null }, {}, TEAMS)).toBe('gone');
    expect(continueConversationAsync).not.toHaveBeenCalled();
  });
});

describe('digestSender', () => {
  it('sends the rendered card to the conversation’s stored reference, the no-history card when there is none, and is gone without a reference', async () => {
    const store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
    await store.conversations.put('19:team@thread.tacv2', reference);
    const sendProactive = vi.fn(() => Promise.resolve('sent' as const));
    const rendered = messageCard('the digest');
    let history = true;
    const noButtons = { card: '', fix: () => undefined };
    const send = digestSender({ conversations: store.conversations, sendProactive, detached: (_conversation, _environment, render) => render(noButtons), render: () => Promise.resolve(history ? rendered : undefined) });
    const subscription = { conversationId: '19:team@thread.tacv2', topic: 'weekly-digest', environment: 'prod', createdBy: 'u', createdAt: '2026-01-01T00:00:00.000Z' };
    const details = { scheduledFor: new Date('2026-12-14T08:00:00Z'), late: true, resumed: false };
    expect(await send(subscription, details)).toBe('sent');
    expect(sendProactive).toHaveBeenLastCalledWith(reference, rendered);
    history = false;
    expect(await send(subscription, details)).toBe('sent');
    expect(sendProactive).toHaveBeenLastCalledWith(reference, noHistoryCard('prod', details));
    expect(await send({ ...subscription, conversationId: 'never-seen' }, details)).toBe('gone');
    expect(sendProactive).toHaveBeenCalledTimes(2);
  });

  it('without history: names the environment and the scheduled time, and says when it is late or may be a repeat', () => {
    const text = (details: { late: boolean; resumed: boolean }, environment?: string): string =>
      JSON.stringify(noHistoryCard(environment, { scheduledFor: new Date('2026-12-14T08:00:00Z'), ...details }));
    expect(text({ late: false, resumed: false }, 'prod')).toContain('Weekly posture digest for prod, scheduled 2026-12-14 08:00 UTC: there is no posture history yet.');
    expect(text({ late: true, resumed: false }, 'prod')).toContain('Weekly posture digest for prod, late: it was due 2026-12-14 08:00 UTC');
    expect(text({ late: false, resumed: true })).toMatch(/all environments.*may be a repeat/);
  });
});

describe('alertSender', () => {
  it('renders the alert with the bot’s buttons for the subscription’s conversation and sends it to the stored reference; gone without one', async () => {
    const store = await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') });
    await store.conversations.put('19:sec@thread.tacv2', reference);
    const sendProactive = vi.fn(() => Promise.resolve('sent' as const));
    const asked: string[] = [];
    const buttons: RowButtons = { card: 'kept.b0', fix: (finding) => (finding.ruleId === 'APIM-001' ? 'fix.b1' : undefined) };
    const send = alertSender({
      conversations: store.conversations,
      sendProactive,
      detached: (conversationId, environment, render) => {
        asked.push(`${conversationId} ${environment}`);
        return render(buttons);
      },
    });
    const service = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim-gold';
    const row = { ruleId: 'APIM-001', severity: 'critical' as const, title: 'TLS 1.0/1.1 or SSL 3.0 enabled', serviceName: 'apim-gold', serviceId: service, resourceId: service };
    const alert = { environment: 'prod', since: '2026-12-01T08:00:00Z', rows: [row, { ...row, ruleId: 'APIM-021', title: 'No Defender for APIs' }] };
    const subscription = { conversationId: '19:sec@thread.tacv2', topic: 'alerts', environment: 'prod', createdBy: 'u', createdAt: '2026-01-01T00:00:00.000Z' };
    expect(await send(subscription, alert)).toBe('sent');
    expect(asked).toEqual(['19:sec@thread.tacv2 prod']);
    const card = (sendProactive.mock.calls[0] as unknown[] | undefined)?.[1];
    expect(fullText(card)).toContain('prod got worse: 2 new findings');
    const actions = executeActions(card);
    expect(actions.filter((action) => action.verb === 'rowFix')).toEqual([{ title: 'Fix', verb: 'rowFix', data: { ref: 'fix.b1', card: 'kept.b0' } }]);
    for (const action of actions) expect(action.data['card']).toBe('kept.b0');
    expect(await send({ ...subscription, conversationId: 'never-seen' }, alert)).toBe('gone');
    expect(sendProactive).toHaveBeenCalledTimes(1);
  });
});
