import { describe, expect, it } from "vitest";
import { sleep } from "../src/sleep.js";

/** How a wait ended, and after how long. */
async function outcome(ms: number, stopAfterMs?: number, stopFirst = false): Promise<{ ended: string; tookMs: number }> {
  const stop = new AbortController();
  if (stopFirst) stop.abort(new Error("stopped before"));
  if (stopAfterMs !== undefined) setTimeout(() => stop.abort(new Error("stopped during")), stopAfterMs);
  const started = performance.now();
  const ended = await sleep(ms, stop.signal).then(
    () => "waited",
    (error: Error) => error.message,
  );
  return { ended, tookMs: performance.now() - started };
}

describe("a wait ends when its time is up, or at once when the run is stopped", () => {
  it.each([
    { what: "no stop: the whole wait", ms: 40, stopAfterMs: undefined, stopFirst: false, ended: "waited", atLeast: 35, below: 1_000 },
    { what: "a stop during the wait ends it with the stop's reason", ms: 5_000, stopAfterMs: 20, stopFirst: false, ended: "stopped during", atLeast: 15, below: 1_000 },
    { what: "a run already stopped does not wait at all", ms: 5_000, stopAfterMs: undefined, stopFirst: true, ended: "stopped before", atLeast: 0, below: 50 },
    { what: "a stop after the wait changes nothing", ms: 10, stopAfterMs: 60, stopFirst: false, ended: "waited", atLeast: 5, below: 1_000 },
  ])("$what", async ({ ms, stopAfterMs, stopFirst, ended, atLeast, below }) => {
    const result = await outcome(ms, stopAfterMs, stopFirst);
    expect(result.ended).toBe(ended);
    expect(result.tookMs).toBeGreaterThanOrEqual(atLeast);
    expect(result.tookMs).toBeLessThan(below);
  });

  it("waits without a signal", async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
