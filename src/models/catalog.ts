/**
 * Models, sizes and prices as data (DESIGN.md, "Facts about the Gemini image API").
 * Logic never names a model id; it looks the model up here, and the manifest's `pricing:`
 * overrides the price per size.
 */

export type ImageSize = "512" | "1K" | "2K" | "4K";
export const IMAGE_SIZES: readonly ImageSize[] = ["512", "1K", "2K", "4K"];

export const ASPECT_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export interface ImageModel {
  kind: "image";
  id: string;
  name: string;
  /** Output image tokens per size; cost = tokens × usdPerMillionOutputTokens ÷ 1e6. */
  tokensBySize: Partial<Record<ImageSize, number>>;
  usdPerMillionOutputTokens: number;
  /** Explicit per-size price where the vendor quotes one that is not tokens × rate. */
  usdBySize?: Partial<Record<ImageSize, number>>;
  outputMimeType: "image/jpeg" | "image/png";
  /** Share of the interactive price a Batch API call costs; absent when the model takes no batch jobs. */
  batchShare?: number;
  /** ISO date from which the model no longer answers, when announced. */
  shutdownDate?: string;
  replacement?: string;
}

export interface TextModel {
  kind: "text";
  id: string;
  name: string;
  usdPerMillionInputTokens: number;
  usdPerMillionOutputTokens: number;
  shutdownDate?: string;
  replacement?: string;
}

export type Model = ImageModel | TextModel;

export const MODELS: readonly Model[] = [
  {
    kind: "image",
    id: "gemini-3.1-flash-lite-image",
    name: "Nano Banana 2 Lite",
    tokensBySize: { "1K": 1120 },
    usdPerMillionOutputTokens: 30,
    outputMimeType: "image/jpeg",
    // Batch API: 50 % of the interactive price (ai.google.dev/gemini-api/docs/batch-api).
    batchShare: 0.5,
  },
  {
    kind: "image",
    id: "gemini-3.1-flash-image",
    name: "Nano Banana 2",
    tokensBySize: { "512": 747, "1K": 1120, "2K": 1680, "4K": 2520 },
    usdPerMillionOutputTokens: 60,
    usdBySize: { "512": 0.045, "1K": 0.067, "2K": 0.101, "4K": 0.151 },
    outputMimeType: "image/png",
    // Batch API: 50 % of the interactive price (ai.google.dev/gemini-api/docs/batch-api).
    batchShare: 0.5,
  },
  {
    kind: "image",
    id: "gemini-3-pro-image",
    name: "Nano Banana Pro",
    tokensBySize: { "1K": 1120, "2K": 1120, "4K": 2000 },
    usdPerMillionOutputTokens: 120,
    usdBySize: { "1K": 0.134, "2K": 0.134, "4K": 0.24 },
    outputMimeType: "image/png",
    // Batch API: 50 % of the interactive price (ai.google.dev/gemini-api/docs/batch-api).
    batchShare: 0.5,
  },
  {
    kind: "image",
    id: "gemini-nano-banana-2.1",
    name: "Nano Banana 2.1",
    tokensBySize: { "1K": 1120, "2K": 1680, "4K": 3767 },
    usdPerMillionOutputTokens: 30,
    usdBySize: { "1K": 0.0336, "2K": 0.0504, "4K": 0.113 },
    outputMimeType: "image/png",
    // Batch API: 50 % of the interactive price (ai.google.dev/gemini-api/docs/batch-api).
    batchShare: 0.5,
  },
  // Retired models stay in the table so a manifest naming one gets the date and the replacement
  // instead of "unknown model". Dates: Gemini API deprecations page
  // (ai.google.dev/gemini-api/docs/deprecations, read 2026-11), unless a line says otherwise.
  {
    kind: "image",
    id: "gemini-3.1-flash-image-preview",
    name: "Nano Banana 2 (preview)",
    tokensBySize: { "512": 747, "1K": 1120, "2K": 1680, "4K": 2520 },
    usdPerMillionOutputTokens: 60,
    usdBySize: { "512": 0.045, "1K": 0.067, "2K": 0.101, "4K": 0.151 },
    outputMimeType: "image/png",
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
    outputMimeType: "image/png",
    shutdownDate: "2026-06-25",
    replacement: "gemini-3-pro-image",
  },
  {
    // The page names gemini-3.1-flash-image-preview as the replacement; that one is itself retired,
    // and replacementFor() follows the chain to the model that still answers.
    kind: "image",
    id: "gemini-2.5-flash-image",
    name: "Nano Banana",
    tokensBySize: { "1K": 1290 },
    usdPerMillionOutputTokens: 30,
    outputMimeType: "image/png",
    shutdownDate: "2026-10-02",
    replacement: "gemini-3.1-flash-image-preview",
  },
  {
    // Date and replacement: the retirement notice on docs.gptproto.com's gemini-2.5-flash-image-preview
    // page (a reseller quoting Google's notice); the official page no longer lists preview models this old.
    kind: "image",
    id: "gemini-2.5-flash-image-preview",
    name: "Nano Banana (preview)",
    tokensBySize: { "1K": 1290 },
    usdPerMillionOutputTokens: 30,
    outputMimeType: "image/png",
    shutdownDate: "2025-10-31",
    replacement: "gemini-2.5-flash-image",
  },
  {
    // Same source as gemini-2.5-flash-image-preview above.
    kind: "image",
    id: "gemini-2.0-flash-preview-image-generation",
    name: "Gemini 2.0 Flash image generation (preview)",
    tokensBySize: { "1K": 1290 },
    usdPerMillionOutputTokens: 30,
    outputMimeType: "image/png",
    shutdownDate: "2025-10-31",
    replacement: "gemini-2.5-flash-image",
  },
  {
    kind: "text",
    id: "gemini-3.5-flash",
    name: "Gemini 3.5 Flash (judge)",
    usdPerMillionInputTokens: 0.3,
    usdPerMillionOutputTokens: 2.5,
  },
];

/** The models a manifest gets when it names none. */
export const DEFAULT_MODELS = { draft: "gemini-3.1-flash-lite-image", final: "gemini-3.1-flash-image" } as const;

/** Tokens a judge call is estimated to use before it is made: the image, the rubric, a short JSON verdict. */
export const JUDGE_TOKEN_ESTIMATE = { input: 1300, output: 100 } as const;

export function findModel(id: string, table: readonly Model[] = MODELS): Model | undefined {
  return table.find((m) => m.id === id);
}

export function supportedSizes(model: ImageModel): ImageSize[] {
  return IMAGE_SIZES.filter((s) => model.tokensBySize[s] !== undefined);
}

/** Per-size price overrides from the manifest's `pricing:` block, keyed by model id. */
export type PricingOverrides = Record<string, Partial<Record<ImageSize, number>>>;

/** USD for one image of `size` from `model`, honouring manifest overrides. */
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

/** USD for `imageTokens` reported by usageMetadata, scaled so that overrides still apply. */
export function imageCostFromTokens(
  model: ImageModel,
  size: ImageSize,
  imageTokens: number,
  overrides: PricingOverrides = {},
): number {
  const listTokens = model.tokensBySize[size];
  const listPrice = imagePriceUsd(model, size, overrides);
  if (!listTokens) return (imageTokens * model.usdPerMillionOutputTokens) / 1e6;
  return (listPrice * imageTokens) / listTokens;
}

/**
 * Output pixel size per aspect ratio at 1K (Gemini image models' documented table);
 * 512 is half, 2K double, 4K four times.
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
};
const SCALE: Record<ImageSize, number> = { "512": 0.5, "1K": 1, "2K": 2, "4K": 4 };

export function pixelSize(aspectRatio: AspectRatio, size: ImageSize): { width: number; height: number } {
  const [w, h] = PIXELS_1K[aspectRatio];
  return { width: Math.round(w * SCALE[size]), height: Math.round(h * SCALE[size]) };
}

export function aspectValue(aspectRatio: AspectRatio): number {
  const [w, h] = aspectRatio.split(":").map(Number) as [number, number];
  return w / h;
}

/** USD one judge call is estimated to cost, before usage is known. */
/** Cap on what one judge call may bill as output, thinking included (sent as maxOutputTokens). */
export const JUDGE_MAX_OUTPUT_TOKENS = 1024;

/**
 * The most one judge call can cost: twice the input estimate (a 1K draft and the rubric) and the
 * whole output cap. The ledger reserves this, so a judge that thinks at length cannot bill past it.
 */
export function judgeCallCeilingUsd(model: TextModel): number {
  return (2 * JUDGE_TOKEN_ESTIMATE.input * model.usdPerMillionInputTokens + JUDGE_MAX_OUTPUT_TOKENS * model.usdPerMillionOutputTokens) / 1e6;
}

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
    if (!next || !isShutDown(next, now)) return current.replacement;
    current = next;
  }
  return undefined;
}

/** Models that still answer at `now`, of one kind, for "known models are …" messages. */
export function liveModelIds(kind: Model["kind"], now: Date, table: readonly Model[] = MODELS): string[] {
  return table.filter((m) => m.kind === kind && !isShutDown(m, now)).map((m) => m.id);
}
