import { describe, expect, it } from 'vitest';
import type { AuditRecord, Store } from '../../src/store/contracts.js';
import { StoreCorruptError, StoreLimitError } from '../../src/store/errors.js';
import type { RecordTable } from '../../src/store/primitives.js';
import type { JsonValue } from '../../src/store/json.js';

/** A clock the tests move by hand, so expiry is tested without waiting. */
export class TestClock {
  time = Date.parse('2026-03-02T09:00:00.000Z');
  readonly now = (): Date => new Date(this.time);
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Direct access to what a backend stored, to play the part of someone editing it. */
export interface AuditTamper {
  /** Rewrites the stored record `seq` (its hash is left as it was unless `mutate` changes it). */
  edit(seq: number, mutate: (record: AuditRecord) => AuditRecord): Promise<void>;
  remove(seq: number): Promise<void>;
  /** Swaps the stored places of two records. */
  swap(a: number, b: number): Promise<void>;
}

export interface StoreNamespace {
  /** A new store instance (a new process, a restart) over the same data. */
  open(options?: OpenOptions): Promise<Store>;
  /** The backend's record table over the same data, to plant hostile records. */
  raw(): RecordTable;
  tamper(): AuditTamper;
}

export interface OpenOptions {
  readonly maxReportBytes?: number;
}

export interface ContractHarness {
  /** An empty namespace, unshared with other tests. */
  fresh(clock: TestClock): Promise<StoreNamespace>;
}

const HOUR = 60 * 60 * 1000;

export function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

/** The behaviour every backend must have; each backend's test file calls this with its harness. */
export function storeContract(harness: ContractHarness): void {
  async function setup(options?: OpenOptions) {
    const clock = new TestClock();
    const namespace = await harness.fresh(clock);
    return { clock, namespace, store: await namespace.open(options) };
  }

  describe('durability', () => {
    it('a new instance reads everything the old one wrote', async () => {
      const { namespace, store } = await setup();
      await store.auditLog.append({ kind: 'fix.applied', actor: 'user-1', subject: '/subscriptions/s/x', details: { rule: 'APIM-004' } });
      await store.history.record({ environment: 'prod', at: '2026-03-01T00:00:00Z', score: 71.5, findings: [{ key: 'APIM-004|/x', severity: 'high', firstSeen: '2026-02-01T00:00:00Z' }] });
      const exemption = await store.exemptions.add({ ruleId: 'APIM-004', resource: 'svc-*', reason: 'Accepted until the migration.', expires: '2026-12-31' }, 'user-1');
      const ref = await store.buttonRefs.issue({ meaning: { action: 'fix', finding: 3 }, conversationId: 'conv-1', ttlInMs: HOUR, singleUse: true });
      await store.conversations.put('conv-1', { serviceUrl: 'https://smba.example/', conversation: { id: 'conv-1' } });
      await store.subscriptions.put({ conversationId: 'conv-1', topic: 'weekly-digest', environment: 'prod', createdBy: 'user-1', createdAt: '2026-03-01T00:00:00Z' });
      await store.lastReports.put('conv-1', { summary: { score: 71.5 }, rows: [1, 2, 3] });
      expect(await store.idempotency.markDone('digest|2026-W09|conv-1')).toBe(true);
      const lease = await store.leases.acquire('weekly-digest', HOUR);
      expect(lease).toBeDefined();

      const reopened = await namespace.open();
      expect(await reopened.auditLog.read()).toEqual(await store.auditLog.read());
      expect((await reopened.auditLog.read())[0]).toMatchObject({ seq: 1, kind: 'fix.applied', details: { rule: 'APIM-004' } });
      expect((await reopened.history.list('prod')).items).toMatchObject([{ environment: 'prod', score: 71.5, findings: [{ key: 'APIM-004|/x', severity: 'high' }] }]);
      expect(await reopened.exemptions.list()).toEqual([exemption]);
      expect(await reopened.buttonRefs.resolve(ref, { conversationId: 'conv-1' })).toMatchObject({ ok: true, ref: { meaning: { action: 'fix', finding: 3 } } });
      expect(await reopened.conversations.get('conv-1')).toMatchObject({ reference: { serviceUrl: 'https://smba.example/' } });
      expect(await reopened.subscriptions.list('weekly-digest')).toMatchObject([{ conversationId: 'conv-1', environment: 'prod' }]);
      expect(await reopened.lastReports.get('conv-1')).toMatchObject({ report: { summary: { score: 71.5 }, rows: [1, 2, 3] } });
      expect(await reopened.idempotency.isDone('digest|2026-W09|conv-1')).toBe(true);
      expect(await reopened.leases.acquire('weekly-digest', HOUR)).toBeUndefined();
      expect(await reopened.auditLog.verify()).toMatchObject({ ok: true, count: 1 });
    });

    it('removes and replaces records', async () => {
      const { store } = await setup();
      const exemption = await store.exemptions.add({ ruleId: '*', resource: 'svc-dev', reason: 'Development only.', expires: '2026-06-30' }, 'user-1');
      expect(await store.exemptions.remove(exemption.id)).toBe(true);
      expect(await store.exemptions.remove(exemption.id)).toBe(false);
      expect(await store.exemptions.remove('../../etc/passwd')).toBe(false);
      expect(await store.exemptions.list()).toEqual([]);

      await store.conversations.put('conv-1', { v: 1 });
      await store.conversations.put('conv-1', { v: 2 });
      expect((await store.conversations.get('conv-1'))?.reference).toEqual({ v: 2 });
      expect(await store.conversations.remove('conv-1')).toBe(true);
      expect(await store.conversations.get('conv-1')).toBeUndefined();

      await store.subscriptions.put({ conversationId: 'a', topic: 'weekly-digest', createdBy: 'u', createdAt: '2026-03-01T00:00:00Z' });
      await store.subscriptions.put({ conversationId: 'b', topic: 'weekly-digest', createdBy: 'u', createdAt: '2026-03-01T00:00:00Z' });
      await store.subscriptions.put({ conversationId: 'a', topic: 'alerts', createdBy: 'u', createdAt: '2026-03-01T00:00:00Z' });
      expect((await store.subscriptions.list('weekly-digest')).map((s) => s.conversationId).sort()).toEqual(['a', 'b']);
      expect(await store.subscriptions.remove('a', 'weekly-digest')).toBe(true);
      expect((await store.subscriptions.list()).map((s) => `${s.conversationId}/${s.topic}`).sort()).toEqual(['a/alerts', 'b/weekly-digest']);
    });
  });

  describe('button references', () => {
    it('a single-use button answers exactly one of 20 concurrent consumers, across two instances', async () => {
      const { namespace, store } = await setup();
      const other = await namespace.open();
      const ref = await store.buttonRefs.issue({ meaning: { action: 'fix' }, conversationId: 'conv-1', userId: 'user-1', ttlInMs: HOUR, singleUse: true });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).buttonRefs.consume(ref, { conversationId: 'conv-1', userId: 'user-1' })));
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok && result.reason === 'consumed')).toHaveLength(19);
      expect(await store.buttonRefs.consume(ref, { conversationId: 'conv-1', userId: 'user-1' })).toEqual({ ok: false, reason: 'consumed' });
      expect(await other.buttonRefs.resolve(ref, { conversationId: 'conv-1', userId: 'user-1' })).toEqual({ ok: false, reason: 'consumed' });
    });

    it('a reusable button answers every time; resolving never consumes', async () => {
      const { store } = await setup();
      const ref = await store.buttonRefs.issue({ meaning: { page: 2 }, conversationId: 'conv-1', ttlInMs: HOUR, singleUse: false });
      for (let i = 0; i < 3; i++) expect(await store.buttonRefs.consume(ref, { conversationId: 'conv-1' })).toMatchObject({ ok: true });
      const once = await store.buttonRefs.issue({ meaning: { page: 2 }, conversationId: 'conv-1', ttlInMs: HOUR, singleUse: true });
      expect(await store.buttonRefs.resolve(once, { conversationId: 'conv-1' })).toMatchObject({ ok: true });
      expect(await store.buttonRefs.consume(once, { conversationId: 'conv-1' })).toMatchObject({ ok: true, ref: { consumedAt: '2026-03-02T09:00:00.000Z' } });
    });

    it('stays bound to its conversation and user, and expires', async () => {
      const { clock, store } = await setup();
      const ref = await store.buttonRefs.issue({ meaning: { action: 'fix' }, conversationId: 'conv-1', userId: 'user-1', ttlInMs: HOUR, singleUse: true });
      expect(await store.buttonRefs.consume(ref, { conversationId: 'conv-2', userId: 'user-1' })).toEqual({ ok: false, reason: 'otherConversation' });
      expect(await store.buttonRefs.consume(ref, { conversationId: 'conv-1', userId: 'user-2' })).toEqual({ ok: false, reason: 'otherUser' });
      expect(await store.buttonRefs.consume(ref, { conversationId: 'conv-1' })).toEqual({ ok: false, reason: 'otherUser' });
      clock.advance(HOUR);
      expect(await store.buttonRefs.consume(ref, { conversationId: 'conv-1', userId: 'user-1' })).toEqual({ ok: false, reason: 'expired' });
    });

    it('purges expired buttons and keeps the others', async () => {
      const { clock, store } = await setup();
      const short = await store.buttonRefs.issue({ meaning: { a: 1 }, conversationId: 'conv-1', ttlInMs: 1000, singleUse: false });
      const long = await store.buttonRefs.issue({ meaning: { a: 2 }, conversationId: 'conv-1', ttlInMs: HOUR, singleUse: false });
      expect(await store.buttonRefs.purgeExpired()).toBe(0);
      clock.advance(1500);
      // Expired 500 ms ago: kept by a 1-second grace, purged by a half-second one.
      expect(await store.buttonRefs.purgeExpired(1000)).toBe(0);
      expect(await store.buttonRefs.purgeExpired(500)).toBe(1);
      expect(await store.buttonRefs.resolve(short, { conversationId: 'conv-1' })).toEqual({ ok: false, reason: 'unknown' });
      expect(await store.buttonRefs.resolve(long, { conversationId: 'conv-1' })).toMatchObject({ ok: true });
    });

    it('treats a forged id as unknown without touching storage paths', async () => {
      const { store } = await setup();
      for (const forged of [undefined, 42, { id: 'x' }, '', '../records/leases/x', 'a'.repeat(500), 'x'.repeat(15), "x' or PartitionKey ne 'y"]) {
        expect(await store.buttonRefs.resolve(forged, { conversationId: 'conv-1' })).toEqual({ ok: false, reason: 'unknown' });
        expect(await store.buttonRefs.consume(forged, { conversationId: 'conv-1' })).toEqual({ ok: false, reason: 'unknown' });
      }
      expect(await store.buttonRefs.resolve('A'.repeat(24), { conversationId: 'conv-1' })).toEqual({ ok: false, reason: 'unknown' });
    });

    it('refuses a meaning that is not plain JSON', async () => {
      const { store } = await setup();
      const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, never>;
      await expect(store.buttonRefs.issue({ meaning: hostile, conversationId: 'c', ttlInMs: HOUR, singleUse: false })).rejects.toThrow(/__proto__/);
      await expect(store.buttonRefs.issue({ meaning: { a: 1 }, conversationId: 'c', ttlInMs: 0, singleUse: false })).rejects.toThrow(RangeError);
    });
  });

  describe('leases and idempotency keys', () => {
    it('one holder at a time; renewed, released, and taken over after expiry', async () => {
      const { clock, namespace, store } = await setup();
      const other = await namespace.open();
      const first = await store.leases.acquire('digest', 30_000);
      expect(first).toMatchObject({ name: 'digest', expiresAt: clock.time + 30_000 });
      expect(await other.leases.acquire('digest', 30_000)).toBeUndefined();

      clock.advance(20_000);
      const renewed = await store.leases.renew(defined(first), 30_000);
      expect(renewed?.expiresAt).toBe(clock.time + 30_000);
      clock.advance(20_000);
      expect(await other.leases.acquire('digest', 30_000)).toBeUndefined();

      clock.advance(10_001);
      const taken = await other.leases.acquire('digest', 30_000);
      expect(taken).toBeDefined();
      expect(taken?.token).not.toBe(first?.token);
      expect(await store.leases.renew(defined(renewed), 30_000)).toBeUndefined();
      await store.leases.release(defined(renewed));
      expect(await store.leases.acquire('digest', 30_000)).toBeUndefined();

      await other.leases.release(defined(taken));
      expect(await store.leases.acquire('digest', 30_000)).toBeDefined();
    });

    it('a lease past its TTL cannot be renewed, even before anyone takes it over', async () => {
      const { clock, store } = await setup();
      const lease = defined(await store.leases.acquire('expiring', 10_000));
      clock.advance(10_000);
      expect(await store.leases.renew(lease, 10_000)).toBeUndefined();
      await expect(store.leases.acquire('expiring', 0)).rejects.toThrow(RangeError);
      await expect(store.leases.acquire('bad\nname', 1000)).rejects.toThrow();
    });

    it('exactly one of 10 concurrent acquirers gets a free lease', async () => {
      const { namespace, store } = await setup();
      const other = await namespace.open();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : other).leases.acquire('weekly', 60_000)));
      expect(results.filter((lease) => lease !== undefined)).toHaveLength(1);
    });

    it('marks a key done exactly once under 20 concurrent callers', async () => {
      const { namespace, store } = await setup();
      const other = await namespace.open();
      expect(await store.idempotency.isDone('send|w09|conv-1')).toBe(false);
      const marks = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).idempotency.markDone('send|w09|conv-1')));
      expect(marks.filter(Boolean)).toHaveLength(1);
      expect(await other.idempotency.isDone('send|w09|conv-1')).toBe(true);
      expect(await other.idempotency.isDone('send|w09|conv-2')).toBe(false);
    });
  });

  describe('audit log hash chain', () => {
    async function logOf(records: number) {
      const context = await setup();
      for (let i = 1; i <= records; i++) {
        await context.store.auditLog.append({ kind: 'fix.applied', actor: `user-${i}`, details: { step: i } });
        context.clock.advance(1000);
      }
      return context;
    }

    it('chains records and verifies an intact log', async () => {
      const { store } = await logOf(4);
      const records = await store.auditLog.read();
      expect(records.map((record) => record.seq)).toEqual([1, 2, 3, 4]);
      expect(records[0]?.prevHash).toBe('0'.repeat(64));
      for (let i = 1; i < records.length; i++) expect(records[i]?.prevHash).toBe(records[i - 1]?.hash);
      expect(await store.auditLog.verify()).toEqual({ ok: true, count: 4, headHash: records[3]?.hash });
      expect((await store.auditLog.read({ afterSeq: 2, limit: 1 })).map((record) => record.seq)).toEqual([3]);
      await expect(store.auditLog.append({ kind: 'Not A Kind', actor: 'u', details: {} })).rejects.toThrow();
      await expect(store.auditLog.append({ kind: 'fix.applied', actor: 'u', details: { blob: 'x'.repeat(60_000) } })).rejects.toThrow(StoreLimitError);
      expect(await store.auditLog.verify()).toMatchObject({ ok: true, count: 4 });
    });

    it('concurrent appends from two instances form one chain', async () => {
      const { namespace, store } = await setup();
      const other = await namespace.open();
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? store : other).auditLog.append({ kind: 'ref.issued', actor: 'system', details: { i } })));
      expect(await store.auditLog.verify()).toMatchObject({ ok: true, count: 12 });
    });

    it('a reader never mistakes an append in progress for a broken chain', async () => {
      const { namespace, store } = await setup();
      const writer = await namespace.open();
      // Large records: a write of several pages is visible to a reader before it completes.
      const big = 'x'.repeat(40_000);
      let writing = true;
      const appends = (async () => {
        for (let i = 0; i < 20; i++) await writer.auditLog.append({ kind: 'fix.applied', actor: 'u', details: { big, i } });
        writing = false;
      })();
      const problems: string[] = [];
      while (writing) {
        const verdict = await store.auditLog.verify();
        if (!verdict.ok) problems.push(verdict.message);
      }
      await appends;
      expect(problems).toEqual([]);
    });

    it('catches an edited record', async () => {
      const { namespace, store } = await logOf(4);
      await namespace.tamper().edit(2, (record) => ({ ...record, actor: 'someone-else' }));
      expect(await store.auditLog.verify()).toMatchObject({ ok: false, problem: 'edited', at: 2 });
    });

    it('catches an edited record whose hash was recomputed', async () => {
      const { namespace, store } = await logOf(4);
      const { hashOf } = await import('../../src/store/audit-chain.js');
      await namespace.tamper().edit(2, (record) => {
        const rest: Omit<AuditRecord, 'hash'> & { hash?: string } = { ...record, details: { step: 99 } };
        delete rest.hash;
        return { ...rest, hash: hashOf(rest) };
      });
      expect(await store.auditLog.verify()).toMatchObject({ ok: false, problem: 'edited', at: 2 });
    });

    it('catches a deleted record, in the middle and at the end', async () => {
      const middle = await logOf(4);
      await middle.namespace.tamper().remove(3);
      expect(await middle.store.auditLog.verify()).toMatchObject({ ok: false, problem: 'missing', at: 3 });

      const end = await logOf(4);
      await end.namespace.tamper().remove(4);
      expect(await end.store.auditLog.verify()).toMatchObject({ ok: false, problem: 'missing', at: 4 });
    });

    it('catches a removed head', async () => {
      const { namespace, store } = await logOf(3);
      expect(await namespace.raw().delete('audit-head', 'head')).toBe(true);
      expect(await store.auditLog.verify()).toMatchObject({ ok: false, problem: 'missing', message: 'the audit log head is missing' });
    });

    it('catches reordered records', async () => {
      const { namespace, store } = await logOf(4);
      await namespace.tamper().swap(2, 3);
      expect(await store.auditLog.verify()).toMatchObject({ ok: false, problem: 'reordered', at: 2 });
    });
  });

  describe('posture history', () => {
    it('pages newest first and keeps environments apart', async () => {
      const { store } = await setup();
      for (let day = 1; day <= 7; day++) {
        await store.history.record({ environment: 'prod', at: `2026-02-0${day}T06:00:00Z`, score: 50 + day, findings: [] });
      }
      await store.history.record({ environment: 'dev', at: '2026-02-03T06:00:00Z', score: 10, findings: [] });

      const pages: number[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.history.list('prod', { limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        pages.push(page.items.map((snapshot) => snapshot.score));
        cursor = page.next;
      } while (cursor !== undefined);
      expect(pages).toEqual([[57, 56, 55], [54, 53, 52], [51]]);
      expect((await store.history.list('dev')).items.map((snapshot) => snapshot.score)).toEqual([10]);
      expect(await store.history.list('test')).toEqual({ items: [] });
      const exact = await store.history.list('prod', { limit: 7 });
      expect(exact.items).toHaveLength(7);
      expect(exact.next).toBeUndefined();
    });

    it('refuses forged cursors and bad limits', async () => {
      const { store } = await setup();
      await expect(store.history.list('prod', { cursor: Buffer.from("x' or RowKey gt '").toString('base64url') })).rejects.toThrow(RangeError);
      await expect(store.history.list('prod', { cursor: Buffer.from('zzz').toString('base64url') })).rejects.toThrow(/invalid page cursor/);
      await expect(store.history.list('prod', { limit: 0 })).rejects.toThrow(RangeError);
      await expect(store.history.list('prod', { limit: 5000 })).rejects.toThrow(RangeError);
      await expect(store.history.record({ environment: 'prod', at: 'yesterday', score: 1, findings: [] })).rejects.toThrow();
      await expect(store.history.record({ environment: 'prod', at: '1969-12-31T23:59:59Z', score: 1, findings: [] })).rejects.toThrow(/from 1970/);
    });

    it('pages conversations', async () => {
      const { store } = await setup();
      for (let i = 0; i < 5; i++) await store.conversations.put(`conv-${i}`, { i });
      const first = await store.conversations.list({ limit: 2 });
      const second = await store.conversations.list({ limit: 2, cursor: defined(first.next) });
      const third = await store.conversations.list({ limit: 2, cursor: defined(second.next) });
      expect(third.next).toBeUndefined();
      expect([...first.items, ...second.items, ...third.items].map((record) => record.conversationId).sort()).toEqual(['conv-0', 'conv-1', 'conv-2', 'conv-3', 'conv-4']);
    });
  });

  describe('last reports', () => {
    it('keeps one report per conversation, capped in size', async () => {
      const { store } = await setup({ maxReportBytes: 2000 });
      expect(await store.lastReports.put('conv-1', { n: 1 })).toMatchObject({ kept: true });
      expect(await store.lastReports.put('conv-1', { n: 2 })).toMatchObject({ kept: true });
      expect(await store.lastReports.put('conv-2', { n: 3 })).toMatchObject({ kept: true });
      expect((await store.lastReports.get('conv-1'))?.report).toEqual({ n: 2 });
      const big = await store.lastReports.put('conv-1', { text: 'x'.repeat(3000) });
      expect(big).toMatchObject({ kept: false, limit: 2000 });
      // An older report must not stand in for the one just shown.
      expect(await store.lastReports.get('conv-1')).toBeUndefined();
      expect((await store.lastReports.get('conv-2'))?.report).toEqual({ n: 3 });
    });

    it('refuses to write a report it could not read back: a __proto__ key, or nesting deeper than 64 levels', async () => {
      const { store } = await setup();
      const hostile = JSON.parse('{"summary":{"__proto__":{"polluted":true}}}') as JsonValue;
      await expect(store.lastReports.put('conv-1', hostile)).rejects.toThrow(/forbidden key "__proto__"/);
      let deep: JsonValue = 'leaf';
      for (let level = 0; level < 64; level++) deep = { level: deep };
      await expect(store.lastReports.put('conv-1', deep)).rejects.toThrow(/nested deeper than 64 levels/);
      await expect(store.lastReports.put('conv-1', undefined as unknown as JsonValue)).rejects.toThrow('report is not JSON-serialisable');
      expect(await store.lastReports.get('conv-1')).toBeUndefined();
      // One level less, in the stored record that wraps it, is read back as written.
      await store.lastReports.put('conv-1', (deep as { level: JsonValue }).level);
      expect((await store.lastReports.get('conv-1'))?.report).toEqual((deep as { level: JsonValue }).level);
    });

    it('refuses to read a stored report above the cap', async () => {
      const { namespace, store } = await setup({ maxReportBytes: 5000 });
      expect(await store.lastReports.put('conv-1', { text: 'x'.repeat(4000) })).toMatchObject({ kept: true });
      const smaller = await namespace.open({ maxReportBytes: 1000 });
      await expect(smaller.lastReports.get('conv-1')).rejects.toThrow(StoreLimitError);
    });
  });

  describe('record table', () => {
    it('creates once, and replaces only from the current version', async () => {
      const { namespace } = await setup();
      const raw = namespace.raw();
      expect(await raw.create('probe', 'k1', '{"v":1}')).toBe(true);
      expect(await raw.create('probe', 'k1', '{"v":2}')).toBe(false);
      const first = defined(await raw.get('probe', 'k1'));
      expect(await raw.replace('probe', 'k1', '{"v":3}', first.etag)).toBe(true);
      // A writer still holding the first version loses.
      expect(await raw.replace('probe', 'k1', '{"v":4}', first.etag)).toBe(false);
      expect(JSON.parse(defined(await raw.get('probe', 'k1')).text)).toEqual({ v: 3 });
      expect(await raw.delete('probe', 'k1')).toBe(true);
      expect(await raw.replace('probe', 'k1', '{"v":5}', first.etag)).toBe(false);
      expect(await raw.get('probe', 'k1')).toBeUndefined();
    });
  });

  describe('record table under contention', () => {
    it('an unconditional write or delete racing a compare-and-swap is never overwritten by it', async () => {
      const { namespace } = await setup();
      const raw = namespace.raw();
      for (let round = 0; round < 20; round++) {
        await raw.put('probe', 'k', '{"v":"start"}');
        const read = defined(await raw.get('probe', 'k'));
        // Either order is fine, but the swap read "start": if the write went first, the swap must fail.
        // Staggered starts, so some rounds land the write inside the swap's read-then-write.
        const stagger = () => new Promise((resolve) => setTimeout(resolve, round % 5));
        await Promise.all([stagger().then(() => raw.put('probe', 'k', '{"v":"put"}')), raw.replace('probe', 'k', '{"v":"swap"}', read.etag)]);
        expect(JSON.parse(defined(await raw.get('probe', 'k')).text)).toEqual({ v: 'put' });

        const again = defined(await raw.get('probe', 'k'));
        await Promise.all([stagger().then(() => raw.delete('probe', 'k')), raw.replace('probe', 'k', '{"v":"swap"}', again.etag)]);
        expect(await raw.get('probe', 'k')).toBeUndefined();
      }
    });
  });

  describe('hostile storage', () => {
    it('reports a record with a prototype key or a wrong shape as corrupt', async () => {
      const { namespace, store } = await setup();
      const ref = await store.buttonRefs.issue({ meaning: { a: 1 }, conversationId: 'conv-1', ttlInMs: HOUR, singleUse: true });
      const raw = namespace.raw();
      const stored = await raw.get('button-refs', ref);
      expect(stored).toBeDefined();
      await raw.put('button-refs', ref, defined(stored).text.replace('"meaning":{', '"meaning":{"__proto__":{"polluted":true},'));
      await expect(store.buttonRefs.consume(ref, { conversationId: 'conv-1' })).rejects.toThrow(StoreCorruptError);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();

      await raw.put('button-refs', ref, defined(stored).text.replace('"singleUse":true', '"singleUse":"yes"'));
      await expect(store.buttonRefs.consume(ref, { conversationId: 'conv-1' })).rejects.toThrow(/singleUse/);
      await raw.put('button-refs', ref, '{"id":');
      await expect(store.buttonRefs.resolve(ref, { conversationId: 'conv-1' })).rejects.toThrow(/not valid JSON/);
    });

    it('keeps caller values and storage addresses in bounds', async () => {
      const { namespace, store } = await setup();
      await expect(store.conversations.put('conv\n1', {})).rejects.toThrow(/control characters/);
      let nested: Record<string, unknown> = {};
      for (let i = 0; i < 70; i++) nested = { inner: nested };
      await expect(store.conversations.put('conv-1', nested as Record<string, never>)).rejects.toThrow(/nested deeper/);
      const raw = namespace.raw();
      await expect(raw.get('button-refs', '../x')).rejects.toThrow(RangeError);
      await expect(raw.get('../records', 'x')).rejects.toThrow(RangeError);
      await expect(raw.list('button-refs', { after: "a' or 'b", limit: 1 })).rejects.toThrow(RangeError);
    });

    it('does not let a record copied under another id answer for it', async () => {
      const { namespace, store } = await setup();
      const ref = await store.buttonRefs.issue({ meaning: { a: 1 }, conversationId: 'conv-1', ttlInMs: HOUR, singleUse: false });
      const raw = namespace.raw();
      const copyId = 'B'.repeat(24);
      await raw.put('button-refs', copyId, defined(await raw.get('button-refs', ref)).text);
      expect(await store.buttonRefs.resolve(copyId, { conversationId: 'conv-1' })).toEqual({ ok: false, reason: 'unknown' });
    });
  });
}
