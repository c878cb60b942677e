import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  FIGURE_NAME,
  count,
  headlineCost,
  percent,
  rejectedText,
  statusText,
  twoTierSaving,
  usd
} from "./chunk-UW6WKUQL.js";
import {
  renderTable
} from "./chunk-P6T6WWVU.js";

// src/report/run-table.ts
var ALIGN = ["left", "left", "right", "right", "left", "right", "right", "right"];
function formatRunTable(report, options = {}) {
  const paint = painter(options.color ?? false);
  const perDraft = report.command === "preview";
  const headers = ["asset", "status", "drafts", "accepted", "rejected (reasons)", "rendered", "spend", perDraft ? "per accepted draft" : "per image"];
  const rows = report.assets.map((a) => {
    const cost = perDraft ? headlineCost({ spentUsd: a.spentUsd, rendered: 0, accepted: a.accepted }).usd : headlineCost({ ...a, accepted: 0 }).usd;
    return [a.id, statusText(a), a.drafts, a.accepted, rejectedText(a), a.rendered, usd(a.spentUsd), cost === null ? "\u2014" : usd(cost)];
  });
  const [header = "", rule = "", ...body] = renderTable(headers, rows, { align: ALIGN }).split("\n");
  const lines = [paint("bold", header), paint("dim", rule), ...body.map((line, i) => paint(STATUS_COLOUR[report.assets[i].status], line))];
  if (report.assets.length === 0) lines.push("(no assets)");
  lines.push("", ...totals(report, options, paint));
  return lines.join("\n") + "\n";
}
function totals(report, options, paint) {
  const regenerated = report.assets.reduce((n, a) => n + a.regenerated, 0);
  const ceiling = Number.isFinite(report.ceilingUsd) ? ` of ${usd(report.ceilingUsd)} ceiling` : "";
  const first = `total: ${count(report.drafts, "draft")} \xB7 ${report.accepted} accepted \xB7 ${report.rejectedDrafts} rejected \xB7 ${report.rendered} rendered` + (regenerated ? ` \xB7 ${regenerated} regenerated` : "") + ` \xB7 spent ${paint("bold", usd(report.spentUsd))}${ceiling} (estimate ${usd(report.estimatedUsd)})`;
  const rates = [`accept rate ${percent(report.acceptRate)}`, `regen rate ${percent(report.regenRate)}`];
  if (report.costPerImageUsd !== null) rates.push(`${FIGURE_NAME.costPerImage} ${usd(report.costPerImageUsd)}`);
  if (report.costPerAcceptedDraftUsd !== null) rates.push(`${FIGURE_NAME.costPerAcceptedDraft} ${usd(report.costPerAcceptedDraftUsd)}`);
  const saving = options.prices ? twoTierSaving(options.prices, report.acceptRate, report.regenRate) : null;
  if (saving !== null) rates.push(`two-tier saves ${percent(saving)} vs final-only`);
  return [first, `rates: ${rates.join(" \xB7 ")}`];
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
