import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  CardFactory,
  StatusCodes,
  TurnContext,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type Request,
  type Response,
} from 'botbuilder';
import { AuthenticationError, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Logger } from 'pino';
import type { AuditConfig } from '../engine/audit-config.js';
import type { Environments } from '../inventory/scope.js';
import type { AuditRunner } from './audit-runner.js';
import type { Messenger } from './messenger.js';
import { PostureBot, type StoredRef } from './posture-bot.js';
import { RefStore } from './refs.js';

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
}

export interface BotApp {
  process(req: Request, res: Response): Promise<void>;
}

export function createBotApp(options: {
  settings: BotSettings;
  runner: AuditRunner;
  environments: Environments;
  audit: AuditConfig;
  logger: Logger;
}): BotApp {
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
    try {
      return await authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      throw new AuthenticationError(`Unauthorized: ${error instanceof Error ? error.message : String(error)}`, StatusCodes.UNAUTHORIZED);
    }
  };
  const adapter = new CloudAdapter(authentication);
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error, activityId: context.activity.id }, 'turn failed');
    await context.sendActivity('Something went wrong on my side; it has been logged. Please try again.');
  };

  const messengerFor = (context: TurnContext): Messenger => {
    const reference = TurnContext.getConversationReference(context.activity);
    const withContext = async <T>(logic: (turn: TurnContext) => Promise<T>): Promise<T> => {
      let result: T | undefined;
      await adapter.continueConversationAsync(settings.appId, reference, async (turn) => {
        result = await logic(turn);
      });
      return result as T;
    };
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

  const bot = new PostureBot({
    runner: options.runner,
    refs: new RefStore<StoredRef>(),
    environments: options.environments,
    audit: options.audit,
    logger,
    now: () => new Date(),
    messengerFor,
  });
  return {
    process: (req, res) => adapter.process(req, res, (context) => bot.run(context)),
  };
}
