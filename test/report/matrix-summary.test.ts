import { describe, expect, it } from "vitest";
import { matrixSummaryMarkdown } from "../../src/action/summary.js";
import type { RunReport, ShardRun } from "../../src/run-report.js";
import { combineShardReports } from "../../src/report/matrix-summary.js";

function shardReport(label: string, over: Omit<Partial<RunReport>, "shard"> & { shard?: Partial<ShardRun> } = {}): { file: string; report: RunReport } {
  const { shard, ...rest } = over;
  const id = `asset-${label.replace("/", "-of-")}`;
  const report: RunReport = {
    command: "run",
    spentUsd: 0.5,
    estimatedUsd: 0.6,
    ceilingUsd: 1,
    drafts: 4,
    accepted: 2,
    rendered: 2,
    acceptRate: 0.5,
    regenRate: 0.25,
    costPerAcceptedDraftUsd: null, rejectedDrafts: 0, costPerImageUsd: 0.25,
    changedAssets: [id],
    assets: [{ id, status: "done", drafts: 4, accepted: 2, rejectedDrafts: 2, rejected: { "too-dark": 2 }, regenerated: 1, rendered: 2, spentUsd: 0.5, estimatedUsd: 0.6, outputs: [`art/${id}.webp`] }],
    exitCode: 0,
    ...rest,
    shard: { shard: label, matrixCeilingUsd: 3, sliceUsd: 1, unspentUsd: 0.5, fingerprint: "abc", assets: [id], ...shard },
  };
  return { file: `/reports/${label.replace("/", "-")}/report.json`, report };
}

describe("the summary of a matrix", () => {
  it("adds the shards' spend, slices and counts up against the one ceiling", () => {
    const summary = combineShardReports([shardReport("2/3"), shardReport("1/3"), shardReport("3/3", { spentUsd: 0.9, shard: { unspentUsd: 0.1 } })]);
    expect(summary.count).toBe(3);
    expect(summary.shards.map((s) => s.shard)).toEqual(["1/3", "2/3", "3/3"]);
    expect(summary.spentUsd).toBe(1.9);
    expect(summary.allocatedUsd).toBe(3);
    expect(summary.unspentUsd).toBe(1.1);
    expect(summary.ceilingUsd).toBe(3);
    expect(summary.report.rendered).toBe(6);
    expect(summary.report.assets).toHaveLength(3);
    expect(summary.report.regenRate).toBeCloseTo(0.25, 9);
    expect(summary.report.exitCode).toBe(0);
    const markdown = matrixSummaryMarkdown(summary, {});
    expect(markdown).toContain("Spent **$1.90** of the **$3.00** ceiling across 3 shards; their slices add up to $3.00, and **$1.10** of them was left unspent");
    expect(markdown).toContain("| `3/3` | ✅ 0 | 1 | $0.90 | $1.00 | $0.10 |");
  });

  it("fails with the worst exit and names the shard that stopped, and the one that left no report", () => {
    const summary = combineShardReports([shardReport("1/3", { exitCode: 4, message: "capped" }), shardReport("3/3", { exitCode: 3, message: "out of slice" })]);
    expect(summary.missing).toEqual(["2/3"]);
    expect(summary.report.exitCode).toBe(1);
    expect(summary.report.message).toContain("shard 3/3 exited 3 (out of slice)");
    expect(summary.report.message).toContain("no report from shard 2/3");
    expect(matrixSummaryMarkdown(summary, {})).toContain("| `2/3` | ❔ no report |");
    expect(combineShardReports([shardReport("1/2", { exitCode: 4 }), shardReport("2/2", { exitCode: 3 })]).report.exitCode).toBe(3);
  });

  it("warns when the shards computed different packings", () => {
    const summary = combineShardReports([shardReport("1/2"), shardReport("2/2", { shard: { fingerprint: "def" } })]);
    expect(summary.fingerprints).toEqual(["abc", "def"]);
    expect(matrixSummaryMarkdown(summary, {})).toMatch(/different packings .*same commit with the same max-budget-usd/s);
  });

  it("counts a shard reported twice once, from its last file", () => {
    const first = shardReport("1/1", { spentUsd: 0.2 });
    const rerun = { ...shardReport("1/1", { spentUsd: 0.4 }), file: "/reports/z-rerun/report.json" };
    const summary = combineShardReports([rerun, first]);
    expect(summary.duplicates).toEqual(["1/1"]);
    expect(summary.spentUsd).toBe(0.4);
  });
});
