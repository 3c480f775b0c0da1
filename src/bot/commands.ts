import { normaliseRuleId } from '../engine/select-rules.js';
import { closestWord } from '../util/closest-word.js';
import { SEVERITIES, type Severity } from '../rules/types.js';
import { parseSubscriptionCommand, type SubscriptionCommand } from './subscription-commands.js';

/** What a chat message asks for. Parsing is pure: no botbuilder, no I/O. */
export type Command =
  | {
      readonly kind: 'audit';
      readonly environment?: string;
      readonly services: readonly string[];
      readonly minSeverity?: Severity;
      readonly ruleIds: readonly string[];
      readonly deep: boolean;
    }
  | { readonly kind: 'explain'; readonly ruleId: string }
  | { readonly kind: 'rules' }
  | { readonly kind: 'last' }
  /** What fixes, reverts and exemptions did, from the audit trail; for one service when named. */
  | { readonly kind: 'history'; readonly service?: string }
  | { readonly kind: 'exemptions' }
  /** Subscribe, unsubscribe, list subscriptions, preview the digest; or why such a command was refused. */
  | SubscriptionCommand
  | { readonly kind: 'help'; readonly unknown?: string; readonly suggestion?: string };

const AUDIT_VERBS = new Set(['audit', 'check', 'scan', 'assess']);
const FILLER = new Set(['apim', 'api', 'management', 'in', 'for', 'on', 'of', 'the', 'env', 'environment', 'please', 'services', 'service']);
const QUESTION_WORDS = new Set(['how', 'what', "what's", 'whats', 'fix', 'remediate', 'tell', 'describe', 'show', 'details', 'info', 'about']);
const COMMAND_WORDS = ['audit apim in prod', 'explain APIM-001', 'rules', 'last', 'history', 'exemptions', 'subscribe digest prod', 'unsubscribe digest prod', 'subscriptions', 'digest now', 'help'];
const EXEMPTION_PHRASES = new Set(['exemptions', 'exemption', 'list exemptions', 'show exemptions', 'accepted risks', 'risks accepted']);

/**
 * Reads a message ("audit apim in prod high and above", "check apim in production rule APIM-004",
 * "audit apim-payments-weu", "explain apim-4"). Unknown input becomes help with the closest command.
 * `knownEnvironments` lets "audit apim prod" and "audit apim-payments-weu" be told apart.
 */
export function parseCommand(text: string, knownEnvironments: readonly string[]): Command {
  const clean = stripMentions(text).toLowerCase().replace(/[.!?]+$/, '').replace(/\s+/g, ' ').trim();
  if (clean === '' || ['help', '?', 'hi', 'hello', 'hey', 'commands'].includes(clean)) return { kind: 'help' };
  const words = clean.split(' ');
  const [verb, ...rest] = words;
  if (verb === 'rules' || clean === 'list rules') return { kind: 'rules' };
  if (verb === 'last' || clean === 'last report' || clean === 'show last') return { kind: 'last' };
  if (verb === 'history') {
    const service = rest.find((word) => !FILLER.has(word) && /^[a-z][a-z0-9-]{0,49}$/.test(word));
    return { kind: 'history', ...(service === undefined ? {} : { service }) };
  }
  if (EXEMPTION_PHRASES.has(clean)) return { kind: 'exemptions' };
  const subscription = parseSubscriptionCommand(clean);
  if (subscription !== undefined) return subscription;
  if (verb === 'explain' || verb === 'why') {
    const id = rest.find((word) => /^(apim-?)?\d{1,3}$/i.test(word));
    return id === undefined ? { kind: 'help', unknown: clean, suggestion: 'explain APIM-001' } : { kind: 'explain', ruleId: normaliseRuleId(id) };
  }
  if (verb !== undefined && AUDIT_VERBS.has(verb)) return parseAudit(rest, knownEnvironments);
  // "how do I fix APIM-001", "what is apim-4?", "fix APIM-012": a question about one rule is explain.
  const asked = verb !== undefined && QUESTION_WORDS.has(verb) ? words.find((word) => /^apim-?\d{1,3}$/i.test(word.replace(/[?,;:]+$/, ''))) : undefined;
  if (asked !== undefined) return { kind: 'explain', ruleId: normaliseRuleId(asked.replace(/[?,;:]+$/, '')) };
  return { kind: 'help', unknown: clean, ...suggest(clean) };
}

function parseAudit(words: readonly string[], knownEnvironments: readonly string[]): Command {
  let environment: string | undefined;
  const services: string[] = [];
  const ruleIds: string[] = [];
  let minSeverity: Severity | undefined;
  let deep = false;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const next = words[i + 1];
    if (word === 'rule' && next !== undefined) {
      ruleIds.push(normaliseRuleId(next));
      i += 1;
    } else if (/^apim-\d{1,3}$/.test(word)) {
      ruleIds.push(normaliseRuleId(word));
    } else if ((SEVERITIES as readonly string[]).includes(word)) {
      // "high and above", "critical only", "only critical + high": the lowest severity named wins.
      const severity = word as Severity;
      if (minSeverity === undefined || SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(minSeverity)) minSeverity = severity;
    } else if (word === 'deep' || word === 'deeply' || word === 'full') {
      deep = true;
    } else if ((word === 'service' || word === 'services') && next !== undefined && !FILLER.has(next)) {
      services.push(next);
      i += 1;
    } else if (['and', 'above', 'only', '+', 'or', 'up', 'higher', 'with', 'children', 'findings'].includes(word) || FILLER.has(word)) {
      continue;
    } else if (environment === undefined && services.length === 0 && isEnvironmentWord(word, knownEnvironments)) {
      environment = word;
    } else if (/^[a-z][a-z0-9-]{0,49}$/.test(word) && word.includes('-')) {
      services.push(word);
    } else if (environment === undefined) {
      // An unknown word where an environment belongs: let scope resolution say "did you mean".
      environment = word;
    } else {
      services.push(word);
    }
  }
  return { kind: 'audit', ...(environment === undefined ? {} : { environment }), services, ...(minSeverity === undefined ? {} : { minSeverity }), ruleIds, deep };
}

function isEnvironmentWord(word: string, known: readonly string[]): boolean {
  return known.includes(word) || ['prod', 'production', 'dev', 'development', 'test', 'staging', 'sandbox'].includes(word);
}

/** Removes Teams `<at>…</at>` mentions that survive in text (channels mention the bot first). */
export function stripMentions(text: string): string {
  return text.replace(/<at>[^<]*<\/at>/gi, ' ').replace(/&nbsp;/g, ' ');
}

function suggest(text: string): { suggestion?: string } {
  const first = text.split(' ')[0] ?? '';
  const word = closestWord(first, COMMAND_WORDS.map((command) => command.split(' ')[0] ?? ''));
  const command = word === undefined ? undefined : COMMAND_WORDS.find((c) => c.startsWith(word));
  return command === undefined ? {} : { suggestion: command };
}
