import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface SoakFigures {
  singleAuditMs: { first: number; median: number };
  soakMs: number;
  budget: { audits: number; refs: number };
  counts: { audits: number; refused: number; failed: number; findingsShown: number; expiredClicks: number };
  heap: { audits: number; heapUsedMb: number; retainedAudits: number; retainedBytes: number; refs: number; refBytes: number }[];
}

const SCRIPT = fileURLToPath(new URL('./soak/run-soak.ts', import.meta.url));

/** The soak runs in its own process: it needs --expose-gc, and a heap nothing else shares. */
function runSoak(): Promise<SoakFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`soak exited with ${code}: ${stderr.slice(-2_000)}`));
      else resolve(JSON.parse(stdout) as SoakFigures);
    });
  });
}

describe('soak: 500 audits across 50 conversations against the sandbox', () => {
  it('keeps memory flat after GC and finishes in bounded time', async () => {
    const figures = await runSoak();
    // The figures go into the test log: what one audit took, the soak's time, the heap per round.
    console.log(JSON.stringify(figures));
    expect(figures.counts).toMatchObject({ audits: 500, refused: 0, failed: 0, expiredClicks: 0 });
    expect(figures.counts.findingsShown).toBeGreaterThan(0);
    const at100 = figures.heap[0];
    const at500 = figures.heap.at(-1);
    expect(at100?.audits).toBe(100);
    expect(at500?.audits).toBe(500);
    // Without the size caps the heap grows by about 4 MB per 100 audits (every result and ref kept),
    // 8 MB from the 300th audit to the 500th. With them, the early rounds still warm up V8 (code,
    // inline caches: 1–2 MB per round on a quiet machine, more on a loaded one), so the leak check looks
    // at the second half of the run, when the caps have long been full and the warm-up is over.
    const at300 = figures.heap.find((point) => point.audits === 300);
    expect((at500?.heapUsedMb ?? Infinity) - (at300?.heapUsedMb ?? 0)).toBeLessThan(4);
    expect((at500?.heapUsedMb ?? Infinity) - (at100?.heapUsedMb ?? 0)).toBeLessThan(10);
    for (const point of figures.heap) {
      expect(point.retainedBytes).toBeLessThanOrEqual(figures.budget.audits);
      expect(point.refBytes).toBeLessThanOrEqual(figures.budget.refs);
    }
    // Eviction did happen: far fewer audits kept than run.
    expect(at500?.retainedAudits).toBeLessThan(200);
    expect(figures.soakMs).toBeLessThan(90_000);
  }, 120_000);
});
