/**
 * Screening a draft: one decode with sharp into a small luma grid, then plain checks against the
 * asset's screen rules (size, aspect, brightness, contrast, duplicates) and the optional judge.
 * A verdict keeps every reason it found, so the report can say all that was wrong with a draft.
 */
import sharp, { type Metadata, type OutputInfo } from "sharp";
import { aspectValue, type AspectRatio } from "../models/catalog.js";
import type { JudgeRule, OutputSpec, ScreenRules } from "../manifest/spec.js";
import { areaAverageToGrid, hammingDistance, perceptualHash } from "./phash.js";

export { hammingDistance } from "./phash.js";

export interface ImageAnalysis {
  /** sharp's name for the container: jpeg, png, webp, … */
  format: string;
  /** Displayed size (EXIF orientation applied). */
  width: number;
  height: number;
  /** Mean luma, 0..255 (relative luminance re-encoded with the sRGB curve, libvips' b-w). */
  meanLuma: number;
  /** Standard deviation of luma over the image; low means flat. */
  lumaStd: number;
  /** 64-bit DCT perceptual hash, 16 hex digits. */
  phash: string;
}

export type RejectReasonKey =
  | "too-small"
  | "wrong-aspect"
  | "too-dark"
  | "too-bright"
  | "flat"
  | "duplicate"
  | "judge"
  | "undecodable";

export interface RejectReason {
  /** Stable key for counting (`rejected by reason`); provider blocks use their finishReason, e.g. IMAGE_SAFETY. */
  key: RejectReasonKey | (string & {});
  /** What a person reads, e.g. `too-dark: mean luma 12 < 20`. */
  detail: string;
}

export interface Verdict {
  accepted: boolean;
  reasons: RejectReason[];
}

export interface ScreenContext {
  aspectRatio: AspectRatio;
  /** When this image becomes the output itself (final-only, draft-only, a final): it must cover it. */
  output?: OutputSpec;
  /** The asset's accepted drafts and existing outputs, to catch near-copies. */
  seen: { seed: number; phash: string }[];
}

/** Bytes that sharp cannot decode as a raster image; the pipeline regenerates such a draft once. */
export class UndecodableImageError extends Error {
  readonly reason: RejectReason;
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`undecodable image: ${detail}`, options);
    this.name = "UndecodableImageError";
    this.reason = { key: "undecodable", detail: `undecodable: ${detail}` };
  }
}

/**
 * Allowed relative difference between an image's width ÷ height and the requested ratio, unless
 * `screen.aspectTolerance` says otherwise. Pixel sizes are not a contract (Gemini 2.5 answered 21:9 as
 * 1536×672, 2.2 % off; Gemini 3's table has it 1584×672, 1.0 % off), so geometry is never checked by equality.
 */
export const ASPECT_TOLERANCE = 0.03;

/**
 * Side of the square luma grid the stats are taken from. 1024 px drafts shrink by 16, so libjpeg
 * decodes at 1/8 scale (sharp halves its shrink-on-load when the factor is exactly 8).
 */
export const ANALYSIS_GRID = 64;

const RASTER_FORMATS = new Set(["jpeg", "png", "webp", "gif", "avif", "heif", "tiff", "jp2", "jxl"]);

/** Decodes `bytes` once (header, then one shrink-on-load pass) and measures what screening needs. */
export async function analyzeImage(bytes: Buffer): Promise<ImageAnalysis> {
  if (bytes.length === 0) throw new UndecodableImageError("no bytes");
  // A truncated download must not pass as an image whose bottom is grey.
  const image = sharp(bytes, { failOn: "truncated" });
  let meta: Metadata;
  try {
    meta = await image.metadata();
  } catch (error) {
    throw new UndecodableImageError(firstLine(error), { cause: error });
  }
  if (!meta.format || !RASTER_FORMATS.has(meta.format)) throw new UndecodableImageError(`not a raster image (${meta.format ?? "unknown format"})`);
  let grey: { data: Buffer; info: OutputInfo };
  try {
    grey = await image
      .resize(ANALYSIS_GRID, ANALYSIS_GRID, { fit: "fill", fastShrinkOnLoad: true })
      // As the output colourspace (not greyscale()), so the conversion runs on the small grid.
      .toColourspace("b-w")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new UndecodableImageError(firstLine(error), { cause: error });
  }
  const { data, info } = grey;
  // Stats from the 64² grid are close enough: box filtering keeps the mean (measured within 0.3 of a full decode) and the std loses only detail finer than 1/64 of the frame (measured 0.5–1.5 % low on smooth scenes, ~15 % on fine window grids, ~30 % on pure per-pixel grain, which is no contrast a viewer sees).
  const { mean, std } = lumaStats(data, info.channels);
  const grid = areaAverageToGrid(data, info.width, info.height, info.channels);
  return {
    format: meta.format,
    width: meta.autoOrient?.width ?? meta.width ?? info.width,
    height: meta.autoOrient?.height ?? meta.height ?? info.height,
    meanLuma: mean,
    lumaStd: std,
    phash: perceptualHash(grid),
  };
}

/** Mean and population standard deviation of the first channel of an interleaved 8-bit buffer. */
export function lumaStats(data: ArrayLike<number>, channels = 1): { mean: number; std: number } {
  const n = Math.floor(data.length / channels);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i * channels] as number;
    sum += v;
    squares += v * v;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, squares / n - mean * mean)) };
}

/** Applies the asset's screen rules to one analysed draft; the judge is added by the caller. */
export function screenDraft(analysis: ImageAnalysis, rules: ScreenRules, context: ScreenContext): Verdict {
  const reasons: RejectReason[] = [...geometryReasons(analysis, rules, context)];
  const [darkest, brightest] = rules.brightness;
  if (analysis.meanLuma < darkest) {
    reasons.push({ key: "too-dark", detail: `too-dark: mean luma ${figure(analysis.meanLuma)} < ${darkest}` });
  } else if (analysis.meanLuma > brightest) {
    reasons.push({ key: "too-bright", detail: `too-bright: mean luma ${figure(analysis.meanLuma)} > ${brightest}` });
  }
  if (analysis.lumaStd < rules.minContrast) {
    reasons.push({ key: "flat", detail: `flat: luma std ${figure(analysis.lumaStd)} < ${rules.minContrast}` });
  }
  const nearest = nearestSeen(analysis.phash, context.seen);
  if (nearest && nearest.distance <= rules.maxDuplicateDistance) {
    reasons.push({
      key: "duplicate",
      detail: `duplicate of seed ${nearest.seed} (distance ${nearest.distance} ≤ ${rules.maxDuplicateDistance})`,
    });
  }
  return { accepted: reasons.length === 0, reasons };
}

/**
 * Geometry by tolerance: the aspect within `aspectTolerance` of the ratio asked, at least
 * minWidth × minHeight, and, when the image becomes the output, large enough to make it without
 * enlarging. Never an equality with a pixel table.
 */
export function geometryReasons(
  size: { width: number; height: number },
  rules: Pick<ScreenRules, "minWidth" | "minHeight"> & { aspectTolerance?: number },
  context: Pick<ScreenContext, "aspectRatio" | "output">,
): RejectReason[] {
  const reasons: RejectReason[] = [];
  const { width, height } = size;
  if (width < rules.minWidth || height < rules.minHeight) {
    reasons.push({ key: "too-small", detail: `too-small: ${width}×${height} < ${rules.minWidth}×${rules.minHeight}` });
  } else if (context.output && !coversOutput(size, context.output)) {
    reasons.push({ key: "too-small", detail: `too-small: ${width}×${height} cannot make the ${outputSizeText(context.output)} output without enlarging it` });
  }
  const tolerance = rules.aspectTolerance ?? ASPECT_TOLERANCE;
  const wanted = aspectValue(context.aspectRatio);
  const actual = width / height;
  if (Math.abs(actual / wanted - 1) > tolerance + 1e-9) {
    reasons.push({
      key: "wrong-aspect",
      detail: `wrong-aspect: ${width}×${height} is ${actual.toFixed(3)}, wanted ${context.aspectRatio} (${wanted.toFixed(3)} ±${figure(tolerance * 100)} %)`,
    });
  }
  return reasons;
}

/**
 * Whether sharp can make the output from an image this size without scaling it up: the scale its
 * `fit` would apply is at most 1 (1 % slack for rounding). An output with no width or height is the image as it is.
 */
export function coversOutput(size: { width: number; height: number }, output: Pick<OutputSpec, "width" | "height" | "fit">): boolean {
  const sx = output.width !== undefined ? output.width / size.width : undefined;
  const sy = output.height !== undefined ? output.height / size.height : undefined;
  if (sx === undefined && sy === undefined) return true;
  if (sx === undefined || sy === undefined) return (sx ?? sy)! <= 1.01;
  const fit = output.fit ?? "cover";
  const scale = fit === "contain" || fit === "inside" ? Math.min(sx, sy) : Math.max(sx, sy);
  return scale <= 1.01;
}

function outputSizeText(output: Pick<OutputSpec, "width" | "height">): string {
  return `${output.width ?? "any"}×${output.height ?? "any"}`;
}

/** The judge's score against the asset's rule: a reason when it falls short, null when it passes. */
export function judgeVerdict(score: number, rule: JudgeRule): RejectReason | null {
  if (Number.isFinite(score) && score >= rule.minScore) return null;
  return { key: "judge", detail: `judge: score ${Number.isFinite(score) ? figure(score) : "missing"} < ${rule.minScore}` };
}

function nearestSeen(phash: string, seen: ScreenContext["seen"]): { seed: number; distance: number } | undefined {
  let best: { seed: number; distance: number } | undefined;
  for (const other of seen) {
    const distance = hammingDistance(phash, other.phash);
    if (!best || distance < best.distance) best = { seed: other.seed, distance };
  }
  return best;
}

/** 12, 12.5: at most one decimal, none when whole. */
function figure(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]?.trim() || "sharp could not read it";
}
