import { randomBytes } from 'node:crypto';

export interface RefLimits {
  readonly maxEntries: number;
  /** Total approximate bytes of the stored values (see `sizeOf`). */
  readonly maxBytes: number;
}

export const DEFAULT_REF_LIMITS: RefLimits = { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 };

/** The map slot, the entry object, the value object and the ref string, as measured in the soak test. */
const REF_ENTRY_BYTES = 256;

interface Entry<T> {
  readonly conversationId: string;
  /** The caller's key when issued through {@link RefStore.issueOnce}. */
  readonly key?: string;
  readonly value: T;
  readonly bytes: number;
  readonly expiresAt: number;
}

/**
 * Opaque references for card buttons. A button carries only a random id; what it means (which
 * report, which finding) stays on the server, bound to the conversation it was issued in and
 * expiring, so a forged or replayed card payload cannot point the bot at something else. Bounded
 * by count and by size: the least recently used refs go first, and their buttons answer "run the
 * audit again".
 */
export class RefStore<T> {
  /** Least recently used first: a Map keeps insertion order and a resolve re-inserts. */
  private readonly entries = new Map<string, Entry<T>>();
  /** conversation + key → ref, for refs issued through issueOnce. */
  private readonly byKey = new Map<string, string>();
  private readonly limits: RefLimits;
  private totalBytes = 0;

  constructor(
    private readonly now: () => number = Date.now,
    limits: Partial<RefLimits> = {},
    /** Approximate size of a value; values should hold ids, not whole reports. */
    private readonly sizeOf: (value: T) => number = () => 0,
  ) {
    this.limits = { ...DEFAULT_REF_LIMITS, ...limits };
  }

  issue(conversationId: string, value: T, ttlInMs: number): string {
    return this.add(conversationId, value, ttlInMs, undefined);
  }

  /**
   * The same ref for the same key in a conversation while it lives: a card rendered again (after a
   * click) carries the buttons it had, instead of minting refs on every click.
   */
  issueOnce(conversationId: string, key: string, value: T, ttlInMs: number): string {
    const indexKey = `${conversationId}\u0000${key}`;
    const existing = this.byKey.get(indexKey);
    if (existing !== undefined && this.resolve(conversationId, existing) !== undefined) return existing;
    return this.add(conversationId, value, ttlInMs, indexKey);
  }

  private add(conversationId: string, value: T, ttlInMs: number, key: string | undefined): string {
    const ref = randomBytes(12).toString('base64url');
    const bytes = REF_ENTRY_BYTES + 2 * conversationId.length + this.sizeOf(value) + (key === undefined ? 0 : 2 * key.length + REF_ENTRY_BYTES);
    this.sweep();
    this.entries.set(ref, { conversationId, value, bytes, expiresAt: this.now() + ttlInMs, ...(key === undefined ? {} : { key }) });
    if (key !== undefined) this.byKey.set(key, ref);
    this.totalBytes += bytes;
    while (this.entries.size > this.limits.maxEntries || this.totalBytes > this.limits.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined || oldest === ref) break;
      this.drop(oldest);
    }
    return ref;
  }

  /** The value, if the ref exists, belongs to this conversation and has not expired. */
  resolve(conversationId: string, ref: unknown): T | undefined {
    if (typeof ref !== 'string') return undefined;
    const entry = this.entries.get(ref);
    if (entry === undefined || entry.conversationId !== conversationId) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.drop(ref);
      return undefined;
    }
    // A used button is the last to be evicted.
    this.entries.delete(ref);
    this.entries.set(ref, entry);
    return entry.value;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  private sweep(): void {
    const now = this.now();
    for (const [ref, entry] of this.entries) if (entry.expiresAt <= now) this.drop(ref);
  }

  private drop(ref: string): void {
    const entry = this.entries.get(ref);
    if (entry === undefined) return;
    this.entries.delete(ref);
    if (entry.key !== undefined && this.byKey.get(entry.key) === ref) this.byKey.delete(entry.key);
    this.totalBytes -= entry.bytes;
  }
}
