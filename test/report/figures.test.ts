import { readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summaryMarkdown } from "../../src/action/summary.js";
import { outputsOf } from "../../src/action/outputs.js";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { Lockfile } from "../../src/lock/types.js";
import type { AssetReport, CallPrices, RunReport } from "../../src/run-report.js";
import { formatRunTable } from "../../src/report/run-table.js";
import { twoTierComparison, twoTierText } from "../../src/report/figures.js";
import { formatUsd } from "../../src/money.js";
import { cli, readLock, tempRepo } from "../e2e/harness.js";

const MANIFEST = `version: 1
budget: { maxUsd: 5 }
defaults:
  finalSize: "1K"
  maxAttempts: 40
  screen: { minWidth: 256, minHeight: 256 }
assets:
  - id: mesa
    prompt: Red mesa under a clear sky, graphic style, no text
    count: 2
    out: img/mesa-{n}.webp
  - id: pier
    prompt: Wooden pier into a still lake, dusk, no text
    count: 3
    out: img/pier-{n}.webp
`;

let emulator: RunningEmulator;
let dir: string;
let report: RunReport;
let lock: Lockfile;

beforeAll(async () => {
  // Dark and flat drafts in numbers, so that some drafts have two reasons and the counts can differ.
  emulator = await startEmulator({ latencyMs: 1, randomSeed: 7, darkRate: 0.25, flatRate: 0.25, corruptRate: 0 });
  dir = await tempRepo(MANIFEST);
  const ran = await cli(dir, emulator.url, ["run", "--json"]);
  expect(ran.code, ran.stderr).toBe(0);
  report = JSON.parse(ran.stdout) as RunReport;
  lock = await readLock(dir);
});

afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("one run's figures mean the same on every surface", () => {
  it("counts what the lockfile and the disk hold: drafts, rejections per draft, outputs rendered, spend", async () => {
    const seeds = Object.values(lock.assets).flatMap((a) => a.seeds);
    const rejectedSeeds = seeds.filter((s) => s.status === "rejected");
    const outputs = await readdir(join(dir, "img"));
    expect(report.schemaVersion).toBe(1);
    expect(report.drafts).toBe(seeds.length);
    expect(report.rejectedDrafts).toBe(rejectedSeeds.length);
    expect(report.rendered).toBe(outputs.length);
    expect(report.rendered).toBe(5);
    // Reasons are listed per draft: a draft both dark and flat counts once as a draft, twice among reasons.
    const reasons = report.assets.reduce((n, a) => n + Object.values(a.rejected).reduce((m, k) => m + k, 0), 0);
    expect(reasons).toBe(rejectedSeeds.reduce((n, s) => n + (s.reasons?.length ?? 0), 0));
    expect(rejectedSeeds.some((s) => (s.reasons?.length ?? 0) > 1)).toBe(true);
    expect(reasons).toBeGreaterThan(report.rejectedDrafts);
    const spent = Object.values(lock.assets).reduce((n, a) => n + a.spentUsd, 0);
    expect(report.spentUsd).toBeCloseTo(spent, 6);
  });

  it("defines cost per image delivered as spend ÷ outputs rendered, and cost per accepted draft as spend ÷ accepted", () => {
    // Figures are kept to the micro-dollar: a ratio exactly half-way (as 0.1350595 is) rounds away from it by 5e-7.
    expect(report.costPerImageUsd).toBeCloseTo(report.spentUsd / report.rendered, 5);
    expect(report.costPerAcceptedDraftUsd).toBeCloseTo(report.spentUsd / report.accepted, 5);
    expect(report.accepted).toBeGreaterThan(report.rendered - 1);
  });

  it("prints the same cost per image delivered in the table, report.html, the job summary and the Action output", async () => {
    const perImage = formatUsd(report.spentUsd / report.rendered);
    const table = formatRunTable(report);
    expect(table).toContain(`cost per image delivered ${perImage}`);
    expect(table).toContain(`${report.rejectedDrafts} rejected`);
    const html = await readFile(join(dir, ".seedlock", "report", "report.html"), "utf8");
    expect(html).toMatch(new RegExp(`cost per image delivered</span><b>${perImage.replace("$", "\\$")}</b>`));
    expect(html).toMatch(new RegExp(`rejected drafts</span><b>${report.rejectedDrafts}</b>`));
    const summary = summaryMarkdown(report, { manifest: "assets.yaml" });
    const [, summaryUsd] = /Cost per image delivered: \*\*(\$[\d.]+)\*\*/.exec(summary) ?? [];
    expect(Number(summaryUsd!.slice(1))).toBeCloseTo(report.spentUsd / report.rendered, 4);
    expect(summary).toContain(`**${report.rejectedDrafts}**`);
    expect(Number(outputsOf(report)["cost-per-accepted-usd"])).toBeCloseTo(report.spentUsd / report.rendered, 5);
    expect(Number(outputsOf(report)["cost-per-accepted-draft-usd"])).toBeCloseTo(report.spentUsd / report.accepted, 5);
  });

  it("prints the same two-tier against final-only in the table, report.html, the job summary and --json", async () => {
    // --json carries it; the defaults draft on Lite and render at 1K, priced alike, so two-tier costs more here and says so.
    const tiers = report.twoTier!;
    expect(tiers).toEqual(twoTierComparison(report.assets));
    expect(tiers.images).toBe(report.rendered);
    expect(tiers.twoTierUsd).toBeGreaterThan(tiers.finalOnlyUsd);
    const line = twoTierText(tiers);
    expect(line).toMatch(/ more\)$/);
    expect(formatRunTable(report)).toContain(`\n${line}\n`);
    const html = await readFile(join(dir, ".seedlock", "report", "report.html"), "utf8");
    expect(html).toContain(`<p class="tiers muted">${line}</p>`);
    expect(summaryMarkdown(report, { manifest: "assets.yaml" })).toContain(`\nT${line.slice(1)}.\n`);
  });

  it("says per asset what happened: done with the outputs rendered", () => {
    const table = formatRunTable(report);
    for (const a of report.assets) expect(table).toMatch(new RegExp(`^${a.id} +done · ${a.rendered} rendered`, "m"));
  });
});

describe("after a preview", () => {
  it("no asset says done: each is previewed, with how many drafts were accepted", async () => {
    const emu = await startEmulator({ latencyMs: 1, randomSeed: 3, corruptRate: 0 });
    const repo = await tempRepo(MANIFEST);
    try {
      const ran = await cli(repo, emu.url, ["preview"]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).not.toMatch(/^\w+ +done/m);
      expect(ran.stdout).toMatch(/^mesa +previewed · accepted \d+ of \d+ drafts?/m);
      expect(ran.stdout).toMatch(/per accepted draft/);
      expect(ran.stdout).not.toMatch(/cost per image delivered/);
    } finally {
      await emu.close();
      await rm(repo, { recursive: true, force: true });
    }
  });
});

describe("two-tier against final-only: what the rendered images cost as made and on the final model alone", () => {
  const priced = (drafts: number, accepted: number, rendered: number, prices?: CallPrices): AssetReport => ({
    id: `a${drafts}-${accepted}-${rendered}`,
    status: "done",
    drafts,
    accepted,
    rejectedDrafts: drafts - accepted,
    rejected: {},
    regenerated: 0,
    rendered,
    spentUsd: 0,
    estimatedUsd: 0,
    outputs: [],
    ...(prices ? { prices } : {}),
  });
  const lite = { draftUsd: 0.0336, finalUsd: 0.0336, judgeUsd: 0 };
  const table: [string, AssetReport[], string | null][] = [
    ["DESIGN.md's 300 drafts → 100 keepers at a quarter of the price", [priced(300, 100, 100, { draftUsd: 0.25, finalUsd: 1, judgeUsd: 0 })], "two-tier $175.00 vs final-only $300.00 for 100 images, at the measured 33% accept rate and list prices (42% less)"],
    ["a Lite draft priced like a 1K final: two-tier costs one final more per image", [priced(12, 4, 4, lite)], "two-tier $0.54 vs final-only $0.40 for 4 images, at the measured 33% accept rate and list prices (33% more)"],
    ["a judge call per candidate on either side", [priced(3, 1, 1, { draftUsd: 0.0336, finalUsd: 0.101, judgeUsd: 0.001 })], "two-tier $0.20 vs final-only $0.31 for 1 image, at the measured 33% accept rate and list prices (33% less)"],
    ["a draft at half a final, one in two accepted", [priced(2, 1, 1, { draftUsd: 0.05, finalUsd: 0.1, judgeUsd: 0 })], "two-tier $0.20 vs final-only $0.20 for 1 image, at the measured 50% accept rate and list prices (the same)"],
    ["only the two-tier assets count, their accept rates pooled", [priced(12, 4, 4, lite), priced(5, 5, 5), priced(6, 2, 2, lite)], "two-tier $0.81 vs final-only $0.60 for 6 images, at the measured 33% accept rate and list prices (33% more)"],
    ["a preview: nothing rendered", [priced(12, 4, 0, lite)], null],
    ["final-only and draft-only assets: no draft to compare", [priced(6, 2, 2)], null],
    ["a render of drafts an earlier run accepted: no accept rate measured", [priced(0, 0, 2, lite)], null],
    ["no assets", [], null],
  ];
  it.each(table)("%s", (_name, assets, expected) => {
    const comparison = twoTierComparison(assets);
    expect(comparison && twoTierText(comparison)).toBe(expected);
  });
});
