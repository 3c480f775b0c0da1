import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  CardFactory,
  StatusCodes,
  TurnContext,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationReference,
  type InvokeResponse,
} from 'botbuilder';
import { AuthenticationError, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Logger } from 'pino';
import type { AuditConfig } from '../engine/audit-config.js';
import type { Environments } from '../inventory/scope.js';
import { RateLimiter } from '../util/rate-limited.js';
import { checkActivity, isAllowedServiceUrl } from './activity-shape.js';
import { routeLibraryConsole } from './library-console.js';
import type { AuditRunner } from './audit-runner.js';
import type { Card, Messenger } from './messenger.js';
import { detachedCard } from './detached-cards.js';
import type { DetachedCards } from './digest-delivery.js';
import { DurableButtonRefs, MemoryButtonRefs, REF_TTL_IN_MS, storedRefBytes, type StoredRef } from './bot-buttons.js';
import { PostureBot, type StoreFeatures } from './posture-bot.js';
import type { ButtonRefStore, JsonObject } from '../store/index.js';
import { RefStore, type RefLimits } from './refs.js';
import type { SendOutcome } from '../digest/digest-scheduler.js';
import { sendProactive } from './proactive.js';

/**
 * Bot Framework settings. With an app id, every request to /api/messages must carry a valid Bot
 * Framework token (CloudAdapter answers 401 before any handler runs); without one the bot runs in
 * local anonymous mode, which is what Microsoft 365 Agents Playground speaks.
 */
export interface BotSettings {
  readonly appId: string;
  readonly appPassword?: string;
  readonly appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  readonly tenantId?: string;
  /** Where inbound token keys are published; tests point it at a local key server. */
  readonly openIdMetadataUrl?: string;
  readonly tokenIssuer?: string;
  /** Outbound credentials; tests pass a local factory so nothing calls Microsoft Entra. */
  readonly credentialsFactory?: ServiceClientCredentialsFactory;
  /** Connector hosts allowed besides Teams' own (tests: their local fake connector). Not configurable by users. */
  readonly extraConnectorHosts?: readonly string[];
}

/** One POST to /api/messages, already read and parsed as JSON by the HTTP layer. */
export interface BotRequest {
  readonly body: unknown;
  /** The Authorization header, or '' when there is none. */
  readonly authorization: string;
}

export interface BotResponse {
  readonly status: number;
  readonly body?: unknown;
}

export interface BotApp {
  handle(request: BotRequest): Promise<BotResponse>;
  /**
   * Replaces a card the bot posted earlier, found through the stored conversation reference (after a
   * restart, with no turn to answer in). False when the conversation is unknown or the edit failed.
   */
  updateCard(conversationId: string, activityId: string, card: Card): Promise<boolean>;
  /** Posts a card to a stored conversation reference (the weekly digest); `gone` when the bot or the conversation is no longer there. */
  sendProactive(reference: JsonObject, card: Card): Promise<SendOutcome>;
  /** A digest or alert card with its buttons (Fix per finding, a kept copy of the card), before it is sent. */
  detachedCard: DetachedCards;
}

/** Rejected requests logged per minute; anyone can send them, so the rest are only counted. */
const REJECTIONS_LOGGED_PER_MINUTE = 20;

export function createBotApp(
  options: {
    settings: BotSettings;
    runner: AuditRunner;
    environments: Environments;
    audit: AuditConfig;
    logger: Logger;
    /** Count and size caps of button refs; defaults in refs.ts. */
    refLimits?: Partial<RefLimits>;
    /** The target is the local sandbox: cards say so. */
    sandbox?: boolean;
    /** The store's button references; without one, buttons live in memory. */
    buttonStore?: ButtonRefStore;
  },
  /** What needs the durable store (conversation references, fixes, history, subscriptions, digests). */
  features: StoreFeatures = {},
): BotApp {
  const { settings, logger } = options;
  const auth: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: settings.appId,
    MicrosoftAppType: settings.appType,
    ...(settings.appPassword === undefined ? {} : { MicrosoftAppPassword: settings.appPassword }),
    ...(settings.tenantId === undefined ? {} : { MicrosoftAppTenantId: settings.tenantId }),
    ...(settings.openIdMetadataUrl === undefined ? {} : { ToBotFromChannelOpenIdMetadataUrl: settings.openIdMetadataUrl }),
    ...(settings.tokenIssuer === undefined ? {} : { ToBotFromChannelTokenIssuer: settings.tokenIssuer }),
  };
  const authentication = new ConfigurationBotFrameworkAuthentication(auth, settings.credentialsFactory);
  // botbuilder turns a token signed with an unknown key into a 500 (a plain JsonWebTokenError);
  // whatever stops a request from authenticating is an authentication failure: 401.
  const authenticateRequest = authentication.authenticateRequest.bind(authentication);
  authentication.authenticateRequest = async (activity, authHeader) => {
    // jsonwebtoken accepts a token without `exp`, which would then never expire.
    if (settings.appId !== '' && !hasExpiry(authHeader)) throw new AuthenticationError('Unauthorized: the token has no expiry', StatusCodes.UNAUTHORIZED);
    try {
      return await authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      throw new AuthenticationError(`Unauthorized: ${error instanceof Error ? error.message : String(error)}`, StatusCodes.UNAUTHORIZED);
    }
  };
  const adapter = new PostureAdapter(authentication);
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error, activityId: context.activity.id }, 'turn failed');
    await context.sendActivity('Something went wrong on my side; it has been logged. Please try again.');
  };

  /**
   * Runs `logic` in a turn of a known conversation, after the original turn. A failure is caught
   * inside the turn and thrown to the caller: left to the adapter, it would reach onTurnError,
   * which posts an apology into the conversation for a failed card edit nobody asked for.
   */
  const inTurn = async <T>(reference: Partial<ConversationReference>, logic: (turn: TurnContext) => Promise<T>): Promise<T> => {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await adapter.continueConversationAsync(settings.appId, reference, async (turn) => {
      try {
        outcome = { ok: true, value: await logic(turn) };
      } catch (error) {
        outcome = { ok: false, error };
      }
    });
    if (outcome === undefined) throw new Error('the conversation turn did not run');
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };

  const messengerFor = (context: TurnContext): Messenger => {
    const reference = TurnContext.getConversationReference(context.activity);
    const withContext = <T>(logic: (turn: TurnContext) => Promise<T>): Promise<T> => inTurn(reference, logic);
    return {
      send: (card) => withContext(async (turn) => (await turn.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] }))?.id),
      update: async (activityId, card) => {
        await withContext(async (turn) => {
          if (activityId === '') await turn.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
          else await turn.updateActivity({ id: activityId, type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
        });
      },
    };
  };

  // Durable when the server has a store (restarts, several instances), else in memory.
  const buttons =
    options.buttonStore === undefined
      ? new MemoryButtonRefs(new RefStore<StoredRef>(Date.now, options.refLimits, storedRefBytes), REF_TTL_IN_MS)
      : new DurableButtonRefs(options.buttonStore, REF_TTL_IN_MS);
  const bot = new PostureBot({
    runner: options.runner,
    buttons,
    environments: options.environments,
    audit: options.audit,
    logger,
    now: () => new Date(),
    messengerFor,
    sandbox: options.sandbox === true,
    ...features,
  });
  const anonymous = settings.appId === '';
  const rejections = new RateLimiter(REJECTIONS_LOGGED_PER_MINUTE, 60_000);
  const logRejection = (status: number, reason: string): void => {
    const allowed = rejections.take();
    if (allowed === undefined) return;
    logger.warn({ status, reason, ...(allowed.suppressedBefore > 0 ? { suppressedBefore: allowed.suppressedBefore } : {}) }, 'request rejected');
  };

  const libraryLines = new RateLimiter(REJECTIONS_LOGGED_PER_MINUTE, 60_000);
  const logLibraryLine = (line: string): void => {
    const allowed = libraryLines.take();
    if (allowed === undefined) return;
    logger.warn({ line, ...(allowed.suppressedBefore > 0 ? { suppressedBefore: allowed.suppressedBefore } : {}) }, 'botbuilder console output');
  };

  const connectors = { anonymous, ...(settings.extraConnectorHosts === undefined ? {} : { extraHosts: settings.extraConnectorHosts }) };
  return {
    async updateCard(conversationId, activityId, card) {
      const record = await features.conversations?.get(conversationId).catch(() => undefined);
      if (record === undefined) return false;
      // Storage is input too: the bot's credentials only ever go to a connector host.
      const serviceUrl = record.reference['serviceUrl'];
      if (typeof serviceUrl !== 'string' || !isAllowedServiceUrl(serviceUrl, { anonymous, ...(settings.extraConnectorHosts === undefined ? {} : { extraHosts: settings.extraConnectorHosts }) })) {
        logger.warn({ conversationId }, 'a stored conversation reference names no allowed connector; the card was not updated');
        return false;
      }
      try {
        await inTurn(record.reference, async (turn) => {
          await turn.updateActivity({ id: activityId, type: 'message', attachments: [CardFactory.adaptiveCard(bot.decorate(card))] });
        });
        return true;
      } catch (error) {
        logger.warn({ err: error, conversationId }, 'could not update a card after the turn');
        return false;
      }
    },
    // Decorated like every other card: a scheduled digest on the sandbox says so too.
    sendProactive: (reference, card) => sendProactive(adapter, settings.appId, reference, bot.decorate(card), connectors),
    detachedCard: (conversationId, environment, render) => detachedCard(buttons, conversationId, environment, render),
    // What CloudAdapter.process does, minus its console.error of every rejected request and its
    // 500 with the error text: bad input is a 400, failed authentication a 401, and both go to
    // the structured log, rate-limited.
    async handle(request) {
      const checked = checkActivity(request.body);
      if (!checked.ok) {
        logRejection(StatusCodes.BAD_REQUEST, checked.problem);
        return { status: StatusCodes.BAD_REQUEST, body: { error: `Invalid activity (${checked.problem}).` } };
      }
      if (!isAllowedServiceUrl(checked.activity.serviceUrl, { anonymous, ...(settings.extraConnectorHosts === undefined ? {} : { extraHosts: settings.extraConnectorHosts }) })) {
        logRejection(StatusCodes.BAD_REQUEST, 'serviceUrl is not a connector host');
        return { status: StatusCodes.BAD_REQUEST, body: { error: 'Invalid activity (serviceUrl is not an allowed connector).' } };
      }
      try {
        const invokeResponse = await routeLibraryConsole(logLibraryLine, () =>
          adapter.processParsedActivity(request.authorization, checked.activity as unknown as Activity, (context) => bot.run(context)),
        );
        return { status: invokeResponse?.status ?? StatusCodes.OK, ...(invokeResponse?.body === undefined ? {} : { body: invokeResponse.body }) };
      } catch (error) {
        if (error instanceof AuthenticationError) {
          logRejection(StatusCodes.UNAUTHORIZED, error.message);
          return { status: StatusCodes.UNAUTHORIZED, body: { error: 'Unauthorized.' } };
        }
        logger.error({ err: error, activityId: checked.activity.id }, 'activity failed');
        return { status: StatusCodes.INTERNAL_SERVER_ERROR, body: { error: 'Internal error; it has been logged.' } };
      }
    },
  };
}

/** CloudAdapter with its activity processing reachable for a body the HTTP layer already read and checked. */
class PostureAdapter extends CloudAdapter {
  processParsedActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** Whether a bearer token's payload carries a numeric `exp` (the signature is checked by botbuilder afterwards). */
function hasExpiry(authHeader: string): boolean {
  const token = /^Bearer\s+(\S+)$/i.exec(authHeader.trim())?.[1];
  const payload = token?.split('.')[1];
  if (payload === undefined) return true; // no token at all: botbuilder answers 401 itself
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return typeof claims === 'object' && claims !== null && typeof (claims as { exp?: unknown }).exp === 'number';
  } catch {
    return false;
  }
}
