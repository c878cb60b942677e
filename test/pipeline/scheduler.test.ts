import { describe, expect, it } from "vitest";
import { ProviderUnavailableError } from "../../src/errors.js";
import { BudgetLedger } from "../../src/pipeline/ledger.js";
import { Scheduler, type Call, type CallSource } from "../../src/pipeline/scheduler.js";

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

/** A source that wants `n` calls of `price`, each answered after `latency` ms and costing `cost`. */
class Queue implements CallSource {
  sent = 0;
  handled = 0;
  log: string[];
  constructor(
    readonly name: string,
    private n: number,
    private readonly opts: { price?: number; cost?: number; priority?: number; latency?: number; fail?: (i: number) => unknown; handleMs?: number; log?: string[] } = {},
  ) {
    this.log = opts.log ?? [];
  }
  next(): Call | undefined {
    if (this.sent >= this.n) return undefined;
    const { price = 0.01, cost = price, priority = 1, latency = 2, fail, handleMs = 0 } = this.opts;
    return {
      priceUsd: price,
      priority,
      send: async (reservation, answered) => {
        const i = this.sent++;
        this.log.push(`${this.name}${i}`);
        await tick(latency);
        const error = fail?.(i);
        if (error) {
          ledger(this).release(reservation);
          throw error;
        }
        ledger(this).settle(reservation, cost);
        answered();
        await tick(handleMs);
        this.handled++;
      },
    };
  }
}
const ledgers = new WeakMap<Queue, BudgetLedger>();
const ledger = (q: Queue) => ledgers.get(q)!;
function wire(l: BudgetLedger, ...qs: Queue[]) {
  for (const q of qs) ledgers.set(q, l);
}

describe("one pool runs every asset's calls within the concurrency limit", () => {
  it("never has more than `concurrency` calls waiting for an answer, and does them all", async () => {
    const l = new BudgetLedger({ ceilingUsd: 100 });
    const qs = [new Queue("a", 20), new Queue("b", 20), new Queue("c", 20)];
    wire(l, ...qs);
    let peak = 0;
    const s: Scheduler = new Scheduler(qs, { concurrency: 4, ledger: l, onChange: () => (peak = Math.max(peak, s.calls)) });
    const outcome = await s.run();
    expect(outcome).toEqual({ stopped: undefined, waiting: [] });
    expect(qs.map((q) => q.handled)).toEqual([20, 20, 20]);
    expect(peak).toBe(4);
  });

  it("follows a limit that changes while it runs, never above `concurrency`", async () => {
    const l = new BudgetLedger({ ceilingUsd: 100 });
    const q = new Queue("a", 60, { latency: 3 });
    wire(l, q);
    let limit = 2;
    const peaks: number[] = [];
    const s: Scheduler = new Scheduler([q], {
      concurrency: 6,
      limit: () => limit,
      ledger: l,
      onChange: () => {
        if (limit === 1 && s.calls <= 1) drained = true;
        if (limit !== 1 || drained) peaks[limit] = Math.max(peaks[limit] ?? 0, s.calls);
        if (q.sent === 20) limit = 10;
        if (q.sent === 40) limit = 1;
      },
    });
    let drained = false;
    await s.run();
    expect(q.handled).toBe(60);
    expect(peaks[2]).toBe(2);
    expect(peaks[10]).toBe(6);
    // Lowered below the calls in flight: none is issued until they drain under it.
    expect(peaks[1]).toBe(1);
  });

  it("lets the next call go while the last answer is still being handled", async () => {
    const l = new BudgetLedger({ ceilingUsd: 100 });
    const q = new Queue("a", 6, { latency: 1, handleMs: 30 });
    wire(l, q);
    let peakCalls = 0;
    const s: Scheduler = new Scheduler([q], { concurrency: 1, ledger: l, onChange: () => (peakCalls = Math.max(peakCalls, s.calls)) });
    const run = s.run();
    await tick(15);
    expect(q.sent).toBeGreaterThan(1); // handling 30 ms did not hold the slot
    await run;
    expect(q.handled).toBe(6);
    expect(peakCalls).toBe(1);
  });

  it("takes turns between assets instead of finishing one before starting the next", async () => {
    const l = new BudgetLedger({ ceilingUsd: 100 });
    const log: string[] = [];
    const qs = [new Queue("a", 3, { log }), new Queue("b", 3, { log })];
    wire(l, ...qs);
    await new Scheduler(qs, { concurrency: 1, ledger: l }).run();
    expect(log).toEqual(["a0", "b0", "a1", "b1", "a2", "b2"]);
  });

  it("sends follow-ups of paid drafts before new drafts", async () => {
    const l = new BudgetLedger({ ceilingUsd: 100 });
    const log: string[] = [];
    const drafts = new Queue("draft", 3, { log, priority: 1 });
    const renders = new Queue("render", 3, { log, priority: 0 });
    wire(l, drafts, renders);
    await new Scheduler([drafts, renders], { concurrency: 1, ledger: l }).run();
    expect(log).toEqual(["render0", "render1", "render2", "draft0", "draft1", "draft2"]);
  });
});

describe("a call that would cross the ceiling is not sent", () => {
  it("stops at the ceiling at concurrency 8 and says which assets still wanted calls", async () => {
    const l = new BudgetLedger({ ceilingUsd: 0.5 });
    const qs = [new Queue("a", 20, { price: 0.067 }), new Queue("b", 20, { price: 0.0336 })];
    wire(l, ...qs);
    const outcome = await new Scheduler(qs, { concurrency: 8, ledger: l }).run();
    expect(l.spentUsd).toBeLessThanOrEqual(0.5);
    expect(l.spentUsd).toBeGreaterThan(0.5 - 0.067);
    expect(outcome.waiting.length).toBeGreaterThan(0);
    expect(outcome.stopped).toBeUndefined();
  });

  it("sends a cheaper call that still fits when a dearer one does not", async () => {
    const l = new BudgetLedger({ ceilingUsd: 0.05 });
    const dear = new Queue("dear", 1, { price: 0.1, priority: 0 });
    const cheap = new Queue("cheap", 1, { price: 0.03 });
    wire(l, dear, cheap);
    const outcome = await new Scheduler([dear, cheap], { concurrency: 2, ledger: l }).run();
    expect(cheap.handled).toBe(1);
    expect(dear.sent).toBe(0);
    expect(outcome.waiting).toEqual([dear]);
  });

  it("keeps headroom: a draft is not sent when the final it would need could not be paid", async () => {
    const l = new BudgetLedger({ ceilingUsd: 0.08 });
    const src: CallSource = {
      next: () => ({ priceUsd: 0.0336, headroomUsd: 0.067, priority: 1, send: async () => {} }),
    };
    const outcome = await new Scheduler([src], { concurrency: 1, ledger: l }).run();
    expect(l.spentUsd + l.reservedUsd).toBe(0);
    expect(outcome.waiting).toEqual([src]);
  });
});

describe("when the provider stays unavailable the run stops issuing and keeps what it has", () => {
  it("sends nothing new after the error and lets calls in flight finish", async () => {
    const l = new BudgetLedger({ ceilingUsd: 100 });
    const q = new Queue("a", 50, { latency: 5, fail: (i) => (i === 3 ? new ProviderUnavailableError("circuit open") : undefined) });
    wire(l, q);
    const outcome = await new Scheduler([q], { concurrency: 4, ledger: l }).run();
    expect(outcome.stopped?.reason).toBe("unavailable");
    expect(outcome.stopped?.error).toBeInstanceOf(ProviderUnavailableError);
    expect(q.sent).toBeLessThanOrEqual(4 + 3);
    expect(q.handled).toBe(q.sent - 1); // everything but the failed call was answered and handled
  });

  it("an unexpected error is kept for the caller, after the others finish", async () => {
    const l = new BudgetLedger({ ceilingUsd: 100 });
    const boom = new Error("disk full");
    const q = new Queue("a", 10, { fail: (i) => (i === 0 ? boom : undefined) });
    wire(l, q);
    const outcome = await new Scheduler([q], { concurrency: 2, ledger: l }).run();
    expect(outcome.stopped).toEqual({ reason: "failed", error: boom });
  });
});

describe("an interrupt stops issuing but keeps the answers already coming", () => {
  it("handles every call in flight at the moment of the interrupt", async () => {
    const l = new BudgetLedger({ ceilingUsd: 100 });
    const q = new Queue("a", 100, { latency: 10 });
    wire(l, q);
    const controller = new AbortController();
    const run = new Scheduler([q], { concurrency: 4, ledger: l, signal: controller.signal }).run();
    await tick(25);
    controller.abort();
    const sentAtAbort = q.sent;
    const outcome = await run;
    expect(outcome.stopped?.reason).toBe("interrupted");
    expect(q.sent).toBe(sentAtAbort);
    expect(q.handled).toBe(q.sent);
    expect(q.sent).toBeLessThan(100);
  });
});

describe("picking the next call does not grow with the number of assets", () => {
  it("asks each of 5,000 sources a bounded number of times, not every source for every call", async () => {
    const l = new BudgetLedger({ ceilingUsd: 1000 });
    let asked = 0;
    const qs = Array.from({ length: 5000 }, (_, i) => new Queue(`q${i}`, 2, { latency: 0 }));
    wire(l, ...qs);
    const counted: CallSource[] = qs.map((q) => ({ next: () => (asked++, q.next()) }));
    const outcome = await new Scheduler(counted, { concurrency: 8, ledger: l }).run();
    expect(outcome.waiting).toEqual([]);
    expect(qs.every((q) => q.handled === 2)).toBe(true);
    // Scanning every source per call would ask 10,000 × 5,000 times; a queue of ready ones asks a few times per call.
    expect(asked).toBeLessThan(10 * 10_000);
  });

  it("a source held back by the ceiling goes again once money is freed", async () => {
    const l = new BudgetLedger({ ceilingUsd: 0.1 });
    // The first call reserves 0.08 but bills 0.01: the freed money lets the second go.
    const first = new Queue("first", 1, { price: 0.08, cost: 0.01, priority: 0, latency: 5 });
    const second = new Queue("second", 1, { price: 0.05 });
    wire(l, first, second);
    const outcome = await new Scheduler([first, second], { concurrency: 2, ledger: l }).run();
    expect([first.handled, second.handled]).toEqual([1, 1]);
    expect(outcome.waiting).toEqual([]);
  });
});
