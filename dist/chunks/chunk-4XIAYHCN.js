import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);

// src/money.ts
var MICROS_PER_USD = 1e6;
function roundUsd(usd) {
  return Math.round(usd * MICROS_PER_USD) / MICROS_PER_USD;
}
var MARKDOWN = { markdown: true };
function formatUsd(usd, format = {}) {
  const sign = usd < 0 ? "-" : "";
  const abs = Math.abs(usd);
  return `${sign}$${abs.toFixed(format.places ?? (format.markdown ? markdownPlaces(abs) : abs >= 0.1 || abs === 0 ? 2 : 4))}`;
}
function markdownPlaces(abs) {
  const exactCents = Math.abs(abs * 100 - Math.round(abs * 100)) < 1e-9;
  return abs >= 1 || exactCents ? 2 : 4;
}
function formatPercent(rate, format = {}) {
  if (rate === null || rate === void 0 || !Number.isFinite(rate)) return format.markdown ? "\u2013" : "\u2014";
  const pct = rate * 100;
  if (format.markdown) return `${Math.round(pct)} %`;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

export {
  MICROS_PER_USD,
  roundUsd,
  MARKDOWN,
  formatUsd,
  formatPercent
};
