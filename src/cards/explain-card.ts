import { describeNeeds, describeSources } from '../docs/render.js';
import type { AnyRule } from '../rules/types.js';
import { wholeLines } from './code-lines.js';
import { cardBytes, CARD_BUDGET_BYTES, firstThatFits } from './templates.js';
import { clip, MAX_LINE, markdownLink, SEVERITY_COLOR, SEVERITY_LABEL } from './text.js';
import type { AdaptiveCard } from './types.js';

interface ExplainLimits {
  readonly section: number;
  readonly notes: boolean;
  readonly links: number;
  /** Share of the budget left after the rest of the card that examples may take. */
  readonly exampleShare: number;
}

const EXPLAIN_LEVELS: readonly ExplainLimits[] = [
  { section: 5000, notes: true, links: 10, exampleShare: 1 },
  { section: 1500, notes: true, links: 10, exampleShare: 1 },
  { section: 600, notes: true, links: 6, exampleShare: 1 },
  { section: 240, notes: false, links: 3, exampleShare: 0.5 },
  { section: 240, notes: false, links: 3, exampleShare: 0 },
];

/** JSON length of one expanded code line besides its text. */
const LINE_OVERHEAD = 130;

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * "explain APIM-004": everything a person needs to judge and fix one rule's findings. Examples are
 * shown whole — the first open, the others behind a "Show this example" toggle — or, when one does
 * not fit the card's budget, named with where to read it whole; never cut.
 */
export function explainCard(rule: AnyRule, options: { readonly budgetBytes?: number } = {}): AdaptiveCard {
  const budget = options.budgetBytes ?? CARD_BUDGET_BYTES;
  const build = (limits: ExplainLimits): object => {
    const base = cardBytes(explainModel(rule, limits, new Set()));
    const room = Math.max(0, (budget - base) * limits.exampleShare);
    return explainModel(rule, limits, examplesThatFit(rule, room));
  };
  return firstThatFits('explain', EXPLAIN_LEVELS.map((limits) => () => build(limits)), budget);
}

/** Indexes of the examples whose lines fit in `room` bytes (UTF-16), in order. */
function examplesThatFit(rule: AnyRule, room: number): Set<number> {
  const fitting = new Set<number>();
  let left = room;
  for (const [index, example] of rule.meta.docs.examples.entries()) {
    const bytes = 2 * wholeLines(example.code).reduce((sum, line) => sum + JSON.stringify(line.text).length + LINE_OVERHEAD, 400);
    if (bytes > left) continue;
    fitting.add(index);
    left -= bytes;
  }
  return fitting;
}

function explainModel(rule: AnyRule, limits: ExplainLimits, fitting: ReadonlySet<number>): object {
  const { meta } = rule;
  const { docs } = meta;
  const section = (heading: string, text: string): { heading: string; text: string } => ({ heading, text: clip(text, limits.section) });
  const fixWords = { safe: 'safe (automatic)', guarded: 'guarded (after a precondition check and approval)', manual: 'manual' } as const;
  // The first example shown is open; the others open with their toggle.
  const open = Math.min(...fitting);
  const examples = docs.examples.map((example, index) => ({
    id: `example-${index + 1}`,
    title: clip(example.title, 120),
    collapsed: index !== open && fitting.has(index),
    fits: fitting.has(index),
    lines: fitting.has(index) ? wholeLines(example.code) : [],
    tooLong: `This example is too long for a Teams card; \`apim-posture explain ${meta.id}\` prints it whole.`,
  }));
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
    examples,
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
