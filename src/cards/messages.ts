import type { RuleMeta, Severity } from '../rules/types.js';
import { CARD_BUDGET_BYTES, expand, firstThatFits } from './templates.js';
import { plural, progressBar } from '../util/text.js';
import { clip, MAX_LINE, SEVERITY_COLOR, SEVERITY_LABEL, SEVERITY_RANK, type CardColor } from './text.js';
import type { AdaptiveCard, StaticCard } from './types.js';

// ── progress ────────────────────────────────────────────────────────────────

export interface ProgressModel {
  /** Short scope name for the title ("prod"). */
  readonly scopeName: string;
  /** The scope echo: what is being audited. */
  readonly scope: string;
  /** What is happening now: "Reading child resources". */
  readonly phase: string;
  /** Subscriptions in scope. */
  readonly subscriptions?: number;
  readonly servicesFound?: number;
  /** Resource Graph pages read so far. */
  readonly pages?: number;
  readonly rules?: number;
  /** Services whose child resources have been read, of all services that need them. */
  readonly childrenDone?: number;
  readonly childrenTotal?: number;
}

/** The card the bot posts at once and updates in place while an audit runs. */
export function progressCard(model: ProgressModel): AdaptiveCard {
  const facts: { title: string; value: string }[] = [];
  if (model.subscriptions !== undefined) facts.push({ title: 'Subscriptions', value: `${model.subscriptions} in scope` });
  const graph = [
    ...(model.pages === undefined ? [] : [`${model.pages} ${model.pages === 1 ? 'page' : 'pages'}`]),
    ...(model.servicesFound === undefined ? [] : [`${model.servicesFound} APIM services found`]),
  ];
  if (graph.length > 0) facts.push({ title: 'Resource Graph', value: graph.join(' · ') });
  if (model.rules !== undefined) facts.push({ title: 'Rules', value: `evaluating ${plural(model.rules, 'rule')}` });
  const hasBar = model.childrenTotal !== undefined && model.childrenTotal > 0;
  const title = `Auditing ${clip(model.scopeName, 60)} …`;
  const phase = clip(model.phase, 200);
  return expand('progress', {
    fallbackText: `${title} ${phase}`,
    title,
    scope: clip(model.scope, 400),
    phase,
    hasFacts: facts.length > 0,
    facts,
    hasBar,
    bar: hasBar ? progressBar(model.childrenDone ?? 0, model.childrenTotal ?? 0) : '',
    barLabel: 'services with child resources read',
  });
}

// ── help ────────────────────────────────────────────────────────────────────

export interface HelpOptions {
  /** A command close to what the person typed: "Did you mean …?". */
  readonly suggestion?: string;
  /** Environments the bot knows, listed so nobody has to guess. */
  readonly environments?: readonly string[];
}

/** The commands of CONVERSATION.md §6, with the filters an audit takes; the examples exist on the sandbox. */
export const HELP_COMMANDS: readonly { readonly command: string; readonly what: string }[] = [
  { command: 'audit apim in prod', what: 'audit every APIM service of an environment' },
  { command: 'audit apim-payments-prod-weu', what: 'audit one service by name (its APIs, policies and backends too)' },
  { command: 'audit apim in prod high and above', what: 'only critical and high findings' },
  { command: 'audit apim in prod rule APIM-004', what: 'only the rules named' },
  { command: 'audit apim in prod deep', what: 'also read APIs, policies, backends and other child resources' },
  { command: 'explain APIM-001', what: 'what a rule checks, why it matters, how to fix it' },
  { command: 'rules', what: 'list every rule with its severity' },
  { command: 'last', what: 'show the last audit again' },
  { command: 'history apim-payments-prod-weu', what: 'fixes, reverts and accepted risks on a service, from the audit trail' },
  { command: 'exemptions', what: 'the accepted risks: from the configuration and accepted in Teams, with their expiry' },
  { command: 'subscribe digest prod weekly Monday 09:00 Europe/Berlin', what: 'post the digest here (defaults: weekly, Monday, 09:00, UTC)' },
  { command: 'subscribe alerts prod high', what: 'post new findings of this severity and above here' },
  { command: 'subscriptions', what: 'what this conversation is subscribed to; "unsubscribe digest prod" stops one' },
  { command: 'digest now prod', what: 'preview the digest: score trend, new, overdue, owners, expiring exemptions' },
];

/** The three commands a first-time user is offered as buttons. */
export const FIRST_COMMANDS: readonly string[] = ['audit apim in prod', 'audit apim-payments-prod-weu', 'explain APIM-001'];

/** A button that runs a command as if it had been typed; `card` is the static card it sits on. */
function commandButton(text: string, card?: StaticCard): { title: string; data: object } {
  const command = clip(text, 120);
  return { title: command, data: { text: command, ...(card === undefined ? {} : { card }) } };
}

export function helpCard(options: HelpOptions = {}): AdaptiveCard {
  const suggestion = options.suggestion === undefined ? '' : clip(options.suggestion, 120);
  const environments = options.environments ?? [];
  return expand('help', {
    fallbackText: `I audit Azure API Management security. Try: ${HELP_COMMANDS.map((c) => `"${c.command}"`).join(' · ')}.`,
    hasSuggestion: suggestion !== '',
    suggestion: suggestion === '' ? '' : `“${suggestion}”`,
    suggestionButtons: suggestion === '' ? [] : [commandButton(suggestion, 'help')],
    commands: HELP_COMMANDS,
    hasEnvironments: environments.length > 0,
    environments: clip(`Known environments: ${environments.join(', ')}.`, MAX_LINE),
    buttons: FIRST_COMMANDS.map((command) => commandButton(command, 'help')),
  });
}

export interface WelcomeOptions {
  readonly environments?: readonly string[];
  /** Shown prominently when the bot audits the local sandbox rather than Azure. */
  readonly sandbox?: boolean;
}

/** First contact (the bot was installed or added to a team): what it does, what to type, how to scope it. */
export function welcomeCard(options: WelcomeOptions = {}): AdaptiveCard {
  const environments = options.environments ?? [];
  return expand('welcome', {
    fallbackText: `Hi, I audit the security of Azure API Management. Try: ${FIRST_COMMANDS.map((c) => `"${c}"`).join(' · ')}.`,
    hasEnvironments: environments.length > 0,
    environments: clip(`Environments I know: ${environments.join(', ')}. Name one ("audit apim in ${environments[0] ?? 'prod'}") or a service by its name.`, MAX_LINE),
    buttons: FIRST_COMMANDS.map((command) => commandButton(command, 'welcome')),
  });
}

// ── rules ───────────────────────────────────────────────────────────────────

export type RuleSummary = Pick<RuleMeta, 'id' | 'title' | 'severity'>;

/** "rules": every rule, by severity, one compact line each. */
export function rulesCard(rules: readonly RuleSummary[], options: { readonly budgetBytes?: number } = {}): AdaptiveCard {
  const model = (limit: number): object => {
    const shown = [...rules].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]).slice(0, limit);
    const groups = (['critical', 'high', 'medium', 'low'] as const satisfies readonly Severity[])
      .map((severity) => ({ severity, rules: shown.filter((rule) => rule.severity === severity) }))
      .filter((group) => group.rules.length > 0)
      .map((group) => ({
        heading: `${SEVERITY_LABEL[group.severity]} (${rules.filter((rule) => rule.severity === group.severity).length})`,
        color: SEVERITY_COLOR[group.severity],
        rules: group.rules.map((rule) => ({ id: rule.id, title: clip(rule.title, 120) })),
      }));
    return {
      fallbackText: `${plural(rules.length, 'rule')}.`,
      title: `Rules (${rules.length})`,
      groups,
      hasMore: shown.length < rules.length,
      more: `… and ${rules.length - shown.length} more`,
    };
  };
  return firstThatFits('rules', [() => model(rules.length), () => model(80), () => model(30)], options.budgetBytes ?? CARD_BUDGET_BYTES);
}

// ── error / refusal / notice ────────────────────────────────────────────────

export type MessageTone = 'error' | 'refusal' | 'info' | 'success';

export interface MessageOptions {
  readonly tone?: MessageTone;
  /** What to do instead: "Did you mean prod? Known environments: prod, dev, sandbox." */
  readonly suggestion?: string;
  /** Commands offered as buttons ("audit apim in prod" after a typo), run as if typed. */
  readonly commands?: readonly string[];
}

const TONES: Readonly<Record<MessageTone, readonly [string, CardColor]>> = {
  error: ['✖', 'Attention'],
  refusal: ['⚠', 'Warning'],
  info: ['ℹ', 'Accent'],
  success: ['✔', 'Good'],
};

/** One sentence, optionally with a suggestion: errors, refusals and short notices. */
export function messageCard(text: string, options: MessageOptions = {}): AdaptiveCard {
  const [icon, color] = TONES[options.tone ?? 'error'];
  const suggestion = options.suggestion === undefined ? '' : clip(options.suggestion, MAX_LINE);
  return expand('message', {
    fallbackText: clip(text, MAX_LINE),
    icon,
    color,
    text: clip(text, MAX_LINE),
    hasSuggestion: suggestion !== '',
    suggestion,
    buttons: (options.commands ?? []).slice(0, 5).map((command) => commandButton(command)),
  });
}
