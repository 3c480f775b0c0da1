/**
 * Adaptive Cards (1.5) for the Teams bot. Each function builds a plain view model from its input
 * (pure: no I/O besides reading the templates in cards/ once, no clock), expands the matching
 * template with adaptivecards-templating, checks that no `${…}` binding is left, and keeps the card
 * within the byte budget (28 KB counted as UTF-16, see {@link cardBytes}).
 *
 * Actions are Action.Execute with a verb and small data (see {@link CardAction}); anything that
 * names a finding travels as an opaque ref from the caller's {@link RefFor}.
 */
export { summaryCard, type SummaryOptions } from './summary.js';
export { serviceFindingCards, DEFAULT_PAGE_SIZE, type FindingsOptions, type FindingsPage } from './findings.js';
export { explainCard } from './explain-card.js';
export { fixAnswerCard, type FixAnswerModel, type FixChange, type FixRequestShown } from './fix-answer-card.js';
export {
  helpCard,
  HELP_COMMANDS,
  messageCard,
  progressCard,
  rulesCard,
  type HelpOptions,
  type MessageOptions,
  type MessageTone,
  type ProgressModel,
  type RuleSummary,
} from './messages.js';
export { CARD_BUDGET_BYTES, cardBytes, CardRenderError, TEMPLATE_NAMES, type TemplateName } from './templates.js';
export {
  CARD_VERBS,
  parseCardAction,
  type AdaptiveCard,
  type CardAction,
  type CardVerb,
  type RefFor,
  type RefKind,
  type RefPayloads,
} from './types.js';
