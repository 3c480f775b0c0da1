import { parseArgs } from 'node:util';
import { describeNeeds, renderRuleMarkdown, renderRuleText } from '../docs/render.js';
import { normaliseRuleId } from '../engine/select-rules.js';
import { ALL_RULES, findRule } from '../rules/index.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { plural } from '../util/text.js';

/** `apim-posture rules`: the catalog at a glance, or as JSON for tooling. */
export function runRules(args: readonly string[], io: CliIo): number {
  const { values } = parseArgs({ args: [...args], options: { format: { type: 'string', default: 'table' } }, strict: true });
  if (values.format === 'json') {
    io.stdout(`${JSON.stringify(ALL_RULES.map(({ meta }) => ({ ...meta, docs: undefined, reads: meta.needs.length === 0 ? 'arg' : 'arm' })), null, 2)}\n`);
    return 0;
  }
  if (values.format !== 'table') throw new UsageError(`unknown format "${values.format}"; use table or json`);
  const lines = ALL_RULES.map(({ meta }) => `${meta.id}  ${meta.severity.padEnd(8)}  ${meta.fix.padEnd(7)}  ${(meta.needs.length === 0 ? 'ARG' : 'ARM').padEnd(3)}  ${meta.title}`);
  io.stdout(`ID        SEVERITY  FIX      DATA TITLE\n${lines.join('\n')}\n\n${plural(ALL_RULES.length, 'rule')}. \`apim-posture explain <id>\` tells more.\n`);
  return 0;
}

/** `apim-posture explain APIM-004`: synopsis, why, how to fix, how we check, references. */
export function runExplain(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { format: { type: 'string', default: 'text' } },
    strict: true,
    allowPositionals: true,
  });
  const [id, ...extra] = positionals;
  if (id === undefined) throw new UsageError('explain needs a rule id, e.g. `apim-posture explain APIM-001`');
  if (extra.length > 0) throw new UsageError(`explain takes one rule id, got ${positionals.length}`);
  const rule = findRule(normaliseRuleId(id));
  if (rule === undefined) {
    throw new UsageError(`there is no rule "${id}"; rules are APIM-001 … APIM-${String(ALL_RULES.length).padStart(3, '0')} (\`apim-posture rules\` lists them)`);
  }
  switch (values.format) {
    case 'text':
      io.stdout(renderRuleText(rule));
      return 0;
    case 'markdown':
      io.stdout(renderRuleMarkdown(rule));
      return 0;
    case 'json':
      io.stdout(`${JSON.stringify({ ...rule.meta, reads: describeNeeds(rule) }, null, 2)}\n`);
      return 0;
    default:
      throw new UsageError(`unknown format "${values.format}"; use text, markdown or json`);
  }
}
