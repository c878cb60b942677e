import type { ScreenRules } from "../manifest/spec.js";
import type { ImageResult, InlineImage } from "../provider/provider.js";
import { PREVIEW_SIDE } from "../report/images.js";
import { analyzeImage, geometryReasons, screenDraft, UndecodableImageError, type ImageAnalysis, type RejectReason, type ScreenContext } from "./screen.js";

/**
 * Checking an answer, the one way drafts and finals share: the provider may have blocked it, its
 * bytes may not decode, and a decoded image is held to rules, all of the screen's for a draft,
 * geometry by tolerance for a final. What to do about a verdict is the caller's (a draft that did not
 * decode is drawn once more, a final that cannot serve the output is rendered once more).
 */
export type AnswerCheck =
  /** The provider answered with no image (a safety block, …): nothing to call again for. */
  | { verdict: "blocked"; reasons: RejectReason[] }
  | { verdict: "undecodable"; reasons: RejectReason[] }
  | { verdict: "unfit"; reasons: RejectReason[]; image: InlineImage; analysis: ImageAnalysis }
  | { verdict: "passed"; image: InlineImage; analysis: ImageAnalysis };

export type AnswerRules =
  | {
      as: "draft";
      screen: ScreenRules;
      context: Omit<ScreenContext, "seen">;
      /** Asked once the image is decoded, so that a near-copy accepted meanwhile is caught. */
      seen(): ScreenContext["seen"];
    }
  | { as: "final"; aspectTolerance: number | undefined; context: Pick<ScreenContext, "aspectRatio" | "output"> };

export interface CheckOptions {
  /** Also make the report's preview from the same decode. */
  preview: boolean;
}

type Blocked = Extract<ImageResult, { kind: "rejected" }>;

/** An answer without an image, decided with no await: its verdict is down before the pool asks the asset again. */
export function blockedAnswer(result: Blocked): Extract<AnswerCheck, { verdict: "blocked" }> {
  return { verdict: "blocked", reasons: [{ key: result.reason, detail: `${result.reason}: ${result.message}` }] };
}

/** Decodes the image once (with the report's preview when asked) and holds it to the rules. */
export async function checkAnswer(image: InlineImage, rules: AnswerRules, options: CheckOptions): Promise<AnswerCheck> {
  let analysis: ImageAnalysis;
  try {
    analysis = await analyzeImage(image.data, options.preview ? { preview: PREVIEW_SIDE } : {});
  } catch (error) {
    if (!(error instanceof UndecodableImageError)) throw error;
    return { verdict: "undecodable", reasons: [error.reason] };
  }
  const reasons =
    rules.as === "draft"
      ? screenDraft(analysis, rules.screen, { ...rules.context, seen: rules.seen() }).reasons
      : geometryReasons(analysis, { minWidth: 0, minHeight: 0, aspectTolerance: rules.aspectTolerance }, rules.context);
  return reasons.length ? { verdict: "unfit", reasons, image, analysis } : { verdict: "passed", image, analysis };
}

/** Smaller than asked by more than pixel tables differ (Gemini 2.5 vs 3 differ by under 4 %): another size class came back. */
const UNDERSIZED_BELOW = 0.9;

export interface Size {
  width: number;
  height: number;
}

export function isUndersized(answered: Size, asked: Size): boolean {
  return answered.width < asked.width * UNDERSIZED_BELOW || answered.height < asked.height * UNDERSIZED_BELOW;
}

/** What the lockfile says about an answer that held several images: the last one was kept. */
export function severalImagesNote(result: ImageResult): string | undefined {
  return result.kind === "image" && (result.imageCount ?? 1) > 1 ? `the answer held ${result.imageCount} images; kept the last` : undefined;
}
