import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lockPathFor, readLockfile, writeLockfile } from "../../src/lock/file.js";
import { emptyLockfile } from "../../src/lock/types.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/spec.js";
import { planRun } from "../../src/plan/plan.js";
import { renderPlan } from "../../src/plan/report.js";
import { compareTiers, tierPrices } from "../../src/plan/tier.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function manifestOf(text: string): Promise<Manifest> {
  const dir = mkdtempSync(join(tmpdir(), "seedlock-tier-"));
  dirs.push(dir);
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, "assets.yaml"), text);
  return loadManifest(join(dir, "assets.yaml"));
}

/** One asset drafted on Lite at 1K, its final on `final` at `size`, priced by the catalog (and `pricing`, when given). */
function oneAsset(final: string, size: string, pricing = ""): string {
  return `version: 1
models: { draft: gemini-3.1-flash-lite-image, final: ${final} }
${pricing}budget: { maxUsd: 5 }
assets:
  - id: a
    prompt: A quiet harbour, no text
    tier: auto
    finalSize: "${size}"
    out: img/a-{n}.png
`;
}

describe("tier: auto picks the tier that costs less per kept image, by size and accept rate", () => {
  // final model, final size, accept rate → cheaper tier
  const table: [string, string, number, "two-tier" | "final-only"][] = [
    // Nano Banana 2.1 at 1K costs what a Lite draft costs: a draft saves nothing, whatever the accept rate.
    ["gemini-nano-banana-2.1", "1K", 0.2, "final-only"],
    ["gemini-nano-banana-2.1", "1K", 0.7, "final-only"],
    // At 4K the final is dear: screening on Lite first pays at any accept rate short of near-certain.
    ["gemini-nano-banana-2.1", "4K", 0.33, "two-tier"],
    ["gemini-nano-banana-2.1", "4K", 0.7, "two-tier"],
    ["gemini-nano-banana-2.1", "4K", 0.95, "final-only"],
    // At 2K it turns on the accept rate.
    ["gemini-nano-banana-2.1", "2K", 0.3, "two-tier"],
    ["gemini-nano-banana-2.1", "2K", 0.9, "final-only"],
    // Nano Banana 2 at 1K: two-tier while most drafts fail, final-only once most pass.
    ["gemini-3.1-flash-image", "1K", 0.33, "two-tier"],
    ["gemini-3.1-flash-image", "1K", 0.7, "final-only"],
    ["gemini-3.1-flash-image", "4K", 0.7, "two-tier"],
  ];
  it.each(table)("%s at %s, %f accepted: %s", async (final, size, accept, expected) => {
    const manifest = await manifestOf(oneAsset(final, size));
    const asset = manifest.assets[0]!;
    const prices = tierPrices(asset, manifest.pricing);
    const chosen = compareTiers(asset, prices, { accept, regen: 0.02, acceptSource: "test" });
    expect(chosen.cheaper).toBe(expected);
    expect(chosen.cheaper === "two-tier" ? chosen.twoTierUsd : chosen.finalOnlyUsd).toBeLessThanOrEqual(Math.min(chosen.twoTierUsd, chosen.finalOnlyUsd));
    expect(chosen.reason).toMatch(new RegExp(`^${expected}: \\$[0-9.]+ per kept image against \\$[0-9.]+`));
    expect(chosen.reason).toContain(`${final} at ${size}`);
  });

  it("reads the prices from the catalog and the manifest's pricing:, so a dearer draft turns the answer", async () => {
    const plain = await manifestOf(oneAsset("gemini-3.1-flash-image", "1K"));
    const dear = await manifestOf(oneAsset("gemini-3.1-flash-image", "1K", "pricing: { gemini-3.1-flash-lite-image: { 1K: 0.06 } }\n"));
    const rates = { accept: 0.33, regen: 0, acceptSource: "test" };
    expect(compareTiers(plain.assets[0]!, tierPrices(plain.assets[0]!, plain.pricing), rates).cheaper).toBe("two-tier");
    expect(compareTiers(dear.assets[0]!, tierPrices(dear.assets[0]!, dear.pricing), rates).cheaper).toBe("final-only");
  });
});

describe("plan shows both tiers per asset and what auto picks", () => {
  const manifest = `version: 1
models: { draft: gemini-3.1-flash-lite-image, final: gemini-nano-banana-2.1 }
budget: { maxUsd: 20 }
defaults: { oversample: 3 }
assets:
  - id: small
    prompt: A small icon-like scene, no text
    tier: auto
    finalSize: 1K
    out: img/small-{n}.png
  - id: poster
    prompt: A large poster scene, no text
    tier: auto
    finalSize: 4K
    out: img/poster-{n}.png
  - id: fixed
    prompt: A fixed two-tier scene, no text
    tier: two-tier
    finalSize: 1K
    out: img/fixed-{n}.png
`;

  it("estimates each auto asset on its cheaper tier, and says so for a fixed one that is not", async () => {
    const m = await manifestOf(manifest);
    const plan = await planRun(m, emptyLockfile(), { hashCache: false });
    const [small, poster, fixed] = plan.assets;
    expect([small!.tier, poster!.tier, fixed!.tier]).toEqual(["final-only", "two-tier", "two-tier"]);
    // Final-only asset: no render on the final model, its drafts priced as finals.
    expect(small!.finals).toBe(0);
    expect(poster!.finals).toBe(1);
    for (const a of plan.assets) expect(a.tiers!.cheaper === "two-tier" ? a.tiers!.twoTierUsd : a.tiers!.finalOnlyUsd).toBe(Math.min(a.tiers!.twoTierUsd, a.tiers!.finalOnlyUsd));
    const text = renderPlan(plan, { usd: 20, source: "budget.maxUsd" }, "assets.yaml");
    expect(text).toMatch(/small\s.*auto: final-only\s+\$[0-9.]+\s+\$[0-9.]+/);
    expect(text).toMatch(/fixed\s.*two-tier\s+\$[0-9.]+\s+\$[0-9.]+\s+final-only is cheaper per image/);
    expect(text).toMatch(/tier auto\s+small: final-only: \$[0-9.]+ per kept image against/);
  });

  it("keeps the tier a run recorded for the same inputs, even once the rates would pick the other", async () => {
    const m = await manifestOf(manifest);
    const first = await planRun(m, emptyLockfile(), { hashCache: false });
    const small = first.assets[0]!;
    const lock = emptyLockfile();
    lock.assets.small = {
      inputHash: small.inputHash,
      prompt: m.assets[0]!.prompt,
      models: m.assets[0]!.models,
      tier: { chosen: "two-tier", reason: "two-tier: chosen by an earlier run" },
      seeds: [],
      outputs: [],
      spentUsd: 0,
    };
    // The choice survives the lockfile's own writer and reader.
    const path = lockPathFor(m.file);
    await writeLockfile(path, lock);
    const reread = await readLockfile(path);
    expect(reread.assets.small!.tier).toEqual({ chosen: "two-tier", reason: "two-tier: chosen by an earlier run" });
    const again = await planRun(m, reread, { hashCache: false });
    expect(again.assets[0]!.tier).toBe("two-tier");
    expect(again.assets[0]!.tierReason).toBe("two-tier: chosen by an earlier run");
    expect(again.assets[0]!.finals).toBe(1);
  });
});

describe("before ten drafts are measured, auto weighs the few it has against the 1 ÷ oversample prior", () => {
  /** A lockfile whose statistics hold `accepted` of `drafts` drafts, from some other asset. */
  function history(drafts: number, accepted: number) {
    const lock = emptyLockfile();
    lock.stats = { ...lock.stats, drafts, accepted, rejected: drafts - accepted };
    return lock;
  }
  // 2K finals on Nano Banana 2.1: final-only is cheaper above about a third accepted; the prior is a third, a tie kept on two-tier.
  const table: [number, number, "two-tier" | "final-only"][] = [
    [0, 0, "two-tier"],
    [8, 8, "final-only"],
    [2, 2, "final-only"],
    [8, 1, "two-tier"],
    [1, 0, "two-tier"],
  ];
  it.each(table)("%i drafts measured, %i accepted: %s", async (drafts, accepted, expected) => {
    const m = await manifestOf(oneAsset("gemini-nano-banana-2.1", "2K").replace("assets:", "defaults: { oversample: 3 }\nassets:"));
    const [asset] = (await planRun(m, history(drafts, accepted), { hashCache: false })).assets;
    expect(asset!.tier).toBe(expected);
    // The estimate keeps the prior until ten drafts are measured: it errs on the dear side.
    expect(asset!.acceptRate).toBeCloseTo(1 / 3);
    expect(asset!.expectedAcceptRate).toBeCloseTo(drafts === 0 ? 1 / 3 : (accepted + 4 / 3) / (drafts + 4));
    if (drafts > 0) expect(asset!.tierReason).toContain(`${accepted} of ${drafts} drafts measured, with 1 ÷ oversample counted as 4 more`);
  });
});

