import { randomBytes } from 'node:crypto';
import type { Report } from '../engine/report.js';
import type { Estate } from '../estate/model.js';
import type { AuditFilters } from '../cards/render.js';
import type { ResolvedScope } from '../inventory/scope.js';

/** What was asked for: the cards echo the filters, and "Deep audit" repeats the request deeply. */
export interface AuditAsked {
  readonly scope: ResolvedScope;
  readonly filters: AuditFilters;
}

/**
 * What the bot keeps of a finished audit: the report (summary, "Show findings", paging, filters)
 * and the estate (Fix answers plan from the audited resources). Never the raw inventory: it is
 * the largest part and nothing after the audit reads it.
 */
export interface RetainedAudit {
  readonly id: string;
  readonly conversationId: string;
  readonly report: Report;
  readonly estate: Estate;
  readonly asked?: AuditAsked;
  /** Approximate size, estimated once when the audit was kept. */
  readonly bytes: number;
}

export interface RetentionLimits {
  /** Total approximate bytes of kept audits; least recently used are dropped first. */
  readonly maxBytes: number;
  readonly maxAudits: number;
  /** Kept this long after the last use (a summary shown, a button clicked, "last"). */
  readonly ttlInMs: number;
}

export const DEFAULT_RETENTION: RetentionLimits = { maxBytes: 240 * 1024 * 1024, maxAudits: 5_000, ttlInMs: 24 * 60 * 60 * 1000 };

/**
 * Size of a kept audit as the length of its JSON: proportional to what the heap holds (the heap
 * holds a small multiple of it) and computed once per audit, at about the cost of building the
 * report in the first place. Shared objects are counted twice, which errs on the safe side.
 */
export function estimateBytes(kept: { readonly report: Report; readonly estate: Estate }): number {
  return JSON.stringify(kept.report).length + JSON.stringify(kept.estate).length;
}

/** A fresh id for a finished audit: what its buttons and the store name it by. */
export function newAuditId(): string {
  return randomBytes(9).toString('base64url');
}

interface Entry {
  readonly audit: RetainedAudit;
  expiresAt: number;
}

/**
 * Finished audits held for buttons and "last", bounded by count and by total size with least
 * recently used eviction, and expiring when unused. Each conversation's latest audit is what
 * "last" answers; an evicted audit takes its "last" with it, so nothing here outlives its budget.
 */
export class RetainedAudits {
  private readonly limits: RetentionLimits;
  /** Least recently used first: a Map keeps insertion order and a touch re-inserts. */
  private readonly entries = new Map<string, Entry>();
  private readonly latest = new Map<string, string>();
  private totalBytes = 0;

  constructor(
    limits: Partial<RetentionLimits> = {},
    private readonly now: () => number = Date.now,
    private readonly sizeOf: (kept: { readonly report: Report; readonly estate: Estate }) => number = estimateBytes,
  ) {
    this.limits = { ...DEFAULT_RETENTION, ...limits };
  }

  /**
   * Keeps a finished audit as the conversation's latest, dropping the least recently used to make
   * room. An audit larger than the whole budget is not kept (its buttons answer "run it again"),
   * and the returned value still carries it for the one card rendered now.
   */
  keep(conversationId: string, result: { readonly report: Report; readonly estate: Estate; readonly asked?: AuditAsked }): RetainedAudit {
    return this.adopt(conversationId, newAuditId(), result);
  }

  /**
   * Keeps an audit under the id it already has (read back from the store after a restart, or
   * written to it just now). `bytes` is its size when already known — the length of the JSON the
   * store wrote — so a large audit is not serialised a second time only to be measured.
   */
  adopt(conversationId: string, id: string, result: { readonly report: Report; readonly estate: Estate; readonly asked?: AuditAsked }, bytes?: number): RetainedAudit {
    const audit: RetainedAudit = {
      id,
      conversationId,
      report: result.report,
      estate: result.estate,
      ...(result.asked === undefined ? {} : { asked: result.asked }),
      bytes: bytes ?? this.sizeOf(result),
    };
    this.sweep();
    const previous = this.latest.get(conversationId);
    if (audit.bytes > this.limits.maxBytes) {
      // Not kept, and "last" must not answer with an older audit than the one just shown.
      if (previous !== undefined) this.latest.delete(conversationId);
      return audit;
    }
    this.entries.set(audit.id, { audit, expiresAt: this.now() + this.limits.ttlInMs });
    this.totalBytes += audit.bytes;
    this.latest.set(conversationId, audit.id);
    while (this.totalBytes > this.limits.maxBytes || this.entries.size > this.limits.maxAudits) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined || oldest === audit.id) break;
      this.drop(oldest);
    }
    return audit;
  }

  /** A kept audit of this conversation, or undefined when it was dropped, expired or is another conversation's. */
  get(conversationId: string, id: string): RetainedAudit | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.audit.conversationId !== conversationId) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.drop(id);
      return undefined;
    }
    this.entries.delete(id);
    entry.expiresAt = this.now() + this.limits.ttlInMs;
    this.entries.set(id, entry);
    return entry.audit;
  }

  /** The conversation's latest kept audit. */
  last(conversationId: string): RetainedAudit | undefined {
    const id = this.latest.get(conversationId);
    return id === undefined ? undefined : this.get(conversationId, id);
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    // Least recently used first, and each use renews the expiry: the expired ones lead the map.
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.drop(id);
    }
  }

  private drop(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    this.totalBytes -= entry.audit.bytes;
    if (this.latest.get(entry.audit.conversationId) === id) this.latest.delete(entry.audit.conversationId);
  }
}
