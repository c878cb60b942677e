/**
 * Models, sizes and prices as data (DESIGN.md, "Facts about the Gemini image API", re-checked
 * 2026-12-01). Logic never names a model id; it looks the model up here, and the manifest's
 * `pricing:` overrides the price per image size.
 *
 * Sources, as the comments cite them:
 * - [G-pricing]  ai.google.dev/gemini-api/docs/pricing (Google)
 * - [G-image]    ai.google.dev/gemini-api/docs/image-generation (Google: sizes, ratios, tables)
 * - [G-models]   ai.google.dev/gemini-api/docs/models, changelog and deprecations pages (Google)
 * - [3rd]        third-party: resellers' price tables, reports on the SDK's issue tracker. A best
 *                guess: kept as data, listed in `unconfirmed`, overridable where it is a price.
 */
import { ExitCode, SeedlockError } from "../errors.js";

export type ImageSize = "512" | "1K" | "2K" | "4K";
export const IMAGE_SIZES: readonly ImageSize[] = ["512", "1K", "2K", "4K"];

/** The ten ratios every current image model takes [G-image]. */
export const STANDARD_ASPECT_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"] as const;
/** The four extreme ratios Nano Banana 2 added [G-image]. */
export const EXTREME_ASPECT_RATIOS = ["1:4", "4:1", "1:8", "8:1"] as const;
export const ASPECT_RATIOS = [...STANDARD_ASPECT_RATIOS, ...EXTREME_ASPECT_RATIOS] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/** Which pixel table a model's answers follow, as far as anyone has measured: only a guide, never a contract. */
export type Geometry = "gemini-3" | "gemini-2.5";

export interface ImageModel {
  kind: "image";
  id: string;
  name: string;
  /** Output image tokens per size; the sizes listed are the ones the model takes. */
  tokensBySize: Partial<Record<ImageSize, number>>;
  /** USD per million output tokens of modality IMAGE. */
  usdPerMillionOutputTokens: number;
  /** USD per million input tokens (prompt text and input images). */
  usdPerMillionInputTokens: number;
  /** USD per million text output tokens, thinking included. */
  usdPerMillionTextOutputTokens: number;
  /** Input tokens one input image (the draft sent as reference) is billed as. */
  inputImageTokens: number;
  /** Explicit per-size price where the vendor quotes one; used when an answer carries no usage. */
  usdBySize?: Partial<Record<ImageSize, number>>;
  outputMimeType: "image/jpeg" | "image/png";
  /** Share of the interactive price a Batch API call costs; absent when the model takes no batch jobs. */
  batchShare?: number;
  aspectRatios: readonly AspectRatio[];
  geometry: Geometry;
  /** Thinking models send thought parts and bill thoughtsTokenCount; `always` cannot be turned off. */
  thinks: "always" | "sometimes" | "never";
  /** Thinking and text output tokens one call is allowed (sent within maxOutputTokens) and reserved for. */
  thinkingAllowanceTokens: number;
  /** ISO date from which the model no longer answers, when Google announced it. */
  shutdownDate?: string;
  replacement?: string;
  /** Google named a successor; the model may still answer. */
  supersededBy?: string;
  supersededDate?: string;
  /** A shutdown date reported only by third parties: a warning, never a refusal. */
  reportedShutdownDate?: string;
  /** Figures of this entry no Google page confirms (listed in docs/MANIFEST.md). */
  unconfirmed?: readonly string[];
}

export interface TextModel {
  kind: "text";
  id: string;
  name: string;
  usdPerMillionInputTokens: number;
  usdPerMillionOutputTokens: number;
  /** Input tokens one image sent for judging is billed as, at most. */
  inputImageTokens: number;
  /** How to keep its thinking short: Gemini 3 takes a level, Gemini 2.5 a token budget. */
  thinking: "level" | "budget" | "none";
  shutdownDate?: string;
  replacement?: string;
  /** Requests for this id are served (and billed) by another model. */
  routedTo?: string;
  deprecatedDate?: string;
  unconfirmed?: readonly string[];
}

export type Model = ImageModel | TextModel;

/** Reported against the real service [3rd]: two images in one answer, a 1K one and the one asked for. */
export const MAX_IMAGES_PER_ANSWER = 2;

const GEMINI_3_RATIOS: readonly AspectRatio[] = ASPECT_RATIOS;

export const MODELS: readonly Model[] = [
  {
    kind: "image",
    id: "gemini-3.1-flash-lite-image",
    name: "Nano Banana 2 Lite",
    // 1K only, 1120 tokens at $30/M = $0.0336 [G-pricing]; `imageSize: "1K"` is accepted [G-image].
    tokensBySize: { "1K": 1120 },
    usdPerMillionOutputTokens: 30,
    // Input and text rates: not on DESIGN's table; Flash-Lite text rates [3rd], unconfirmed.
    usdPerMillionInputTokens: 0.25,
    usdPerMillionTextOutputTokens: 1.5,
    // About 1,120 tokens per input image on Flash and Lite [G-pricing].
    inputImageTokens: 1120,
    // JPEG [G-image]; no pixel table for Lite exists, so the extreme ratios are not assumed.
    outputMimeType: "image/jpeg",
    aspectRatios: STANDARD_ASPECT_RATIOS,
    geometry: "gemini-3",
    thinks: "never",
    thinkingAllowanceTokens: 256,
    unconfirmed: ["usdPerMillionInputTokens", "usdPerMillionTextOutputTokens", "aspectRatios"],
    // Batch API: 50 % of the interactive price (ai.google.dev/gemini-api/docs/batch-api).
    batchShare: 0.5,
  },
  {
    kind: "image",
    id: "gemini-nano-banana-2.1",
    name: "Nano Banana 2.1",
    // GA 2026-10-06, "an updated Nano Banana 2" [G-models]. 1K $0.0336 (1120 tokens at $30/M) [3rd];
    // 2K and 4K are unconfirmed estimates (override them under `pricing:`); "512" answers 400 [3rd].
    tokensBySize: { "1K": 1120, "2K": 1680, "4K": 3767 },
    usdPerMillionOutputTokens: 30,
    usdBySize: { "1K": 0.0336, "2K": 0.0504, "4K": 0.113 },
    // Input and text rates: Nano Banana 2's [G-pricing], assumed for 2.1 (unconfirmed).
    usdPerMillionInputTokens: 0.5,
    usdPerMillionTextOutputTokens: 3,
    inputImageTokens: 1120,
    // 3.x Flash answers JPEG [3rd measurement]; ratios as Nano Banana 2 (unconfirmed for 2.1).
    outputMimeType: "image/jpeg",
    aspectRatios: GEMINI_3_RATIOS,
    geometry: "gemini-3",
    thinks: "sometimes",
    // Batch API: 50 % of the interactive price (ai.google.dev/gemini-api/docs/batch-api).
    batchShare: 0.5,
    thinkingAllowanceTokens: 1024,
    unconfirmed: ["usdBySize.1K", "usdBySize.2K", "usdBySize.4K", "tokensBySize.2K", "tokensBySize.4K", "usdPerMillionInputTokens", "usdPerMillionTextOutputTokens", "aspectRatios"],
  },
  {
    kind: "image",
    id: "gemini-3.1-flash-image",
    name: "Nano Banana 2",
    // 512/1K/2K/4K at $60/M: 0.045 / 0.067 / 0.101 / 0.151 [G-pricing]; input $0.50/M, text $3/M [G-pricing].
    tokensBySize: { "512": 747, "1K": 1120, "2K": 1680, "4K": 2520 },
    usdPerMillionOutputTokens: 60,
    usdBySize: { "512": 0.045, "1K": 0.067, "2K": 0.101, "4K": 0.151 },
    usdPerMillionInputTokens: 0.5,
    usdPerMillionTextOutputTokens: 3,
    inputImageTokens: 1120,
    outputMimeType: "image/jpeg",
    aspectRatios: GEMINI_3_RATIOS,
    geometry: "gemini-3",
    thinks: "sometimes",
    thinkingAllowanceTokens: 1024,
    // Batch API: 50 % of the interactive price (ai.google.dev/gemini-api/docs/batch-api).
    batchShare: 0.5,
    // Superseded by 2.1 on 2026-10-06 [G-models]; shut down 2026-10-29 per third parties only [3rd],
    // so naming it warns (the service's own 404, if it comes, names the replacement) instead of failing.
    supersededBy: "gemini-nano-banana-2.1",
    supersededDate: "2026-10-06",
    reportedShutdownDate: "2026-10-29",
    unconfirmed: ["reportedShutdownDate"],
  },
  {
    kind: "image",
    id: "gemini-3-pro-image",
    name: "Nano Banana Pro",
    // 1K/2K 1120 tokens, 4K 2000 at $120/M: 0.134 / 0.24 [G-pricing]; input $2/M, text $12/M [G-pricing];
    // 560 tokens per input image [G-pricing]. Always thinks [G-image]: a real answer billed 337 thought
    // and 340 text tokens [3rd].
    tokensBySize: { "1K": 1120, "2K": 1120, "4K": 2000 },
    usdPerMillionOutputTokens: 120,
    usdBySize: { "1K": 0.134, "2K": 0.134, "4K": 0.24 },
    usdPerMillionInputTokens: 2,
    usdPerMillionTextOutputTokens: 12,
    inputImageTokens: 560,
    outputMimeType: "image/jpeg",
    aspectRatios: STANDARD_ASPECT_RATIOS,
    geometry: "gemini-3",
    thinks: "always",
    thinkingAllowanceTokens: 2048,
    // Batch API: 50 % of the interactive price (ai.google.dev/gemini-api/docs/batch-api).
    batchShare: 0.5,
  },
  // Retired models stay in the table so a manifest naming one gets the date and the replacement
  // instead of "unknown model". Dates: Gemini API deprecations page [G-models], unless a line says otherwise.
  {
    kind: "image",
    id: "gemini-3.1-flash-image-preview",
    name: "Nano Banana 2 (preview)",
    tokensBySize: { "512": 747, "1K": 1120, "2K": 1680, "4K": 2520 },
    usdPerMillionOutputTokens: 60,
    usdBySize: { "512": 0.045, "1K": 0.067, "2K": 0.101, "4K": 0.151 },
    usdPerMillionInputTokens: 0.5,
    usdPerMillionTextOutputTokens: 3,
    inputImageTokens: 1120,
    outputMimeType: "image/jpeg",
    aspectRatios: GEMINI_3_RATIOS,
    geometry: "gemini-3",
    thinks: "sometimes",
    thinkingAllowanceTokens: 1024,
    shutdownDate: "2026-06-25",
    replacement: "gemini-3.1-flash-image",
  },
  {
    kind: "image",
    id: "gemini-3-pro-image-preview",
    name: "Nano Banana Pro (preview)",
    tokensBySize: { "1K": 1120, "2K": 1120, "4K": 2000 },
    usdPerMillionOutputTokens: 120,
    usdBySize: { "1K": 0.134, "2K": 0.134, "4K": 0.24 },
    usdPerMillionInputTokens: 2,
    usdPerMillionTextOutputTokens: 12,
    inputImageTokens: 560,
    outputMimeType: "image/jpeg",
    aspectRatios: STANDARD_ASPECT_RATIOS,
    geometry: "gemini-3",
    thinks: "always",
    thinkingAllowanceTokens: 2048,
    shutdownDate: "2026-06-25",
    replacement: "gemini-3-pro-image",
  },
  {
    // The page names gemini-3.1-flash-image-preview as the replacement; that one is itself retired,
    // and replacementFor() follows the chain to the model that still answers. 1290 tokens at $30/M,
    // input $0.30/M [G-pricing]; PNG and the 2.5 pixel table [G-image].
    kind: "image",
    id: "gemini-2.5-flash-image",
    name: "Nano Banana",
    tokensBySize: { "1K": 1290 },
    usdPerMillionOutputTokens: 30,
    usdPerMillionInputTokens: 0.3,
    usdPerMillionTextOutputTokens: 2.5,
    inputImageTokens: 1290,
    outputMimeType: "image/png",
    aspectRatios: STANDARD_ASPECT_RATIOS,
    geometry: "gemini-2.5",
    thinks: "never",
    thinkingAllowanceTokens: 256,
    shutdownDate: "2026-10-02",
    replacement: "gemini-3.1-flash-image-preview",
  },
  {
    // Date and replacement: the retirement notice on docs.gptproto.com's gemini-2.5-flash-image-preview
    // page (a reseller quoting Google's notice) [3rd]; the official page no longer lists preview models this old.
    kind: "image",
    id: "gemini-2.5-flash-image-preview",
    name: "Nano Banana (preview)",
    tokensBySize: { "1K": 1290 },
    usdPerMillionOutputTokens: 30,
    usdPerMillionInputTokens: 0.3,
    usdPerMillionTextOutputTokens: 2.5,
    inputImageTokens: 1290,
    outputMimeType: "image/png",
    aspectRatios: STANDARD_ASPECT_RATIOS,
    geometry: "gemini-2.5",
    thinks: "never",
    thinkingAllowanceTokens: 256,
    shutdownDate: "2025-10-31",
    replacement: "gemini-2.5-flash-image",
  },
  {
    // Same source as gemini-2.5-flash-image-preview above [3rd].
    kind: "image",
    id: "gemini-2.0-flash-preview-image-generation",
    name: "Gemini 2.0 Flash image generation (preview)",
    tokensBySize: { "1K": 1290 },
    usdPerMillionOutputTokens: 30,
    usdPerMillionInputTokens: 0.1,
    usdPerMillionTextOutputTokens: 0.4,
    inputImageTokens: 1290,
    outputMimeType: "image/png",
    aspectRatios: STANDARD_ASPECT_RATIOS,
    geometry: "gemini-2.5",
    thinks: "never",
    thinkingAllowanceTokens: 256,
    shutdownDate: "2025-10-31",
    replacement: "gemini-2.5-flash-image",
  },
  {
    kind: "text",
    id: "gemini-3.6-flash",
    name: "Gemini 3.6 Flash",
    // $1.50/M in, $7.50/M out (thinking included) [3rd]; ~1,120 tokens per image at Gemini 3's default
    // media resolution [G-pricing].
    usdPerMillionInputTokens: 1.5,
    usdPerMillionOutputTokens: 7.5,
    inputImageTokens: 1120,
    thinking: "level",
    unconfirmed: ["usdPerMillionInputTokens", "usdPerMillionOutputTokens"],
  },
  {
    kind: "text",
    id: "gemini-3.8-flash",
    name: "Gemini 3.8 Flash",
    // The newest Flash [G-models]; no price known to us, so 3.6 Flash's is assumed (unconfirmed).
    usdPerMillionInputTokens: 1.5,
    usdPerMillionOutputTokens: 7.5,
    inputImageTokens: 1120,
    thinking: "level",
    unconfirmed: ["usdPerMillionInputTokens", "usdPerMillionOutputTokens"],
  },
  {
    kind: "text",
    id: "gemini-3.5-flash",
    name: "Gemini 3.5 Flash",
    // Deprecated 2026-10-08, its requests routed to gemini-3.6-flash [G-models]: billed at 3.6's price [3rd].
    usdPerMillionInputTokens: 1.5,
    usdPerMillionOutputTokens: 7.5,
    inputImageTokens: 1120,
    thinking: "level",
    routedTo: "gemini-3.6-flash",
    deprecatedDate: "2026-10-08",
    unconfirmed: ["usdPerMillionInputTokens", "usdPerMillionOutputTokens"],
  },
];

/** The models a manifest gets when it names none. */
export const DEFAULT_MODELS = { draft: "gemini-3.1-flash-lite-image", final: "gemini-nano-banana-2.1" } as const;
/** The judge the docs and error hints suggest (a judge is used only when the manifest asks for one). */
export const SUGGESTED_JUDGE = "gemini-3.6-flash";

/** Tokens a judge call is estimated to use before it is made: the image, the rubric, a short JSON verdict. */
export const JUDGE_TOKEN_ESTIMATE = { input: 1300, output: 100 } as const;

export function findModel(id: string, table: readonly Model[] = MODELS): Model | undefined {
  return table.find((m) => m.id === id);
}

/** The image model a validated manifest names; any other id is a mistake upstream, refused as input. */
export function imageModelOf(id: string): ImageModel {
  const model = findModel(id);
  if (model?.kind !== "image") throw new SeedlockError(`${id} is not an image model seedlock knows`, ExitCode.invalidInput);
  return model;
}

export function supportedSizes(model: ImageModel): ImageSize[] {
  return IMAGE_SIZES.filter((s) => model.tokensBySize[s] !== undefined);
}

/** Per-size price overrides from the manifest's `pricing:` block, keyed by model id. */
export type PricingOverrides = Record<string, Partial<Record<ImageSize, number>>>;

/** USD for one image of `size` from `model`, honouring manifest overrides (the list price, for estimates). */
export function imagePriceUsd(model: ImageModel, size: ImageSize, overrides: PricingOverrides = {}): number {
  const override = overrides[model.id]?.[size];
  if (override !== undefined) return override;
  const quoted = model.usdBySize?.[size];
  if (quoted !== undefined) return quoted;
  const tokens = model.tokensBySize[size];
  if (tokens === undefined) throw new RangeError(`${model.id} does not produce ${size} images`);
  return (tokens * model.usdPerMillionOutputTokens) / 1e6;
}

/** Whether a call goes through the Batch API or is answered at once: the price differs. */
export type CallRoute = "interactive" | "batch";

/** USD for one image as `route` bills it: the Batch API takes the model's batch share of the price. */
export function routedImagePriceUsd(model: ImageModel, size: ImageSize, route: CallRoute, overrides: PricingOverrides = {}): number {
  const price = imagePriceUsd(model, size, overrides);
  return route === "batch" ? price * batchShareOf(model) : price;
}

/** The share of the interactive price a batch call costs; a model without batch support is refused. */
export function batchShareOf(model: ImageModel): number {
  if (model.batchShare === undefined) throw new RangeError(`${model.id} takes no Batch API jobs`);
  return model.batchShare;
}

/**
 * USD per image output token for a call asking `size`: the catalog's token rate, or an override's
 * price spread over the size's tokens, so a manifest's higher price scales every image token billed.
 */
export function imageTokenRateUsd(model: ImageModel, size: ImageSize | undefined, overrides: PricingOverrides = {}): number {
  const override = size ? overrides[model.id]?.[size] : undefined;
  const tokens = size ? model.tokensBySize[size] : undefined;
  if (override !== undefined && tokens) return override / tokens;
  return model.usdPerMillionOutputTokens / 1e6;
}

/** What one answer's usage says it cost; see DESIGN "What a call costs". */
export interface BilledTokens {
  promptTokens: number;
  imageTokens: number;
  /** Text output and thinking, both at the text output price. */
  textTokens: number;
}

export function imageCallCostUsd(model: ImageModel, size: ImageSize | undefined, tokens: BilledTokens, overrides: PricingOverrides = {}): number {
  return (
    (tokens.promptTokens * model.usdPerMillionInputTokens + tokens.textTokens * model.usdPerMillionTextOutputTokens) / 1e6 +
    tokens.imageTokens * imageTokenRateUsd(model, size, overrides)
  );
}

/** Input tokens a request can be billed as, at most: a token is never shorter than a byte, plus each input image. */
export function inputTokenBound(promptText: string, inputImages: number, perImage: number): number {
  return Buffer.byteLength(promptText, "utf8") + 64 + inputImages * perImage;
}

/**
 * Output tokens an image call may bill (sent as maxOutputTokens): every image an answer may hold
 * at the size asked, and the model's thinking and text allowance. Thinking counts against the cap.
 */
export function imageCallMaxOutputTokens(model: ImageModel, size: ImageSize): number {
  const perImage = model.tokensBySize[size] ?? Math.max(...Object.values(model.tokensBySize).map(Number));
  return MAX_IMAGES_PER_ANSWER * perImage + model.thinkingAllowanceTokens;
}

/** What an image call sends, as far as its input bound goes. */
export interface ImageCallInput {
  prompt: string;
  /** Reference images sent with the prompt (a two-tier render sends its draft). */
  inputImages: number;
}

/**
 * The most one image call can bill: its input bound, and its output cap priced as images (the
 * dearer kind of output token). The ledger reserves this, so no settle can pass the ceiling.
 */
export function imageCallCeilingUsd(
  model: ImageModel,
  size: ImageSize,
  request: ImageCallInput,
  overrides: PricingOverrides = {},
): number {
  const input = inputTokenBound(request.prompt, request.inputImages, model.inputImageTokens);
  const output = imageCallMaxOutputTokens(model, size);
  const outputRate = Math.max(imageTokenRateUsd(model, size, overrides), model.usdPerMillionTextOutputTokens / 1e6);
  return (input * model.usdPerMillionInputTokens) / 1e6 + output * outputRate;
}

/**
 * Output pixel size per aspect ratio at 1K: the table Google documents for the Gemini 3 image
 * models [G-image]; 512 is half, 2K double, 4K four times. This is what is asked, not what comes
 * back: answers are checked against it with a tolerance (see pipeline/screen.ts).
 * 1:8 and 8:1 are not in the table we read (unconfirmed): the 1K area at that ratio, in 16 px steps.
 */
const PIXELS_1K: Record<AspectRatio, [number, number]> = {
  "1:1": [1024, 1024],
  "2:3": [848, 1264],
  "3:2": [1264, 848],
  "3:4": [896, 1200],
  "4:3": [1200, 896],
  "4:5": [928, 1152],
  "5:4": [1152, 928],
  "9:16": [768, 1376],
  "16:9": [1376, 768],
  "21:9": [1584, 672],
  "1:4": [512, 2048],
  "4:1": [2048, 512],
  "1:8": [384, 3072],
  "8:1": [3072, 384],
};

/** What Gemini 2.5 Flash Image answered [G-image, the 2.5 page]; the extreme ratios did not exist then. */
export const GEMINI_25_PIXELS_1K: Partial<Record<AspectRatio, [number, number]>> = {
  "1:1": [1024, 1024],
  "2:3": [832, 1248],
  "3:2": [1248, 832],
  "3:4": [864, 1184],
  "4:3": [1184, 864],
  "4:5": [896, 1152],
  "5:4": [1152, 896],
  "9:16": [768, 1344],
  "16:9": [1344, 768],
  "21:9": [1536, 672],
};
const SCALE: Record<ImageSize, number> = { "512": 0.5, "1K": 1, "2K": 2, "4K": 4 };

/** The pixel size of `aspectRatio` at `size` in the given table (Gemini 3's by default). */
export function pixelSize(aspectRatio: AspectRatio, size: ImageSize, geometry: Geometry = "gemini-3"): { width: number; height: number } {
  const [w, h] = (geometry === "gemini-2.5" ? GEMINI_25_PIXELS_1K[aspectRatio] : undefined) ?? PIXELS_1K[aspectRatio];
  return { width: Math.round(w * SCALE[size]), height: Math.round(h * SCALE[size]) };
}

export function aspectValue(aspectRatio: AspectRatio): number {
  const [w, h] = aspectRatio.split(":").map(Number) as [number, number];
  return w / h;
}

/** Cap on what one judge call may bill as output, thinking included (sent as maxOutputTokens). */
export const JUDGE_MAX_OUTPUT_TOKENS = 1024;

/** Input tokens a judge call can be billed as, at most: its instructions and rubric, and one image. */
export function judgeInputTokenBound(model: TextModel, instructions: string): number {
  return inputTokenBound(instructions, 1, model.inputImageTokens);
}

/**
 * The most one judge call can cost: twice the input estimate (a 1K draft and the rubric) or the
 * model's own per-image bound, whichever is more, and the whole output cap. The ledger reserves this,
 * so a judge that thinks at length cannot bill past it.
 */
export function judgeCallCeilingUsd(model: TextModel, rubric = ""): number {
  const input = Math.max(2 * JUDGE_TOKEN_ESTIMATE.input, judgeInputTokenBound(model, `${JUDGE_INSTRUCTIONS}${rubric}`));
  return (input * model.usdPerMillionInputTokens + JUDGE_MAX_OUTPUT_TOKENS * model.usdPerMillionOutputTokens) / 1e6;
}

/** What the judge is told before the rubric; kept here so the reservation can bound its tokens. */
export const JUDGE_INSTRUCTIONS =
  "You screen generated images for a design system. Score how well the attached image meets this rubric, " +
  "from 0 (not at all) to 10 (fully), and give a one-sentence reason. Rubric: ";

/** USD one judge call is estimated to cost, before usage is known. */
export function judgeCallEstimateUsd(model: TextModel): number {
  return (
    (JUDGE_TOKEN_ESTIMATE.input * model.usdPerMillionInputTokens + JUDGE_TOKEN_ESTIMATE.output * model.usdPerMillionOutputTokens) / 1e6
  );
}

/** Whether `model` no longer answers at `now`: its shutdown date (UTC midnight) has come. */
export function isShutDown(model: Model, now: Date): boolean {
  return model.shutdownDate !== undefined && now.getTime() >= Date.parse(`${model.shutdownDate}T00:00:00Z`);
}

/**
 * The model to move to from `model`: its announced replacement, followed while that one is itself
 * shut down at `now` (a preview's replacement is often another preview that was retired since).
 */
export function replacementFor(model: Model, now: Date, table: readonly Model[] = MODELS): string | undefined {
  let current = model;
  const seen = new Set<string>();
  while (current.replacement && !seen.has(current.id)) {
    seen.add(current.id);
    const next = findModel(current.replacement, table);
    if (!next) return current.replacement;
    // A replacement that was itself superseded points on to its successor.
    const successor = next.kind === "image" ? next.supersededBy : undefined;
    if (!isShutDown(next, now)) return successor && findModel(successor, table) ? successor : current.replacement;
    current = next;
  }
  return undefined;
}

/** Models that still answer at `now`, of one kind, for "known models are …" messages. */
export function liveModelIds(kind: Model["kind"], now: Date, table: readonly Model[] = MODELS): string[] {
  return table.filter((m) => m.kind === kind && !isShutDown(m, now)).map((m) => m.id);
}
