import { randomBytes } from 'node:crypto';

/**
 * Opaque references for card buttons. A button carries only a random id; what it means (which
 * report, which finding) stays on the server, bound to the conversation it was issued in and
 * expiring, so a forged or replayed card payload cannot point the bot at something else.
 */
export class RefStore<T> {
  private readonly entries = new Map<string, { conversationId: string; value: T; expiresAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  issue(conversationId: string, value: T, ttlInMs: number): string {
    this.sweep();
    const ref = randomBytes(12).toString('base64url');
    this.entries.set(ref, { conversationId, value, expiresAt: this.now() + ttlInMs });
    return ref;
  }

  /** The value, if the ref exists, belongs to this conversation and has not expired. */
  resolve(conversationId: string, ref: unknown): T | undefined {
    if (typeof ref !== 'string') return undefined;
    const entry = this.entries.get(ref);
    if (entry === undefined || entry.conversationId !== conversationId) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(ref);
      return undefined;
    }
    return entry.value;
  }

  private sweep(): void {
    const now = this.now();
    for (const [ref, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(ref);
    // Oldest first when still full: Map keeps insertion order.
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
