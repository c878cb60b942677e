import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  formatPercent,
  formatUsd,
  roundUsd
} from "./chunk-4XIAYHCN.js";

// src/text-table.ts
function renderTable(headers, rows, opts = {}) {
  const columns = Math.max(headers.length, ...rows.map((r) => r.length));
  const cells = [headers, ...rows].map((row) => Array.from({ length: columns }, (_, i) => row[i] === void 0 ? "" : String(row[i])));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...cells.map((row) => displayWidth(row[i]))));
  const align = Array.from({ length: columns }, (_, i) => opts.align?.[i] ?? (rows.length && rows.every((r) => r[i] === void 0 || typeof r[i] === "number") ? "right" : "left"));
  const gap = " ".repeat(opts.gap ?? 2);
  const line = (row) => row.map((cell, i) => {
    const pad = " ".repeat(widths[i] - displayWidth(cell));
    return align[i] === "right" ? pad + cell : cell + pad;
  }).join(gap).trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join(gap);
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join("\n");
}
function displayWidth(text) {
  let width = 0;
  for (const char of text) if (!new RegExp("\\p{Mn}", "u").test(char)) width++;
  return width;
}

// src/report/figures.ts
function costPerImageUsd(spentUsd, rendered) {
  return rendered > 0 ? roundUsd(spentUsd / rendered) : null;
}
function costPerAcceptedDraftUsd(spentUsd, accepted) {
  return accepted > 0 ? roundUsd(spentUsd / accepted) : null;
}
function isSpare(draft, command, renderedSeeds) {
  return draft.accepted && command !== "preview" && !renderedSeeds.has(draft.seed);
}
var FIGURE_NAME = {
  costPerImage: "cost per image delivered",
  costPerAcceptedDraft: "cost per accepted draft",
  rejectedDrafts: "rejected drafts"
};
function headlineCost(figures) {
  const perImage = costPerImageUsd(figures.spentUsd, figures.rendered);
  if (perImage !== null || figures.accepted === 0) return { name: FIGURE_NAME.costPerImage, usd: perImage };
  return { name: FIGURE_NAME.costPerAcceptedDraft, usd: costPerAcceptedDraftUsd(figures.spentUsd, figures.accepted) };
}
function count(n, noun, plural = `${noun}s`) {
  return `${n} ${n === 1 ? noun : plural}`;
}
function duration(ms) {
  const seconds = Math.max(0, ms) / 1e3;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}
function reasonsText(rejected) {
  return Object.entries(rejected).filter(([, n]) => n > 0).sort(([a, n], [b, m]) => m - n || a.localeCompare(b)).map(([key, n]) => `${key} ${n}`).join(", ");
}
function rejectedText(figures) {
  const reasons = reasonsText(figures.rejected);
  return reasons ? `${figures.rejectedDrafts} (${reasons})` : String(figures.rejectedDrafts);
}
function statusText(asset) {
  const accepted = `accepted ${asset.accepted} of ${count(asset.drafts, "draft")}`;
  switch (asset.status) {
    case "done":
      return asset.rendered > 0 ? `done \xB7 ${asset.rendered} rendered` : "done";
    case "previewed":
      return `previewed \xB7 ${accepted}`;
    case "capped":
      return `attempt cap \xB7 ${accepted}`;
    case "budget":
      return asset.drafts ? `stopped by budget \xB7 ${accepted}` : "stopped by budget";
    case "unavailable":
      return "API unavailable";
    default:
      return asset.status;
  }
}
var FINISHED = /* @__PURE__ */ new Set(["done", "previewed", "unchanged"]);
function runFigures(report) {
  const twoTier = twoTierComparison(report.assets);
  return {
    // Rates over the drafts this run made; null (not measured) when it made none.
    acceptRate: report.drafts ? report.accepted / report.drafts : null,
    regenRate: report.drafts ? report.regenerated / report.drafts : null,
    costPerImageUsd: costPerImageUsd(report.spentUsd, report.rendered),
    costPerAcceptedDraftUsd: costPerAcceptedDraftUsd(report.spentUsd, report.accepted),
    ...twoTier ? { twoTier } : {}
  };
}
function twoTierComparison(assets) {
  let images = 0;
  let drafts = 0;
  let accepted = 0;
  let twoTierUsd = 0;
  let finalOnlyUsd = 0;
  for (const asset of assets) {
    if (!asset.prices || asset.rendered === 0 || asset.accepted === 0) continue;
    const { draftUsd, finalUsd, judgeUsd } = asset.prices;
    const tries = asset.drafts / asset.accepted;
    twoTierUsd += asset.rendered * ((draftUsd + judgeUsd) * tries + finalUsd);
    finalOnlyUsd += asset.rendered * (finalUsd + judgeUsd) * tries;
    images += asset.rendered;
    drafts += asset.drafts;
    accepted += asset.accepted;
  }
  if (images === 0) return null;
  return { images, acceptRate: accepted / drafts, twoTierUsd: roundUsd(twoTierUsd), finalOnlyUsd: roundUsd(finalOnlyUsd) };
}
function twoTierText(comparison) {
  const { twoTierUsd, finalOnlyUsd } = comparison;
  const share = finalOnlyUsd > 0 ? Math.abs(twoTierUsd - finalOnlyUsd) / finalOnlyUsd : 0;
  const verdict = formatPercent(share) === "0%" ? "the same" : `${formatPercent(share)} ${twoTierUsd < finalOnlyUsd ? "less" : "more"}`;
  return `two-tier ${formatUsd(twoTierUsd)} vs final-only ${formatUsd(finalOnlyUsd)} for ${count(comparison.images, "image")}, at the measured ${formatPercent(comparison.acceptRate)} accept rate and list prices (${verdict})`;
}

export {
  renderTable,
  isSpare,
  FIGURE_NAME,
  headlineCost,
  count,
  duration,
  rejectedText,
  statusText,
  FINISHED,
  runFigures,
  twoTierText
};
