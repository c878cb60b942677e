import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  FIGURE_NAME,
  count,
  headlineCost,
  rejectedText,
  renderTable,
  statusText,
  twoTierText
} from "./chunk-7IEQLHW7.js";
import {
  formatPercent,
  formatUsd
} from "./chunk-4XIAYHCN.js";

// src/report/run-table.ts
var ALIGN = ["left", "left", "right", "right", "left", "right", "right", "right"];
function formatRunTable(report, options = {}) {
  const paint = painter(options.color ?? false);
  const perDraft = report.command === "preview";
  const headers = ["asset", "status", "drafts", "accepted", "rejected (reasons)", "rendered", "spend", perDraft ? "per accepted draft" : "per image"];
  const rows = report.assets.map((a) => {
    const cost = perDraft ? headlineCost({ spentUsd: a.spentUsd, rendered: 0, accepted: a.accepted }).usd : headlineCost({ ...a, accepted: 0 }).usd;
    return [a.id, statusText(a), a.drafts, a.accepted, rejectedText(a), a.rendered, formatUsd(a.spentUsd), cost === null ? "\u2014" : formatUsd(cost)];
  });
  const [header = "", rule = "", ...body] = renderTable(headers, rows, { align: ALIGN }).split("\n");
  const lines = [paint("bold", header), paint("dim", rule), ...body.map((line, i) => paint(STATUS_COLOUR[report.assets[i].status], line))];
  if (report.assets.length === 0) lines.push("(no assets)");
  lines.push("", ...totals(report, paint));
  return lines.join("\n") + "\n";
}
function totals(report, paint) {
  const regenerated = report.assets.reduce((n, a) => n + a.regenerated, 0);
  const ceiling = Number.isFinite(report.ceilingUsd) ? ` of ${formatUsd(report.ceilingUsd)} ceiling` : "";
  const first = `total: ${count(report.drafts, "draft")} \xB7 ${report.accepted} accepted \xB7 ${report.rejectedDrafts} rejected \xB7 ${report.rendered} rendered` + (regenerated ? ` \xB7 ${regenerated} regenerated` : "") + ` \xB7 spent ${paint("bold", formatUsd(report.spentUsd))}${ceiling} (estimate ${formatUsd(report.estimatedUsd)})`;
  const rates = [`accept rate ${formatPercent(report.acceptRate)}`, `regen rate ${formatPercent(report.regenRate)}`];
  if (report.costPerImageUsd !== null) rates.push(`${FIGURE_NAME.costPerImage} ${formatUsd(report.costPerImageUsd)}`);
  if (report.costPerAcceptedDraftUsd !== null) rates.push(`${FIGURE_NAME.costPerAcceptedDraft} ${formatUsd(report.costPerAcceptedDraftUsd)}`);
  return [first, `rates: ${rates.join(" \xB7 ")}`, ...report.twoTier ? [twoTierText(report.twoTier)] : []];
}
var ANSI = { bold: [1, 22], dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39] };
var STATUS_COLOUR = {
  done: "green",
  previewed: "green",
  unchanged: "dim",
  capped: "red",
  budget: "red",
  unavailable: "red",
  interrupted: "yellow"
};
function painter(enabled) {
  return (colour, text) => enabled && colour ? `\x1B[${ANSI[colour][0]}m${text}\x1B[${ANSI[colour][1]}m` : text;
}

export {
  formatRunTable
};
