import { describe, expect, it } from "vitest";
import { formatLockfile, parseLockfile } from "../../src/lock/file.js";
import { emptyLockfile } from "../../src/lock/types.js";

describe("batch jobs in the lockfile", () => {
  it("are written and read back, before and after the service named them", () => {
    const lock = emptyLockfile();
    lock.batches = {
      "seedlock-draft-0123456789ab": {
        model: "gemini-3.1-flash-lite-image",
        stage: "draft",
        submittedAt: "2026-12-01T09:00:00.000Z",
        reservedUsd: 0.0336,
        requests: [
          { key: "dunes/draft/1", asset: "dunes", seed: 1, stage: "draft", inputHash: `sha256:${"a".repeat(64)}`, reservedUsd: 0.0168 },
          { key: "dunes/draft/2", asset: "dunes", seed: 2, stage: "draft", inputHash: `sha256:${"a".repeat(64)}`, reservedUsd: 0.0168 },
        ],
      },
      "seedlock-final-0123456789ab": { name: "batches/abc123", model: "gemini-nano-banana-2.1", stage: "final", submittedAt: "2026-12-01T09:00:00.000Z", reservedUsd: 0.0252, requests: [{ key: "dunes/final/1", asset: "dunes", seed: 1, stage: "final", inputHash: `sha256:${"a".repeat(64)}`, reservedUsd: 0.0252 }] },
    };
    const text = formatLockfile(lock);
    expect(parseLockfile(text, "assets.lock.yaml").batches).toEqual(lock.batches);
    expect(formatLockfile(emptyLockfile())).not.toContain("batches");
  });

  it("refuses a job with a stage seedlock does not write, naming the line", () => {
    const text = formatLockfile({ ...emptyLockfile(), batches: { j: { model: "m", stage: "draft", submittedAt: "t", reservedUsd: 0, requests: [] } } }).replace("stage: draft", "stage: sketch");
    expect(() => parseLockfile(text, "assets.lock.yaml")).toThrow(/assets\.lock\.yaml:\d+:\d+.*must be draft or final/s);
  });
});

describe("batch jobs in the per-asset lockfile merge", () => {
  const job = (name?: string) => ({ ...(name ? { name } : {}), model: "m", stage: "draft" as const, submittedAt: "t", reservedUsd: 0.01, requests: [] });
  it("keeps a job either side submitted, and drops one either side collected", async () => {
    const { mergeLockfiles } = await import("../../src/lock/merge.js");
    const base = { ...emptyLockfile(), batches: { old: job("batches/old") } };
    const ours = { ...emptyLockfile(), batches: { mine: job("batches/mine") } };
    const theirs = { ...emptyLockfile(), batches: { old: job("batches/old"), theirs: job() } };
    expect(Object.keys(mergeLockfiles(base, ours, theirs).batches ?? {})).toEqual(["mine", "theirs"]);
    expect(mergeLockfiles(emptyLockfile(), emptyLockfile(), emptyLockfile()).batches).toBeUndefined();
  });
});
