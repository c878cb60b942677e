import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  formatPercent,
  formatUsd
} from "./chunk-P6T6WWVU.js";

// src/report/figures.ts
function costPerImageUsd(spentUsd, rendered) {
  return rendered > 0 ? round(spentUsd / rendered) : null;
}
function costPerAcceptedDraftUsd(spentUsd, accepted) {
  return accepted > 0 ? round(spentUsd / accepted) : null;
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
function usd(value) {
  return formatUsd(value);
}
function percent(rate) {
  if (rate === null || rate === void 0 || !Number.isFinite(rate)) return "\u2014";
  return formatPercent(rate);
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
  return {
    costPerImageUsd: costPerImageUsd(report.spentUsd, report.rendered),
    costPerAcceptedDraftUsd: costPerAcceptedDraftUsd(report.spentUsd, report.accepted)
  };
}
function twoTierSaving(prices, acceptRate, regenRate) {
  if (acceptRate === null || !(acceptRate > 0) || !(prices.finalUsd > 0)) return null;
  const tries = (1 + (regenRate ?? 0)) / acceptRate;
  const twoTier = prices.finalUsd + prices.draftUsd * tries;
  const finalOnly = prices.finalUsd * tries;
  return 1 - twoTier / finalOnly;
}
function round(usd2) {
  return Math.round(usd2 * 1e6) / 1e6;
}

export {
  FIGURE_NAME,
  headlineCost,
  usd,
  percent,
  count,
  duration,
  rejectedText,
  statusText,
  FINISHED,
  runFigures,
  twoTierSaving
};
