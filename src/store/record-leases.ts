import type { z } from 'zod';
import type { IdempotencyKeys, Lease, LeaseStore } from './contracts.js';
import { checkCallerKey, checkTtl, Collection, MAX_CAS_ATTEMPTS, type Clock } from './collection.js';
import { keyFor, randomId } from './hashing.js';
import type { RecordTable } from './primitives.js';
import { doneRecordSchema, leaseRecordSchema } from './records.js';

export function createIdempotencyKeys(table: RecordTable, now: Clock): IdempotencyKeys {
  const collection = new Collection<z.infer<typeof doneRecordSchema>>(table, 'done', doneRecordSchema);
  return {
    async markDone(key) {
      checkCallerKey(key, 'idempotency key');
      // Creation is atomic in both backends: exactly one caller creates the record.
      return collection.create(keyFor(key), { key, doneAt: now().toISOString() });
    },
    async isDone(key) {
      checkCallerKey(key, 'idempotency key');
      return (await collection.get(keyFor(key))) !== undefined;
    },
  };
}

/**
 * Leases as records with compare-and-swap (the file backend; the Azure backend uses blob leases).
 * Expiry is judged by the caller's clock, so instances must keep their clocks in sync; the TTL
 * should be much longer than the expected skew.
 */
export function createRecordLeases(table: RecordTable, now: Clock): LeaseStore {
  type LeaseRecord = z.infer<typeof leaseRecordSchema>;
  const collection = new Collection<LeaseRecord>(table, 'leases', leaseRecordSchema);
  return {
    async acquire(name, ttlInMs) {
      checkCallerKey(name, 'lease name');
      checkTtl(ttlInMs);
      const key = keyFor(name);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const lease: Lease = { name, token: randomId(), expiresAt: now().getTime() + ttlInMs };
        const current = await collection.get(key);
        if (current === undefined) {
          if (await collection.create(key, lease)) return lease;
          continue;
        }
        if (current.value.expiresAt > now().getTime()) return undefined;
        if (await collection.replace(key, lease, current.etag)) return lease;
      }
      return undefined;
    },
    async renew(lease, ttlInMs) {
      checkTtl(ttlInMs);
      const key = keyFor(lease.name);
      const current = await collection.get(key);
      if (current === undefined || current.value.token !== lease.token || current.value.expiresAt <= now().getTime()) return undefined;
      const renewed: Lease = { ...lease, expiresAt: now().getTime() + ttlInMs };
      return (await collection.replace(key, renewed, current.etag)) ? renewed : undefined;
    },
    async release(lease) {
      const key = keyFor(lease.name);
      const current = await collection.get(key);
      if (current === undefined || current.value.token !== lease.token) return;
      await collection.replace(key, { ...current.value, expiresAt: 0 }, current.etag);
    },
  };
}
