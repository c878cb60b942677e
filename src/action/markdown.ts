import type { AssetReport, RunReport } from "../run-report.js";
import { formatPercent, formatUsd, MARKDOWN } from "../money.js";
import { count, FIGURE_NAME, rejectedText as rejectedFigure, statusText as statusFigure, twoTierText } from "../report/figures.js";

const ICON: Partial<Record<string, string>> = {
  done: "✅",
  previewed: "👀",
  capped: "⛔",
  budget: "💸",
  unavailable: "⚠️",
  interrupted: "⏹",
  incomplete: "◻️",
  planned: "📝",
  batch: "⏳",
};

/** The status in words (report/figures.ts), with an icon to scan by. */
export function statusText(asset: Pick<AssetReport, "status" | "drafts" | "accepted" | "rendered">): string {
  const icon = ICON[asset.status];
  return `${icon ? `${icon} ` : ""}${statusFigure(asset)}`;
}

/** `2 (too-dark 2, duplicate 1)`: drafts rejected, each once, with their reasons beside. */
export function rejectedText(asset: Pick<AssetReport, "rejectedDrafts" | "rejected">): string {
  return rejectedFigure(asset);
}

/** Markdown table cells cannot hold a bare pipe or a newline. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A GFM table; the first `textColumns` columns are left-aligned, the numbers right-aligned. */
export function table(header: string[], rows: string[][], textColumns = 2): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => (i < textColumns ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/** Status, drafts, accepted, rendered, spend (and the estimate where there is one) per asset, then totals. */
export function assetTable(report: RunReport): string {
  const withEstimate = report.command === "plan";
  const header = ["Asset", "Status", "Drafts", "Accepted", "Rejected", "Rendered", "Spent", ...(withEstimate ? ["Estimate"] : [])];
  const row = (a: AssetReport) => [
    `\`${cell(a.id)}\``,
    statusText(a),
    String(a.drafts),
    String(a.accepted),
    cell(rejectedText(a)),
    String(a.rendered),
    formatUsd(a.spentUsd, MARKDOWN),
    ...(withEstimate ? [formatUsd(a.estimatedUsd, MARKDOWN)] : []),
  ];
  const totals = [
    `**${report.assets.length} assets**`,
    "",
    `**${report.drafts}**`,
    `**${report.accepted}**`,
    `**${report.rejectedDrafts}**`,
    `**${report.rendered}**`,
    `**${formatUsd(report.spentUsd, MARKDOWN)}**`,
    ...(withEstimate ? [`**${formatUsd(report.estimatedUsd, MARKDOWN)}**`] : []),
  ];
  return table(header, [...report.assets.map(row), totals]);
}

/** The two-tier claim, measured: what one delivered image (or, in a preview, one accepted draft) cost, and the rates behind it. */
export function effectiveCostLine(report: RunReport): string {
  const rates = `accept rate ${formatPercent(report.acceptRate, MARKDOWN)}, regen rate ${formatPercent(report.regenRate, MARKDOWN)}, ${report.accepted} accepted of ${count(report.drafts, "draft")}`;
  const name = (figure: string) => figure[0]!.toUpperCase() + figure.slice(1);
  if (report.costPerImageUsd !== null) {
    return `${name(FIGURE_NAME.costPerImage)}: **${formatUsd(report.costPerImageUsd, MARKDOWN)}** (${formatUsd(report.spentUsd, MARKDOWN)} ÷ ${count(report.rendered, "image")} rendered; ${rates}).`;
  }
  if (report.costPerAcceptedDraftUsd !== null) {
    return `${name(FIGURE_NAME.costPerAcceptedDraft)}: **${formatUsd(report.costPerAcceptedDraftUsd, MARKDOWN)}** (${formatUsd(report.spentUsd, MARKDOWN)} ÷ ${report.accepted} accepted; nothing rendered; ${rates}).`;
  }
  return `${name(FIGURE_NAME.costPerImage)}: – (nothing rendered or accepted in this run; ${rates}).`;
}

/** Two-tier against final-only for what the run rendered, worded as the table and report.html word it; none when nothing compares. */
export function twoTierLines(report: RunReport): string[] {
  if (!report.twoTier) return [];
  const text = twoTierText(report.twoTier);
  return [`${text[0]!.toUpperCase()}${text.slice(1)}.`, ""];
}

/** Batch jobs still out, with what each reserved against the ceiling: what the next run collects. */
export function batchJobsMarkdown(report: RunReport): string {
  const pending = report.batch?.pending ?? [];
  const reserved = pending.reduce((sum, job) => sum + job.reservedUsd, 0);
  const rows = pending.map((job) => [cell(job.name ?? `${job.displayName} (being submitted)`), job.stage === "draft" ? "drafts" : "renders", cell(job.model), String(job.requests), formatUsd(job.reservedUsd, MARKDOWN), cell(job.submittedAt)]);
  return [
    `**Batch jobs pending: ${pending.length}**, ${formatUsd(reserved, MARKDOWN)} reserved against the ceiling. The next run collects them (the Batch API answers within 24 h).`,
    "",
    table(["job", "stage", "model", "requests", "reserved", "submitted"], rows, 3),
  ].join("\n");
}
