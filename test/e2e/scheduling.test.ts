import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/emulator.js";
import type { AssetLock } from "../../src/lock/types.js";
import { cli, readLock, RecordingProxy, tempRepo } from "./harness.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/**
 * Drafts a one-at-a-time run would have needed: seeds are tried in order, so it is the position
 * of the seed that brought the asset to its count of usable drafts (all of them when it never got
 * there). A draft whose final the model refused (status failed) is not usable.
 */
function needed(entry: AssetLock, count: number): number {
  const seeds = [...entry.seeds].sort((a, b) => a.seed - b.seed);
  let accepted = 0;
  for (let i = 0; i < seeds.length; i++) {
    if (seeds[i]!.status === "accepted" || seeds[i]!.status === "rendered") accepted++;
    if (accepted === count) return i + 1;
  }
  return seeds.length;
}

async function runOnce(manifest: string, concurrency: number) {
  const emulator = await startEmulator({ latencyMs: 30, randomSeed: 23, corruptRate: 0 });
  const proxy = new RecordingProxy(emulator.url);
  const url = await proxy.start();
  const dir = await tempRepo(manifest);
  cleanup.push(() => emulator.close(), () => proxy.close(), () => rm(dir, { recursive: true, force: true }));
  const ran = await cli(dir, url, ["run", "--concurrency", String(concurrency)]);
  expect(ran.code).toBe(0);
  return { proxy, lock: await readLock(dir) };
}

describe("only as many drafts as needed: drafts issued ≤ drafts needed + concurrency", () => {
  it("one asset of 20 at concurrency 8", async () => {
    const manifest = `version: 1
budget: { maxUsd: 20 }
defaults: { finalSize: "1K", screen: { minWidth: 256, minHeight: 256 } }
assets:
  - id: kelp
    prompt: Kelp forest with sun rays from above, no text
    count: 20
    out: img/kelp-{n}.webp
`;
    const { proxy, lock } = await runOnce(manifest, 8);
    const issued = proxy.requests.filter((r) => r.model === "gemini-3.1-flash-lite-image").length;
    const need = needed(lock.assets.kelp!, 20);
    expect(issued, `${issued} drafts issued, ${need} needed`).toBeLessThanOrEqual(need + 8);
    expect(lock.assets.kelp!.outputs).toHaveLength(20);
  });

  it("each of six assets at concurrency 8, however their drafts interleave", async () => {
    const ids = ["ash", "oak", "yew", "elm", "fir", "bay"];
    const manifest = `version: 1
budget: { maxUsd: 20 }
defaults: { finalSize: "1K", screen: { minWidth: 256, minHeight: 256 } }
assets:
${ids.map((id) => `  - id: ${id}\n    prompt: Portrait of a lone ${id} tree in a meadow, no text\n    count: 4\n    out: img/${id}-{n}.webp`).join("\n")}
`;
    const { proxy, lock } = await runOnce(manifest, 8);
    for (const id of ids) {
      const issued = proxy.requests.filter((r) => r.model === "gemini-3.1-flash-lite-image" && r.prompt.includes(`lone ${id} tree`)).length;
      expect(issued, `${id}: ${issued} drafts issued, ${needed(lock.assets[id]!, 4)} needed`).toBeLessThanOrEqual(needed(lock.assets[id]!, 4) + 8);
    }
    // Finals: one per output, plus one per final the model refused; no spare draft is rendered.
    const finals = proxy.requests.filter((r) => r.withReference).length;
    const refused = Object.values(lock.assets).flatMap((a) => a.seeds.filter((s) => s.status === "failed")).length;
    expect(finals).toBe(ids.length * 4 + refused);
  });
});
