import { createHash } from "node:crypto";
import type { AssetSpec, Manifest } from "../manifest/spec.js";

/**
 * `sha256:<hex>` over everything that shapes an asset's pixels: prompt, tier, the models and
 * sizes the tier calls, aspect ratio, first seed, reference, screen rules and output processing.
 * Not the count (more or fewer images of the same kind), not the `out` path, not prices or caps.
 * A model or size the tier never calls (the final model of a draft-only asset) is left out too.
 */
export function inputHash(asset: AssetSpec, _manifest?: Manifest): string {
  const usesDraft = asset.tier !== "final-only";
  const usesFinal = asset.tier !== "draft-only";
  const screen = asset.screen;
  // Fixed field order, so the hash does not depend on how the YAML was written.
  const pixels = {
    v: 1,
    prompt: asset.prompt,
    tier: asset.tier,
    draft: usesDraft ? { model: asset.models.draft, size: asset.draftSize } : null,
    final: usesFinal ? { model: asset.models.final, size: asset.finalSize } : null,
    aspectRatio: asset.aspectRatio,
    seedStart: asset.seedStart,
    reference: usesDraft && usesFinal ? asset.reference : null,
    screen: {
      minWidth: screen.minWidth,
      minHeight: screen.minHeight,
      brightness: [screen.brightness[0], screen.brightness[1]],
      minContrast: screen.minContrast,
      maxDuplicateDistance: screen.maxDuplicateDistance,
      // Only when set away from its default, so lockfiles written before it existed keep their hashes.
      ...(screen.aspectTolerance !== 0.03 ? { aspectTolerance: screen.aspectTolerance } : {}),
      judge: screen.judge ? { model: asset.models.judge ?? null, rubric: screen.judge.rubric, minScore: screen.judge.minScore } : null,
    },
    output: {
      format: asset.output.format,
      quality: asset.output.quality,
      width: asset.output.width ?? null,
      height: asset.output.height ?? null,
      fit: asset.output.fit ?? null,
    },
  };
  return `sha256:${createHash("sha256").update(JSON.stringify(pixels)).digest("hex")}`;
}
