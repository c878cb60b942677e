import { ProviderUnavailableError } from "../errors.js";
import type { BudgetLedger, Reservation } from "./ledger.js";

/**
 * One pool of calls for every asset: at most `concurrency` in flight, each call's price reserved
 * in the ledger before it is sent. Assets say what they want next (a render, a judge, a draft…);
 * the pool picks follow-ups before new drafts and goes round the assets so none starves.
 *
 * Picking costs O(log n) in assets: ready sources wait in a heap ordered by (priority, turn). A
 * source is asked again only when one of its own calls is answered or finishes (nothing else
 * changes what it wants), or, when it was held back by the ceiling, once money is freed.
 */

/**
 * Told by a call once the provider has answered: its slot goes to the next call while the answer is
 * handled. `stop`: no new call may be sent (the disk refused to keep the answer); this one goes on.
 */
export type Answered = (stop?: { error: unknown }) => void;

export interface Call {
  /** What to reserve before sending: the list price of the call. */
  priceUsd: number;
  /** Money that must stay free beside the reservation, e.g. for the final a draft would lead to. */
  headroomUsd?: number;
  /** Lower goes first. Follow-ups of a draft already paid for come before new drafts. */
  priority: number;
  /**
   * Sends the call. It settles or releases `reservation`, calls `answered()` once the provider
   * has answered, and resolves when the answer is fully handled.
   * A throw stops the run: ProviderUnavailableError means the service is gone, anything else a fault.
   */
  send(reservation: Reservation, answered: Answered): Promise<void>;
}

export interface CallSource {
  /** The call this source wants next, or undefined. No side effects: it may not be taken now. */
  next(): Call | undefined;
}

export type StopReason = "interrupted" | "unavailable" | "failed";

export interface SchedulerOutcome {
  /** Why issuing stopped early, with the error that stopped it. */
  stopped?: { reason: StopReason; error?: unknown };
  /** Sources that still wanted a call when the run ended: left for lack of budget (or because it stopped). */
  waiting: CallSource[];
}

export interface SchedulerOptions {
  /** The most calls ever in flight at once. */
  concurrency: number;
  /** Calls allowed in flight now, when something adapts it (the rate controller); never above `concurrency`. */
  limit?: () => number;
  ledger: BudgetLedger;
  /** Aborting stops issuing; calls in flight finish and their answers are kept. */
  signal?: AbortSignal;
  /** Called after every change in what is in flight, for progress. */
  onChange?: () => void;
}

/** A source waiting its turn: the priority its call had when it was queued, and when it was queued. */
interface Turn {
  source: CallSource;
  priority: number;
  order: number;
  /** False once the source was queued again with another priority: the heap skips it. */
  live: boolean;
}

export class Scheduler {
  private inFlight = 0;
  private open = 0;
  private turns = 0;
  private readonly ready: Turn[] = [];
  private readonly queued = new Map<CallSource, Turn>();
  /** Sources whose call did not fit the ceiling, asked again when money is freed. */
  private readonly held = new Set<CallSource>();
  private heldAtUsd = Infinity;
  private stopped: SchedulerOutcome["stopped"];
  private finish?: () => void;
  private readonly concurrency: number;

  constructor(
    private readonly sources: CallSource[],
    private readonly options: SchedulerOptions,
  ) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be an integer ≥ 1, got ${options.concurrency}`);
    }
    this.concurrency = options.concurrency;
    for (const source of sources) this.touch(source);
  }

  /** Calls waiting for an answer now. */
  get calls(): number {
    return this.inFlight;
  }

  /** Runs until nothing is in flight and no source has a call that may be sent. */
  run(): Promise<SchedulerOutcome> {
    const { signal } = this.options;
    const onAbort = () => this.stop("interrupted");
    if (signal?.aborted) this.stop("interrupted");
    signal?.addEventListener("abort", onAbort, { once: true });
    return new Promise<void>((resolve) => {
      this.finish = resolve;
      this.pump();
    }).then(() => {
      signal?.removeEventListener("abort", onAbort);
      const waiting = this.sources.filter((s) => s.next() !== undefined);
      return { stopped: this.stopped, waiting };
    });
  }


  /** No more calls are issued; those in flight finish. The first reason given is kept. */
  stop(reason: StopReason, error?: unknown): void {
    this.stopped ??= { reason, error };
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < Math.min(this.concurrency, this.options.limit?.() ?? Infinity)) {
      const picked = this.pick();
      if (!picked) break;
      this.launch(picked.call, picked.reservation, picked.source);
    }
    this.options.onChange?.();
    if (this.open === 0 && this.finish) {
      const finish = this.finish;
      this.finish = undefined;
      finish();
    }
  }

  /** The most urgent call that fits under the ceiling, taking turns between the sources. */
  private pick(): { call: Call; reservation: Reservation; source: CallSource } | undefined {
    const { ledger } = this.options;
    for (let turn = this.pop(); turn; turn = this.pop()) {
      const { source } = turn;
      this.queued.delete(source);
      const call = source.next();
      if (!call) continue;
      if (call.priority !== turn.priority) {
        // Wants something else than when it was queued: back in line at that priority, same turn.
        this.push({ source, priority: call.priority, order: turn.order, live: true });
        continue;
      }
      const reservation = call.headroomUsd && !ledger.fits(call.priceUsd + call.headroomUsd) ? null : ledger.reserve(call.priceUsd);
      if (!reservation) {
        this.held.add(source);
        this.heldAtUsd = Math.min(this.heldAtUsd, ledger.availableUsd);
        continue;
      }
      // Its next call, if any, waits behind every source already in line.
      this.touch(source);
      return { call, reservation, source };
    }
    return undefined;
  }

  /** Puts a source in line for its next call, unless it is already there at that priority. */
  private touch(source: CallSource): void {
    const call = source.next();
    if (!call) return;
    const waiting = this.queued.get(source);
    if (waiting?.priority === call.priority) return;
    if (waiting) waiting.live = false;
    this.push({ source, priority: call.priority, order: waiting?.order ?? this.turns++, live: true });
  }

  /** Sources held back by the ceiling go back in line once more money is free than when they were held. */
  private release(): void {
    if (!this.held.size || this.options.ledger.availableUsd <= this.heldAtUsd) return;
    const held = [...this.held];
    this.held.clear();
    this.heldAtUsd = Infinity;
    for (const source of held) this.touch(source);
  }

  private push(turn: Turn): void {
    this.queued.set(turn.source, turn);
    const heap = this.ready;
    heap.push(turn);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** The most urgent live turn, or undefined. */
  private pop(): Turn | undefined {
    const heap = this.ready;
    while (heap.length) {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      }
      if (top.live) return top;
    }
    return undefined;
  }

  private launch(call: Call, reservation: Reservation, source: CallSource): void {
    this.inFlight++;
    this.open++;
    let slotFreed = false;
    const answered: Answered = (stop) => {
      if (stop) this.stop("failed", stop.error);
      if (slotFreed) return;
      slotFreed = true;
      this.inFlight--;
      // The slot may go to the next call at once; the answer's handling goes on meanwhile.
      queueMicrotask(() => {
        this.changed(source);
        this.pump();
      });
    };
    let sent: Promise<void>;
    try {
      sent = call.send(reservation, answered);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent
      .catch((error: unknown) => {
        if (error instanceof ProviderUnavailableError) this.stop("unavailable", error);
        else if (this.options.signal?.aborted) this.stop("interrupted");
        else this.stop("failed", error);
      })
      .finally(() => {
        if (!slotFreed) {
          slotFreed = true;
          this.inFlight--;
        }
        this.open--;
        this.changed(source);
        this.pump();
      });
  }

  /** After an answer or the end of a call: its source may want more, and freed money may let held ones go. */
  private changed(source: CallSource): void {
    this.touch(source);
    this.release();
  }
}

/** Lower priority first; within one priority, whoever was queued first (turns go round). */
function before(a: Turn, b: Turn): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.order < b.order);
}
