import { randomUUID } from 'node:crypto';
import type { BlobClient, ContainerClient } from '@azure/storage-blob';
import type { Lease, LeaseStore } from '../contracts.js';
import { keyFor } from '../hashing.js';
import { checkCallerKey, checkTtl, type Clock } from '../collection.js';
import { statusOf } from './table-records.js';

/** Refusals that mean "someone else got there first", not a fault. */
const LOST_RACE = new Set([409, 412]);

async function unlessLostRace<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    const status = statusOf(error);
    if (status !== undefined && LOST_RACE.has(status)) return undefined;
    throw error;
  }
}

/**
 * Leases on blobs, one blob per lease name. The blob lease itself is infinite (a native lease
 * lasts 15 to 60 seconds, too short for an hour of digest sending and too coarse for tests); the
 * TTL lives in the blob's metadata, and every step is conditional on the ETag read before it:
 *
 * - acquire: read; if the metadata names an unexpired holder, give up. If an expired holder still
 *   has the blob lease, break it only if the blob is unchanged since the read. Then claim the
 *   metadata (If-Match) and take the blob lease (If-Match on the claim's ETag), so of any number
 *   of racing instances exactly one ends up holding it.
 * - renew: rewrite the expiry under the blob lease id, which fails once someone broke it.
 * - release: clear the expiry under the lease id, then release the blob lease.
 *
 * Expiry is judged by the caller's clock: keep instance clocks in sync (they are on App Service)
 * and TTLs well above the skew.
 */
export class BlobLeases implements LeaseStore {
  constructor(
    private readonly container: ContainerClient,
    private readonly now: Clock,
  ) {}

  private blobOf(name: string): BlobClient {
    return this.container.getBlobClient(`lease-${keyFor(name)}`);
  }

  async acquire(name: string, ttlInMs: number): Promise<Lease | undefined> {
    checkCallerKey(name, 'lease name');
    checkTtl(ttlInMs);
    const blob = this.blobOf(name);
    // Create the blob once; a concurrent creator, or an existing (maybe leased) blob, is fine.
    await unlessLostRace(() => blob.getBlockBlobClient().upload('', 0, { conditions: { ifNoneMatch: '*' } }));
    let properties = await blob.getProperties();
    if (Number(properties.metadata?.['expiresat'] ?? 0) > this.now().getTime()) return undefined;
    if (properties.leaseState === 'leased') {
      // The holder expired without releasing: break its blob lease, unless the blob changed since the read.
      const broken = await unlessLostRace(() => blob.getBlobLeaseClient().breakLease(0, { conditions: { ifMatch: properties.etag } }));
      if (broken === undefined) return undefined;
      // A fresh ETag for the claim: if another instance claimed in between, the claim fails on
      // that ETag, or on that instance's blob lease.
      properties = await blob.getProperties();
    }
    const token = randomUUID();
    const expiresAt = this.now().getTime() + ttlInMs;
    const claimed = await unlessLostRace(() => blob.setMetadata({ holder: token, expiresat: String(expiresAt) }, { conditions: { ifMatch: properties.etag } }));
    if (claimed?.etag === undefined) return undefined;
    const leased = await unlessLostRace(() => blob.getBlobLeaseClient(token).acquireLease(-1, { conditions: { ifMatch: claimed.etag } }));
    return leased === undefined ? undefined : { name, token, expiresAt };
  }

  async renew(lease: Lease, ttlInMs: number): Promise<Lease | undefined> {
    checkTtl(ttlInMs);
    if (lease.expiresAt <= this.now().getTime()) return undefined;
    const expiresAt = this.now().getTime() + ttlInMs;
    const renewed = await unlessLostRace(() => this.blobOf(lease.name).setMetadata({ holder: lease.token, expiresat: String(expiresAt) }, { conditions: { leaseId: lease.token } }));
    return renewed === undefined ? undefined : { ...lease, expiresAt };
  }

  async release(lease: Lease): Promise<void> {
    const blob = this.blobOf(lease.name);
    // Lost already (taken over): nothing of ours to release.
    const cleared = await unlessLostRace(() => blob.setMetadata({ holder: lease.token, expiresat: '0' }, { conditions: { leaseId: lease.token } }));
    if (cleared === undefined) return;
    await unlessLostRace(() => blob.getBlobLeaseClient(lease.token).releaseLease());
  }
}
