import { describe, expect, it } from "vitest";
import { errorSentence, failureSentence } from "../../src/action/failure.js";
import { outputsOf } from "../../src/action/outputs.js";
import { InputError } from "../../src/errors.js";
import type { AssetReport, RunReport } from "../../src/run-report.js";

const asset = (id: string, status: AssetReport["status"], accepted = 1, drafts = 3): AssetReport => ({
  id, status, drafts, accepted, rejectedDrafts: 0, rejected: {}, regenerated: 0, rendered: 0, spentUsd: 0.1, estimatedUsd: 0.3, outputs: [],
});
const report = (over: Partial<RunReport>): RunReport => ({
  command: "run", spentUsd: 0.95, estimatedUsd: 1.4, ceilingUsd: 1, drafts: 12, accepted: 4, rendered: 3,
  acceptRate: 1 / 3, regenRate: 0, costPerAcceptedDraftUsd: null, rejectedDrafts: 0, costPerImageUsd: 0.1 + 0.2, changedAssets: ["dunes", "hero"],
  assets: [asset("dunes", "done"), asset("hero", "budget")], exitCode: 0, ...over,
});

describe("the sentence a failed step ends with", () => {
  it("names the workflow's ceiling when it was the lower one, and what to change", () => {
    expect(failureSentence(report({ exitCode: 3 }), 1)).toBe(
      "seedlock stopped at the workflow's max-budget-usd ($1.00) after spending $0.95 with hero left undone (accepted work is kept); raise max-budget-usd or budget.maxUsd, or lower counts.",
    );
  });

  it("names the manifest's budget when the manifest set the lower ceiling", () => {
    expect(failureSentence(report({ exitCode: 3 }), 5)).toMatch(/^seedlock stopped at the manifest's budget\.maxUsd \(\$1\.00\)/);
    expect(failureSentence(report({ exitCode: 3 }))).toMatch(/the manifest's budget\.maxUsd/);
  });

  it("names a shard's slice and the matrix's ceiling it was cut from", () => {
    const shard = { shard: "2/8", matrixCeilingUsd: 8, sliceUsd: 1, unspentUsd: 0.05, fingerprint: "f", assets: ["dunes", "hero"] };
    expect(failureSentence(report({ exitCode: 3, shard }), 8)).toMatch(
      /^seedlock stopped at shard 2\/8's slice \(\$1\.00\) of the workflow's max-budget-usd \(\$8\.00\) after spending \$0\.95 with hero left undone/,
    );
  });

  it("says an estimate over the ceiling generated nothing", () => {
    expect(failureSentence(report({ command: "plan", spentUsd: 0, exitCode: 3 }), 1)).toBe(
      "The estimate of $1.40 exceeds the workflow's max-budget-usd ($1.00), so nothing was generated; raise max-budget-usd or budget.maxUsd, or lower counts.",
    );
  });

  it("names each asset that hit its attempt cap, with how far it got", () => {
    const capped = report({ exitCode: 4, assets: [asset("dunes", "capped", 2, 12), asset("hero", "done")] });
    expect(failureSentence(capped)).toBe(
      "dunes (2 accepted in 12 drafts) hit its attempt cap (maxAttempts) short of the count; raise maxAttempts or oversample, loosen the screen rules, or reword the prompt.",
    );
  });

  it("is absent when the run succeeded", () => {
    expect(failureSentence(report({ exitCode: 0 }))).toBeUndefined();
  });

  it("for an invalid manifest, quotes the first problem at its line and counts the rest", () => {
    const err = new InputError([
      { location: { file: "assets.yaml", line: 12, col: 7 }, path: "assets[1].count", message: "must be an integer ≥ 1" },
      { location: { file: "assets.yaml", line: 14, col: 5 }, path: "assets[1].out", message: "is missing" },
    ]);
    expect(errorSentence(err, "assets.yaml")).toBe(
      "assets.yaml cannot be used as it is: assets.yaml:12:7: assets[1].count must be an integer ≥ 1 (and 1 more problem, annotated at their lines).",
    );
  });
});

describe("the step's outputs", () => {
  it("are plain decimals, comma-separated ids, and empty rates when nothing was measured", () => {
    expect(outputsOf(report({ reportDir: "/tmp/r" }))).toEqual({
      "spent-usd": "0.95",
      "estimated-usd": "1.4",
      drafts: "12",
      accepted: "4",
      rendered: "3",
      "accept-rate": "0.3333",
      "cost-per-accepted-usd": "0.3",
      "cost-per-accepted-draft-usd": "",
      "changed-assets": "dunes,hero",
      report: "/tmp/r",
    });
    expect(outputsOf(report({ acceptRate: null, costPerAcceptedDraftUsd: null, rejectedDrafts: 0, costPerImageUsd: null, changedAssets: [] }))).toMatchObject({
      "accept-rate": "",
      "cost-per-accepted-usd": "",
      "changed-assets": "",
      report: "",
    });
  });
});
