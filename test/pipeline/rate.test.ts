import { describe, expect, it } from "vitest";
import { RateGate } from "../../src/pipeline/rate.js";
import { VirtualClock } from "./virtual-clock.js";

/** A service that admits `limit` requests in any sliding minute and answers 429 with RetryInfo otherwise. */
class LimitedService {
  readonly admitted: number[] = [];
  rejected = 0;
  constructor(private readonly limit: number, private readonly clock: VirtualClock) {}
  /** undefined when admitted, else the delay the service asks for. */
  call(): number | undefined {
    const now = this.clock.now();
    const window = this.admitted.filter((t) => t > now - 60_000);
    if (window.length < this.limit) {
      this.admitted.push(now);
      return undefined;
    }
    this.rejected++;
    return window[0]! + 60_000 - now;
  }
}

/** `n` requests through `gate` at `concurrency`, each taking `latencyMs`, retried after a 429. */
async function drive(gate: RateGate, service: LimitedService, clock: VirtualClock, n: number, concurrency: number, latencyMs: number, honourRetryAfter = true) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      for (;;) {
        await gate.acquire();
        await clock.sleep(latencyMs);
        const retryAfter = service.call();
        if (retryAfter === undefined) {
          gate.succeeded();
          break;
        }
        gate.throttled(honourRetryAfter ? retryAfter : undefined);
      }
    }
  };
  await clock.run(Promise.all(Array.from({ length: concurrency }, worker)));
  return clock.now();
}

describe("a declared requests-per-minute is respected", () => {
  it("paces requests evenly so a service with that limit never answers 429", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rpm: 60, now: clock.now, sleep: clock.sleep });
    const service = new LimitedService(60, clock);
    const elapsed = await drive(gate, service, clock, 120, 8, 200);
    expect(service.rejected).toBe(0);
    // 120 requests at one per second: the last one starts at 119 s.
    expect(elapsed).toBeGreaterThanOrEqual(119_000);
    expect(elapsed).toBeLessThan(121_000);
  });

  it("never sends more than the limit in any minute", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rpm: 30, now: clock.now, sleep: clock.sleep });
    const service = new LimitedService(1000, clock);
    await drive(gate, service, clock, 90, 16, 10);
    const t = service.admitted;
    for (let i = 0; i < t.length; i++) expect(t.filter((x) => x >= t[i]! && x < t[i]! + 60_000).length).toBeLessThanOrEqual(30);
  });
});

describe("without a declared limit the rate adapts to 429s by itself", () => {
  it("does not slow anything down until the service pushes back", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    const service = new LimitedService(10_000, clock);
    const elapsed = await drive(gate, service, clock, 160, 16, 1000);
    expect(gate.rpm).toBeUndefined();
    expect(elapsed).toBe(10_000); // 160 requests, 16 at a time, 1 s each
  });

  it("runs near an unknown limit: most requests go through first time and the batch ends near N ÷ limit", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    const service = new LimitedService(120, clock);
    const n = 600;
    const elapsed = await drive(gate, service, clock, n, 16, 500);
    const bound = (n / 120) * 60_000;
    expect(service.admitted.length).toBe(n);
    expect(service.rejected).toBeLessThan(n * 0.1);
    expect(elapsed / bound).toBeLessThan(1.25);
    expect(gate.throttleCount).toBeGreaterThan(0);
  });

  it("still converges when the service sends no RetryInfo", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    const service = new LimitedService(120, clock);
    const n = 600;
    const elapsed = await drive(gate, service, clock, n, 16, 500, false);
    expect(service.rejected).toBeLessThan(n * 0.2);
    expect(elapsed / ((n / 120) * 60_000)).toBeLessThan(1.25);
  });
});

describe("a 429 slows down, then the rate recovers", () => {
  it("a 429 in the first seconds pauses as asked but does not guess a limit from a handful of answers", () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    gate.succeeded();
    gate.throttled(300);
    expect(gate.rpm).toBeUndefined();
    expect(gate.throttleCount).toBe(0);
  });

  it("cuts once per burst of 429s, not once per 429", () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rpm: 100, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 8; i++) gate.throttled();
    expect(gate.throttleCount).toBe(1);
    expect(gate.rpm).toBeCloseTo(70, 5);
  });

  it("climbs back to the declared rate after enough successes and no further", () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ rpm: 100, now: clock.now, sleep: clock.sleep, recoverAfter: 10 });
    gate.throttled();
    for (let i = 0; i < 5; i++) gate.succeeded();
    expect(gate.rpm).toBeCloseTo(85, 5);
    for (let i = 0; i < 50; i++) gate.succeeded();
    expect(gate.rpm).toBe(100);
  });

  it("holds every request back for the delay the service asked for", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    gate.throttled(47_000);
    const started = await clock.run((async () => {
      await gate.acquire();
      return clock.now();
    })());
    expect(started).toBe(47_000);
  });

  it("an aborted wait stops at once", async () => {
    const clock = new VirtualClock();
    const gate = new RateGate({ now: clock.now, sleep: clock.sleep });
    gate.throttled(60_000);
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
  });
});
