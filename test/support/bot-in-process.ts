import { BotAdapter, TurnContext, type Activity, type ResourceResponse } from 'botbuilder';
import { pino } from 'pino';
import { AuditRunner, type AuditRunnerOptions } from '../../src/bot/audit-runner.js';
import { QuotaGate } from '../../src/azure/quota-gate.js';
import type { AzureTarget } from '../../src/azure/target.js';
import type { Card, Messenger } from '../../src/bot/messenger.js';
import { MemoryButtonRefs, REF_TTL_IN_MS, storedRefBytes, type ButtonRefs, type StoredRef } from '../../src/bot/bot-buttons.js';
import { PostureBot, type StoreFeatures } from '../../src/bot/posture-bot.js';
import { RefStore, type RefLimits } from '../../src/bot/refs.js';
import type { AppConfig } from '../../src/config.js';

/**
 * PostureBot without HTTP: turns go through botbuilder's TurnContext on an adapter that answers
 * sends with ids and keeps what was sent; work after the turn reaches a fake messenger that
 * records each conversation's card edits. For tests that run hundreds of audits (HTTP adds nothing
 * there but time) or need a runner configured in a way the server does not expose.
 */
export interface InProcessBot {
  readonly refs: RefStore<StoredRef>;
  /** Sends one activity; returns the cards sent within the turn and the invoke answer, if any. */
  turn(conversationId: string, fields: Partial<Activity>, userId?: string): Promise<{ sent: Card[]; invokeResponse: unknown; updated: { id: string; card: Card }[] }>;
  /** Resolves with the next result (or failure) card that replaces a progress card in this conversation. */
  nextResult(conversationId: string): Promise<Card>;
  /** Every card edit per conversation (progress, queued, result), oldest first. */
  readonly edits: Map<string, Card[]>;
  /** Resolves with the first edit in this conversation, from now on, whose JSON matches. */
  nextEdit(conversationId: string, matches: (json: string) => boolean): Promise<Card>;
}

class InProcessAdapter extends BotAdapter {
  private next = 0;
  sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    for (const activity of activities) {
      if (activity.type === 'invokeResponse') context.turnState.set('test.invokeResponse', activity.value);
      else {
        const sent = context.turnState.get<Card[] | undefined>('test.sent') ?? [];
        const attachments = (activity.attachments ?? []) as { content?: Card }[];
        for (const attachment of attachments) if (attachment.content !== undefined) sent.push(attachment.content);
        context.turnState.set('test.sent', sent);
      }
    }
    return Promise.resolve(activities.map(() => ({ id: `activity-${++this.next}` })));
  }
  updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<void> {
    const updated = context.turnState.get<{ id: string; card: Card }[] | undefined>('test.updated') ?? [];
    const card = (activity.attachments?.[0] as { content?: Card } | undefined)?.content;
    if (card !== undefined) updated.push({ id: activity.id ?? '', card });
    context.turnState.set('test.updated', updated);
    return Promise.resolve();
  }
  deleteActivity(): Promise<void> {
    return Promise.resolve();
  }
  /** Unused: the bot reaches conversations after the turn through the fake messenger. */
  continueConversation(): Promise<void> {
    return Promise.resolve();
  }
}

export function inProcessBot(
  options: {
    runner: AuditRunner;
    config: AppConfig;
    refLimits?: Partial<RefLimits>;
    keepEdits?: boolean;
    sandbox?: boolean;
    buttons?: ButtonRefs;
  } & StoreFeatures,
): InProcessBot {
  const { runner, config, refLimits, keepEdits, sandbox, buttons, ...features } = options;
  const refs = new RefStore<StoredRef>(Date.now, refLimits ?? {}, storedRefBytes);
  const waiters = new Map<string, ((card: Card) => void)[]>();
  const edits = new Map<string, Card[]>();
  const editWaiters = new Map<string, { matches: (json: string) => boolean; resolve: (card: Card) => void }[]>();
  const messengerFor = (conversationId: string): Messenger => ({
    send: () => Promise.resolve(undefined),
    update: (_activityId, card) => {
      if (keepEdits ?? true) edits.set(conversationId, [...(edits.get(conversationId) ?? []), card]);
      const text = JSON.stringify(card);
      if (text.includes('score') || text.includes('did not finish')) waiters.get(conversationId)?.shift()?.(card);
      const pending = editWaiters.get(conversationId) ?? [];
      const index = pending.findIndex((waiter) => waiter.matches(text));
      if (index >= 0) pending.splice(index, 1)[0]?.resolve(card);
      return Promise.resolve();
    },
  });
  const bot = new PostureBot({
    runner,
    buttons: buttons ?? new MemoryButtonRefs(refs, REF_TTL_IN_MS),
    environments: config.environments,
    audit: config.audit,
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
    messengerFor: (context) => messengerFor(context.activity.conversation.id),
    sandbox: sandbox ?? false,
    ...features,
  });
  const adapter = new InProcessAdapter();
  let incoming = 0;
  return {
    refs,
    edits,
    async turn(conversationId, fields, userId = `29:user-${conversationId}`) {
      const activity = {
        type: 'message',
        id: `incoming-${++incoming}`,
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        from: { id: userId, name: 'Test user' },
        recipient: { id: '28:bot', name: 'APIM posture' },
        conversation: { id: conversationId, conversationType: 'personal' },
        ...fields,
      } as Activity;
      const context = new TurnContext(adapter, activity);
      await bot.run(context);
      return {
        sent: context.turnState.get<Card[] | undefined>('test.sent') ?? [],
        invokeResponse: context.turnState.get<unknown>('test.invokeResponse'),
        updated: context.turnState.get<{ id: string; card: Card }[] | undefined>('test.updated') ?? [],
      };
    },
    nextEdit(conversationId, matches) {
      return new Promise((resolve) => {
        editWaiters.set(conversationId, [...(editWaiters.get(conversationId) ?? []), { matches, resolve }]);
      });
    },
    nextResult(conversationId) {
      return new Promise((resolve) => {
        waiters.set(conversationId, [...(waiters.get(conversationId) ?? []), resolve]);
      });
    },
  };
}

/** The ref behind a card's "Show findings" button. */
export function showFindingsRef(card: Card): string | undefined {
  return /"verb":"showFindings","data":\{"ref":"([^"]+)"/.exec(JSON.stringify(card))?.[1];
}

/** The invoke activity a click on a card button sends, from the card message `replyToId`. */
export function click(verb: string, data: Record<string, unknown>, replyToId = 'activity-summary'): Partial<Activity> {
  return { type: 'invoke', name: 'adaptiveCard/action', replyToId, value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } };
}

/** The invoke activity a click on "Show findings" sends. */
export function showFindingsClick(ref: string): Partial<Activity> {
  return { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'showFindings', data: { ref, page: 1 } }, trigger: 'manual' } };
}

/**
 * An audit runner on a sandbox target with room to spare (no quota waits, generous fair use), as
 * the bot tests use it; `options` adds or overrides fields.
 */
export function sandboxRunner(target: AzureTarget, config: AppConfig, options: Partial<AuditRunnerOptions> = {}): AuditRunner {
  return new AuditRunner({
    target,
    audit: config.audit,
    gate: new QuotaGate({ limit: 10_000, windowInMs: 1_000 }),
    version: 'test',
    now: () => new Date(),
    progressIntervalInMs: 60_000,
    fairUse: { perConversation: 10, perUser: 10, concurrent: 4 },
    ...options,
  });
}
