import { ActivityHandler, CardFactory, TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import type { Logger } from 'pino';
import { explainCard, helpCard, messageCard, parseCardAction, rulesCard, serviceFindingCards, summaryCard, type RefFor, type RefPayloads } from '../cards/render.js';
import type { AuditConfig } from '../engine/audit-config.js';
import { RuleSelectionError, selectRules } from '../engine/select-rules.js';
import { resolveScope, ScopeError, type Environments } from '../inventory/scope.js';
import { ALL_RULES, findRule } from '../rules/index.js';
import { initialProgressCard, type AuditRunner } from './audit-runner.js';
import { parseCommand, type Command } from './commands.js';
import { fixAnswer } from './fix-answer.js';
import type { Card, Messenger } from './messenger.js';
import type { RefStore } from './refs.js';
import type { RetainedAudit } from './retained-audits.js';

/** Buttons of a report stay usable for a day; older cards answer "run the audit again". */
const REF_TTL_IN_MS = 24 * 60 * 60 * 1000;

/**
 * What a button's opaque ref means: the kept audit it came from, by id, and for a Fix button the
 * finding. Never the report itself, so an evicted audit is really freed and its buttons expire.
 */
export type StoredRef =
  | { readonly kind: 'report'; readonly auditId: string }
  | ({ readonly kind: 'fix'; readonly auditId: string } & Omit<RefPayloads['fix'], 'report'>);

/**
 * Approximate heap bytes of a stored ref (for the ref store's size cap): its ids at two bytes a
 * character (they may outlive the report they came from) and a slot per resource id.
 */
export function storedRefBytes(ref: StoredRef): number {
  const chars = ref.kind === 'report' ? ref.auditId.length : ref.auditId.length + ref.serviceId.length + ref.serviceName.length + ref.ruleId.length + ref.resourceIds.reduce((n, id) => n + id.length, 0);
  return 2 * chars + (ref.kind === 'report' ? 0 : 32 * ref.resourceIds.length);
}

export interface PostureBotOptions {
  readonly runner: AuditRunner;
  readonly refs: RefStore<StoredRef>;
  readonly environments: Environments;
  readonly audit: AuditConfig;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Proactive access to a conversation once the turn is over (progress edits, results). */
  readonly messengerFor: (context: TurnContext) => Messenger;
}

/**
 * The Teams conversation: commands in personal chat, group chats and channels (where the bot is
 * @mentioned), card buttons as Action.Execute invokes. Every audit echoes the scope it resolved, so
 * nobody audits — or later fixes — the wrong estate.
 */
export class PostureBot extends ActivityHandler {
  constructor(private readonly options: PostureBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    const logger = this.options.logger.child({ activityId: activity.id, conversationId: activity.conversation.id });
    // Channels deliver "<at>APIM posture</at> audit apim in prod"; the mention is not part of the command.
    // Typed as a string, but undefined for activities without text (e.g. Action.Submit payloads).
    // Without text there is no mention to strip (botbuilder would call replace on undefined).
    const text = typeof activity.text === 'string' ? (TurnContext.removeRecipientMention(activity) as string | undefined) : undefined;
    const command = parseCommand(text ?? '', Object.keys(this.options.environments));
    logger.info({ command: command.kind }, 'command');
    await this.execute(context, command, logger);
  }

  private async execute(context: TurnContext, command: Command, logger: Logger): Promise<void> {
    const { runner } = this.options;
    const conversationId = context.activity.conversation.id;
    const environments = Object.keys(this.options.environments);
    switch (command.kind) {
      case 'help':
        await this.reply(context, helpCard({ environments, ...(command.suggestion === undefined ? {} : { suggestion: command.suggestion }) }));
        return;
      case 'rules':
        await this.reply(context, rulesCard(ALL_RULES.map((rule) => rule.meta)));
        return;
      case 'explain': {
        const rule = findRule(command.ruleId);
        await this.reply(
          context,
          rule === undefined ? messageCard(`There is no rule ${command.ruleId}. Rules are APIM-001 … APIM-040; say "rules" to list them.`, { tone: 'refusal' }) : explainCard(rule),
        );
        return;
      }
      case 'last': {
        const audit = runner.last(conversationId);
        await this.reply(
          context,
          audit === undefined
            ? messageCard('No audit results are kept for this conversation (none has run yet, or they expired). Try "audit apim in prod".', { tone: 'info' })
            : this.summary(conversationId, audit),
        );
        return;
      }
      case 'audit': {
        let scope;
        let rules;
        try {
          scope = resolveScope({ ...(command.environment === undefined ? {} : { environment: command.environment }), services: command.services }, this.options.environments);
          rules = selectRules(ALL_RULES, { ids: command.ruleIds, ...(command.minSeverity === undefined ? {} : { minSeverity: command.minSeverity }) });
        } catch (error) {
          // Scope and rule mistakes ("prd", "APIM-999") are caught before anything runs.
          if (error instanceof ScopeError || error instanceof RuleSelectionError) {
            await this.reply(context, messageCard(error.message, { tone: 'refusal' }));
            return;
          }
          throw error;
        }
        const { from } = context.activity;
        const userId = from.aadObjectId !== undefined && from.aadObjectId !== '' ? from.aadObjectId : from.id;
        const admission = runner.admit({ conversationId, userId, scope });
        if (!admission.ok) {
          await this.reply(context, admission.refusal);
          return;
        }
        // Answer within the turn; the audit runs afterwards and edits this card in place.
        let progress;
        try {
          progress = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(initialProgressCard(scope, rules.length))] });
        } catch (error) {
          admission.cancel();
          throw error;
        }
        admission.start({
          conversationId,
          scope,
          rules,
          // A named service is small enough to read its child resources too.
          deep: command.deep || command.services.length > 0,
          progressActivityId: progress?.id ?? '',
          messenger: this.options.messengerFor(context),
          logger,
          renderResult: (audit) => this.summary(conversationId, audit),
        });
        return;
      }
    }
  }

  /**
   * Card buttons (Action.Execute). The data carries only an opaque ref, looked up server-side for
   * this conversation, so forged, foreign or stale buttons get a polite refusal.
   */
  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const conversationId = context.activity.conversation.id;
    const action = parseCardAction(value.action.verb, value.action.data);
    let card: Card;
    if (action === undefined) {
      card = messageCard('I do not recognise that button.', { tone: 'refusal' });
    } else if (action.verb === 'explain') {
      const rule = findRule(action.data.ruleId);
      card = rule === undefined ? messageCard(`There is no rule ${action.data.ruleId}.`, { tone: 'refusal' }) : explainCard(rule);
    } else {
      const stored = this.options.refs.resolve(conversationId, action.data.ref);
      const audit = stored === undefined ? undefined : this.options.runner.retained.get(conversationId, stored.auditId);
      if (stored === undefined || audit === undefined) {
        card = messageCard('This button has expired or belongs to another conversation. Run the audit again for fresh results.', { tone: 'refusal' });
      } else if (action.verb === 'fix') {
        card =
          stored.kind === 'fix'
            ? fixAnswer({ ...stored, report: audit.report }, audit.estate, this.options.now(), this.options.audit.ruleOptions, { armEndpoint: this.options.runner.armEndpoint })
            : messageCard('That button does not point at a finding.', { tone: 'refusal' });
      } else {
        const minSeverity = action.data.minSeverity;
        const page = serviceFindingCards(audit.report, {
          page: action.verb === 'showFindings' ? action.data.page : 1,
          ...(minSeverity === undefined ? {} : { minSeverity }),
          refFor: this.refFor(conversationId, audit),
        });
        // An invoke answer replaces one card: the first card of the page replaces the clicked one,
        // the rest of the page follows as messages.
        for (const extra of page.cards.slice(1)) await this.reply(context, extra);
        card = page.cards[0] ?? messageCard('No findings match.', { tone: 'success' });
      }
    }
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
  }

  private summary(conversationId: string, audit: RetainedAudit): Card {
    return summaryCard(audit.report, { refFor: this.refFor(conversationId, audit) });
  }

  private refFor(conversationId: string, audit: RetainedAudit): RefFor {
    const { refs } = this.options;
    return (kind, payload) => {
      if (kind === 'report') return refs.issue(conversationId, { kind: 'report', auditId: audit.id }, REF_TTL_IN_MS);
      const fix = payload as RefPayloads['fix'];
      return refs.issue(
        conversationId,
        { kind: 'fix', auditId: audit.id, serviceId: fix.serviceId, serviceName: fix.serviceName, ruleId: fix.ruleId, resourceIds: fix.resourceIds },
        REF_TTL_IN_MS,
      );
    };
  }

  private async reply(context: TurnContext, card: Card): Promise<void> {
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  }
}
