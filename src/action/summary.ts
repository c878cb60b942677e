import * as core from "@actions/core";
import type { RunReport } from "../pipeline/result.js";
import { assetTable, effectiveCostLine, usd } from "./markdown.js";

/** What happened around the run that the summary reports besides the run itself. */
export interface SummaryFacts {
  /** Manifest path relative to the repository root. */
  manifest: string;
  fallback?: string;
  /** One line on the commit: landed, nothing to commit, skipped, or refused. */
  commit?: string;
  comment?: string;
  /** For a preview: what `run` would cost after it, from a plan over the lockfile it left. */
  mergeEstimateUsd?: number;
  /** Link to this workflow run; its artifacts are listed there. */
  runUrl?: string;
  failure?: string;
}

const TITLES: Record<RunReport["command"], string> = {
  run: "seedlock run",
  preview: "seedlock preview",
  plan: "seedlock plan",
  render: "seedlock render",
  verify: "seedlock verify",
};

/** The job summary: per-asset table with totals, the effective cost, the report, the commit. */
export function summaryMarkdown(report: RunReport | undefined, facts: SummaryFacts): string {
  const out: string[] = [`## ${report ? TITLES[report.command] : "seedlock"} · \`${facts.manifest}\``, ""];
  if (facts.failure) out.push(`> [!CAUTION]\n> ${facts.failure}`, "");
  if (facts.fallback) out.push(`> [!NOTE]\n> ${facts.fallback}`, "");
  if (report) {
    const spend = `Spent **${usd(report.spentUsd)}** of a **${usd(report.ceilingUsd)}** ceiling`;
    const estimate =
      report.command === "plan"
        ? `; estimated **${usd(report.estimatedUsd)}** for the work to do`
        : report.command === "preview" && facts.mergeEstimateUsd !== undefined
          ? `; the run after merging would cost about **${usd(facts.mergeEstimateUsd)}** more`
          : "";
    out.push(`${spend}${estimate}.`, "");
    if (report.assets.length) out.push(assetTable(report), "");
    else out.push("No asset in this manifest (or in this shard).", "");
    if (report.command !== "plan" && report.command !== "verify") out.push(effectiveCostLine(report), "");
    // Paid images that came back other than asked (undersized, re-rendered, several in one answer), as the lockfile records them.
    const notes = report.assets.flatMap((a) => (a.notes ?? []).map((n) => `- \`${a.id}\`: ${n}`));
    if (notes.length) out.push("Answers that differed from what was asked:", "", ...notes.slice(0, 20), ...(notes.length > 20 ? [`- … and ${notes.length - 20} more in the lockfile`] : []), "");
    if (report.reportDir) {
      const where = facts.runUrl ? ` — keep it with actions/upload-artifact; [this run's artifacts](${facts.runUrl}#artifacts)` : "";
      out.push(`Report: \`${report.reportDir}\` (report.html and contact sheets)${where}.`, "");
    }
  }
  if (facts.commit) out.push(`Commit: ${facts.commit}`, "");
  if (facts.comment) out.push(`Comment: ${facts.comment}`, "");
  return out.join("\n");
}

export async function writeSummary(markdown: string): Promise<void> {
  // A local run has no GITHUB_STEP_SUMMARY; the log already holds everything then.
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}
