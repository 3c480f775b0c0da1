import { describe, expect, it } from 'vitest';
import { cardBytes, CARD_BUDGET_BYTES, explainCard } from '../../src/cards/render.js';
import { ALL_RULES } from '../../src/rules/index.js';
import type { AnyRule } from '../../src/rules/types.js';
import { fullText, schemaErrors, walk } from './support.js';

/** The code lines of each example container (by id), with no-break indentation turned back into spaces. */
function exampleBlocks(card: unknown): Map<string, { visible: boolean; code: string }> {
  const blocks = new Map<string, { visible: boolean; code: string }>();
  walk(card, (node) => {
    if (typeof node['id'] !== 'string' || !node['id'].startsWith('example-')) return;
    const lines: string[] = [];
    walk(node, (inner) => {
      if (inner['type'] === 'TextRun' && typeof inner['text'] === 'string') lines.push(inner['text'].replace(/^\u00a0+/, (spaces) => ' '.repeat(spaces.length)).replace(/^ $/, ''));
    });
    blocks.set(node['id'], { visible: node['isVisible'] !== false, code: lines.join('\n') });
  });
  return blocks;
}

function toggles(card: unknown): unknown[] {
  const found: unknown[] = [];
  walk(card, (node) => {
    if (node['type'] === 'Action.ToggleVisibility') found.push(node['targetElements']);
  });
  return found;
}

describe('explain card examples', () => {
  it('shows every example of every rule whole: the first open, the others behind a toggle', () => {
    for (const rule of ALL_RULES) {
      const card = explainCard(rule);
      const blocks = exampleBlocks(card);
      const { examples } = rule.meta.docs;
      expect([...blocks.keys()], rule.meta.id).toEqual(examples.map((_, index) => `example-${index + 1}`));
      examples.forEach((example, index) => {
        const block = blocks.get(`example-${index + 1}`);
        expect(block?.code, `${rule.meta.id} ${example.title}`).toBe(example.code.split('\n').map((line) => line.trimEnd()).join('\n'));
        expect(block?.visible).toBe(index === 0);
      });
      expect(toggles(card)).toEqual(examples.slice(1).map((_, index) => [`example-${index + 2}`]));
      expect(schemaErrors(card)).toEqual([]);
      expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    }
  });

  it('says an example is too long for a card and where to read it whole, instead of cutting it', () => {
    const rule = ALL_RULES[3];
    if (rule === undefined) throw new Error('no rule');
    const huge = Array.from({ length: 2000 }, (_, i) => `echo line ${i} ${'x'.repeat(40)}`).join('\n');
    const bloated: AnyRule = { ...rule, meta: { ...rule.meta, docs: { ...rule.meta.docs, examples: [{ title: 'Huge', language: 'bash', code: huge }, ...rule.meta.docs.examples] } } };
    const card = explainCard(bloated);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(schemaErrors(card)).toEqual([]);
    const text = fullText(card);
    expect(text).toContain(`This example is too long for a Teams card; \`apim-posture explain ${rule.meta.id}\` prints it whole.`);
    expect(text).not.toContain('echo line 0');
    // The examples that fit are still there, whole.
    const blocks = exampleBlocks(card);
    expect([...blocks.keys()]).toEqual(rule.meta.docs.examples.map((_, index) => `example-${index + 2}`));
    expect([...blocks.values()].map((block) => block.visible)).toEqual(rule.meta.docs.examples.map((_, index) => index === 0));
    expect(text).not.toContain('…');
  });

  it('shows every section of every rule whole at the normal budget', () => {
    for (const rule of ALL_RULES) {
      const text = fullText(explainCard(rule));
      const { docs } = rule.meta;
      for (const section of [docs.synopsis, docs.description, docs.recommendation, docs.howChecked, docs.notes, docs.notApplicableWhen]) {
        if (section !== undefined) expect(text, rule.meta.id).toContain(section.replace(/\s+/g, ' ').trim());
      }
    }
  });
});
