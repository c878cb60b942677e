import type { AssetSpec, Manifest } from "../manifest/spec.js";
import { findModel, imageModelOf, imageCallCeilingUsd, imagePriceUsd, judgeCallCeilingUsd, type ImageModel, type ImageSize } from "../models/catalog.js";

/**
 * What each of one asset's calls is sent to and costs: the list price (for the estimate) and the
 * most it can bill (several images, thinking, input), which is what the ledger reserves.
 */
export interface AssetCalls {
  /** The model and size drafts are drawn on: the final model for final-only. */
  draftModel: ImageModel;
  draftSize: ImageSize;
  finalModel: ImageModel;
  /** Whether an accepted seed needs a call on the final model (two-tier) or only post-processing. */
  rendersOnFinal: boolean;
  /** Whether a judge scores the drafts that pass the screen. */
  judging: boolean;
  /** 0 when nothing is rendered on the final model. */
  finalPriceUsd: number;
  /** A judge call is billed by its tokens, known only after: the most it can bill, so the settle fits. */
  judgePriceUsd: number;
  draftCeilingUsd: number;
  finalCeilingUsd: number;
}

export function assetCallsOf(spec: AssetSpec, manifest: Manifest): AssetCalls {
  const finalOnly = spec.tier === "final-only";
  const draftModel = imageModelOf(finalOnly ? spec.models.final : spec.models.draft);
  const draftSize = finalOnly ? spec.finalSize : spec.draftSize;
  const finalModel = imageModelOf(spec.models.final);
  const rendersOnFinal = spec.tier === "two-tier";
  const judging = Boolean(spec.screen.judge && spec.models.judge);
  const judge = judging ? findModel(spec.models.judge!) : undefined;
  return {
    draftModel,
    draftSize,
    finalModel,
    rendersOnFinal,
    judging,
    finalPriceUsd: rendersOnFinal ? imagePriceUsd(finalModel, spec.finalSize, manifest.pricing) : 0,
    judgePriceUsd: judge?.kind === "text" ? judgeCallCeilingUsd(judge, spec.screen.judge?.rubric) : 0,
    draftCeilingUsd: imageCallCeilingUsd(draftModel, draftSize, { prompt: spec.prompt, inputImages: 0 }, manifest.pricing),
    finalCeilingUsd: rendersOnFinal
      ? imageCallCeilingUsd(finalModel, spec.finalSize, { prompt: spec.prompt, inputImages: spec.reference ? 1 : 0 }, manifest.pricing)
      : 0,
  };
}
