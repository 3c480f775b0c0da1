import type { Lease, LeaseStore } from '../store/index.js';

export interface LeaseTiming {
  readonly ttlInMs: number;
  readonly renewEveryInMs: number;
}

/**
 * One fix per service at a time: the service PATCH has no If-Match, so a lease and a re-read stand in
 * for it. The lease is short and renewed while the fix runs (an APIM update takes up to 45 minutes):
 * after a crash it lapses within minutes, so reconciliation and the next Apply are not locked out.
 */
export const FIX_LEASE: LeaseTiming = { ttlInMs: 2 * 60 * 1000, renewEveryInMs: 30 * 1000 };

/** The lease a fix on a service holds; reconciliation takes the same one. */
export function fixLeaseName(serviceId: string): string {
  return `fix:${serviceId.toLowerCase()}`;
}

/**
 * Renews the lease until stopped. A renewal that fails is not retried: the lease lapsed or was taken
 * over, and the fix that is already being sent cannot be called back; its records still say what happened.
 */
export function keepRenewing(leases: LeaseStore, lease: Lease, timing: LeaseTiming): { stop(): Promise<void> } {
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = leases.renew(lease, timing.ttlInMs).then(
      (renewed) => {
        if (renewed === undefined) clearInterval(timer);
      },
      () => undefined,
    );
  }, timing.renewEveryInMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      // A renewal in flight would otherwise land after the release and hold the lease for another TTL.
      await renewing;
    },
  };
}
