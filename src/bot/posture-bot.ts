import { ActivityHandler, CardFactory, TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import type { Logger } from 'pino';
import {
  exemptionsCard,
  explainCard,
  findingCardAgain,
  historyCard,
  helpCard,
  messageCard,
  welcomeCard,
  withSandboxBanner,
  parseCardAction,
  rulesCard,
  serviceFindingCards,
  summaryCard,
  type AuditFilters,
  type CardAction,
  type RefFor,
  type RefPayloads,
} from '../cards/render.js';
import type { AuditConfig } from '../engine/audit-config.js';
import { RuleSelectionError, selectRules } from '../engine/select-rules.js';
import { resolveScope, ScopeError, type Environments, type ResolvedScope } from '../inventory/scope.js';
import type { AnyRule, Severity } from '../rules/types.js';
import { ALL_RULES, findRule } from '../rules/index.js';
import { initialProgressCard, type AuditRunner } from './audit-runner.js';
import { parseCommand, type Command } from './commands.js';
import { listExemptions } from '../exemptions/in-force.js';
import { suggestedAudits } from './suggested-audits.js';
import { fixAnswer } from './fix-answer.js';
import { isOpenFailure } from '../contracts/results.js';
import type { Report } from '../engine/report.js';
import type { Finding } from '../remediation/finding-fix.js';
import type { FixActor, FixFlow } from './fix-flow.js';
import type { RiskFlow } from './risk-flow.js';
import type { Card, Messenger } from './messenger.js';
import { isAuditRef, type AuditRef, type ButtonRefs, type CardButtons } from './bot-buttons.js';
import { detachedCard, keptCardAgain, rowFinding } from './detached-cards.js';
import type { AuditLog, ConversationStore, JsonObject, SubscriptionStore } from '../store/index.js';
import { subscriptionAnswer, type SubscriptionServices } from './subscription-answers.js';
import { historyModel } from './history.js';
import type { RetainedAudit } from './retained-audits.js';

/** Conversations remembered as already stored, before the set starts over (bounded memory). */
const MAX_REMEMBERED = 10_000;

export interface PostureBotOptions {
  readonly runner: AuditRunner;
  /** What the buttons mean: in memory, or in the durable store (restarts, several instances). */
  readonly buttons: ButtonRefs;
  readonly environments: Environments;
  readonly audit: AuditConfig;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Proactive access to a conversation once the turn is over (progress edits, results). */
  readonly messengerFor: (context: TurnContext) => Messenger;
  /** The target is the local sandbox: every card carries a banner saying so. */
  readonly sandbox?: boolean;
  /** Where conversation references are kept for messages the bot sends on its own (the digest). */
  readonly conversations?: ConversationStore;
  /** Guarded remediation (confirm, approve, apply, verify, revert); without it Fix shows the plan only. */
  readonly fixFlow?: FixFlow;
  /** The store's audit trail, for `history`. */
  readonly auditLog?: AuditLog;
  /** Accept risk on a finding (needs the store); without it the form is refused. */
  readonly riskFlow?: RiskFlow;
  /** Which conversations get the digest and alerts: "subscribe digest prod", "subscriptions". */
  readonly subscriptions?: SubscriptionStore;
  /** Where `digest now` reads posture history, with the configured SLA days. */
  readonly digest?: SubscriptionServices['digest'];
}

/** What the bot can do only with the durable store; absent ones answer that the store is needed. */
export type StoreFeatures = Pick<PostureBotOptions, 'conversations' | 'fixFlow' | 'auditLog' | 'riskFlow' | 'subscriptions' | 'digest'>;

/**
 * The Teams conversation: commands in personal chat, group chats and channels (where the bot is
 * @mentioned), card buttons as Action.Execute invokes. Every audit echoes the scope it resolved, so
 * nobody audits — or later fixes — the wrong estate.
 */
export class PostureBot extends ActivityHandler {
  constructor(private readonly options: PostureBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      await this.remember(context);
      await this.handleMessage(context);
      await next();
    });
    // Installed in personal chat, added to a team or a group chat: Teams says the bot joined.
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient.id;
      if ((context.activity.membersAdded ?? []).some((member) => member.id === botId)) {
        await this.remember(context);
        await this.reply(context, welcomeCard({ environments: Object.keys(this.options.environments) }));
      }
      await next();
    });
  }

  /** Conversations already written to the store by this process: one write each, not one per message. */
  private readonly remembered = new Set<string>();

  /**
   * Keeps the conversation reference (on install and on the first message a process sees), so a
   * later proactive message reaches it after a restart. A store failure never blocks the answer.
   */
  private async remember(context: TurnContext): Promise<void> {
    const { conversations } = this.options;
    const id = context.activity.conversation.id;
    if (conversations === undefined || this.remembered.has(id)) return;
    try {
      await conversations.put(id, referenceOf(context));
      if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
      this.remembered.add(id);
    } catch (error) {
      this.options.logger.warn({ err: error, conversationId: id }, 'could not keep the conversation reference');
    }
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
      case 'history': {
        const { auditLog } = this.options;
        await this.reply(
          context,
          auditLog === undefined
            ? messageCard('History needs the bot’s store, and this bot runs without one.', { tone: 'info' })
            : historyCard(historyModel(await auditLog.read(), command.service)),
        );
        return;
      }
      case 'exemptions': {
        const { configured, stored } = await runner.exemptions();
        await this.reply(context, exemptionsCard(listExemptions(configured, stored, this.options.now())));
        return;
      }
      case 'last': {
        const audit = await runner.last(conversationId);
        await this.reply(
          context,
          audit === undefined
            ? messageCard('No audit results are kept for this conversation (none has run yet, or they expired). Try "audit apim in prod".', { tone: 'info' })
            : await this.summary(conversationId, audit),
        );
        return;
      }
      case 'subscribe':
      case 'unsubscribe':
      case 'subscriptions':
      case 'digest':
      case 'invalid': {
        const asker = { conversationId, userId: actorOf(context).key, reference: referenceOf(context) };
        const { subscriptions, conversations, digest } = this.options;
        const services: SubscriptionServices = {
          environments: this.options.environments,
          now: this.options.now,
          detached: (conversation, environment, render) => detachedCard(this.options.buttons, conversation, environment, render),
          ...(subscriptions === undefined ? {} : { subscriptions }),
          ...(conversations === undefined ? {} : { conversations }),
          ...(digest === undefined ? {} : { digest: { configuredExemptions: this.options.audit.exemptions, ...digest } }),
        };
        await this.reply(context, await subscriptionAnswer(command, asker, services));
        return;
      }
      case 'audit': {
        if (command.environment === undefined && command.services.length === 0) {
          // Chat words, not the CLI's flags: "audit" alone names no estate.
          const environments = Object.keys(this.options.environments);
          await this.reply(
            context,
            messageCard('Say which estate to audit: an environment ("audit apim in prod") or a service by its name ("audit apim-payments-prod-weu").', {
              tone: 'info',
              commands: environments.slice(0, 4).map((environment) => `audit apim in ${environment}`),
            }),
          );
          return;
        }
        const filters: AuditFilters = {
          ...(command.minSeverity === undefined ? {} : { minSeverity: command.minSeverity }),
          ruleIds: command.ruleIds,
          services: command.services,
          // A named service is small enough to read its child resources too.
          deep: command.deep || command.services.length > 0,
        };
        let scope;
        let rules;
        try {
          scope = resolveScope({ ...(command.environment === undefined ? {} : { environment: command.environment }), services: command.services }, this.options.environments);
          rules = rulesFor(filters);
        } catch (error) {
          // Scope and rule mistakes ("prd", "APIM-999") are caught before anything runs.
          if (error instanceof ScopeError) {
            await this.reply(context, messageCard(error.message, { tone: 'refusal', commands: suggestedAudits(error, filters) }));
            return;
          }
          if (error instanceof RuleSelectionError) {
            await this.reply(context, messageCard(error.message, { tone: 'refusal' }));
            return;
          }
          throw error;
        }
        await this.startAudit(context, scope, rules, filters, logger);
        return;
      }
    }
  }

  /** Admits an audit, posts its progress card in the turn and lets it run (and edit that card) afterwards. */
  private async startAudit(context: TurnContext, scope: ResolvedScope, rules: readonly AnyRule[], filters: AuditFilters, logger: Logger): Promise<void> {
    const { runner } = this.options;
    const conversationId = context.activity.conversation.id;
    const admission = runner.admit({ conversationId, userId: actorOf(context).key, scope });
    if (!admission.ok) {
      await this.reply(context, admission.refusal);
      return;
    }
    // Answer within the turn; the audit runs afterwards and edits this card in place.
    let progress;
    try {
      progress = await context.sendActivity({ attachments: [CardFactory.adaptiveCard(this.decorate(initialProgressCard(scope, rules.length)))] });
    } catch (error) {
      admission.cancel();
      throw error;
    }
    admission.start({
      conversationId,
      scope,
      rules,
      deep: filters.deep,
      filters,
      progressActivityId: progress?.id ?? '',
      messenger: this.messenger(context),
      logger,
      renderResult: (audit) => this.summary(conversationId, audit),
    });
  }

  /**
   * Card buttons (Action.Execute). The data carries only opaque refs, looked up server-side for this
   * conversation, so forged, foreign or stale buttons get a polite refusal. An answer never wipes
   * the card that was clicked: it arrives as new messages, and the clicked card comes back as it
   * was (or, for the summary, saying what is now below it, for everyone in the conversation).
   */
  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const action = parseCardAction(value.action.verb, value.action.data);
    const logger = this.options.logger.child({ activityId: context.activity.id, conversationId: context.activity.conversation.id });
    const answered = action === undefined ? { card: messageCard('I do not recognise that button.', { tone: 'refusal' }) } : await this.answer(context, action, logger);
    const answer = { ...answered, card: this.decorate(answered.card) };
    const clickedId = context.activity.replyToId;
    if (answer.forEveryone === true && clickedId !== undefined && clickedId !== '') {
      // The invoke answer reaches only the person who clicked; an edit shows everyone the same card.
      await context.updateActivity({ id: clickedId, type: 'message', attachments: [CardFactory.adaptiveCard(answer.card)] }).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not update the clicked card for everyone');
      });
    }
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: answer.card };
  }

  private async answer(context: TurnContext, action: CardAction, logger: Logger): Promise<{ card: Card; forEveryone?: boolean }> {
    const conversationId = context.activity.conversation.id;
    if (action.verb === 'command') {
      // As if the clicker had typed it: the same parser, the same checks, answers as new messages.
      await this.execute(context, parseCommand(action.data.text, Object.keys(this.options.environments)), logger);
      const card = action.data.card;
      if (card === 'help') return { card: helpCard({ environments: Object.keys(this.options.environments) }) };
      if (card === 'welcome') return { card: welcomeCard({ environments: Object.keys(this.options.environments) }) };
      const kept = card === undefined ? undefined : await this.keptCard(conversationId, card);
      return { card: kept ?? messageCard(`You chose “${action.data.text}”.`, { tone: 'info' }) };
    }
    if (action.verb === 'rowFix') return this.rowFix(context, action.data);
    if (action.verb === 'apply' || action.verb === 'cancelFix' || action.verb === 'approve' || action.verb === 'reject' || action.verb === 'revert') {
      const { fixFlow } = this.options;
      if (fixFlow === undefined) return { card: messageCard('Applying fixes is not set up on this bot; nothing was changed.', { tone: 'refusal' }) };
      const clickedId = context.activity.replyToId;
      return fixFlow.handle(actorOf(context), action.verb, action.data.ref, { messenger: this.messenger(context), activityId: clickedId ?? '' });
    }
    const expired = messageCard('This button has expired or belongs to another conversation. Run the audit again for fresh results.', { tone: 'refusal' });
    if (action.verb === 'explain') {
      const rule = findRule(action.data.ruleId);
      const explanation = rule === undefined ? messageCard(`There is no rule ${action.data.ruleId}.`, { tone: 'refusal' }) : explainCard(rule);
      const { card: cardRef } = action.data;
      // One lookup of the clicked card's ref: a digest's or alert's kept copy, or an audit's card.
      const clickedRef = cardRef === undefined ? undefined : await this.options.buttons.resolve(conversationId, cardRef);
      if (clickedRef?.kind === 'kept' && cardRef !== undefined) {
        await this.reply(context, explanation);
        return { card: keptCardAgain(clickedRef, cardRef) };
      }
      const clicked = clickedRef === undefined || !isAuditRef(clickedRef) ? undefined : await this.withAudit(conversationId, clickedRef);
      const again = clicked === undefined ? undefined : await this.cardAgain(conversationId, clicked.stored, clicked.audit, { ruleId: action.data.ruleId });
      // Without the card it came from (an old or expired card) the explanation takes its place.
      if (again === undefined) return { card: explanation };
      await this.reply(context, explanation);
      return { card: again };
    }
    const clicked = await this.resolve(conversationId, action.data.ref);
    if (clicked === undefined) return { card: expired };
    const { stored, audit } = clicked;
    if (action.verb === 'riskForm' || action.verb === 'acceptRisk') {
      const { riskFlow } = this.options;
      if (stored.kind !== 'fix') return { card: messageCard('That button does not point at a finding.', { tone: 'refusal' }) };
      if (riskFlow === undefined) return { card: messageCard('Accepting risks needs the bot’s store, and this bot runs without one.', { tone: 'refusal' }) };
      const finding = { ref: action.data.ref, serviceId: stored.serviceId, serviceName: stored.serviceName, ruleId: stored.ruleId, environment: audit.asked?.scope.environment };
      if (action.verb === 'acceptRisk') {
        // The answer replaces the form: what was accepted, or why not.
        return { card: (await riskFlow.accept(actorOf(context), finding, action.data)).card };
      }
      // The form arrives below the finding card, which comes back as it was.
      await this.reply(context, riskFlow.form(actorOf(context), finding));
      return { card: (await this.cardAgain(conversationId, stored, audit, { ruleId: stored.ruleId })) ?? messageCard('The form is below.', { tone: 'info' }) };
    }
    if (action.verb === 'fixAll') {
      const { fixFlow } = this.options;
      if (stored.kind !== 'fixAll') return { card: messageCard('That button does not point at a service.', { tone: 'refusal' }) };
      const findings = fixableFindings(audit.report, stored.serviceId, stored.serviceName);
      const [first, ...also] = findings;
      if (first === undefined) return { card: messageCard(`No open finding on ${stored.serviceName} has an automatic fix in this audit.`, { tone: 'info' }) };
      await this.reply(
        context,
        fixFlow === undefined
          ? fixAnswer({ ...first, report: audit.report }, audit.estate, this.options.now(), this.options.audit.ruleOptions, { armEndpoint: this.options.runner.armEndpoint, also })
          : await fixFlow.confirm(actorOf(context), { finding: first, also, environment: audit.asked?.scope.environment, report: audit.report, estate: audit.estate }),
      );
      return { card: (await this.cardAgain(conversationId, stored, audit, 'pager')) ?? messageCard('The fix is below.', { tone: 'info' }) };
    }
    if (action.verb === 'fix') {
      if (stored.kind !== 'fix') return { card: messageCard('That button does not point at a finding.', { tone: 'refusal' }) };
      const { fixFlow } = this.options;
      const finding = { serviceId: stored.serviceId, serviceName: stored.serviceName, ruleId: stored.ruleId, resourceIds: stored.resourceIds };
      await this.reply(
        context,
        fixFlow === undefined
          ? fixAnswer({ ...finding, report: audit.report }, audit.estate, this.options.now(), this.options.audit.ruleOptions, { armEndpoint: this.options.runner.armEndpoint })
          : await fixFlow.confirm(actorOf(context), { finding, environment: audit.asked?.scope.environment, report: audit.report, estate: audit.estate }),
      );
      return { card: (await this.cardAgain(conversationId, stored, audit, { ruleId: stored.ruleId })) ?? messageCard('The fix plan is below.', { tone: 'info' }) };
    }
    if (action.verb === 'deepAudit') {
      const asked = audit.asked;
      if (asked === undefined) return { card: expired };
      let rules;
      try {
        rules = rulesFor(asked.filters);
      } catch (error) {
        if (error instanceof RuleSelectionError) return { card: messageCard(error.message, { tone: 'refusal' }) };
        throw error;
      }
      await this.startAudit(context, asked.scope, rules, { ...asked.filters, deep: true }, logger);
      return { card: (await this.cardAgain(conversationId, stored, audit, 'pager')) ?? (await this.summary(conversationId, audit)) };
    }
    // Show findings, a filter or a pager button: the page follows as new messages.
    const minSeverity: Severity | undefined = action.data.minSeverity;
    const buttons = this.options.buttons.card(conversationId);
    const page = serviceFindingCards(audit.report, {
      page: action.verb === 'showFindings' ? action.data.page : 1,
      ...(minSeverity === undefined ? {} : { minSeverity }),
      refFor: this.refFor(buttons, audit),
    });
    for (const card of page.cards) await this.reply(context, await buttons.commit(card));
    if (stored.origin.view === 'summary') {
      return { card: await this.summary(conversationId, audit, minSeverity ?? 'all'), forEveryone: true };
    }
    return { card: (await this.cardAgain(conversationId, stored, audit, 'pager')) ?? messageCard('The next findings are below.', { tone: 'info' }) };
  }

  /** The stored ref and its kept audit, if both still exist for this conversation. */
  private async resolve(conversationId: string, ref: string): Promise<{ stored: AuditRef; audit: RetainedAudit } | undefined> {
    const stored = await this.options.buttons.resolve(conversationId, ref);
    return stored === undefined || !isAuditRef(stored) ? undefined : this.withAudit(conversationId, stored);
  }

  /** An audit ref with its kept audit, if that still exists for this conversation. */
  private async withAudit(conversationId: string, stored: AuditRef): Promise<{ stored: AuditRef; audit: RetainedAudit } | undefined> {
    const audit = await this.options.runner.recall(conversationId, stored.auditId);
    return audit === undefined ? undefined : { stored, audit };
  }

  /** A digest's or alert's kept copy, if the ref names one of this conversation that has not expired. */
  private async keptCard(conversationId: string, ref: string): Promise<Card | undefined> {
    const stored = await this.options.buttons.resolve(conversationId, ref);
    return stored?.kind === 'kept' ? keptCardAgain(stored, ref) : undefined;
  }

  /**
   * Fix on a digest or alert row: the confirmation (or the plan and why not) arrives below, planned
   * from a fresh read of the service, and the digest or alert comes back as it was.
   */
  private async rowFix(context: TurnContext, data: { readonly ref: string; readonly card?: string }): Promise<{ card: Card }> {
    const conversationId = context.activity.conversation.id;
    const stored = await this.options.buttons.resolve(conversationId, data.ref);
    if (stored?.kind !== 'rowFix') return { card: messageCard('This button has expired or belongs to another conversation. Run the audit again for fresh results.', { tone: 'refusal' }) };
    const { fixFlow } = this.options;
    await this.reply(
      context,
      fixFlow === undefined
        ? messageCard(`Applying fixes is not set up on this bot; audit ${stored.serviceName} to see the plan.`, { tone: 'info', commands: [`audit ${stored.serviceName}`] })
        : await fixFlow.confirmFresh(actorOf(context), { finding: rowFinding(stored), environment: stored.environment }),
    );
    const kept = data.card === undefined ? undefined : await this.keptCard(conversationId, data.card);
    return { card: kept ?? messageCard('The fix is below.', { tone: 'info' }) };
  }

  /** The card a ref sits on, rendered again as it was posted. */
  private async cardAgain(conversationId: string, stored: AuditRef, audit: RetainedAudit, anchor: { readonly ruleId: string } | 'pager'): Promise<Card | undefined> {
    const { origin } = stored;
    if (origin.view === 'summary') return this.summary(conversationId, audit, origin.shownBelow);
    const buttons = this.options.buttons.card(conversationId);
    const card = findingCardAgain(audit.report, origin, anchor, this.refFor(buttons, audit));
    return card === undefined ? undefined : buttons.commit(card);
  }

  private async summary(conversationId: string, audit: RetainedAudit, shownBelow?: Severity | 'all'): Promise<Card> {
    const buttons = this.options.buttons.card(conversationId);
    const card = summaryCard(audit.report, {
      refFor: this.refFor(buttons, audit),
      ...(audit.asked === undefined ? {} : { filters: audit.asked.filters }),
      ...(shownBelow === undefined ? {} : { shownBelow }),
    });
    return buttons.commit(card);
  }

  /** Refs for the buttons of cards about one kept audit: ids and origins only, never the report. */
  private refFor(buttons: CardButtons, audit: RetainedAudit): RefFor {
    return (kind, payload) => {
      if (kind === 'report') return buttons.refFor({ kind: 'report', auditId: audit.id, origin: payload.origin });
      if (kind === 'fixAll') {
        const all = payload as RefPayloads['fixAll'];
        return buttons.refFor({ kind: 'fixAll', auditId: audit.id, origin: all.origin, serviceId: all.serviceId, serviceName: all.serviceName });
      }
      const fix = payload as RefPayloads['fix'];
      return buttons.refFor({ kind: 'fix', auditId: audit.id, origin: fix.origin, serviceId: fix.serviceId, serviceName: fix.serviceName, ruleId: fix.ruleId, resourceIds: fix.resourceIds });
    };
  }

  private async reply(context: TurnContext, card: Card): Promise<void> {
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(this.decorate(card))] });
  }

  /** Every card leaves through here (replies, invoke answers, progress and results, later edits). */
  decorate(card: Card): Card {
    return this.options.sandbox === true ? withSandboxBanner(card) : card;
  }

  private messenger(context: TurnContext): Messenger {
    const messenger = this.options.messengerFor(context);
    return {
      send: (card) => messenger.send(this.decorate(card)),
      update: (activityId, card) => messenger.update(activityId, this.decorate(card)),
    };
  }
}

/** The open findings of a service whose rule has an automatic fix, one per rule: what "Fix all" offers. */
function fixableFindings(report: Report, serviceId: string, serviceName: string): Finding[] {
  const byRule = new Map<string, string[]>();
  for (const result of report.results) {
    const kind = findRule(result.ruleId)?.meta.fix;
    if (result.serviceId.toLowerCase() !== serviceId.toLowerCase() || !isOpenFailure(result) || (kind !== 'safe' && kind !== 'guarded')) continue;
    byRule.set(result.ruleId, [...(byRule.get(result.ruleId) ?? []), result.resourceId]);
  }
  return [...byRule].map(([ruleId, resourceIds]) => ({ serviceId, serviceName, ruleId, resourceIds }));
}

/** The conversation reference of a turn as plain JSON, as the store keeps it (for proactive messages). */
function referenceOf(context: TurnContext): JsonObject {
  return JSON.parse(JSON.stringify(TurnContext.getConversationReference(context.activity))) as JsonObject;
}

/** Who clicked: the Entra object id the remediation policy lists, and the key refs are bound to. */
function actorOf(context: TurnContext): FixActor {
  const { from, conversation } = context.activity;
  const aadObjectId = from.aadObjectId !== undefined && from.aadObjectId !== '' ? from.aadObjectId : undefined;
  // Typed as a string, but absent from some clients' activities.
  const name: unknown = (from as { name?: unknown }).name;
  return { conversationId: conversation.id, key: aadObjectId ?? from.id, aadObjectId, name: typeof name === 'string' && name.trim() !== '' ? name : (aadObjectId ?? from.id) };
}

/** The rules an audit with these filters evaluates; RuleSelectionError for ids that name no rule. */
function rulesFor(filters: AuditFilters): AnyRule[] {
  return selectRules(ALL_RULES, { ids: filters.ruleIds, ...(filters.minSeverity === undefined ? {} : { minSeverity: filters.minSeverity }) });
}
