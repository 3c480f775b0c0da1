/** How many audits may be in flight (queued or running) at once, and how many run at once overall. */
export interface FairUseLimits {
  readonly perConversation: number;
  readonly perUser: number;
  /** Audits running at once across the bot; they share one Resource Graph quota. */
  readonly concurrent: number;
}

export const DEFAULT_FAIR_USE: FairUseLimits = { perConversation: 2, perUser: 2, concurrent: 4 };

/** Who asks for an audit, and what to call it when refusing another. */
export interface WorkKey {
  readonly conversationId: string;
  readonly userId: string;
  /** "prod", "service apim-payments-weu": named in the refusal. */
  readonly label: string;
}

export type Admission =
  | { readonly ok: true; readonly reservation: Reservation }
  | {
      readonly ok: false;
      /** Which limit was reached. */
      readonly limit: 'conversation' | 'user';
      readonly max: number;
      /** Labels of the audits in flight that count against it. */
      readonly inFlight: readonly string[];
    };

export interface Reservation {
  /**
   * Runs the task now if a slot is free, else queues it. `waiting` is how many queued audits there
   * are, this one included (0 when it started at once); `done` settles when the task has.
   */
  run(task: () => Promise<void>): { readonly waiting: number; readonly done: Promise<void> };
  /** Gives the reservation back without running anything (the turn failed before the audit started). */
  cancel(): void;
}

interface Slot extends WorkKey {
  task?: () => Promise<void>;
  finished?: () => void;
}

/**
 * Admission and fair queueing for audits. A conversation or a user past its limit is refused at
 * once (nothing is started); the rest run up to `concurrent` at a time. Queued audits start by
 * conversation: fewest running first, then the one that has waited longest since it last started
 * one (round robin), so one busy conversation cannot keep the shared Resource Graph quota from the
 * others.
 */
export class FairScheduler {
  private readonly byConversation = new Map<string, Set<Slot>>();
  private readonly byUser = new Map<string, Set<Slot>>();
  private readonly runningIn = new Map<string, number>();
  /** When each conversation with running or queued audits last started one (a counter, not a time). */
  private readonly lastStart = new Map<string, number>();
  private readonly queues = new Map<string, Slot[]>();
  private starts = 0;
  private runningCount = 0;
  private queuedCount = 0;

  constructor(private readonly limits: FairUseLimits = DEFAULT_FAIR_USE) {}

  admit(key: WorkKey): Admission {
    const conversation = this.byConversation.get(key.conversationId) ?? new Set<Slot>();
    if (conversation.size >= this.limits.perConversation) return { ok: false, limit: 'conversation', max: this.limits.perConversation, inFlight: labels(conversation) };
    const user = this.byUser.get(key.userId) ?? new Set<Slot>();
    if (user.size >= this.limits.perUser) return { ok: false, limit: 'user', max: this.limits.perUser, inFlight: labels(user) };
    const slot: Slot = { ...key };
    conversation.add(slot);
    user.add(slot);
    this.byConversation.set(key.conversationId, conversation);
    this.byUser.set(key.userId, user);
    let used = false;
    return {
      ok: true,
      reservation: {
        run: (task) => {
          if (used) throw new Error('a reservation runs one task');
          used = true;
          const done = new Promise<void>((resolve) => {
            slot.finished = resolve;
          });
          slot.task = task;
          if (this.runningCount < this.limits.concurrent) {
            this.start(slot);
            return { waiting: 0, done };
          }
          const queue = this.queues.get(slot.conversationId) ?? [];
          queue.push(slot);
          this.queues.set(slot.conversationId, queue);
          this.queuedCount++;
          return { waiting: this.queuedCount, done };
        },
        cancel: () => {
          if (used) return;
          used = true;
          this.release(slot);
        },
      },
    };
  }

  get running(): number {
    return this.runningCount;
  }

  get queued(): number {
    return this.queuedCount;
  }

  private start(slot: Slot): void {
    this.runningCount++;
    this.runningIn.set(slot.conversationId, (this.runningIn.get(slot.conversationId) ?? 0) + 1);
    this.lastStart.set(slot.conversationId, ++this.starts);
    const task = slot.task ?? (() => Promise.resolve());
    // A task that throws synchronously or rejects still gives its slot back.
    void Promise.resolve()
      .then(task)
      .catch(() => undefined)
      .then(() => {
        this.runningCount--;
        const left = (this.runningIn.get(slot.conversationId) ?? 1) - 1;
        if (left > 0) this.runningIn.set(slot.conversationId, left);
        else {
          this.runningIn.delete(slot.conversationId);
          // Remembered while it still has queued audits: round robin needs it; forgotten after.
          if (!this.queues.has(slot.conversationId)) this.lastStart.delete(slot.conversationId);
        }
        this.release(slot);
        slot.finished?.();
        this.pump();
      });
  }

  private pump(): void {
    while (this.runningCount < this.limits.concurrent) {
      const next = this.nextQueued();
      if (next === undefined) return;
      this.start(next);
    }
  }

  /** The head of the queue of the conversation with the fewest running audits; among equals, the one served longest ago. */
  private nextQueued(): Slot | undefined {
    let chosen: string | undefined;
    let best = { running: Infinity, lastStart: Infinity };
    for (const conversationId of this.queues.keys()) {
      const candidate = { running: this.runningIn.get(conversationId) ?? 0, lastStart: this.lastStart.get(conversationId) ?? 0 };
      if (candidate.running < best.running || (candidate.running === best.running && candidate.lastStart < best.lastStart)) {
        best = candidate;
        chosen = conversationId;
      }
    }
    if (chosen === undefined) return undefined;
    const queue = this.queues.get(chosen) ?? [];
    const slot = queue.shift();
    if (queue.length === 0) this.queues.delete(chosen);
    if (slot !== undefined) this.queuedCount--;
    return slot;
  }

  private release(slot: Slot): void {
    for (const [index, key] of [
      [this.byConversation, slot.conversationId],
      [this.byUser, slot.userId],
    ] as const) {
      const set = index.get(key);
      set?.delete(slot);
      if (set?.size === 0) index.delete(key);
    }
  }
}

function labels(slots: ReadonlySet<Slot>): string[] {
  return [...slots].map((slot) => slot.label);
}
