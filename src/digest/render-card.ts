import { digestCard, type DigestCardOptions } from '../cards/digest-card.js';
import type { AdaptiveCard } from '../cards/types.js';
import type { DigestFinding } from './compute.js';
import { loadDigest, type DigestStore, type LoadDigestOptions } from './load.js';

export interface RenderDigestCardOptions extends Omit<LoadDigestOptions, 'now'>, Omit<DigestCardOptions, 'causes'> {
  // `buttons` (Fix per finding, the kept copy) come from the bot that sends the card.
  /**
   * Who changed it, for the new and reopened findings (finding key → one sentence, as
   * src/inventory/change-cause.ts describeCause writes it). Optional: it reads Azure's change
   * history, which a preview may skip; a failure leaves the causes out.
   */
  readonly causesFor?: (findings: readonly DigestFinding[]) => Promise<ReadonlyMap<string, string>>;
}

/**
 * The digest card of an environment from the store, for `digest now` and for the scheduled digest
 * of a subscription; undefined when the environment has no posture history yet.
 */
export async function renderDigestCard(store: DigestStore, environment: string, now: Date, options: RenderDigestCardOptions = {}): Promise<AdaptiveCard | undefined> {
  const digest = await loadDigest(store, environment, {
    now,
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.configuredExemptions === undefined ? {} : { configuredExemptions: options.configuredExemptions }),
    ...(options.slaDays === undefined ? {} : { slaDays: options.slaDays }),
  });
  if (digest === undefined) return undefined;
  const changed = [...digest.added, ...digest.reopened];
  const causes = options.causesFor === undefined || changed.length === 0 ? undefined : await options.causesFor(changed).catch(() => undefined);
  return digestCard(digest, {
    ...(options.late === undefined ? {} : { late: options.late }),
    ...(causes === undefined ? {} : { causes }),
    ...(options.buttons === undefined ? {} : { buttons: options.buttons }),
  });
}
