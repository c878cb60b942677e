import * as core from "@actions/core";
import type { RunReport } from "../run-report.js";
import type { PlanReport } from "../plan/report.js";
import type { MatrixSummary } from "../report/matrix-summary.js";
import { formatUsd, MARKDOWN } from "../money.js";
import { assetTable, batchJobsMarkdown, cell, effectiveCostLine, table, twoTierLines } from "./markdown.js";

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

/** What the matrix's summary reports besides the shards' reports. */
export type MatrixSummaryFacts = Pick<SummaryFacts, "runUrl" | "failure">;

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
    const spend = report.shard
      ? `Shard **${report.shard.shard}** spent **${formatUsd(report.spentUsd, MARKDOWN)}** of its **${formatUsd(report.shard.sliceUsd, MARKDOWN)}** slice of the **${formatUsd(report.shard.matrixCeilingUsd, MARKDOWN)}** ceiling; ` +
        `**${formatUsd(report.shard.unspentUsd, MARKDOWN)}** of the slice is left unspent (no other shard may use it)`
      : `Spent **${formatUsd(report.spentUsd, MARKDOWN)}** of a **${formatUsd(report.ceilingUsd, MARKDOWN)}** ceiling`;
    const estimate =
      report.command === "plan"
        ? `; estimated **${formatUsd(report.estimatedUsd, MARKDOWN)}** for the work to do`
        : report.command === "preview" && facts.mergeEstimateUsd !== undefined
          ? `; the run after merging would cost about **${formatUsd(facts.mergeEstimateUsd, MARKDOWN)}** more`
          : "";
    out.push(`${spend}${estimate}.`, "");
    if (report.assets.length) out.push(assetTable(report), "");
    else out.push("No asset in this manifest (or in this shard).", "");
    if (report.command !== "plan" && report.command !== "verify") out.push(effectiveCostLine(report), "", ...twoTierLines(report));
    // Paid images that came back other than asked (undersized, re-rendered, several in one answer), as the lockfile records them.
    const notes = report.assets.flatMap((a) => (a.notes ?? []).map((n) => `- \`${a.id}\`: ${n}`));
    if (notes.length) out.push("Answers that differed from what was asked:", "", ...notes.slice(0, 20), ...(notes.length > 20 ? [`- … and ${notes.length - 20} more in the lockfile`] : []), "");
    const matrix = report.command === "plan" ? (report as PlanReport).matrix : undefined;
    if (matrix) {
      out.push(`### Matrix: ${matrix.count} shard${matrix.count === 1 ? "" : "s"}, packed by estimate (largest ÷ mean ${matrix.balance.toFixed(2)})`, "");
      const rows = matrix.shards.map((s) => [`\`${s.shard}\``, String(s.assets.length), formatUsd(s.estimatedUsd, MARKDOWN), formatUsd(s.ceilingUsd, MARKDOWN)]);
      out.push(table(["Shard", "Assets", "Estimate", "Slice"], rows, 1), "");
      out.push(`The slices add up to ${formatUsd(matrix.allocatedUsd, MARKDOWN)} of the ${formatUsd(matrix.ceilingUsd, MARKDOWN)} ceiling. Packing \`${matrix.fingerprint}\`: every shard must start from this commit with this ceiling.`, "");
      if (matrix.rule) out.push(`Shard count: ${cell(matrix.rule)}.`, "");
    }
    if (report.batch?.pending.length) out.push(batchJobsMarkdown(report), "");
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

/** The final job of a matrix: one summary for every shard, their spend against the one ceiling. */
export function matrixSummaryMarkdown(summary: MatrixSummary, facts: MatrixSummaryFacts): string {
  const report = summary.report;
  const out: string[] = [`## seedlock ${report.command} · matrix of ${summary.count} shard${summary.count === 1 ? "" : "s"}`, ""];
  if (facts.failure) out.push(`> [!CAUTION]\n> ${facts.failure}`, "");
  if (summary.fingerprints.length > 1) {
    out.push(
      `> [!WARNING]\n> The shards computed ${summary.fingerprints.length} different packings (${summary.fingerprints.map((f) => `\`${f}\``).join(", ")}): ` +
        "they did not all start from the same commit and ceiling, so an asset may have run in two shards or in none. Start every shard from the same commit with the same max-budget-usd.",
      "",
    );
  }
  if (summary.duplicates.length) {
    out.push(`> [!NOTE]\n> Shard ${summary.duplicates.join(", ")} left more than one report (a re-run job?): only the last one, by file name, is counted below.`, "");
  }
  out.push(
    `Spent **${formatUsd(summary.spentUsd, MARKDOWN)}** of the **${formatUsd(summary.ceilingUsd, MARKDOWN)}** ceiling across ${summary.shards.length} shard${summary.shards.length === 1 ? "" : "s"}; ` +
      `their slices add up to ${formatUsd(summary.allocatedUsd, MARKDOWN)}, and **${formatUsd(summary.unspentUsd, MARKDOWN)}** of them was left unspent (a shard never spends another's slice).`,
    "",
  );
  const rows = summary.shards.map((s) => [`\`${s.shard}\``, s.exitCode === 0 ? "✅ 0" : `❌ ${s.exitCode}`, String(s.assets), formatUsd(s.spentUsd, MARKDOWN), formatUsd(s.sliceUsd, MARKDOWN), formatUsd(s.unspentUsd, MARKDOWN)]);
  for (const label of summary.missing) rows.push([`\`${label}\``, "❔ no report", "", "", "", ""]);
  out.push(table(["Shard", "Exit", "Assets", "Spent", "Slice", "Unspent"], rows, 1), "");
  if (report.assets.length) out.push(assetTable(report), "");
  else out.push("No shard had work to do.", "");
  out.push(effectiveCostLine(report), "", ...twoTierLines(report));
  if (facts.runUrl) out.push(`Each shard's report.html is among [this run's artifacts](${facts.runUrl}#artifacts).`, "");
  return out.join("\n");
}
