import { readFileSync } from 'node:fs';
import { Template } from 'adaptivecards-templating';
import { neutraliseBindings } from './text.js';
import type { AdaptiveCard } from './types.js';

/** The JSON templates in the top-level cards/ folder. */
export type TemplateName = 'summary' | 'service-findings' | 'progress' | 'explain' | 'help' | 'rules' | 'message' | 'fix-answer' | 'fix-status' | 'history' | 'alert' | 'welcome' | 'exemptions' | 'accept-risk' | 'digest';

export const TEMPLATE_NAMES: readonly TemplateName[] = ['summary', 'service-findings', 'progress', 'explain', 'help', 'rules', 'message', 'fix-answer', 'fix-status', 'history', 'alert', 'welcome', 'exemptions', 'accept-risk', 'digest'];

/**
 * Teams counts a bot message as its payload encoded in UTF-16. 28 KB is the smallest limit any
 * posting path has (the Workflows connector); designing for it is safe everywhere.
 */
export const CARD_BUDGET_BYTES = 28 * 1024;

/** The size Teams charges for a card: its JSON, two bytes per UTF-16 code unit. */
export function cardBytes(card: unknown): number {
  return JSON.stringify(card).length * 2;
}

/** Where the templates live: `cards/` at the package root, two levels above src/cards and dist/cards. */
const TEMPLATE_DIR = new URL('../../cards/', import.meta.url);

const cache = new Map<TemplateName, Template>();

function template(name: TemplateName): Template {
  let loaded = cache.get(name);
  if (loaded === undefined) {
    const json: unknown = JSON.parse(readFileSync(new URL(`${name}.json`, TEMPLATE_DIR), 'utf8'));
    loaded = new Template(json);
    cache.set(name, loaded);
  }
  return loaded;
}

/** The raw template, as stored (for tests and tooling). */
export function readTemplate(name: TemplateName): unknown {
  return JSON.parse(readFileSync(new URL(`${name}.json`, TEMPLATE_DIR), 'utf8'));
}

export class CardRenderError extends Error {
  override readonly name = 'CardRenderError';
}

/**
 * Expands a template with a view model. Estate text cannot smuggle in bindings, and a binding the
 * model does not fill (left as literal `${…}` by the templating library) is an error naming the template.
 */
export function expand(name: TemplateName, model: object): AdaptiveCard {
  const expanded: unknown = template(name).expand({ $root: neutraliseBindings(model) });
  const json = JSON.stringify(expanded);
  const at = json.indexOf('${');
  if (at >= 0) {
    throw new CardRenderError(`card template "${name}" left an unbound expression: …${json.slice(Math.max(0, at - 40), at + 40)}…`);
  }
  if (!isCard(expanded)) throw new CardRenderError(`card template "${name}" did not expand to an AdaptiveCard 1.5`);
  return expanded;
}

function isCard(value: unknown): value is AdaptiveCard {
  if (typeof value !== 'object' || value === null) return false;
  const card = value as Record<string, unknown>;
  return card['type'] === 'AdaptiveCard' && card['version'] === '1.5' && Array.isArray(card['body']);
}

/**
 * Renders the first variant that fits the budget. Variants go from full detail to terse; the last
 * one of every caller is bounded by construction, so running out is a bug worth an error.
 */
export function firstThatFits(name: TemplateName, variants: readonly (() => object)[], budget: number): AdaptiveCard {
  let smallest = Number.POSITIVE_INFINITY;
  for (const variant of variants) {
    const card = expand(name, variant());
    const bytes = cardBytes(card);
    if (bytes <= budget) return card;
    smallest = Math.min(smallest, bytes);
  }
  throw new CardRenderError(`card "${name}" does not fit ${budget} bytes even at its shortest (${smallest} bytes)`);
}
