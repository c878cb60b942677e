import type { AssetReport, AssetStatus, RunReport } from "../pipeline/result.js";

/** Money as people read it: cents when that is exact or the sum is large, four places for per-image prices. */
export function usd(value: number): string {
  const cents = Math.abs(value * 100 - Math.round(value * 100)) < 1e-9;
  return `$${value.toFixed(Math.abs(value) >= 1 || cents ? 2 : 4)}`;
}

export function percent(rate: number | null): string {
  return rate === null ? "–" : `${Math.round(rate * 100)} %`;
}

const STATUS: Partial<Record<string, string>> = {
  unchanged: "unchanged",
  done: "✅ done",
  capped: "⛔ attempt cap",
  budget: "💸 stopped by budget",
  unavailable: "⚠️ API unavailable",
  interrupted: "⏹ interrupted",
  incomplete: "◻️ incomplete",
  planned: "📝 planned",
  batch: "⏳ in a batch job",
};

export function statusText(status: AssetStatus): string {
  return STATUS[status] ?? status;
}

/** `too-dark 2, duplicate 1` */
export function rejectedText(rejected: Record<string, number>): string {
  const parts = Object.entries(rejected)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${reason} ${n}`);
  return parts.length ? parts.join(", ") : "–";
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
    statusText(a.status),
    String(a.drafts),
    String(a.accepted),
    cell(rejectedText(a.rejected)),
    String(a.rendered),
    usd(a.spentUsd),
    ...(withEstimate ? [usd(a.estimatedUsd)] : []),
  ];
  const rejected = report.assets.reduce((n, a) => n + Object.values(a.rejected).reduce((m, k) => m + k, 0), 0);
  const totals = [
    `**${report.assets.length} assets**`,
    "",
    `**${report.drafts}**`,
    `**${report.accepted}**`,
    `**${rejected}**`,
    `**${report.rendered}**`,
    `**${usd(report.spentUsd)}**`,
    ...(withEstimate ? [`**${usd(report.estimatedUsd)}**`] : []),
  ];
  return table(header, [...report.assets.map(row), totals]);
}

/** The two-tier claim, measured: what one kept image cost, and the rates behind it. */
export function effectiveCostLine(report: RunReport): string {
  const rates = `accept rate ${percent(report.acceptRate)}, regen rate ${percent(report.regenRate)}`;
  if (report.costPerAcceptedUsd === null) return `Effective cost per accepted image: – (nothing accepted in this run; ${rates}).`;
  return `Effective cost per accepted image: **${usd(report.costPerAcceptedUsd)}** (measured on this run: ${rates}, ${report.accepted} accepted of ${report.drafts} drafts).`;
}

/** Batch jobs still out, with what each reserved against the ceiling: what the next run collects. */
export function batchJobsMarkdown(report: RunReport): string {
  const pending = report.batch?.pending ?? [];
  const reserved = pending.reduce((sum, job) => sum + job.reservedUsd, 0);
  const rows = pending.map((job) => [cell(job.name ?? `${job.displayName} (being submitted)`), job.stage === "draft" ? "drafts" : "renders", cell(job.model), String(job.requests), usd(job.reservedUsd), cell(job.submittedAt)]);
  return [
    `**Batch jobs pending: ${pending.length}**, ${usd(reserved)} reserved against the ceiling. The next run collects them (the Batch API answers within 24 h).`,
    "",
    table(["job", "stage", "model", "requests", "reserved", "submitted"], rows, 3),
  ].join("\n");
}
