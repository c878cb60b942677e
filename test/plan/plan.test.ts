import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lockPathFor, writeLockfile } from "../../src/lock/file.js";
import { inputHash } from "../../src/lock/hash.js";
import { lockStats } from "../../src/lock/stats.js";
import { emptyLockfile, type AssetLock, type Lockfile, type SeedRecord } from "../../src/lock/types.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { Manifest } from "../../src/manifest/spec.js";
import { findModel, imagePriceUsd, judgeCallEstimateUsd, type ImageModel, type TextModel } from "../../src/models/catalog.js";
import { planRun } from "../../src/plan/plan.js";
import { seedlock, STACK_LINE } from "../support/cli.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const LITE = findModel("gemini-3.1-flash-lite-image") as ImageModel;
/** The default final model (Nano Banana 2.1). */
const NB2 = findModel("gemini-nano-banana-2.1") as ImageModel;
const liteUsd = imagePriceUsd(LITE, "1K");
const nb2Usd = imagePriceUsd(NB2, "1K");

/** A repository with assets.yaml; returns its folder and the loaded manifest. */
async function repo(manifest: string): Promise<{ dir: string; manifest: Manifest }> {
  const dir = mkdtempSync(join(tmpdir(), "seedlock-plan-"));
  dirs.push(dir);
  mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, "assets.yaml"), manifest);
  return { dir, manifest: await loadManifest(join(dir, "assets.yaml")) };
}

/** Writes `count` output files for an asset and returns its lockfile entry as a finished run leaves it. */
function finished(m: Manifest, id: string, count: number, extraSeeds: SeedRecord[] = []): AssetLock {
  const asset = m.assets.find((a) => a.id === id)!;
  const outputs = Array.from({ length: count }, (_, i) => {
    const path = asset.out.replace("{n}", String(i + 1));
    const bytes = Buffer.from(`${id} image ${i + 1}`);
    mkdirSync(dirname(join(m.root, path)), { recursive: true });
    writeFileSync(join(m.root, path), bytes);
    return { path, sha256: createHash("sha256").update(bytes).digest("hex"), seed: 100 + i, model: asset.models.final, width: 1024, height: 1024, bytes: bytes.length };
  });
  const seeds: SeedRecord[] = [...outputs.map((o) => ({ seed: o.seed, model: asset.models.draft, status: "rendered" as const, costUsd: 0.1 })), ...extraSeeds];
  return { inputHash: inputHash(asset, m), prompt: asset.prompt, models: asset.models, seeds, outputs, spentUsd: seeds.reduce((s, r) => s + r.costUsd, 0) };
}

function lockOf(assets: Record<string, AssetLock>, stats?: Partial<Lockfile["stats"]>): Lockfile {
  return { version: 1, stats: { ...lockStats(assets), ...stats }, assets };
}

const fourAssets = `version: 1
budget: { maxUsd: 20 }
assets:
  - id: fresh
    prompt: A new asset
    count: 2
    out: "out/fresh-{n}.png"
  - id: same
    prompt: Nothing changed
    count: 2
    out: "out/same-{n}.png"
  - id: edited
    prompt: The prompt was edited
    count: 1
    out: out/edited.png
  - id: partial
    prompt: Some outputs are gone
    count: 3
    out: "out/partial-{n}.png"
`;

describe("each asset is new, changed, unchanged or incomplete, judged against the lockfile and the files", () => {
  it("tells the four apart and lists lockfile entries the manifest no longer has", async () => {
    const { manifest: m } = await repo(fourAssets);
    const edited = finished(m, "edited", 1);
    edited.inputHash = `sha256:${"0".repeat(64)}`;
    edited.prompt = "The prompt before the edit";
    const lock = lockOf({ same: finished(m, "same", 2), edited, partial: finished(m, "partial", 3), retired: finished(m, "same", 1) });
    unlinkSync(join(m.root, "out/partial-2.png"));
    const plan = await planRun(m, lock);
    expect(plan.assets.map((a) => [a.id, a.state, a.have, a.missing])).toEqual([
      ["fresh", "new", 0, 2],
      ["same", "unchanged", 2, 0],
      ["edited", "changed", 0, 1],
      ["partial", "incomplete", 2, 1],
    ]);
    expect(plan.assets.find((a) => a.id === "edited")!.why).toBe("prompt changed");
    expect(plan.assets.find((a) => a.id === "partial")!.why).toBe("out/partial-2.png is missing");
    expect(plan.orphans).toEqual(["retired"]);
    const same = plan.assets.find((a) => a.id === "same")!;
    expect([same.drafts, same.finals, same.estimatedUsd]).toEqual([0, 0, 0]);
  });

  it("an output whose bytes changed on disk makes its asset incomplete", async () => {
    const { manifest: m } = await repo(fourAssets);
    const lock = lockOf({ same: finished(m, "same", 2) });
    writeFileSync(join(m.root, "out/same-1.png"), "edited by hand");
    const same = (await planRun(m, lock)).assets.find((a) => a.id === "same")!;
    expect([same.state, same.have, same.missing, same.why]).toEqual(["incomplete", 1, 1, "out/same-1.png differs from the lockfile"]);
  });

  it("raising count makes an unchanged asset incomplete, lowering it keeps it unchanged", async () => {
    const { manifest: m } = await repo(fourAssets);
    const lock = lockOf({ same: finished(m, "same", 2) });
    m.assets.find((a) => a.id === "same")!.count = 5;
    expect((await planRun(m, lock)).assets.find((a) => a.id === "same")).toMatchObject({ state: "incomplete", have: 2, missing: 3 });
    m.assets.find((a) => a.id === "same")!.count = 1;
    expect((await planRun(m, lock)).assets.find((a) => a.id === "same")).toMatchObject({ state: "unchanged", missing: 0 });
  });

  it("accepted drafts still waiting for their render need finals, not new drafts", async () => {
    const { manifest: m } = await repo(fourAssets);
    const waiting: SeedRecord[] = [{ seed: 7, model: LITE.id, status: "accepted", costUsd: liteUsd }];
    const plan = await planRun(m, lockOf({ partial: finished(m, "partial", 1, waiting) }));
    expect(plan.assets.find((a) => a.id === "partial")).toMatchObject({ state: "incomplete", missing: 2, pendingRenders: 1, seeds: 3, finals: 2 });
  });
});

describe("a second plan does not re-read outputs that did not change, and still sees ones that did", () => {
  it("keeps output hashes in .seedlock/ beside the manifest, ignored by git", async () => {
    const { dir, manifest: m } = await repo(fourAssets);
    const lock = lockOf({ same: finished(m, "same", 2) });
    // Files written long enough ago for their stat to be trusted.
    const past = new Date(Date.now() - 60_000);
    for (const n of [1, 2]) utimesSync(join(dir, `out/same-${n}.png`), past, past);
    expect((await planRun(m, lock)).assets[1]!.state).toBe("unchanged");
    const cache = JSON.parse(readFileSync(join(dir, ".seedlock", "output-hashes.json"), "utf8"));
    expect(Object.keys(cache.entries).sort()).toEqual(["out/same-1.png", "out/same-2.png"]);
    expect(readFileSync(join(dir, ".seedlock", ".gitignore"), "utf8")).toMatch(/^\*$/m);

    // Same size, same mtime, different bytes: the inode's change time still gives it away.
    writeFileSync(join(dir, "out/same-1.png"), "same image 9");
    utimesSync(join(dir, "out/same-1.png"), past, past);
    expect((await planRun(m, lock)).assets[1]).toMatchObject({ state: "incomplete", why: "out/same-1.png differs from the lockfile" });
  });

  it("an output larger than one read is hashed whole", async () => {
    const { dir, manifest: m } = await repo(fourAssets);
    const entry = finished(m, "same", 2);
    const big = Buffer.alloc(700 * 1024, 7);
    big[big.length - 1] = 8;
    writeFileSync(join(dir, "out/same-2.png"), big);
    entry.outputs[1]!.sha256 = createHash("sha256").update(big).digest("hex");
    expect((await planRun(m, lockOf({ same: entry }), { hashCache: false })).assets[1]!.state).toBe("unchanged");
    big[big.length - 1] = 9;
    writeFileSync(join(dir, "out/same-2.png"), big);
    expect((await planRun(m, lockOf({ same: entry }), { hashCache: false })).assets[1]!.state).toBe("incomplete");
  });

  it("hashCache: false reads every file and writes nothing", async () => {
    const { dir, manifest: m } = await repo(fourAssets);
    await planRun(m, lockOf({ same: finished(m, "same", 2) }), { hashCache: false });
    expect(existsSync(join(dir, ".seedlock"))).toBe(false);
  });
});

describe("the estimate follows the effective-cost formula", () => {
  it("with no history: accept = 1 ÷ oversample and regen 2%, each said to be a default", async () => {
    const { manifest: m } = await repo(fourAssets);
    const plan = await planRun(m, emptyLockfile());
    expect(plan.rates.accept).toEqual({ value: null, source: "default: 1 ÷ oversample" });
    expect(plan.rates.regen).toEqual({ value: 0.02, source: "default: 2%" });
    const fresh = plan.assets[0]!;
    // 2 wanted at 1 ÷ 3 accepted: 6 seeds, 6 × 1.02 → 7 draft calls on Lite, 2 finals on the standard model.
    expect([fresh.seeds, fresh.drafts, fresh.finals]).toEqual([6, 7, 2]);
    expect(fresh.estimatedUsd).toBeCloseTo(7 * liteUsd + 2 * nb2Usd, 6);
    expect(plan.estimatedUsd).toBeCloseTo(plan.assets.reduce((s, a) => s + a.estimatedUsd, 0), 6);
  });

  it("with at least 10 drafts in the lockfile: the measured rates, said to be measured", async () => {
    const { manifest: m } = await repo(fourAssets);
    const lock = lockOf({}, { drafts: 240, accepted: 60, regenerated: 12 });
    const plan = await planRun(m, lock);
    expect(plan.rates.accept).toEqual({ value: 0.25, source: "measured over 240 drafts" });
    expect(plan.rates.regen).toEqual({ value: 0.05, source: "measured over 240 drafts" });
    const fresh = plan.assets[0]!;
    // 2 ÷ 0.25 = 8 seeds, but the asset may try only count × oversample = 6.
    expect([fresh.seeds, fresh.drafts, fresh.capped]).toEqual([6, 7, true]);
  });

  it("with fewer than 10 drafts: still the defaults, and the reason", async () => {
    const { manifest: m } = await repo(fourAssets);
    const plan = await planRun(m, lockOf({}, { drafts: 4, accepted: 4 }));
    expect(plan.rates.accept.source).toBe("default: 1 ÷ oversample (only 4 drafts measured so far)");
  });

  it("attempts already used count against the cap", async () => {
    const { manifest: m } = await repo(fourAssets);
    const tried: SeedRecord[] = Array.from({ length: 7 }, (_, i) => ({ seed: 200 + i, model: LITE.id, status: "rejected", costUsd: liteUsd }));
    const plan = await planRun(m, lockOf({ partial: finished(m, "partial", 1, tried) }));
    // maxAttempts 9 (3 × 3), 8 seeds used: 1 left for the 2 missing.
    expect(plan.assets.find((a) => a.id === "partial")).toMatchObject({ remainingAttempts: 1, seeds: 1, capped: true });
  });

  it("final-only drafts on the final model, draft-only has no finals, a judge adds its calls", async () => {
    const { manifest: m } = await repo(`version: 1
models: { judge: gemini-3.6-flash }
budget: { maxUsd: 20 }
assets:
  - { id: hero, prompt: Hero, tier: final-only, finalSize: 2K, out: hero.png }
  - { id: icon, prompt: Icon, tier: draft-only, out: icon.webp }
  - { id: judged, prompt: Judged, oversample: 2, out: judged.webp, screen: { judge: { rubric: "No text" } } }
`);
    const [hero, icon, judged] = (await planRun(m, emptyLockfile())).assets;
    expect(hero).toMatchObject({ seeds: 3, drafts: 4, finals: 0 });
    expect(hero!.estimatedUsd).toBeCloseTo(4 * imagePriceUsd(NB2, "2K"), 6);
    expect(icon).toMatchObject({ drafts: 4, finals: 0 });
    expect(icon!.estimatedUsd).toBeCloseTo(4 * liteUsd, 6);
    expect(judged).toMatchObject({ seeds: 2, drafts: 3, finals: 1, judgeCalls: 3 });
    expect(judged!.judgeUsd).toBeCloseTo(3 * judgeCallEstimateUsd(findModel("gemini-3.6-flash") as TextModel), 9);
  });

  it("the manifest's pricing: overrides the catalog's prices", async () => {
    const { manifest: m } = await repo(fourAssets.replace("budget:", 'pricing: { gemini-nano-banana-2.1: { "1K": 1 } }\nbudget:'));
    const fresh = (await planRun(m, emptyLockfile())).assets[0]!;
    expect(fresh.finalUsd).toBe(2);
  });
});

describe("seedlock plan on the command line", () => {
  async function cliRepo(lock?: (m: Manifest) => Lockfile): Promise<string> {
    const { dir, manifest } = await repo(fourAssets.replace("maxUsd: 20", "maxUsd: 20, warnUsd: 0.5"));
    if (lock) await writeLockfile(lockPathFor(manifest.file), lock(manifest));
    return dir;
  }

  it("--json prints one JSON object with the totals, every asset, orphans and rates", async () => {
    const dir = await cliRepo((m) => lockOf({ same: finished(m, "same", 2), gone: finished(m, "same", 1) }, { drafts: 30, accepted: 10, regenerated: 0 }));
    const ran = await seedlock(["plan", "--json"], { cwd: dir });
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(ran.code).toBe(0);
    const report = JSON.parse(ran.stdout);
    expect(ran.stdout.trim().split("\n")).toHaveLength(1);
    expect(report).toMatchObject({
      command: "plan",
      spentUsd: 0,
      accepted: 0,
      rendered: 0,
      ceilingUsd: 20,
      ceilingSource: "budget.maxUsd",
      orphans: ["gone"],
      changedAssets: ["fresh", "edited", "partial"],
      rates: { accept: { value: 1 / 3, source: "measured over 30 drafts" }, regen: { value: 0, source: "measured over 30 drafts" } },
      exitCode: 0,
    });
    expect(report.assets.map((a: { id: string; state: string; status: string }) => [a.id, a.state, a.status])).toEqual([
      ["fresh", "new", "planned"],
      ["same", "unchanged", "unchanged"],
      ["edited", "new", "planned"],
      ["partial", "new", "planned"],
    ]);
    expect(report.drafts).toBe(report.assets.reduce((s: number, a: { drafts: number }) => s + a.drafts, 0));
    expect(report.estimatedUsd).toBeGreaterThan(0);
    // The estimate passed budget.warnUsd: a warning, not a failure.
    expect(ran.stderr).toMatch(/warning: the estimate \$\d+\.\d\d is above budget\.warnUsd \(\$0\.50\)/);
  });

  it("without --json prints a table with states, totals, the ceiling and where each rate came from", async () => {
    const dir = await cliRepo();
    const ran = await seedlock(["plan"], { cwd: dir });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^assets\.yaml: 4 assets \(4 new\)/);
    expect(ran.stdout).toMatch(/^asset\s+state\s+have\s+drafts\s+finals\s+estimate/m);
    // Then the tier and the cost per kept image on either tier, and which is cheaper when it is not the one chosen.
    expect(ran.stdout).toMatch(/^fresh\s+new\s+0\/2\s+7\s+2\s+\$0\.30\s+two-tier\s+\$0\.1364\s+\$0\.1028\s+final-only is cheaper per image$/m);
    expect(ran.stdout).toMatch(/^total\s+\d+\s+\d+\s+\$\d+\.\d\d/m);
    expect(ran.stdout).toMatch(/^ceiling\s+\$20\.00 \(budget\.maxUsd\)$/m);
    expect(ran.stdout).toMatch(/^accept rate\s+33% \(default: 1 ÷ oversample\)$/m);
    expect(ran.stdout).toMatch(/^regen rate\s+2\.0% \(default: 2%\)$/m);
  });

  it("exits 3 when the estimate is above a --max-budget-usd lower than the manifest's, naming both and what to change", async () => {
    const dir = await cliRepo();
    const ran = await seedlock(["plan", "--json", "--max-budget-usd", "0.5"], { cwd: dir });
    expect(ran.code).toBe(3);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    const report = JSON.parse(ran.stdout);
    expect(report).toMatchObject({ ceilingUsd: 0.5, ceilingSource: "--max-budget-usd", exitCode: 3 });
    expect(ran.stderr).toMatch(/error: the estimate \$\d+\.\d\d is above the ceiling \$0\.50 \(--max-budget-usd\); raise --max-budget-usd/);
  });

  it("a --max-budget-usd above the manifest's ceiling does not raise it", async () => {
    const dir = await cliRepo();
    const ran = await seedlock(["plan", "--json", "--max-budget-usd", "500"], { cwd: dir });
    expect(JSON.parse(ran.stdout)).toMatchObject({ ceilingUsd: 20, ceilingSource: "budget.maxUsd" });
  });

  it("exits 3 when the manifest's own budget is too small, pointing at budget.maxUsd", async () => {
    const { dir } = await repo(fourAssets.replace("maxUsd: 20", "maxUsd: 0.25"));
    const ran = await seedlock(["plan"], { cwd: dir });
    expect(ran.code).toBe(3);
    expect(ran.stdout).toMatch(/ceiling\s+\$0\.25 \(budget\.maxUsd\)\s+← the estimate is above it/);
    expect(ran.stderr).toMatch(/raise budget\.maxUsd in the manifest/);
  });

  it("--manifest is read relative to the working directory", async () => {
    const dir = await cliRepo();
    mkdirSync(join(dir, "sub"));
    const ran = await seedlock(["plan", "--json", "--manifest", "../assets.yaml"], { cwd: join(dir, "sub") });
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout).manifest).toBe("../assets.yaml");
  });
});
