/**
 * One change per service at a time (a fix, a revert, a reconciliation): the service PATCH has no
 * If-Match, so a store lease and a re-read stand in for it. An APIM service update takes 15–45
 * minutes, hence the hour.
 */
export const FIX_LEASE_TTL_MS = 60 * 60 * 1000;

/** The lease name for changes to one service; resource ids compare without regard to case. */
export function fixLeaseName(serviceId: string): string {
  return `fix:${serviceId.toLowerCase()}`;
}
