import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type ScriptedAnswer } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import { cli, readLock, RecordingProxy, tempRepo } from "./harness.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function serve(options: Parameters<typeof startEmulator>[0]) {
  const emulator = await startEmulator(options);
  const proxy = new RecordingProxy(emulator.url);
  const url = await proxy.start();
  cleanup.push(() => emulator.close(), () => proxy.close());
  return { emulator, proxy, url };
}

async function repo(manifest: string): Promise<string> {
  const dir = await tempRepo(manifest);
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("the judge screens what passed the plain checks, and its cost is counted", () => {
  it("asks the judge once per draft that passed, keeps its score and turns low scores away with a reason", async () => {
    const { proxy, url } = await serve({ latencyMs: 5, randomSeed: 41, corruptRate: 0, blockRate: 0 });
    const dir = await repo(`version: 1
models: { judge: gemini-3.6-flash }
budget: { maxUsd: 5 }
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256, judge: { rubric: "Clear shapes, good contrast", minScore: 7 } }
assets:
  - id: gorge
    prompt: A narrow gorge with a river, dramatic light, no text
    count: 3
    maxAttempts: 30
    out: img/gorge-{n}.webp
`);
    const ran = await cli(dir, url, ["run", "--json"]);
    expect(ran.code).toBe(0);
    const report = JSON.parse(ran.stdout) as RunReport;
    const lock = await readLock(dir);
    const seeds = lock.assets.gorge!.seeds;
    const judged = seeds.filter((s) => s.judgeScore !== undefined);
    const judgeCalls = proxy.requests.filter((r) => r.model === "gemini-3.6-flash");
    expect(judgeCalls.length).toBe(judged.length);
    for (const s of seeds.filter((s) => s.status !== "rejected")) expect(s.judgeScore).toBeGreaterThanOrEqual(7);
    for (const s of judged.filter((s) => s.status === "rejected")) expect(s.reasons).toEqual([`judge: score ${s.judgeScore} < 7`]);
    // Judge calls cost something, so the spend is more than the image calls alone.
    const images = proxy.requests.filter((r) => r.model !== "gemini-3.6-flash").reduce((sum, r) => sum + (r.imageTokens * 30) / 1e6, 0);
    expect(report.spentUsd).toBeGreaterThan(images);
  });
});

describe("an image that does not decode is regenerated once, then rejected", () => {
  const manifest = (maxAttempts: number) => `version: 1
budget: { maxUsd: 5 }
defaults: { screen: { minWidth: 256, minHeight: 256 } }
assets:
  - id: kiln
    prompt: A brick kiln at dusk, no text
    tier: draft-only
    maxAttempts: ${maxAttempts}
    out: img/kiln.webp
`;
  const clean = { latencyMs: 5, corruptRate: 0, blockRate: 0, darkRate: 0, flatRate: 0, duplicateRate: 0 };

  it("calls the same seed once more, and keeps the second answer when it decodes", async () => {
    const { proxy, url } = await serve({ ...clean, randomSeed: 43, failures: { 0: { corrupt: true } } });
    const dir = await repo(manifest(1));
    const ran = await cli(dir, url, ["run", "--json"]);
    expect(ran.code).toBe(0);
    expect(proxy.requests.map((r) => r.seed)).toEqual([proxy.requests[0]!.seed, proxy.requests[0]!.seed]);
    expect((await readLock(dir)).assets.kiln!.seeds).toMatchObject([{ status: "rendered", regenerated: 1 }]);
    const report = JSON.parse(ran.stdout) as RunReport;
    expect([report.drafts, report.assets[0]!.regenerated, report.regenRate]).toEqual([1, 1, 1]);
  });

  it("rejects a seed as undecodable when the second answer does not decode either", async () => {
    const { proxy, url } = await serve({ ...clean, randomSeed: 43, corruptRate: 1 });
    const dir = await repo(manifest(2));
    const ran = await cli(dir, url, ["run"]);
    expect(ran.code).toBe(4); // both attempts spent, nothing accepted
    const seeds = (await readLock(dir)).assets.kiln!.seeds;
    expect(seeds.map((s) => [s.status, s.regenerated])).toEqual([["rejected", 1], ["rejected", 1]]);
    for (const s of seeds) expect(s.reasons![0]).toMatch(/^undecodable/);
    expect(proxy.requests).toHaveLength(4); // two seeds, each asked twice
  });
});

describe("429 with RetryInfo slows the run down instead of failing it", () => {
  it("waits as told, retries, and finishes", async () => {
    const failures: Record<number, ScriptedAnswer> = { 1: { status: 429, retryDelay: "0.3s" }, 2: { status: 429, retryDelay: "0.3s" } };
    const { emulator, url } = await serve({ latencyMs: 5, randomSeed: 47, corruptRate: 0, failures });
    const dir = await repo(`version: 1
budget: { maxUsd: 5 }
defaults: { finalSize: "1K", screen: { minWidth: 256, minHeight: 256 } }
assets:
  - id: cove
    prompt: A hidden cove with turquoise water, no text
    count: 2
    out: img/cove-{n}.webp
`);
    const ran = await cli(dir, url, ["run"]);
    expect(ran.code).toBe(0);
    expect(emulator.stats.throttled).toBe(2);
    expect((await readLock(dir)).assets.cove!.outputs).toHaveLength(2);
  });
});
