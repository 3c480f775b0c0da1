/**
 * Adaptive Cards (1.5) for the Teams bot. Each function builds a plain view model from its input
 * (pure: no I/O besides reading the templates in cards/ once, no clock), expands the matching
 * template with adaptivecards-templating, checks that no `${…}` binding is left, and keeps the card
 * within the byte budget (28 KB counted as UTF-16, see {@link cardBytes}).
 *
 * Actions are Action.Execute with a verb and small data (see {@link CardAction}); anything that
 * names a finding travels as an opaque ref from the caller's {@link RefFor}.
 */
export { withSandboxBanner } from './banner.js';
export { filterWords, summaryCard, type SummaryOptions } from './summary.js';
export { findingCardAgain, serviceFindingCards, DEFAULT_PAGE_SIZE, type FindingsOptions, type FindingsPage } from './findings.js';
export { explainCard } from './explain-card.js';
export { digestCard, DIGEST_CHART_TYPE, type DigestCardOptions } from './digest-card.js';
export { alertCard, type AlertModel, type AlertRow } from './alert-card.js';
export { historyCard, type HistoryModel, type HistoryRow } from './history-card.js';
export { fixStatusCard, type FixFlowButton, type FixStage, type FixStatusModel } from './fix-status-card.js';
export { acceptRiskCard, type AcceptRiskForm } from './accept-risk-card.js';
export { exemptionsCard } from './exemptions-card.js';
export { fixAnswerCard, type FixAnswerModel, type FixChange, type FixRequestShown } from './fix-answer-card.js';
export {
  FIRST_COMMANDS,
  helpCard,
  HELP_COMMANDS,
  welcomeCard,
  messageCard,
  progressCard,
  rulesCard,
  type HelpOptions,
  type MessageOptions,
  type MessageTone,
  type ProgressModel,
  type RuleSummary,
  type WelcomeOptions,
} from './messages.js';
export { CARD_BUDGET_BYTES, cardBytes, CardRenderError, TEMPLATE_NAMES, type TemplateName } from './templates.js';
export {
  CARD_VERBS,
  isStaticCard,
  parseCardAction,
  type AdaptiveCard,
  type AcceptRiskSubmission,
  type AuditFilters,
  type CardAction,
  type CardOrigin,
  type CardVerb,
  type RefFor,
  type RefKind,
  type RefPayloads,
  type RemediationVerb,
  type RowButtons,
  type StaticCard,
} from './types.js';
