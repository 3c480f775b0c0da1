import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { serviceFindingCards, summaryCard, type RefFor } from '../../src/cards/render.js';
import { OUTCOMES } from '../../src/contracts/results.js';
import { auditEstate } from '../../src/engine/audit.js';
import { resolveRuleOptions } from '../../src/engine/options.js';
import type { Estate } from '../../src/estate/model.js';
import { EstateInputError, loadEstateFile, parseEstateText } from '../../src/estate/load-file.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { formatCsv } from '../../src/output/csv.js';
import { formatJson } from '../../src/output/json.js';
import { formatSarif } from '../../src/output/sarif.js';
import { formatTable } from '../../src/output/table.js';
import { planFixFor } from '../../src/remediation/plan-fix.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { runCliBinary, scratchDir } from '../support/cli.js';
import { Dice, EstateFuzzer, prng } from './hostile-estates.js';

/**
 * Hostile estate files through the real path — parse, normalise, every rule, every output format,
 * the cards and fix planning — must never crash: the only error allowed is EstateInputError, every
 * result has an outcome from the contract and a reason, and no rule hides a throw behind an
 * `error` result. The generator is seeded, so a failure names a reproducible case.
 */
const SEED = 0x5eed_2026;
const CASES = 520;
const NOW = new Date('2026-06-01T00:00:00Z');
const refFor: RefFor = (kind) => `ref-${kind}`;
/** Reasons the engine gives when a rule threw or said nothing: a crash in disguise. */
const HIDDEN_CRASH = /^The rule (could not evaluate this resource|returned no verdict)/;

interface Case {
  readonly index: number;
  readonly text: string;
}

function generateCases(): Case[] {
  const fuzz = new EstateFuzzer(new Dice(prng(SEED)));
  return Array.from({ length: CASES }, (_, index) => ({ index, text: JSON.stringify(fuzz.estate()) }));
}

/** Everything the product does with an estate once loaded; returns problems found (empty when fine). */
function exercise(estate: Estate, index: number): string[] {
  const problems: string[] = [];
  const report = auditEstate(estate, { rules: ALL_RULES, now: NOW, source: `fuzz-${index}.json`, version: '0.0.0-fuzz', keep: index % 3 === 0 ? 'findings' : 'all' });
  for (const result of report.results) {
    if (!OUTCOMES.includes(result.outcome)) problems.push(`${result.ruleId} outcome ${result.outcome}`);
    if (typeof result.reason !== 'string' || result.reason.trim() === '') problems.push(`${result.ruleId} has an empty reason`);
    if (HIDDEN_CRASH.test(result.reason)) problems.push(`${result.ruleId} threw: ${result.reason.slice(0, 300)}`);
  }
  JSON.parse(formatJson(report));
  JSON.parse(formatSarif(report, { artifactUri: 'estate.json', rules: ALL_RULES, lineOf: () => 1 }));
  formatCsv(report);
  formatTable(report, { color: index % 2 === 0, verbose: index % 4 < 2 });
  summaryCard(report, { refFor });
  // Card templating costs ~70 ms a service: finding cards for every third case, one service a page,
  // a whole page every thirtieth, keep the file inside its time box on a shared 2-core machine.
  if (index % 3 === 0) {
    const pageSize = index % 30 === 0 ? 5 : 1;
    const pages = serviceFindingCards(report, { refFor, page: 1, pageSize });
    if (pages.pageCount > 1 && index % 30 === 15) serviceFindingCards(report, { refFor, page: pages.pageCount, pageSize, minSeverity: 'high' });
  }

  const services = new Map(estate.services.map((service) => [service.id, service]));
  const rules = new Map(ALL_RULES.map((rule) => [rule.meta.id, rule]));
  for (const result of report.results) {
    if (result.outcome !== 'fail') continue;
    const rule = rules.get(result.ruleId);
    const service = services.get(result.serviceId);
    if (rule === undefined || service === undefined) continue;
    planFixFor(rule, service, result, { now: NOW, options: resolveRuleOptions(rule, undefined) });
  }
  return problems;
}

/** A thrown error for the failure list, clipped: hostile names can make messages megabytes long. */
function explainThrow(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}\n${(error.stack ?? '').split('\n').slice(1, 6).join('\n')}` : String(error);
  return text.slice(0, 1200);
}

describe('hostile estate files (seeded fuzzing)', () => {
  const cases = generateCases();
  const dir = scratchDir();

  it(`generates ${CASES} distinct estates deterministically`, () => {
    expect(new Set(cases.map((c) => c.text)).size).toBeGreaterThan(CASES * 0.95);
    expect(generateCases().map((c) => c.text)).toEqual(cases.map((c) => c.text));
  });

  it('never crashes: only EstateInputError, outcomes from the contract, non-empty reasons', async () => {
    const failures: string[] = [];
    let inputErrors = 0;
    let audited = 0;
    for (const { index, text } of cases) {
      let estate: Estate;
      try {
        // Every tenth case goes through the file on disk; the rest through the same parse in memory.
        if (index % 10 === 0) {
          const path = join(dir, `fuzz-${index}.json`);
          writeFileSync(path, text);
          estate = await loadEstateFile(path);
        } else {
          estate = normalizeEstate(parseEstateText(new TextEncoder().encode(text), `fuzz-${index}.json`));
        }
      } catch (error) {
        if (error instanceof EstateInputError && !/\n/.test(error.message)) {
          inputErrors += 1;
          continue;
        }
        failures.push(`case ${index} (load): ${explainThrow(error)}`);
        continue;
      }
      try {
        failures.push(...exercise(estate, index).map((problem) => `case ${index}: ${problem}`));
        audited += 1;
      } catch (error) {
        failures.push(`case ${index}: ${explainThrow(error)}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    // The generator must mostly produce estates that get past the loader, or it tests nothing.
    expect(audited).toBeGreaterThan(CASES * 0.8);
    expect(inputErrors).toBeGreaterThan(0);
  }, 60_000);
});

describe('the built CLI on the nastiest generated files', () => {
  const dir = scratchDir();
  const fuzz = new EstateFuzzer(new Dice(prng(SEED ^ 0xbad)));

  /** The largest estates, the deepest `resources`, prototype keys at the top: what a person might really feed it. */
  const files: [string, string][] = [];
  beforeAll(() => {
    const big = Array.from({ length: 15 }, () => fuzz.estate()).flatMap((estate) => (Array.isArray(estate) ? (estate as unknown[]) : [estate]));
    files.push(['many-hostile-entries', JSON.stringify(big)]);
    files.push(['deep-resources-within-limit', JSON.stringify([fuzz.deepResources(60)])]);
    files.push(['proto-keys', '{"__proto__":[{"type":"Microsoft.ApiManagement/service","id":"/x","properties":{"__proto__":{"a":1}}}],"value":[{"__proto__":1,"constructor":{"prototype":null},"type":"constructor"}]}']);
    files.push(['unicode-names', JSON.stringify([fuzz.service(), { type: 'Microsoft.ApiManagement/service', id: '/subscriptions/\u202e/resourceGroups/\ud83d\ude00/providers/Microsoft.ApiManagement/service/\u0000', properties: { customProperties: { constructor: 'True' } } }])]);
  });

  // A handful of runs (each CLI start costs ~2 s here): every file once, every format at least once.
  it.each([
    ['many-hostile-entries', 'table'],
    ['many-hostile-entries', 'sarif'],
    ['deep-resources-within-limit', 'json'],
    ['proto-keys', 'csv'],
    ['unicode-names', 'table'],
    ['unicode-names', 'json'],
  ])('%s as %s: exit 0, 1 or 2 and never a stack trace', (name, format) => {
    const text = files.find(([file]) => file === name)?.[1];
    if (text === undefined) throw new Error(`no generated file ${name}`);
    const path = join(dir, `${name}.json`);
    writeFileSync(path, text);
    // Reports of these files run to megabytes: to a file, past spawnSync's 1 MB pipe buffer.
    const run = runCliBinary(['audit', '--estate', path, '--format', format, '--output', join(dir, `${name}.${format}`)]);
    const label = `${name} as ${format}: ${run.stderr.slice(0, 500)}`;
    expect([0, 1, 2], label).toContain(run.code);
    expect(run.stderr, label).not.toMatch(/internal error|^\s+at /m);
    if (run.code === 2) expect(run.stderr.trim().split('\n'), label).toHaveLength(1);
  }, 30_000);
});
