import * as core from "@actions/core";
import type { RunReport } from "../run-report.js";
import type { PlanReport } from "../plan/report.js";
import { Output } from "./constants.js";

/** Plain decimals without float noise (0.30000000000000004 → 0.3). */
function number(value: number, places: number): string {
  return String(Number(value.toFixed(places)));
}

/** The step's outputs as action.yml declares them; rates that were not measured are empty. */
export function outputsOf(report: RunReport): Record<string, string> {
  return {
    [Output.spentUsd]: number(report.spentUsd, 6),
    [Output.estimatedUsd]: number(report.estimatedUsd, 6),
    [Output.drafts]: String(report.drafts),
    [Output.accepted]: String(report.accepted),
    [Output.rendered]: String(report.rendered),
    [Output.acceptRate]: report.acceptRate === null ? "" : number(report.acceptRate, 4),
    // Kept under its old name: spend ÷ images delivered (report/figures.ts costPerImageUsd).
    [Output.costPerAcceptedUsd]: report.costPerImageUsd === null ? "" : number(report.costPerImageUsd, 6),
    [Output.costPerAcceptedDraftUsd]: report.costPerAcceptedDraftUsd === null ? "" : number(report.costPerAcceptedDraftUsd, 6),
    [Output.changedAssets]: report.changedAssets.join(","),
    [Output.report]: report.reportDir ?? "",
    // `plan` with `shards`: what a workflow's `strategy.matrix` takes, via fromJSON.
    ...(isPlanWithMatrix(report) ? { [Output.matrix]: JSON.stringify({ shard: report.matrix.shards.map((s) => s.shard) }) } : {}),
  };
}

function isPlanWithMatrix(report: RunReport): report is PlanReport & { matrix: NonNullable<PlanReport["matrix"]> } {
  return report.command === "plan" && (report as PlanReport).matrix !== undefined;
}

export function setOutputs(report: RunReport): void {
  for (const [name, value] of Object.entries(outputsOf(report))) core.setOutput(name, value);
}
