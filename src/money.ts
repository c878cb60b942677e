/**
 * Money and rates as seedlock keeps and prints them: one rounding (to the micro-dollar, what the
 * lockfile, the ledger and every report hold) and one way each of writing dollars and percentages.
 * Surfaces that print differently do so through a named format, never through a copy.
 */

/** Micro-dollars in a dollar: the unit the ledger counts in and every figure is rounded to. */
export const MICROS_PER_USD = 1_000_000;

/** Dollars rounded to the micro-dollar, so sums of float prices compare and diff the same everywhere. */
export function roundUsd(usd: number): number {
  return Math.round(usd * MICROS_PER_USD) / MICROS_PER_USD;
}

/** How a figure is written; the default is the terminal's, the logs' and report.html's. */
export interface FigureFormat {
  /**
   * The Markdown surfaces (job summary, pull-request comments): dollars to the cent only when the
   * cents are exact or the sum is $1 or more ("$0.1340", not "$0.13"), whole percents with a space
   * ("12 %"), and "–" for a rate not measured yet.
   */
  markdown?: boolean;
  /** Dollars always to this many places: 4 for per-image prices (a Lite draft and a 1K final differ in the third), 2 for ceilings. */
  places?: 2 | 4;
}

/** The format of the job summary and the pull-request comments. */
export const MARKDOWN: FigureFormat = { markdown: true };

/** US dollars for people: by default cents from 10¢ up, four decimals below so small drafts do not read as $0.00. */
export function formatUsd(usd: number, format: FigureFormat = {}): string {
  const sign = usd < 0 ? "-" : "";
  const abs = Math.abs(usd);
  return `${sign}$${abs.toFixed(format.places ?? (format.markdown ? markdownPlaces(abs) : abs >= 0.1 || abs === 0 ? 2 : 4))}`;
}

function markdownPlaces(abs: number): 2 | 4 {
  const exactCents = Math.abs(abs * 100 - Math.round(abs * 100)) < 1e-9;
  return abs >= 1 || exactCents ? 2 : 4;
}

/** A rate as a percentage: by default one decimal below 10% ("2.5%", "12%"); null (not measured yet) is a dash. */
export function formatPercent(rate: number | null | undefined, format: FigureFormat = {}): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return format.markdown ? "–" : "—";
  const pct = rate * 100;
  if (format.markdown) return `${Math.round(pct)} %`;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}
