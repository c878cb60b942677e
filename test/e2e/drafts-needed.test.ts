import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLE_MANIFEST } from "../../src/cli/demo.js";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { RunReport } from "../../src/run-report.js";
import { STACK_LINE } from "../support/cli.js";
import { cli, readLock, RecordingProxy, tempRepo } from "./harness.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function served(): Promise<{ url: string; proxy: RecordingProxy }> {
  const emulator: RunningEmulator = await startEmulator({ ...NO_FLAWS, latencyMs: 5, randomSeed: 3 });
  const proxy = new RecordingProxy(emulator.url);
  const url = await proxy.start();
  cleanup.push(() => emulator.close(), () => proxy.close());
  return { url, proxy };
}

describe("a run pays only for the drafts its counts need", () => {
  it("the demo's final-only hero (count 1) pays for one final when every image passes; no asset pays for more than one spare", async () => {
    const { url, proxy } = await served();
    const dir = await tempRepo(EXAMPLE_MANIFEST);
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const ran = await cli(dir, url, ["run", "--json"]);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.code).toBe(0);
    const report = JSON.parse(ran.stdout) as RunReport;
    const manifest = await loadManifest(join(dir, "assets.yaml"));
    const hero = manifest.assets.find((a) => a.id === "hero")!;
    expect(hero.tier).toBe("final-only");
    // What the service saw and billed for the hero's prompt: one image on the final model.
    const heroCalls = proxy.requests.filter((r) => r.prompt.startsWith(hero.prompt.slice(0, 30)));
    expect(heroCalls.map((r) => r.model)).toEqual([hero.models.final]);
    expect(heroCalls[0]!.imageTokens).toBeGreaterThan(0);
    const lock = await readLock(dir);
    expect(lock.assets.hero!.seeds).toHaveLength(1);
    // Every asset: at most count + 1 drafts paid for, and whatever was accepted beyond the count is reported apart.
    for (const spec of manifest.assets) {
      const paid = proxy.requests.filter((r) => r.prompt.startsWith(spec.prompt.slice(0, 30)) && !r.withReference).length;
      expect(paid, spec.id).toBeLessThanOrEqual(spec.count + 1);
      const asset = report.assets.find((a) => a.id === spec.id)!;
      const accepted = lock.assets[spec.id]!.seeds.filter((s) => s.status !== "rejected").length;
      expect(asset.surplus, spec.id).toBe(accepted - spec.count);
      expect(lock.assets[spec.id]!.surplus ?? 0, spec.id).toBe(accepted - spec.count);
    }
    expect(report.surplus).toBe(report.assets.reduce((n, a) => n + (a.surplus ?? 0), 0));
  });

  it("tier: auto runs the cheaper tier, and the lockfile says which and why", async () => {
    const { url, proxy } = await served();
    const dir = await tempRepo(`version: 1
models: { draft: gemini-3.1-flash-lite-image, final: gemini-nano-banana-2.1 }
budget: { maxUsd: 5 }
assets:
  - id: small
    prompt: A small calm garden scene, soft light, no text
    tier: auto
    finalSize: 1K
    out: img/small.png
  - id: poster
    prompt: A wide poster of a mountain pass, soft light, no text
    tier: auto
    finalSize: 4K
    out: img/poster.png
`);
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const planned = await cli(dir, url, ["plan", "--json"]);
    const plan = JSON.parse(planned.stdout) as { assets: { id: string; tier: string; tierReason: string }[] };
    const ran = await cli(dir, url, ["run", "--json"]);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.code).toBe(0);
    const lock = await readLock(dir);
    for (const a of plan.assets) {
      expect(lock.assets[a.id]!.tier).toEqual({ chosen: a.tier, reason: a.tierReason });
      expect(a.tierReason).toMatch(new RegExp(`^${a.tier}: \\$`));
    }
    const byId = new Map(plan.assets.map((a) => [a.id, a.tier]));
    // At equal 1K prices a Lite draft saves nothing: the small one is drafted and kept on the final model.
    expect(byId.get("small")).toBe("final-only");
    expect(byId.get("poster")).toBe("two-tier");
    const small = proxy.requests.filter((r) => r.prompt.startsWith("A small calm garden"));
    expect(new Set(small.map((r) => r.model))).toEqual(new Set(["gemini-nano-banana-2.1"]));
    const poster = proxy.requests.filter((r) => r.prompt.startsWith("A wide poster"));
    expect(poster.some((r) => r.model === "gemini-3.1-flash-lite-image")).toBe(true);
    expect(poster.some((r) => r.model === "gemini-nano-banana-2.1" && r.withReference)).toBe(true);
  });
});
