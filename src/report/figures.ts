/** How money, rates and durations read in every report: the table, the progress line, the gallery. */
import { formatPercent, formatUsd } from "./table.js";

/** Money as every seedlock table writes it (table.ts): cents from 10¢ up, four decimals below. */
export function usd(value: number): string {
  return formatUsd(value);
}

/** A measured rate as a percentage; null (not measured yet) → "—". */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "—";
  return formatPercent(rate);
}

/** 72_000 → "1m12s", 4_500 → "4.5s", 3_725_000 → "1h02m". */
export function duration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** Rejections by reason, most frequent first: "duplicate 3, too-dark 2"; none → "—". */
export function rejectedByReason(rejected: Record<string, number>): string {
  const entries = Object.entries(rejected).filter(([, n]) => n > 0);
  if (entries.length === 0) return "—";
  return entries
    .sort(([a, n], [b, m]) => m - n || a.localeCompare(b))
    .map(([key, n]) => `${key} ${n}`)
    .join(", ");
}

/** Spend per accepted image, or "—" while nothing was accepted. */
export function perAccepted(spentUsd: number, accepted: number): string {
  return accepted > 0 ? usd(spentUsd / accepted) : "—";
}

/**
 * What two-tier saves against rendering every candidate on the final model, by DESIGN.md's formula:
 * per keeper, final + draft × (1 + regen) ÷ accept instead of final × (1 + regen) ÷ accept.
 * Null when the accept rate is unknown or zero.
 */
export function twoTierSaving(prices: { draftUsd: number; finalUsd: number }, acceptRate: number | null, regenRate: number | null): number | null {
  if (acceptRate === null || !(acceptRate > 0) || !(prices.finalUsd > 0)) return null;
  const tries = (1 + (regenRate ?? 0)) / acceptRate;
  const twoTier = prices.finalUsd + prices.draftUsd * tries;
  const finalOnly = prices.finalUsd * tries;
  return 1 - twoTier / finalOnly;
}
