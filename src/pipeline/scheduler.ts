import { ProviderUnavailableError } from "../errors.js";
import type { BudgetLedger, Reservation } from "./ledger.js";

/**
 * One pool of calls for every asset: at most `concurrency` in flight, each call's price reserved
 * in the ledger before it is sent. Assets say what they want next (a render, a judge, a draft…);
 * the pool picks follow-ups before new drafts and goes round the assets so none starves.
 */

export interface Call {
  /** What to reserve before sending: the list price of the call. */
  priceUsd: number;
  /** Money that must stay free beside the reservation, e.g. for the final a draft would lead to. */
  headroomUsd?: number;
  /** Lower goes first. Follow-ups of a draft already paid for come before new drafts. */
  priority: number;
  /**
   * Sends the call. It settles or releases `reservation`, calls `answered()` once the provider
   * has answered (the slot goes to the next call), and resolves when the answer is fully handled.
   * A throw stops the run: ProviderUnavailableError means the service is gone, anything else a fault.
   */
  send(reservation: Reservation, answered: () => void): Promise<void>;
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

export class Scheduler {
  private inFlight = 0;
  private open = 0;
  private cursor = 0;
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
      this.launch(picked.call, picked.reservation);
    }
    this.options.onChange?.();
    if (this.open === 0 && this.finish) {
      const finish = this.finish;
      this.finish = undefined;
      finish();
    }
  }

  /** The most urgent call that fits under the ceiling, going round the sources from where we left off. */
  private pick(): { call: Call; reservation: Reservation } | undefined {
    const n = this.sources.length;
    const candidates: { call: Call; order: number }[] = [];
    for (let i = 0; i < n; i++) {
      const index = (this.cursor + i) % n;
      const call = this.sources[index]!.next();
      if (call) candidates.push({ call, order: i });
    }
    candidates.sort((a, b) => a.call.priority - b.call.priority || a.order - b.order);
    const { ledger } = this.options;
    for (const { call, order } of candidates) {
      if (call.headroomUsd && !ledger.fits(call.priceUsd + call.headroomUsd)) continue;
      const reservation = ledger.reserve(call.priceUsd);
      if (!reservation) continue;
      this.cursor = (this.cursor + order + 1) % n;
      return { call, reservation };
    }
    return undefined;
  }

  private launch(call: Call, reservation: Reservation): void {
    this.inFlight++;
    this.open++;
    let slotFreed = false;
    const answered = () => {
      if (slotFreed) return;
      slotFreed = true;
      this.inFlight--;
      // The slot may go to the next call at once; the answer's handling goes on meanwhile.
      queueMicrotask(() => this.pump());
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
        this.pump();
      });
  }
}
