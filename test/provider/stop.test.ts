import { afterEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/emulator.js";
import { createGeminiProvider } from "../../src/provider/gemini.js";
import type { ImageRequest } from "../../src/provider/provider.js";

/*
 * The run's stop signal through the real SDK over loopback: waits end at once, a request with no
 * answer yet is aborted after a short grace, and an answer arriving within the grace is kept.
 */

const DRAFT: ImageRequest = { model: "gemini-3.1-flash-lite-image", prompt: "A lighthouse on a cliff", seed: 1, aspectRatio: "1:1", imageSize: "1K" };

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function stoppedAfter(ms: number, options: EmulatorOptions, graceMs?: number) {
  emulator = await startEmulator({ ...NO_FLAWS, ...options });
  const stop = new AbortController();
  const provider = createGeminiProvider({ apiKey: "test-key-1234", baseUrl: emulator.url, stop: stop.signal, ...(graceMs !== undefined ? { stopGraceMs: graceMs } : {}) });
  const started = performance.now();
  const timer = setTimeout(() => stop.abort(new Error("interrupted")), ms);
  const outcome = await provider.generate(DRAFT).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error: error as Error }),
  );
  clearTimeout(timer);
  return { ...outcome, elapsedMs: performance.now() - started, emulator };
}

describe("a stop reaches every wait and every unanswered request", () => {
  it("cuts a 90 s RetryInfo backoff short", async () => {
    const { error, elapsedMs, emulator } = await stoppedAfter(200, { failures: [{ status: 429, retryDelay: "90s" }] });
    expect(error?.message).toBe("interrupted");
    expect(emulator.stats.requests).toBe(1);
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it("aborts a hung call once the grace has passed", async () => {
    const { error, elapsedMs } = await stoppedAfter(200, { failures: [{ delayMs: 600_000 }] }, 300);
    expect(error?.message).toBe("interrupted");
    expect(elapsedMs).toBeGreaterThanOrEqual(450);
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it("keeps an answer that arrives within the grace: it may be billed whether or not it is read", async () => {
    const { result, error } = await stoppedAfter(100, { failures: [{ delayMs: 400 }] }, 1500);
    expect(error).toBeUndefined();
    expect(result?.kind).toBe("image");
  });

  it("by default lets a request already sent be answered, though the generation takes most of a second after the stop", async () => {
    // A generation finished is billed whether or not the client still listens: cut off, it is money lost.
    const { result, error, emulator } = await stoppedAfter(100, { failures: [{ delayMs: 900 }] });
    expect(error).toBeUndefined();
    expect(result?.kind).toBe("image");
    expect(result!.costUsd).toBeCloseTo(emulator.stats.billedUsd, 5);
  });

  it("sends nothing once stopped", async () => {
    emulator = await startEmulator({ ...NO_FLAWS });
    const stop = new AbortController();
    stop.abort(new Error("interrupted"));
    const provider = createGeminiProvider({ apiKey: "test-key-1234", baseUrl: emulator.url, stop: stop.signal });
    await expect(provider.generate(DRAFT)).rejects.toThrow("interrupted");
    expect(emulator.stats.requests).toBe(0);
  });
});
