import { ALERTS_TOPIC, DIGEST_TOPIC } from '../digest/schedule.js';
import { messageCard, type RowButtons } from '../cards/render.js';
import type { DetachedCards } from './digest-delivery.js';
import type { DigestStore } from '../digest/load.js';
import { renderDigestCard, type RenderDigestCardOptions } from '../digest/render-card.js';
import type { Exemption } from '../engine/exemptions.js';
import { resolveScope, ScopeError, type Environments } from '../inventory/scope.js';
import type { ConversationStore, JsonObject, Subscription, SubscriptionStore } from '../store/index.js';
import type { DigestInput } from '../digest/digest.js';
import type { Card } from './messenger.js';
import type { SubscriptionCommand, SubscriptionTopicWord } from './subscription-commands.js';

const TOPICS: Readonly<Record<SubscriptionTopicWord, string>> = { digest: DIGEST_TOPIC, alerts: ALERTS_TOPIC };

/** What the subscription commands need; without a store, they say so in one line. */
export interface SubscriptionServices {
  readonly environments: Environments;
  readonly now: () => Date;
  readonly subscriptions?: SubscriptionStore;
  readonly conversations?: ConversationStore;
  /** Where the digest is read from; the configured exemptions and SLA days go with it. */
  readonly digest?: {
    readonly store: DigestStore;
    readonly configuredExemptions?: readonly Exemption[];
    readonly slaDays?: DigestInput['slaDays'];
    /** Who changed it, for new and reopened findings (Resource Graph's change history). */
    readonly causesFor?: RenderDigestCardOptions['causesFor'];
  };
  /** Renders the digest card with its buttons (Fix per finding, a kept copy of the card) in this conversation. */
  readonly detached?: DetachedCards;
}

/** Who asked, where: the conversation and its reference (kept for proactive messages), the user. */
export interface Asker {
  readonly conversationId: string;
  readonly userId: string;
  readonly reference: JsonObject;
}

const NO_STORE = 'Subscriptions need the bot’s store, and this bot runs without one.';

/** The answer to "subscribe …", "unsubscribe …", "subscriptions", "digest now …" or a refused one of them. */
export async function subscriptionAnswer(command: SubscriptionCommand, asker: Asker, services: SubscriptionServices): Promise<Card> {
  if (command.kind === 'invalid') return messageCard(command.message, { tone: 'refusal' });
  if (command.kind === 'digest') return digestNow(command.environment, asker, services);
  const { subscriptions } = services;
  if (subscriptions === undefined) return messageCard(NO_STORE, { tone: 'info' });
  const mine = async (): Promise<Subscription[]> => (await subscriptions.list()).filter((subscription) => subscription.conversationId === asker.conversationId);
  if (command.kind === 'subscriptions') {
    const list = await mine();
    if (list.length === 0) return messageCard('This conversation has no subscriptions. Try "subscribe digest prod".', { tone: 'info' });
    return messageCard(`This conversation gets: ${list.map(describe).join('; ')}.`, { tone: 'info' });
  }
  const topic = TOPICS[command.topic];
  let environment: string | undefined;
  if (command.environment !== undefined) {
    const resolved = knownEnvironment(command.environment, services.environments);
    if (!resolved.ok) return resolved.refusal;
    environment = resolved.environment;
  }
  const existing = (await mine()).find((subscription) => subscription.topic === topic);
  if (command.kind === 'unsubscribe') {
    if (existing === undefined) return messageCard(`This conversation has no ${command.topic} subscription; nothing changed.`, { tone: 'info' });
    if (environment !== undefined && existing.environment !== undefined && existing.environment !== environment) {
      return messageCard(`This conversation’s ${command.topic} subscription is for ${existing.environment}, not ${environment}; nothing changed.`, { tone: 'refusal' });
    }
    await subscriptions.remove(asker.conversationId, topic);
    return messageCard(`Unsubscribed: ${describe(existing)} no longer comes here.`, { tone: 'success' });
  }
  if (environment === undefined) {
    return messageCard(`Say which environment: "subscribe ${command.topic} ${Object.keys(services.environments)[0] ?? 'prod'}". Known environments: ${Object.keys(services.environments).join(', ')}.`, { tone: 'refusal' });
  }
  const base = { conversationId: asker.conversationId, topic, environment, createdBy: asker.userId, createdAt: services.now().toISOString(), enabled: true };
  const record =
    command.topic === 'digest'
      ? { ...base, cadence: command.cadence, ...(command.cadence === 'weekly' ? { day: command.day } : {}), time: command.time, timeZone: command.timeZone }
      : { ...base, minSeverity: command.minSeverity };
  // The reference first: a subscription whose conversation cannot be reached would fail silently later.
  await services.conversations?.put(asker.conversationId, asker.reference);
  await subscriptions.put(record);
  const replaced = existing?.environment !== undefined && existing.environment !== environment ? ` It replaces the ${command.topic} for ${existing.environment} (one per conversation).` : '';
  return messageCard(`Subscribed: ${describe(record)}.${replaced} Say "subscriptions" to list them, "unsubscribe ${command.topic} ${environment}" to stop.`, { tone: 'success' });
}

async function digestNow(asked: string | undefined, asker: Asker, services: SubscriptionServices): Promise<Card> {
  const { digest } = services;
  if (digest === undefined) return messageCard('The digest needs the bot’s store, and this bot runs without one.', { tone: 'info' });
  const subscribed = asked === undefined ? (await services.subscriptions?.list(DIGEST_TOPIC))?.find((subscription) => subscription.conversationId === asker.conversationId)?.environment : undefined;
  const resolved = knownEnvironment(asked ?? subscribed ?? 'prod', services.environments);
  if (!resolved.ok) return resolved.refusal;
  const render = (rows?: RowButtons): Promise<Card | undefined> =>
    renderDigestCard(digest.store, resolved.environment, services.now(), {
      ...(digest.configuredExemptions === undefined ? {} : { configuredExemptions: digest.configuredExemptions }),
      ...(digest.slaDays === undefined ? {} : { slaDays: digest.slaDays }),
      ...(digest.causesFor === undefined ? {} : { causesFor: digest.causesFor }),
      ...(rows === undefined ? {} : { buttons: rows }),
    });
  const card = services.detached === undefined ? await render() : await services.detached(asker.conversationId, resolved.environment, render);
  return card ?? messageCard(`No posture history for ${resolved.environment} yet: run "audit apim in ${resolved.environment}" first.`, { tone: 'info', commands: [`audit apim in ${resolved.environment}`] });
}

/** The configured name of an environment (aliases resolve), or the refusal an audit would give. */
function knownEnvironment(name: string, environments: Environments): { ok: true; environment: string } | { ok: false; refusal: Card } {
  try {
    const environment = resolveScope({ environment: name }, environments).environment;
    if (environment !== undefined) return { ok: true, environment };
  } catch (error) {
    if (!(error instanceof ScopeError)) throw error;
    return { ok: false, refusal: messageCard(error.message, { tone: 'refusal' }) };
  }
  return { ok: false, refusal: messageCard(`I don't know the environment "${name}".`, { tone: 'refusal' }) };
}

/** "the weekly digest of prod, Monday 09:00 Europe/Berlin", "alerts for prod, high and above". */
export function describe(subscription: Subscription): string {
  const environment = subscription.environment ?? 'every environment';
  const paused = subscription.enabled === false ? ' (paused)' : '';
  if (subscription.topic === ALERTS_TOPIC) return `alerts for ${environment}, ${subscription.minSeverity ?? 'high'}${subscription.minSeverity === 'low' ? '' : ' and above'}${paused}`;
  if (subscription.topic !== DIGEST_TOPIC) return `${subscription.topic} for ${environment}${paused}`;
  const cadence = subscription.cadence ?? 'weekly';
  const day = cadence === 'weekly' ? ` ${capitalise(subscription.day ?? 'monday')}` : '';
  return `the ${cadence} digest of ${environment},${day} ${subscription.time ?? '09:00'} ${subscription.timeZone ?? 'UTC'}${paused}`;
}

function capitalise(word: string): string {
  return `${word.charAt(0).toUpperCase()}${word.slice(1)}`;
}
