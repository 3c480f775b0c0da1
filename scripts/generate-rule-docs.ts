/**
 * Writes docs/rules/APIM-NNN.md and docs/rules/README.md from the rule modules, so `explain`, the
 * cards and the docs can never disagree. The parity test fails when these files are stale.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderRuleMarkdown } from '../src/docs/render.js';
import { renderRuleIndex } from '../src/docs/rule-index.js';
import { ALL_RULES } from '../src/rules/index.js';

const dir = join(import.meta.dirname, '..', 'docs', 'rules');
await mkdir(dir, { recursive: true });
const wanted = new Set(ALL_RULES.map((rule) => `${rule.meta.id}.md`).concat('README.md'));
for (const file of await readdir(dir)) {
  if (!wanted.has(file)) await rm(join(dir, file));
}
for (const rule of ALL_RULES) await writeFile(join(dir, `${rule.meta.id}.md`), renderRuleMarkdown(rule));
await writeFile(join(dir, 'README.md'), renderRuleIndex(ALL_RULES));
console.log(`wrote ${ALL_RULES.length} rule pages to docs/rules/`);
