import { afterEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { createBatchClient, type BatchRequest } from "../../src/provider/batch.js";
import { createGeminiProvider } from "../../src/provider/gemini.js";

const KEY = "batch-test-key";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function client(url: string, inlineLimitBytes?: number) {
  const reader = createGeminiProvider({ apiKey: KEY, baseUrl: url });
  return createBatchClient({ apiKey: KEY, baseUrl: url, reader, ...(inlineLimitBytes !== undefined ? { inlineLimitBytes } : {}) });
}

function drafts(n: number): BatchRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `dunes/draft/${100 + i}`,
    request: { model: "gemini-3.1-flash-lite-image", prompt: "Desert dunes at dusk", seed: 100 + i, aspectRatio: "1:1", imageSize: "1K" },
  }));
}

describe("the Batch API through the real SDK against the emulator", () => {
  it("answers inlined requests in input order at half the interactive price, once the job's delay has passed", async () => {
    emulator = await startEmulator({ ...NO_FLAWS, batchDelayMs: 300 });
    const batch = client(emulator.url);
    const requests = drafts(3);
    const name = await batch.submit("seedlock-test-inline", "gemini-3.1-flash-lite-image", requests);
    expect(name).toMatch(/^batches\//);
    expect((await batch.poll(name, requests)).state).toBe("pending");
    expect(await batch.find("seedlock-test-inline")).toEqual({ name, displayName: "seedlock-test-inline", state: "pending" });
    await new Promise((r) => setTimeout(r, 350));
    const done = await batch.poll(name, requests);
    expect(done.state).toBe("succeeded");
    expect(done.answers?.map((a) => a.key)).toEqual(requests.map((r) => r.key));
    for (const answer of done.answers ?? []) {
      expect("result" in answer && answer.result.kind).toBe("image");
      if ("result" in answer) expect(answer.result.costUsd).toBeCloseTo(0.0336 / 2, 6);
    }
    expect(emulator.batches.billedUsd).toBeCloseTo((3 * 0.0336) / 2, 6);
    expect(emulator.batches.requests.map((r) => r.seed)).toEqual([100, 101, 102]);
  });

  it("uploads a JSONL file through the Files API beyond the inline limit and downloads the results file", async () => {
    emulator = await startEmulator({ ...NO_FLAWS });
    const batch = client(emulator.url, 100);
    const requests = drafts(4);
    const name = await batch.submit("seedlock-test-file", "gemini-3.1-flash-lite-image", requests);
    const done = await batch.poll(name, requests);
    expect(done.state).toBe("succeeded");
    expect(done.answers?.map((a) => a.key).sort()).toEqual(requests.map((r) => r.key).sort());
    expect(done.answers?.every((a) => "result" in a && a.result.kind === "image")).toBe(true);
  });

  it("reports an error for a failed request inside a job, and failed or expired jobs are not found again", async () => {
    emulator = await startEmulator({ ...NO_FLAWS, batchScript: [{ failRequests: [1] }, { outcome: "FAILED" }, { outcome: "EXPIRED" }] });
    const batch = client(emulator.url);
    const requests = drafts(3);
    const first = await batch.poll(await batch.submit("a", "gemini-3.1-flash-lite-image", requests), requests);
    expect(first.answers?.map((a) => "error" in a)).toEqual([false, true, false]);
    const failed = await batch.submit("b", "gemini-3.1-flash-lite-image", requests);
    expect((await batch.poll(failed, requests)).state).toBe("failed");
    const expired = await batch.submit("c", "gemini-3.1-flash-lite-image", requests);
    expect((await batch.poll(expired, requests)).state).toBe("expired");
    expect(await batch.find("b")).toBeUndefined();
    expect(await batch.find("c")).toBeUndefined();
    expect(emulator.batches.billedUsd).toBeCloseTo((2 * 0.0336) / 2, 6);
  });

  it("cancels a pending job", async () => {
    emulator = await startEmulator({ ...NO_FLAWS, batchDelayMs: 60_000 });
    const batch = client(emulator.url);
    const requests = drafts(1);
    const name = await batch.submit("d", "gemini-3.1-flash-lite-image", requests);
    await batch.cancel(name);
    expect((await batch.poll(name, requests)).state).toBe("cancelled");
  });
});
