/**
 * `npm run bench`: evaluates a deterministic generated estate with every rule that needs only the
 * ARG row, and prints the figures side by side with a baseline measured in the same run: one
 * JSON.parse of the same data plus a traversal of every value. Each size runs in a child process
 * so that peak RSS belongs to that size alone and memory growth can be read off.
 *
 * Goal: 100,000 services evaluated in under 1 s on one core, memory growing linearly.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { auditEstate } from '../src/engine/audit.js';
import { normalizeEstate } from '../src/estate/normalize.js';
import { ALL_RULES } from '../src/rules/index.js';
import { runLiveBench } from './bench-live.js';
import { scaleEstate } from '../src/sandbox/scale.js';

const SIZES = [25_000, 50_000, 100_000];
const NOW = new Date('2026-11-29T00:00:00Z');

interface ChildFigures {
  services: number;
  rules: number;
  results: number;
  baselineMs: number;
  normalizeMs: number;
  /** Audit keeping failures and errors (what table, SARIF and cards use); the rest is counted. */
  evaluateMs: number;
  /** The same audit keeping every passing result too (JSON and CSV). */
  evaluateAllMs: number;
  maxRssMb: number;
}

function traverse(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + traverse(item), 1);
  if (typeof value === 'object' && value !== null) {
    let n = 1;
    for (const key in value) n += traverse((value as Record<string, unknown>)[key]);
    return n;
  }
  return 1;
}

function timed<T>(work: () => T): [T, number] {
  const start = performance.now();
  const result = work();
  return [result, performance.now() - start];
}

function runChild(count: number): void {
  // The sandbox's scale generator: deterministic, realistic service rows (children left out, as an
  // ARG-only audit never reads them).
  const services = scaleEstate({ services: count, subscriptions: Math.max(1, Math.round(count / 10)), seed: 42 }).resources.filter(
    (resource) => String(resource['type']).toLowerCase() === 'microsoft.apimanagement/service',
  );
  const text = JSON.stringify(services);
  const rules = ALL_RULES.filter((rule) => rule.meta.needs.length === 0);
  // Baseline: what any tool must pay at least once — parse the rows and touch every value.
  const [rows, baselineMs] = timed(() => {
    const parsed = JSON.parse(text) as unknown[];
    traverse(parsed);
    return parsed;
  });
  const [estate, normalizeMs] = timed(() => normalizeEstate(rows));
  // Only the count survives the first run, so its results do not weigh on the second.
  const [results, evaluateMs] = timed(() => auditEstate(estate, { rules, now: NOW, source: 'bench', version: 'bench', keep: 'findings' }).results.length);
  const [, evaluateAllMs] = timed(() => auditEstate(estate, { rules, now: NOW, source: 'bench', version: 'bench' }).results.length);
  const figures: ChildFigures = {
    services: estate.services.length,
    rules: rules.length,
    results,
    baselineMs,
    normalizeMs,
    evaluateMs,
    evaluateAllMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(figures));
}

async function main(): Promise<void> {
  const childArg = process.argv.indexOf('--child');
  if (childArg >= 0) {
    runChild(Number(process.argv[childArg + 1]));
    return;
  }
  const script = fileURLToPath(import.meta.url);
  const rows: ChildFigures[] = [];
  for (const size of SIZES) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', String(size)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (child.status !== 0) throw new Error(`bench child for ${size} failed: ${child.stderr}`);
    rows.push(JSON.parse(child.stdout) as ChildFigures);
  }
  const line = (cells: (string | number)[]) => cells.map((c, i) => String(c).padStart(i === 0 ? 9 : 13)).join(' ');
  console.log(`apim-posture bench · Node ${process.version} · ${rows[0]?.rules ?? 0} ARG-row rules · deterministic generated estate (seed 42)`);
  console.log(line(['services', 'baseline ms', 'normalize ms', 'evaluate ms', 'eval/baseline', 'services/s', 'all-results ms', 'peak RSS MB', 'RSS/service']));
  for (const r of rows) {
    console.log(line([
      r.services, r.baselineMs.toFixed(0), r.normalizeMs.toFixed(0), r.evaluateMs.toFixed(0),
      (r.evaluateMs / r.baselineMs).toFixed(2), Math.round(r.services / (r.evaluateMs / 1000)).toLocaleString('en-US'),
      r.evaluateAllMs.toFixed(0), r.maxRssMb.toFixed(0), `${((r.maxRssMb * 1024) / r.services).toFixed(1)} KB`,
    ]));
  }
  console.log('evaluate: findings kept, passes and not-applicable counted (table, SARIF, cards) · all-results: every result kept (JSON, CSV)');
  const largest = rows[rows.length - 1];
  const smallest = rows[0];
  if (largest !== undefined && smallest !== undefined) {
    const growth = (largest.maxRssMb / smallest.maxRssMb) / (largest.services / smallest.services);
    const verdict = largest.evaluateMs < 1000 ? 'meets' : 'misses';
    console.log(`\n${largest.services.toLocaleString('en-US')} services: evaluation ${(largest.evaluateMs / 1000).toFixed(2)} s — ${verdict} the < 1 s goal · ${(largest.evaluateMs / largest.baselineMs).toFixed(2)}× the parse+traverse baseline`);
    console.log(`memory: peak RSS grew ${(largest.maxRssMb / smallest.maxRssMb).toFixed(2)}× for ${(largest.services / smallest.services).toFixed(0)}× the services (${growth.toFixed(2)} of linear; ≤ 1 means linear or better)`);
  }
  await runLiveBench();
}

await main();
