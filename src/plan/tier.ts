import type { AssetSpec } from "../manifest/spec.js";
import { findModel, imagePriceUsd, judgeCallEstimateUsd, type ImageModel, type ImageSize, type PricingOverrides, type TextModel } from "../models/catalog.js";
import { formatPercent, formatUsd, roundUsd } from "../money.js";

/**
 * Which of the two tiers that end on the final model makes an asset's images for less, from the
 * catalog's prices and the accept and regeneration rates (DESIGN.md's formula per kept image):
 *   two-tier    (draft × (1 + regen) + judge) ÷ accept + final
 *   final-only  (final × (1 + regen) + judge) ÷ accept
 * Two-tier wins while a draft ÷ accept rate costs less than final × (1 ÷ accept − 1); with a Lite
 * draft priced like a 1K final the answer turns on the final's size and the accept rate.
 */

export type FixedTier = "two-tier" | "final-only";

export interface TierPrices {
  draftUsd: number;
  finalUsd: number;
  judgeUsd: number;
}

export interface TierComparison {
  /** Estimated USD per kept image on each tier, at the rates given. */
  twoTierUsd: number;
  finalOnlyUsd: number;
  cheaper: FixedTier;
  /** One sentence: the two costs, the rates and prices behind them. */
  reason: string;
}

/** The rates a comparison is made at, and where the accept rate came from, in words. */
export interface TierRates {
  accept: number;
  regen: number;
  acceptSource: string;
}

/** Per-call prices an asset would pay on either tier, from the catalog and the manifest's `pricing:`. */
export function tierPrices(asset: AssetSpec, pricing: PricingOverrides): TierPrices {
  const price = (id: string, size: ImageSize) => imagePriceUsd(findModel(id) as ImageModel, size, pricing);
  const judge = asset.screen.judge && asset.models.judge ? (findModel(asset.models.judge) as TextModel | undefined) : undefined;
  return {
    draftUsd: price(asset.models.draft, asset.draftSize),
    finalUsd: price(asset.models.final, asset.finalSize),
    judgeUsd: judge?.kind === "text" ? judgeCallEstimateUsd(judge) : 0,
  };
}

/** Prices per kept image to four decimals: a Lite draft and a 1K final differ in the third. */
const PER_IMAGE = { places: 4 } as const;

/** The cheaper tier per kept image; a tie stays on two-tier, whose final sees the screened draft. */
export function compareTiers(asset: AssetSpec, prices: TierPrices, rates: TierRates): TierComparison {
  const accept = Math.min(1, Math.max(0.01, rates.accept));
  const { draftUsd, finalUsd, judgeUsd } = prices;
  const twoTierUsd = (draftUsd * (1 + rates.regen) + judgeUsd) / accept + finalUsd;
  const finalOnlyUsd = (finalUsd * (1 + rates.regen) + judgeUsd) / accept;
  const cheaper: FixedTier = finalOnlyUsd < twoTierUsd - 1e-9 ? "final-only" : "two-tier";
  const [won, lost] = cheaper === "two-tier" ? [twoTierUsd, finalOnlyUsd] : [finalOnlyUsd, twoTierUsd];
  const reason =
    `${cheaper}: ${formatUsd(won, PER_IMAGE)} per kept image against ${formatUsd(lost, PER_IMAGE)} ${cheaper === "two-tier" ? "final-only" : "two-tier"} ` +
    `at ${formatPercent(accept)} accept (${rates.acceptSource}); draft ${asset.models.draft} at ${asset.draftSize} ${formatUsd(draftUsd, PER_IMAGE)}, ` +
    `final ${asset.models.final} at ${asset.finalSize} ${formatUsd(finalUsd, PER_IMAGE)}`;
  return { twoTierUsd: roundUsd(twoTierUsd), finalOnlyUsd: roundUsd(finalOnlyUsd), cheaper, reason };
}
