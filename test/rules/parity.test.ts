import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRuleMarkdown } from '../../src/docs/render.js';
import { renderRuleIndex } from '../../src/docs/rule-index.js';
import { ALL_RULES } from '../../src/rules/index.js';

const root = join(import.meta.dirname, '..', '..');
const ruleFiles = readdirSync(join(root, 'src', 'rules')).filter((f) => /^apim-\d{3}-.+\.ts$/.test(f)).sort();
const indexSource = readFileSync(join(root, 'src', 'rules', 'index.ts'), 'utf8');

/**
 * One parity check in the manner of ESLint's checkRuleFiles: every rule has a test, an index entry,
 * complete docs and generated pages, and ids are unique. No exception lists.
 */
describe('rule parity', () => {
  it('has one rule module per id, numbered without gaps, all in the index', () => {
    const ids = ALL_RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(ids.map((_, i) => `APIM-${String(i + 1).padStart(3, '0')}`));
    expect(ruleFiles.map((f) => f.slice(0, 8).toUpperCase())).toEqual(ids);
    for (const file of ruleFiles) {
      expect(indexSource.split(`./${file.replace(/\.ts$/, '.js')}'`).length - 1, `${file} imported once in index.ts`).toBe(1);
    }
  });

  for (const file of ruleFiles) {
    const id = file.slice(0, 8).toUpperCase();
    const rule = ALL_RULES.find((r) => r.meta.id === id);

    it(`${id} has a test file, full docs and an up-to-date generated page`, () => {
      expect(rule, `${file} is registered`).toBeDefined();
      if (rule === undefined) return;
      expect(existsSync(join(root, 'test', 'rules', file.replace(/\.ts$/, '.test.ts'))), `test/rules/${file.replace(/\.ts$/, '.test.ts')}`).toBe(true);
      // Every rule is decided for the v2 tiers (docs/v2-tiers.md) and has a case on each of them.
      const testSource = readFileSync(join(root, 'test', 'rules', file.replace(/\.ts$/, '.test.ts')), 'utf8');
      for (const tier of ['BasicV2', 'StandardV2', 'PremiumV2']) expect(testSource.toLowerCase().includes(tier.toLowerCase()), `${id} has a ${tier} test case`).toBe(true);
      const { docs, sources } = rule.meta;
      for (const section of ['synopsis', 'description', 'recommendation', 'howChecked'] as const) {
        expect(docs[section].trim().length, `${id} docs.${section}`).toBeGreaterThan(20);
      }
      expect(docs.examples.length, `${id} has an example`).toBeGreaterThan(0);
      expect(docs.links.length, `${id} has a link`).toBeGreaterThan(0);
      expect(Object.values(sources).flat().length, `${id} names upstream sources`).toBeGreaterThan(0);
      const page = join(root, 'docs', 'rules', `${id}.md`);
      expect(existsSync(page) ? readFileSync(page, 'utf8') : '', `docs/rules/${id}.md is stale: run npm run docs`).toBe(renderRuleMarkdown(rule));
    });
  }

  it('names every failure with a short, unique failure title', () => {
    for (const { meta } of ALL_RULES) {
      const title = meta.failureTitle;
      expect(title.trim(), `${meta.id} failureTitle is present and trimmed`).toBe(title);
      expect(title.length, `${meta.id} failureTitle`).toBeGreaterThan(0);
      expect(title.length, `${meta.id} failureTitle "${title}" is at most 40 characters`).toBeLessThanOrEqual(40);
      expect(title, `${meta.id} failureTitle is a phrase, not a sentence`).not.toMatch(/\.$/);
      expect(title.toLowerCase(), `${meta.id} failureTitle differs from its title`).not.toBe(meta.title.toLowerCase());
    }
    const titles = ALL_RULES.map((rule) => rule.meta.failureTitle.toLowerCase());
    expect(titles.filter((title, index) => titles.indexOf(title) !== index), 'failure titles are unique').toEqual([]);
  });

  it('has an up-to-date docs/rules/README.md', () => {
    expect(readFileSync(join(root, 'docs', 'rules', 'README.md'), 'utf8'), 'run npm run docs').toBe(renderRuleIndex(ALL_RULES));
  });
});
