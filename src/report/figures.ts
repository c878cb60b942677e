/**
 * Every figure seedlock reports, defined once and named for what it is. The run table, report.html,
 * the job summary, the pull-request comment, `--json` and the Action outputs all read them from here,
 * so one label never means two numbers.
 */
import type { AssetReport, AssetStatus, RunReport, TwoTierComparison } from "../run-report.js";
import { formatPercent, formatUsd, roundUsd } from "../money.js";

/** Cost per image delivered: spend ÷ outputs rendered. Null while nothing was rendered (preview, plan). */
export function costPerImageUsd(spentUsd: number, rendered: number): number | null {
  return rendered > 0 ? roundUsd(spentUsd / rendered) : null;
}

/** Cost per accepted draft: spend ÷ drafts that passed screening (what a preview measures). Null while none did. */
export function costPerAcceptedDraftUsd(spentUsd: number, accepted: number): number | null {
  return accepted > 0 ? roundUsd(spentUsd / accepted) : null;
}

/**
 * A spare: an accepted draft no output came from in a run that renders (paid for, kept in the
 * lockfile, not needed this time). In a preview every accepted draft is simply accepted.
 */
export function isSpare(draft: { seed: number; accepted: boolean }, command: RunReport["command"], renderedSeeds: ReadonlySet<number>): boolean {
  return draft.accepted && command !== "preview" && !renderedSeeds.has(draft.seed);
}

/** Names of the figures as every surface prints them. */
export const FIGURE_NAME = {
  costPerImage: "cost per image delivered",
  costPerAcceptedDraft: "cost per accepted draft",
  rejectedDrafts: "rejected drafts",
} as const;

/** The per-asset or per-run cost a reader wants: per image delivered when something was rendered, else per accepted draft. */
export function headlineCost(figures: Pick<AssetReport, "spentUsd" | "rendered" | "accepted">): { name: string; usd: number | null } {
  const perImage = costPerImageUsd(figures.spentUsd, figures.rendered);
  if (perImage !== null || figures.accepted === 0) return { name: FIGURE_NAME.costPerImage, usd: perImage };
  return { name: FIGURE_NAME.costPerAcceptedDraft, usd: costPerAcceptedDraftUsd(figures.spentUsd, figures.accepted) };
}

/** `1 draft`, `3 drafts`: a count with its noun, never "1 drafts". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
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

/** Reasons with how many drafts had each, most frequent first: "duplicate 3, too-dark 2"; none → "". A draft may have several. */
export function reasonsText(rejected: Record<string, number>): string {
  return Object.entries(rejected)
    .filter(([, n]) => n > 0)
    .sort(([a, n], [b, m]) => m - n || a.localeCompare(b))
    .map(([key, n]) => `${key} ${n}`)
    .join(", ");
}

/** Rejections counted per draft, the reasons beside: "2 (flat 2, too-dark 2)"; none → "0". */
export function rejectedText(figures: Pick<AssetReport, "rejectedDrafts" | "rejected">): string {
  const reasons = reasonsText(figures.rejected);
  return reasons ? `${figures.rejectedDrafts} (${reasons})` : String(figures.rejectedDrafts);
}

/** What happened to an asset, in words: `previewed · accepted 3 of 4 drafts`, `done · 4 rendered`. */
export function statusText(asset: Pick<AssetReport, "status" | "drafts" | "accepted" | "rendered">): string {
  const accepted = `accepted ${asset.accepted} of ${count(asset.drafts, "draft")}`;
  switch (asset.status) {
    case "done":
      return asset.rendered > 0 ? `done · ${asset.rendered} rendered` : "done";
    case "previewed":
      return `previewed · ${accepted}`;
    case "capped":
      return `attempt cap · ${accepted}`;
    case "budget":
      return asset.drafts ? `stopped by budget · ${accepted}` : "stopped by budget";
    case "unavailable":
      return "API unavailable";
    default:
      return asset.status;
  }
}

/** Statuses that mean the asset got what this command set out to do. */
export const FINISHED: ReadonlySet<AssetStatus> = new Set(["done", "previewed", "unchanged"]);

/** The run's figures, computed from its assets' counts by the definitions above (for `--json` and the Action outputs). */
export function runFigures(
  report: Pick<RunReport, "spentUsd" | "drafts" | "rendered" | "accepted" | "assets"> & { regenerated: number },
): Pick<RunReport, "acceptRate" | "regenRate" | "costPerImageUsd" | "costPerAcceptedDraftUsd" | "twoTier"> {
  const twoTier = twoTierComparison(report.assets);
  return {
    // Rates over the drafts this run made; null (not measured) when it made none.
    acceptRate: report.drafts ? report.accepted / report.drafts : null,
    regenRate: report.drafts ? report.regenerated / report.drafts : null,
    costPerImageUsd: costPerImageUsd(report.spentUsd, report.rendered),
    costPerAcceptedDraftUsd: costPerAcceptedDraftUsd(report.spentUsd, report.accepted),
    ...(twoTier ? { twoTier } : {}),
  };
}

/**
 * The images two-tier assets rendered, priced as made and as final-only would have made them, by
 * DESIGN.md's formula per kept image at each asset's measured accept rate and its list prices (the catalog's, or the manifest's pricing: where it raises them):
 *   two-tier    (draft + judge) × drafts ÷ accepted + final
 *   final-only  (final + judge) × drafts ÷ accepted
 * Either side may be the cheaper: a Lite draft costs as much as a 1K final. Null when nothing compares
 * (a preview, a final-only or draft-only run, a render of drafts accepted by an earlier run).
 */
export function twoTierComparison(assets: readonly AssetReport[]): TwoTierComparison | null {
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

/** The comparison as every surface prints it: `two-tier $0.30 vs final-only $0.42 for 3 images, at the measured 25% accept rate and list prices (29% less)`. */
export function twoTierText(comparison: TwoTierComparison): string {
  const { twoTierUsd, finalOnlyUsd } = comparison;
  const share = finalOnlyUsd > 0 ? Math.abs(twoTierUsd - finalOnlyUsd) / finalOnlyUsd : 0;
  const verdict = formatPercent(share) === "0%" ? "the same" : `${formatPercent(share)} ${twoTierUsd < finalOnlyUsd ? "less" : "more"}`;
  return (
    `two-tier ${formatUsd(twoTierUsd)} vs final-only ${formatUsd(finalOnlyUsd)} for ${count(comparison.images, "image")}, ` +
    `at the measured ${formatPercent(comparison.acceptRate)} accept rate and list prices (${verdict})`
  );
}
