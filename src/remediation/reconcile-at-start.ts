import { reconcileOpenFixes, type ReconcileDependencies, type ReconcileSummary } from './reconcile.js';

/** What the runner logs to; a pino logger fits. */
export interface ReconcileLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface BackgroundReconciler {
  /** Resolves with the first run's summary, or undefined when it failed (the failure is logged). */
  readonly firstRun: Promise<ReconcileSummary | undefined>;
  /** Aborts a run in progress and cancels the next one. */
  stop(): Promise<void>;
}

/** How long to wait before trying again what a run left open: past a crashed process's lease, not hammering ARM. */
export const RECONCILE_RETRY_MS = 5 * 60 * 1000;

/**
 * Reconciles open fixes once at start-up, in the background so the bot answers meanwhile, and again
 * later while a run left some open (a lease still held by a crashed process until it lapses, an
 * update still running) or failed. Never throws: a failure is a warning, and the bot keeps running.
 */
export function reconcileInBackground(deps: Omit<ReconcileDependencies, 'abortSignal'>, logger: ReconcileLogger, retryInMs = RECONCILE_RETRY_MS): BackgroundReconciler {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const run = async (): Promise<ReconcileSummary | undefined> => {
    let summary: ReconcileSummary | undefined;
    try {
      summary = await reconcileOpenFixes({ ...deps, abortSignal: abort.signal });
      logger.info(describe(summary), `open fixes: ${summary.closed.length} reconciled, ${summary.leftOpen.length} left open`);
    } catch (error) {
      if (abort.signal.aborted) return undefined;
      logger.warn({ err: error }, `could not reconcile open fixes: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!abort.signal.aborted && (summary === undefined || summary.leftOpen.length > 0)) {
      timer = setTimeout(() => {
        running = run();
      }, retryInMs);
      timer.unref();
    }
    return summary;
  };

  const firstRun = run();
  running = firstRun;
  return {
    firstRun,
    async stop() {
      abort.abort();
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}

function describe(summary: ReconcileSummary): object {
  const count = (result: string) => summary.closed.filter((closed) => closed.result === result).length;
  return {
    applied: count('applied'),
    notApplied: count('not-applied'),
    unknown: count('unknown'),
    closed: summary.closed.map(({ operation, serviceId, result }) => ({ operation, serviceId, result })),
    leftOpen: summary.leftOpen.map(({ operation, serviceId, reason }) => ({ operation, serviceId, reason })),
  };
}
