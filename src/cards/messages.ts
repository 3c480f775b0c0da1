import { formatValue, shortenPath } from '../output/values.js';
import { describeNeeds, describeSources } from '../docs/render.js';
import type { AnyRule, RuleMeta, Severity } from '../rules/types.js';
import { CARD_BUDGET_BYTES, expand, firstThatFits } from './templates.js';
import { plural, progressBar } from '../util/text.js';
import { clip, cut, MAX_LINE, markdownLink, SEVERITY_COLOR, SEVERITY_LABEL, SEVERITY_RANK, type CardColor } from './text.js';
import type { AdaptiveCard, StaticCard } from './types.js';

/** Code or a request body as card lines: indentation kept (non-breaking), long lines cut. */
export function codeLines(code: string, maxLines: number, maxWidth: number): { text: string }[] {
  const lines = code.replace(/\r\n?/g, '\n').replace(/\t/g, '  ').split('\n');
  const shown = lines.slice(0, maxLines).map((line) => {
    const trimmed = line.trimEnd();
    const text = cut(trimmed, maxWidth).replace(/^ +/, (spaces) => '\u00a0'.repeat(spaces.length));
    return { text: text === '' ? '\u00a0' : text };
  });
  if (lines.length > maxLines) shown.push({ text: `… ${plural(lines.length - maxLines, 'more line')}` });
  return shown;
}

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

// ── explain ─────────────────────────────────────────────────────────────────

interface ExplainLimits {
  readonly section: number;
  readonly exampleLines: number;
  readonly notes: boolean;
  readonly example: boolean;
  readonly links: number;
}

const EXPLAIN_LEVELS: readonly ExplainLimits[] = [
  { section: 1500, exampleLines: 30, notes: true, example: true, links: 10 },
  { section: 600, exampleLines: 14, notes: true, example: true, links: 6 },
  { section: 240, exampleLines: 0, notes: false, example: false, links: 3 },
];

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** "explain APIM-004": everything a person needs to judge and fix one rule's findings. */
export function explainCard(rule: AnyRule, options: { readonly budgetBytes?: number } = {}): AdaptiveCard {
  return firstThatFits('explain', EXPLAIN_LEVELS.map((limits) => () => explainModel(rule, limits)), options.budgetBytes ?? CARD_BUDGET_BYTES);
}

function explainModel(rule: AnyRule, limits: ExplainLimits): object {
  const { meta } = rule;
  const { docs } = meta;
  const section = (heading: string, text: string): { heading: string; text: string } => ({ heading, text: clip(text, limits.section) });
  const fixWords = { safe: 'safe (automatic)', guarded: 'guarded (after a precondition check and approval)', manual: 'manual' } as const;
  const example = limits.example ? docs.examples[0] : undefined;
  const otherExamples = docs.examples.slice(1).map((e) => e.title);
  const references = describeSources(meta.sources).map((text) => ({ text: clip(text, MAX_LINE) }));
  const links = docs.links.slice(0, limits.links).map((link) => ({ markdown: markdownLink(clip(link.title, 120), link.url) }));
  return {
    fallbackText: `${meta.id} · ${meta.title} · ${SEVERITY_LABEL[meta.severity]}: ${docs.synopsis}`,
    ruleId: meta.id,
    title: clip(meta.title, 160),
    badge: `● ${SEVERITY_LABEL[meta.severity]}`,
    badgeColor: SEVERITY_COLOR[meta.severity],
    meta: `${capitalise(meta.category)} · ${meta.pillar} · fix: ${fixWords[meta.fix]}`,
    before: [section('Synopsis', docs.synopsis), section('Why it matters', docs.description), section('How to fix', docs.recommendation)],
    hasExample: example !== undefined,
    exampleTitle: example === undefined ? '' : clip(example.title, 120),
    exampleLines: example === undefined ? [] : codeLines(example.code, limits.exampleLines, 110),
    hasMoreExamples: example !== undefined && otherExamples.length > 0,
    moreExamples: `More in the rule docs: ${otherExamples.join(' · ')}`,
    after: [
      section('How it is checked', `${docs.howChecked} Reads ${describeNeeds(rule)}.`),
      ...(docs.notApplicableWhen === undefined ? [] : [section('Not applicable when', docs.notApplicableWhen)]),
      ...(limits.notes && docs.notes !== undefined ? [section('Notes', docs.notes)] : []),
    ],
    hasReferences: references.length > 0,
    references,
    hasLinks: links.length > 0,
    links,
  };
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

// ── fix answer ──────────────────────────────────────────────────────────────

export interface FixChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface FixAnswerModel {
  /** The rule of the finding being fixed; the card names the finding by its failure title. */
  readonly rule: RuleSummary & Pick<RuleMeta, 'failureTitle'>;
  readonly serviceName: string;
  /** What is changed, as people read it: "apim-payments-weu (payments-prod / rg-payments)"; default the service name. */
  readonly resource?: string;
  readonly scopeName?: string;
  /** How: "PATCH Microsoft.ApiManagement/service, whole customProperties map re-sent". */
  readonly method?: string;
  readonly changes: readonly FixChange[];
  /** The request body the change would send, shown as code (headers such as If-Match first, when it has any). */
  readonly requestBody?: string;
  /** Heading of {@link requestBody}; default "Request body". */
  readonly requestHeading?: string;
  /** Blast radius and other things to know before applying. */
  readonly note?: string;
  readonly budgetBytes?: number;
}

/** What the Fix button answers until guarded remediation exists: the change, and that nothing was applied. */
export function fixAnswerCard(model: FixAnswerModel): AdaptiveCard {
  const build = (maxChanges: number, bodyLines: number): object => {
    const changes = model.changes.slice(0, maxChanges).map((change) => ({
      text: clip(`${shortenPath(change.path)}: ${formatValue(change.before)} → ${formatValue(change.after)}`, 240),
    }));
    const body = model.requestBody === undefined || bodyLines === 0 ? [] : codeLines(model.requestBody, bodyLines, 110);
    const title = `Fix ${model.rule.id} on ${clip(model.serviceName, 80)}${model.scopeName === undefined ? '' : ` (${clip(model.scopeName, 40)})`}`;
    return {
      fallbackText: `${title}: approval and apply are not enabled yet; nothing was changed.`,
      title,
      badge: `● ${SEVERITY_LABEL[model.rule.severity]}`,
      badgeColor: SEVERITY_COLOR[model.rule.severity],
      ruleId: model.rule.id,
      ruleTitle: clip(model.rule.failureTitle, 160),
      resource: clip(model.resource ?? model.serviceName, 300),
      changeHeading: `The change it would make${model.method === undefined ? '' : ` (${clip(model.method, 160)})`}:`,
      changes: changes.length > 0 ? changes : [{ text: 'No property change is known for this finding.' }],
      hasMoreChanges: model.changes.length > changes.length,
      moreChanges: `… and ${plural(model.changes.length - changes.length, 'more change')}`,
      hasBody: body.length > 0,
      bodyHeading: model.requestHeading ?? 'Request body',
      bodyLines: body,
      hasNote: model.note !== undefined && model.note !== '',
      note: clip(model.note ?? '', 800),
    };
  };
  return firstThatFits('fix-answer', [() => build(40, 60), () => build(15, 20), () => build(5, 0)], model.budgetBytes ?? CARD_BUDGET_BYTES);
}
