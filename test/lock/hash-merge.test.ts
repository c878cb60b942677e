import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inputHash } from "../../src/lock/hash.js";
import { mergeLockfiles } from "../../src/lock/merge.js";
import { lockStats } from "../../src/lock/stats.js";
import type { AssetLock, Lockfile, SeedRecord } from "../../src/lock/types.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { AssetSpec } from "../../src/manifest/spec.js";

const dir = mkdtempSync(join(tmpdir(), "seedlock-hash-"));
mkdirSync(join(dir, ".git"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** The hash of the one asset in a manifest whose asset lines are `asset` (and defaults `defaults`). */
async function hashOf(asset: string, defaults = "", top = ""): Promise<string> {
  const file = join(dir, `m${n++}.yaml`);
  writeFileSync(file, `version: 1\n${top}budget: { maxUsd: 5 }\ndefaults: { ${defaults} }\nassets:\n  - { id: dunes, ${asset} }\n`);
  const m = await loadManifest(file);
  return inputHash(m.assets[0] as AssetSpec, m);
}

const base = "prompt: Dunes at dusk, count: 2, out: 'w/dunes-{n}.webp'";

describe("inputHash changes exactly when the pixels would", () => {
  it("is sha256: and 64 hex digits, the same for the same inputs", async () => {
    const h = await hashOf(base);
    expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await hashOf(base)).toBe(h);
  });

  it("does not change with count, out, oversample, maxAttempts or the order keys are written in", async () => {
    const h = await hashOf(base);
    expect(await hashOf("prompt: Dunes at dusk, count: 5, out: 'w/dunes-{n}.webp'")).toBe(h);
    expect(await hashOf("prompt: Dunes at dusk, count: 2, out: 'elsewhere/{id}-{n}.webp'")).toBe(h);
    expect(await hashOf(`${base}, oversample: 5, maxAttempts: 40`)).toBe(h);
    expect(await hashOf("out: 'w/dunes-{n}.webp', count: 2, prompt: Dunes at dusk")).toBe(h);
    expect(await hashOf(base, "", 'pricing: { gemini-3.1-flash-image: { "1K": 0.5 } }\n')).toBe(h);
  });

  it("setting a default on the asset itself, or in defaults, is the same input", async () => {
    expect(await hashOf(`${base}, aspectRatio: "16:9"`)).toBe(await hashOf(base, 'aspectRatio: "16:9"'));
    expect(await hashOf(`${base}, aspectRatio: "1:1"`)).toBe(await hashOf(base));
  });

  it("changes with every setting that shapes the pixels", async () => {
    const h = await hashOf(base);
    const variants = [
      "prompt: Dunes at dawn, count: 2, out: 'w/dunes-{n}.webp'",
      `${base}, aspectRatio: "16:9"`,
      `${base}, finalSize: 2K`,
      `${base}, seed: 7`,
      `${base}, reference: false`,
      `${base}, tier: final-only`,
      `${base}, models: { final: gemini-3-pro-image }`,
      `${base}, models: { draft: gemini-nano-banana-2.1 }`,
      `${base}, screen: { minContrast: 9 }`,
      `${base}, screen: { brightness: [10, 240] }`,
      `${base}, screen: { maxDuplicateDistance: 3 }`,
      `${base}, output: { quality: 80 }`,
      `${base}, output: { width: 800, height: 600 }`,
      "prompt: Dunes at dusk, count: 2, out: 'w/dunes-{n}.png'",
    ];
    const hashes = await Promise.all(variants.map((v) => hashOf(v)));
    for (const [i, other] of hashes.entries()) expect(other, variants[i]).not.toBe(h);
    expect(new Set(hashes).size).toBe(variants.length);
  });

  it("a judge rule and its model count; a judge model no rule uses does not", async () => {
    const judged = await hashOf(`${base}, screen: { judge: { rubric: "No text" } }`, "", "models: { judge: gemini-3.5-flash }\n");
    expect(judged).not.toBe(await hashOf(base));
    expect(await hashOf(base, "", "models: { judge: gemini-3.5-flash }\n")).toBe(await hashOf(base));
  });

  it("a model or size the tier never calls does not count", async () => {
    const draftOnly = "prompt: Icon, out: icon.webp, tier: draft-only";
    expect(await hashOf(`${draftOnly}, finalSize: 4K, models: { final: gemini-3-pro-image }`)).toBe(await hashOf(draftOnly));
    const finalOnly = "prompt: Hero, out: hero.png, tier: final-only";
    expect(await hashOf(`${finalOnly}, draftSize: 1K, models: { draft: gemini-nano-banana-2.1 }, reference: false`)).toBe(await hashOf(finalOnly));
  });
});

const seed = (n: number, status: SeedRecord["status"] = "rejected", costUsd = 0.03): SeedRecord => ({ seed: n, model: "lite", status, costUsd });
function asset(seeds: SeedRecord[], outputs = 0, inputHash = `sha256:${"a".repeat(64)}`): AssetLock {
  return {
    inputHash,
    prompt: "p",
    models: { draft: "lite", final: "nb2" },
    seeds,
    outputs: Array.from({ length: outputs }, (_, i) => ({ path: `o${i}.webp`, sha256: "b".repeat(64), seed: i + 1, model: "nb2", width: 1, height: 1, bytes: 1 })),
    spentUsd: seeds.reduce((s, r) => s + r.costUsd, 0),
  };
}
function lock(assets: Record<string, AssetLock>): Lockfile {
  return { version: 1, stats: lockStats(assets), assets };
}

describe("two runs that pushed at once merge asset by asset", () => {
  const base = lock({ dunes: asset([seed(1)]), hero: asset([seed(10)]), icons: asset([seed(20)]) });

  it("an asset changed on one side only takes that side", () => {
    const ours = lock({ ...base.assets, dunes: asset([seed(1), seed(2, "rendered")], 1) });
    const theirs = lock({ ...base.assets, hero: asset([seed(10), seed(11, "rendered")], 1) });
    const merged = mergeLockfiles(base, ours, theirs);
    expect(merged.assets.dunes).toEqual(ours.assets.dunes);
    expect(merged.assets.hero).toEqual(theirs.assets.hero);
    expect(merged.assets.icons).toEqual(base.assets.icons);
  });

  it("changed on both: the side with more outputs wins, and keeps the other side's seeds", () => {
    const ours = lock({ ...base.assets, dunes: asset([seed(1), seed(2, "rendered"), seed(3, "rendered")], 2) });
    const theirs = lock({ ...base.assets, dunes: asset([seed(1), seed(4, "rendered"), seed(5, "rejected", 0.05)], 1) });
    const merged = mergeLockfiles(base, ours, theirs).assets.dunes!;
    expect(merged.outputs).toEqual(ours.assets.dunes!.outputs);
    expect(merged.seeds.map((s) => s.seed)).toEqual([1, 2, 3, 4, 5]);
    // Both runs paid for their seeds.
    expect(merged.spentUsd).toBeCloseTo(ours.assets.dunes!.spentUsd + 0.03 + 0.05, 6);
    expect(mergeLockfiles(base, theirs, ours).assets.dunes!.outputs).toEqual(ours.assets.dunes!.outputs);
  });

  it("changed on both from different inputs: the winner is kept whole", () => {
    const ours = lock({ ...base.assets, dunes: asset([seed(1), seed(2, "rendered")], 1, `sha256:${"c".repeat(64)}`) });
    const theirs = lock({ ...base.assets, dunes: asset([seed(7), seed(8, "rendered"), seed(9, "rendered")], 2, `sha256:${"d".repeat(64)}`) });
    expect(mergeLockfiles(base, ours, theirs).assets.dunes).toEqual(theirs.assets.dunes);
  });

  it("an asset added on one side appears; one removed on one side and untouched on the other goes", () => {
    const { icons: _gone, ...rest } = base.assets;
    const ours = lock({ ...rest, fresh: asset([seed(30)]) });
    const merged = mergeLockfiles(base, ours, base);
    expect(Object.keys(merged.assets)).toEqual(["dunes", "fresh", "hero"]);
  });

  it("statistics are recomputed from the merged assets", () => {
    const ours = lock({ ...base.assets, dunes: asset([seed(1), seed(2, "rendered")], 1) });
    const theirs = lock({ ...base.assets, hero: asset([seed(10), seed(11, "accepted"), { ...seed(12), regenerated: 1 }]) });
    const merged = mergeLockfiles(base, ours, theirs);
    expect(merged.stats).toEqual({ drafts: 6, accepted: 2, rejected: 4, regenerated: 1, rendered: 1, spentUsd: 0.18 });
  });
});
