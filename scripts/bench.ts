/**
 * `npm run bench`: the offline figures of a deterministic generated estate (the sandbox's scale
 * generator, service rows only), then the live-inventory figures (bench-live.ts). Every ratio is
 * printed beside its goal, and every baseline is measured in the same run:
 *
 * - engine: (normalize + evaluate, all findings kept) ÷ a field baseline that visits every row and
 *   reads every field the ARG-row rules read (scripts/bench-baseline.ts) — goal ≤ 2 at 100,000;
 * - memory: the RSS increment between sizes per service (RSS at 50,000 minus RSS at 25,000, after
 *   a full GC, with the estate and the report alive), not a peak dominated by the harness;
 * - formats: an offline `audit --estate` per format, wall time ÷ the parse floor (a fresh Node
 *   process that reads and JSON.parses the same file) — goal ≤ 4; the same ratio in CPU time, which
 *   a shared machine stretches less; peak RSS increment between sizes;
 * - fast start: a 1,000-service offline audit, wall time ÷ the same parse floor;
 * - the live half (bench-live.ts) and the bot (bench-bot.ts): time to the summary card ÷ the
 *   inventory floor — goal ≤ 1.5; heap and RSS increment per audit over 100 audits — goal flat.
 *
 * Sizes scale down by environment variables so the bench stays at minutes on a small machine:
 * BENCH_SIZES (engine, default 25000,50000,100000), BENCH_FORMAT_SIZES (default 10000,20000),
 * BENCH_LIVE=0 skips the live half, BENCH_BOT=0 the bot, BENCH_BOT_AUDITS sets its audit count
 * (default 100). The sizes that ran are printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scaleEstate } from '../src/sandbox/scale.js';
import { readRowFields } from './bench-baseline.js';
import { runBotBench } from './bench-bot.js';
import { runLiveBench } from './bench-live.js';
import { ratio } from './bench-ratio.js';

const NOW = new Date('2026-11-29T00:00:00Z');
const FORMATS = ['table', 'json', 'csv', 'sarif'] as const;
/** JSON and CSV list every result by default; these runs list findings only, printed beside them (not a goal). */
const FINDINGS_ONLY = ['json', 'csv'] as const;
const FAST_START_SERVICES = 1_000;
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

function sizesFrom(name: string, fallback: readonly number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const sizes = raw.split(',').map((item) => Number(item.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error(`${name} must be comma-separated positive whole numbers, not "${raw}"`);
  return sizes.sort((a, b) => a - b);
}

function serviceRows(count: number): Record<string, unknown>[] {
  // Children are left out: an ARG-only audit never reads them.
  return scaleEstate({ services: count, subscriptions: Math.max(1, Math.round(count / 10)), seed: 42 }).resources.filter(
    (resource) => String(resource['type']).toLowerCase() === 'microsoft.apimanagement/service',
  );
}

interface EngineFigures {
  services: number;
  rules: number;
  findings: number;
  parseMs: number;
  baselineMs: number;
  normalizeMs: number;
  /** Keeping every finding (failures, exempted ones, errors); passes and the rest are counted. */
  evaluateMs: number;
  /** Keeping every result, passes included (what JSON and CSV need). */
  evaluateAllMs: number;
  /** After a full GC, with the estate and both reports alive. */
  rssMb: number;
}

function timed<T>(work: () => T): [T, number] {
  const start = performance.now();
  const result = work();
  return [result, performance.now() - start];
}

function bestOfTwo<T>(work: () => T): [T, number] {
  const [, first] = timed(work);
  const [result, second] = timed(work);
  return [result, Math.min(first, second)];
}

/**
 * The engine as shipped: the built JavaScript in dist/ (`npm run bench` builds first), not the
 * sources through tsx, whose module wrappers put a getter on every cross-module call.
 */
async function builtEngine(): Promise<{ auditEstate: typeof import('../src/engine/audit.js').auditEstate; normalizeEstate: typeof import('../src/estate/normalize.js').normalizeEstate; ALL_RULES: typeof import('../src/rules/index.js').ALL_RULES }> {
  const dist = (path: string) => pathToFileURL(join(import.meta.dirname, '..', 'dist', path)).href;
  const audit = (await import(dist('engine/audit.js'))) as typeof import('../src/engine/audit.js');
  const normalize = (await import(dist('estate/normalize.js'))) as typeof import('../src/estate/normalize.js');
  const rules = (await import(dist('rules/index.js'))) as typeof import('../src/rules/index.js');
  return { auditEstate: audit.auditEstate, normalizeEstate: normalize.normalizeEstate, ALL_RULES: rules.ALL_RULES };
}

/**
 * The rows as an audit reads them, parsed from their JSON, and the time the parse took. The text
 * and the generated estate it came from are the harness's, not the audit's: they are unreachable
 * once this returns, so the memory measured later does not count them.
 */
function parsedRows(count: number): [unknown[], number] {
  const text = JSON.stringify(serviceRows(count));
  return timed(() => JSON.parse(text) as unknown[]);
}

async function runEngineChild(count: number): Promise<void> {
  const { auditEstate, normalizeEstate, ALL_RULES } = await builtEngine();
  const rules = ALL_RULES.filter((rule) => rule.meta.needs.length === 0);
  const [rows, parseMs] = parsedRows(count);
  // Best of three: the baseline is short, and one run is at the mercy of the JIT and the GC.
  const baselineMs = Math.min(...[0, 1, 2].map(() => timed(() => readRowFields(rows))[1]));
  // Engine figures are the faster of two runs too, so both sides of the ratio are measured warm.
  const [estate, normalizeMs] = bestOfTwo(() => normalizeEstate(rows));
  const [findings, evaluateMs] = bestOfTwo(() => auditEstate(estate, { rules, now: NOW, source: 'bench', version: 'bench', keep: 'findings' }));
  const [all, evaluateAllMs] = timed(() => auditEstate(estate, { rules, now: NOW, source: 'bench', version: 'bench' }));
  (globalThis as { gc?: () => void }).gc?.();
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  // Both reports stay alive up to the measurement: this keeps them reachable past it.
  if (all.results.length < 0) console.error(findings, all, estate);
  const figures: EngineFigures = { services: estate.services.length, rules: rules.length, findings: findings.results.length, parseMs, baselineMs, normalizeMs, evaluateMs, evaluateAllMs, rssMb };
  process.stdout.write(JSON.stringify(figures));
}

function spawnNode(args: readonly string[], env: Record<string, string> = {}): { ms: number; stdout: string; stderr: string } {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, ...env } });
  const ms = performance.now() - started;
  if (child.status !== 0 && child.status !== 1) throw new Error(`bench child ${args.join(' ')} failed (${String(child.status)}): ${child.stderr}`);
  return { ms, stdout: child.stdout, stderr: child.stderr };
}

/**
 * Peak RSS and CPU time (user + system) of a child Node process, reported on stderr as it exits. CPU
 * time is printed beside wall time: on a shared machine other work stretches wall time, much less
 * the CPU time a process itself spends.
 */
const REPORT_USAGE = `data:text/javascript,${encodeURIComponent("import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); writeSync(2, '\\nBENCH_PEAK_RSS_KB=' + u.maxRSS + ' BENCH_CPU_US=' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });")}`;

function peakMb(stderr: string): number {
  return Number(/BENCH_PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
}

function cpuMs(stderr: string): number {
  return Number(/BENCH_CPU_US=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1000;
}

interface Floor {
  /** Wall time, best of three. */
  readonly ms: number;
  /** CPU time, best of three. */
  readonly cpuMs: number;
}

/** The parse floor: a fresh Node process that reads the file and JSON.parses it. Best of three. */
function parseFloor(file: string): Floor {
  const script = `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`;
  const runs = [0, 1, 2].map(() => spawnNode(['--import', REPORT_USAGE, '-e', script]));
  return { ms: Math.min(...runs.map((run) => run.ms)), cpuMs: Math.min(...runs.map((run) => cpuMs(run.stderr))) };
}

interface FormatRun {
  services: number;
  estateMb: number;
  floorMs: number;
  floorCpuMs: number;
  wallMs: Record<string, number>;
  cpuMs: Record<string, number>;
  peakMb: Record<string, number>;
  outputMb: Record<string, number>;
}

function runFormats(count: number, dir: string): FormatRun {
  const file = join(dir, `estate-${count}.json`);
  writeFileSync(file, JSON.stringify(serviceRows(count)));
  const floor = parseFloor(file);
  const run: FormatRun = { services: count, estateMb: statSync(file).size / 2 ** 20, floorMs: floor.ms, floorCpuMs: floor.cpuMs, wallMs: {}, cpuMs: {}, peakMb: {}, outputMb: {} };
  const variants = [...FORMATS.map((format) => ({ key: format, format, extra: [] as string[] })), ...FINDINGS_ONLY.map((format) => ({ key: findingsKey(format), format, extra: ['--findings-only'] }))];
  for (const { key, format, extra } of variants) {
    const output = join(dir, `report-${count}.${format}`);
    const child = spawnNode(['--import', REPORT_USAGE, CLI, 'audit', '--estate', file, '--format', format, ...extra, '--output', output, '--fail-on', 'none', '--as-of', NOW.toISOString()], {
      APIM_POSTURE_MAX_ESTATE_MB: '4096',
    });
    run.wallMs[key] = child.ms;
    run.cpuMs[key] = cpuMs(child.stderr);
    run.peakMb[key] = peakMb(child.stderr);
    run.outputMb[key] = statSync(output).size / 2 ** 20;
    rmSync(output, { force: true });
  }
  rmSync(file, { force: true });
  return run;
}

const findingsKey = (format: (typeof FINDINGS_ONLY)[number]): string => `${format} --findings-only`;
const line = (cells: (string | number)[], width = 12) => cells.map((c, i) => String(c).padStart(i === 0 ? 9 : width)).join(' ');
const perService = (mb: number, services: number) => `${((mb * 1024) / services).toFixed(1)} KB`;

function printEngine(rows: readonly EngineFigures[]): void {
  console.log(`engine · ${rows[0]?.rules ?? 0} ARG-row rules · sizes ${rows.map((r) => r.services.toLocaleString('en-US')).join(', ')} (BENCH_SIZES)`);
  console.log(line(['services', 'parse ms', 'fields ms', 'normalize ms', 'evaluate ms', 'findings', 'all-res ms', '(n+e)/fields', 'RSS MB']));
  for (const r of rows) {
    console.log(line([r.services, r.parseMs.toFixed(0), r.baselineMs.toFixed(0), r.normalizeMs.toFixed(0), r.evaluateMs.toFixed(0), r.findings, r.evaluateAllMs.toFixed(0), ((r.normalizeMs + r.evaluateMs) / r.baselineMs).toFixed(2), r.rssMb.toFixed(0)]));
  }
  console.log('fields: visit every row and read every field the row rules read · evaluate: every finding kept · all-res: every result kept (JSON, CSV)');
  const largest = rows[rows.length - 1];
  if (largest !== undefined) {
    console.log(`engine at ${largest.services.toLocaleString('en-US')}: (normalize + evaluate) ÷ field baseline = ${ratio((largest.normalizeMs + largest.evaluateMs) / largest.baselineMs, 2)}`);
  }
  for (let index = 1; index < rows.length; index += 1) {
    const [a, b] = [rows[index - 1], rows[index]];
    if (a === undefined || b === undefined) continue;
    console.log(`memory ${a.services.toLocaleString('en-US')} → ${b.services.toLocaleString('en-US')}: +${(b.rssMb - a.rssMb).toFixed(0)} MB RSS = ${perService(b.rssMb - a.rssMb, b.services - a.services)} per added service (estate + both reports alive, after GC)`);
  }
}

function printFormats(runs: readonly FormatRun[]): void {
  console.log(`\noffline audit (built CLI, all 40 rules, --output file) · sizes ${runs.map((r) => r.services.toLocaleString('en-US')).join(', ')} (BENCH_FORMAT_SIZES)`);
  console.log('floor: a fresh Node process reading and JSON.parsing the same estate file (best of 3)');
  console.log(line(['services', 'floor ms', ...FORMATS.map((f) => `${f} ms`), ...FORMATS.map((f) => `${f} ÷ floor`)]));
  for (const r of runs) {
    console.log(line([r.services, r.floorMs.toFixed(0), ...FORMATS.map((f) => (r.wallMs[f] ?? NaN).toFixed(0)), ...FORMATS.map((f) => ((r.wallMs[f] ?? NaN) / r.floorMs).toFixed(2))]));
  }
  console.log('CPU time (user + system) of the same runs, for a shared machine where wall time is stretched by other work:');
  console.log(line(['services', 'floor cpu', ...FORMATS.map((f) => `${f} cpu`), ...FORMATS.map((f) => `${f} ÷ floor`)]));
  for (const r of runs) {
    console.log(line([r.services, r.floorCpuMs.toFixed(0), ...FORMATS.map((f) => (r.cpuMs[f] ?? NaN).toFixed(0)), ...FORMATS.map((f) => ((r.cpuMs[f] ?? NaN) / r.floorCpuMs).toFixed(2))]));
  }
  const largest = runs[runs.length - 1];
  if (largest !== undefined) {
    for (const format of FORMATS) {
      const mb = largest.outputMb[format] ?? NaN;
      const cpu = ((largest.cpuMs[format] ?? NaN) / largest.floorCpuMs).toFixed(2);
      console.log(`${format.padEnd(5)} at ${largest.services.toLocaleString('en-US')}: wall ÷ parse floor = ${ratio((largest.wallMs[format] ?? NaN) / largest.floorMs, 4)} · CPU ÷ floor CPU ${cpu} · report ${mb.toFixed(0)} MB (${(mb / largest.estateMb).toFixed(1)}× the estate file)`);
    }
  }
  if (largest !== undefined) {
    for (const format of FINDINGS_ONLY) {
      const key = findingsKey(format);
      const mb = largest.outputMb[key] ?? NaN;
      console.log(
        `${format.padEnd(5)} --findings-only at ${largest.services.toLocaleString('en-US')} (printed): wall ÷ parse floor ${((largest.wallMs[key] ?? NaN) / largest.floorMs).toFixed(2)} · CPU ÷ floor CPU ${((largest.cpuMs[key] ?? NaN) / largest.floorCpuMs).toFixed(2)} · report ${mb.toFixed(0)} MB (${(mb / largest.estateMb).toFixed(1)}× the estate file)`,
      );
    }
  }
  for (let index = 1; index < runs.length; index += 1) {
    const [a, b] = [runs[index - 1], runs[index]];
    if (a === undefined || b === undefined) continue;
    const added = b.services - a.services;
    const cells = FORMATS.map((f) => `${f} ${perService((b.peakMb[f] ?? NaN) - (a.peakMb[f] ?? NaN), added)}`);
    console.log(`peak RSS increment ${a.services.toLocaleString('en-US')} → ${b.services.toLocaleString('en-US')}, per added service: ${cells.join(' · ')}`);
  }
}

function printFastStart(dir: string): void {
  const file = join(dir, `estate-${FAST_START_SERVICES}.json`);
  writeFileSync(file, JSON.stringify(serviceRows(FAST_START_SERVICES)));
  const floor = parseFloor(file);
  const runs = [0, 1, 2].map(() => spawnNode(['--import', REPORT_USAGE, CLI, 'audit', '--estate', file, '--format', 'table', '--output', join(dir, 'fast.txt'), '--fail-on', 'none']));
  const wallMs = Math.min(...runs.map((run) => run.ms));
  const cpu = Math.min(...runs.map((run) => cpuMs(run.stderr)));
  console.log(
    `\nfast start: ${FAST_START_SERVICES.toLocaleString('en-US')}-service offline audit ${wallMs.toFixed(0)} ms · parse floor ${floor.ms.toFixed(0)} ms (Node start + read + parse) · wall ÷ floor = ${(wallMs / floor.ms).toFixed(2)} · CPU ÷ floor CPU ${(cpu / floor.cpuMs).toFixed(2)} (best of 3)`,
  );
}

async function main(): Promise<void> {
  const childArg = process.argv.indexOf('--child');
  if (childArg >= 0) {
    await runEngineChild(Number(process.argv[childArg + 1]));
    return;
  }
  const started = performance.now();
  const script = fileURLToPath(import.meta.url);
  console.log(`apim-posture bench · Node ${process.version} · deterministic generated estate (seed 42)\n`);
  // Each size in its own process, so its memory is its own.
  const engine = sizesFrom('BENCH_SIZES', [25_000, 50_000, 100_000]).map((size) => JSON.parse(spawnNode(['--expose-gc', '--import', 'tsx', script, '--child', String(size)]).stdout) as EngineFigures);
  printEngine(engine);
  const dir = mkdtempSync(join(tmpdir(), 'apim-posture-bench-'));
  try {
    printFormats(sizesFrom('BENCH_FORMAT_SIZES', [10_000, 20_000]).map((size) => runFormats(size, dir)));
    printFastStart(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\noffline half: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (process.env['BENCH_LIVE'] !== '0') await runLiveBench();
  if (process.env['BENCH_BOT'] !== '0') runBotBench();
}

await main();
