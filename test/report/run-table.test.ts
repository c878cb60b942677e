import { describe, expect, it } from "vitest";
import type { AssetReport, RunReport } from "../../src/run-report.js";
import { runFigures } from "../../src/report/figures.js";
import { formatRunTable } from "../../src/report/run-table.js";

function asset(over: Partial<AssetReport> & { id: string }): AssetReport {
  return { status: "done", drafts: 0, accepted: 0, rejectedDrafts: 0, rejected: {}, regenerated: 0, rendered: 0, spentUsd: 0, estimatedUsd: 0, outputs: [], ...over };
}

const report: RunReport = {
  command: "run",
  spentUsd: 0.7038,
  estimatedUsd: 0.8,
  ceilingUsd: 10,
  drafts: 12,
  accepted: 4,
  rendered: 4,
  acceptRate: 1 / 3,
  regenRate: 0,
  rejectedDrafts: 8,
  costPerImageUsd: 0.17595,
  costPerAcceptedDraftUsd: 0.17595,
  changedAssets: ["dunes", "hero"],
  assets: [
    asset({ id: "dunes", drafts: 9, accepted: 3, rejectedDrafts: 6, rejected: { "too-dark": 2, duplicate: 3, flat: 1 }, rendered: 3, spentUsd: 0.6054 }),
    asset({ id: "hero", status: "capped", drafts: 3, accepted: 1, rejectedDrafts: 2, rejected: { IMAGE_SAFETY: 2 }, rendered: 1, spentUsd: 0.0984 }),
    asset({ id: "logo", status: "unchanged" }),
  ],
  exitCode: 4,
};

describe("the run table shows each asset's work and what it cost", () => {
  const text = formatRunTable(report);
  const lines = text.split("\n");

  it("has one aligned row per asset under a header", () => {
    expect(lines[0]).toMatch(/^asset\s+status\s+drafts\s+accepted\s+rejected \(reasons\)\s+rendered\s+spend\s+per image$/);
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    const rows = lines.slice(2, 5);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(["dunes", "hero", "logo"]);
    // Right-aligned numbers end in the same column as their header.
    const spendEnd = lines[0]!.indexOf("spend") + "spend".length;
    expect(rows[0]!.slice(0, spendEnd).endsWith("$0.61")).toBe(true);
    expect(rows[1]!.slice(0, spendEnd).endsWith("$0.0984")).toBe(true);
  });

  it("counts rejections per draft, with the reasons beside, most frequent first", () => {
    expect(lines[2]).toContain("6 (duplicate 3, too-dark 2, flat 1)");
    expect(lines[3]).toContain("2 (IMAGE_SAFETY 2)");
  });

  it("gives each asset's cost per image delivered, and a dash where nothing was rendered", () => {
    expect(lines[2]).toMatch(/\$0\.20$/);
    expect(lines[3]).toMatch(/\$0\.0984$/);
    expect(lines[4]).toMatch(/unchanged.*\$0\.00\s+—$/);
  });

  it("ends with totals: spend against ceiling and estimate, the measured rates", () => {
    expect(text).toContain("total: 12 drafts · 4 accepted · 8 rejected · 4 rendered · spent $0.70 of $10.00 ceiling (estimate $0.80)");
    expect(text).toContain("rates: accept rate 33% · regen rate 0% · cost per image delivered $0.18 · cost per accepted draft $0.18");
    expect(text).not.toContain("two-tier");
  });

  it("compares two-tier with final-only for what was rendered (DESIGN.md's 300 drafts → 100 keepers at ¼ price: −42 %)", () => {
    const keepers = asset({ id: "keepers", drafts: 300, accepted: 100, rendered: 100, prices: { draftUsd: 0.25, finalUsd: 1, judgeUsd: 0 } });
    const text = formatRunTable({ ...report, ...runFigures({ ...report, regenerated: 0, assets: [keepers] }), assets: [keepers] });
    expect(text.trimEnd().split("\n").at(-1)).toBe("two-tier $175.00 vs final-only $300.00 for 100 images, at the measured 33% accept rate and list prices (42% less)");
  });

  it("leaves rates it has not measured as a dash rather than a guess", () => {
    const empty = formatRunTable({ ...report, drafts: 0, accepted: 0, rendered: 0, acceptRate: null, regenRate: null, costPerAcceptedDraftUsd: null, rejectedDrafts: 0, costPerImageUsd: null, assets: [] });
    expect(empty).toContain("(no assets)");
    expect(empty).toContain("rates: accept rate — · regen rate —");
    expect(empty).not.toContain("two-tier");
  });

  it("is plain text unless asked for colour, and keeps its columns aligned with colour on", () => {
    expect(text).not.toMatch(/\u001b\[/);
    const coloured = formatRunTable(report, { color: true });
    expect(coloured).toMatch(/^\u001b\[32mdunes +done · 3 rendered .*\u001b\[39m$/m);
    expect(coloured).toMatch(/^\u001b\[31mhero +attempt cap · accepted 1 of 3 drafts .*\u001b\[39m$/m);
    const strip = (s: string) => s.replace(/\u001b\[\d+m/g, "");
    expect(strip(coloured)).toBe(text);
  });
});
