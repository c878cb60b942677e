import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  ExitCode,
  SeedlockError
} from "./chunk-CBOTSRC4.js";

// src/models/catalog.ts
var IMAGE_SIZES = ["512", "1K", "2K", "4K"];
var STANDARD_ASPECT_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
var EXTREME_ASPECT_RATIOS = ["1:4", "4:1", "1:8", "8:1"];
var ASPECT_RATIOS = [...STANDARD_ASPECT_RATIOS, ...EXTREME_ASPECT_RATIOS];
var MAX_IMAGES_PER_ANSWER = 2;
var GEMINI_3_RATIOS = ASPECT_RATIOS;
var MODELS = [
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
    batchShare: 0.5
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
    unconfirmed: ["usdBySize.1K", "usdBySize.2K", "usdBySize.4K", "tokensBySize.2K", "tokensBySize.4K", "usdPerMillionInputTokens", "usdPerMillionTextOutputTokens", "aspectRatios"]
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
    unconfirmed: ["reportedShutdownDate"]
  },
  {
    kind: "image",
    id: "gemini-3-pro-image",
    name: "Nano Banana Pro",
    // 1K/2K 1120 tokens, 4K 2000 at $120/M: 0.134 / 0.24 [G-pricing]; input $2/M, text $12/M [G-pricing];
    // 560 tokens per input image [G-pricing]. Always thinks [G-image]: a real answer billed 337 thought
    // and 340 text tokens [3rd].
    tokensBySize: { "1K": 1120, "2K": 1120, "4K": 2e3 },
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
    batchShare: 0.5
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
    replacement: "gemini-3.1-flash-image"
  },
  {
    kind: "image",
    id: "gemini-3-pro-image-preview",
    name: "Nano Banana Pro (preview)",
    tokensBySize: { "1K": 1120, "2K": 1120, "4K": 2e3 },
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
    replacement: "gemini-3-pro-image"
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
    replacement: "gemini-3.1-flash-image-preview"
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
    replacement: "gemini-2.5-flash-image"
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
    replacement: "gemini-2.5-flash-image"
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
    unconfirmed: ["usdPerMillionInputTokens", "usdPerMillionOutputTokens"]
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
    unconfirmed: ["usdPerMillionInputTokens", "usdPerMillionOutputTokens"]
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
    unconfirmed: ["usdPerMillionInputTokens", "usdPerMillionOutputTokens"]
  }
];
var DEFAULT_MODELS = { draft: "gemini-3.1-flash-lite-image", final: "gemini-nano-banana-2.1" };
var SUGGESTED_JUDGE = "gemini-3.6-flash";
var JUDGE_TOKEN_ESTIMATE = { input: 1300, output: 100 };
function findModel(id, table = MODELS) {
  return table.find((m) => m.id === id);
}
function imageModelOf(id) {
  const model = findModel(id);
  if (model?.kind !== "image") throw new SeedlockError(`${id} is not an image model seedlock knows`, ExitCode.invalidInput);
  return model;
}
function supportedSizes(model) {
  return IMAGE_SIZES.filter((s) => model.tokensBySize[s] !== void 0);
}
function imagePriceUsd(model, size, overrides = {}) {
  const override = overrides[model.id]?.[size];
  if (override !== void 0) return override;
  const quoted = model.usdBySize?.[size];
  if (quoted !== void 0) return quoted;
  const tokens = model.tokensBySize[size];
  if (tokens === void 0) throw new RangeError(`${model.id} does not produce ${size} images`);
  return tokens * model.usdPerMillionOutputTokens / 1e6;
}
function routedImagePriceUsd(model, size, route, overrides = {}) {
  const price = imagePriceUsd(model, size, overrides);
  return route === "batch" ? price * batchShareOf(model) : price;
}
function batchShareOf(model) {
  if (model.batchShare === void 0) throw new RangeError(`${model.id} takes no Batch API jobs`);
  return model.batchShare;
}
function imageTokenRateUsd(model, size, overrides = {}) {
  const override = size ? overrides[model.id]?.[size] : void 0;
  const tokens = size ? model.tokensBySize[size] : void 0;
  if (override !== void 0 && tokens) return override / tokens;
  return model.usdPerMillionOutputTokens / 1e6;
}
function imageCallCostUsd(model, size, tokens, overrides = {}) {
  return (tokens.promptTokens * model.usdPerMillionInputTokens + tokens.textTokens * model.usdPerMillionTextOutputTokens) / 1e6 + tokens.imageTokens * imageTokenRateUsd(model, size, overrides);
}
function inputTokenBound(promptText, inputImages, perImage) {
  return Buffer.byteLength(promptText, "utf8") + 64 + inputImages * perImage;
}
function imageCallMaxOutputTokens(model, size) {
  const perImage = model.tokensBySize[size] ?? Math.max(...Object.values(model.tokensBySize).map(Number));
  return MAX_IMAGES_PER_ANSWER * perImage + model.thinkingAllowanceTokens;
}
function imageCallCeilingUsd(model, size, request, overrides = {}) {
  const input = inputTokenBound(request.prompt, request.inputImages, model.inputImageTokens);
  const output = imageCallMaxOutputTokens(model, size);
  const outputRate = Math.max(imageTokenRateUsd(model, size, overrides), model.usdPerMillionTextOutputTokens / 1e6);
  return input * model.usdPerMillionInputTokens / 1e6 + output * outputRate;
}
var PIXELS_1K = {
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
  "8:1": [3072, 384]
};
var GEMINI_25_PIXELS_1K = {
  "1:1": [1024, 1024],
  "2:3": [832, 1248],
  "3:2": [1248, 832],
  "3:4": [864, 1184],
  "4:3": [1184, 864],
  "4:5": [896, 1152],
  "5:4": [1152, 896],
  "9:16": [768, 1344],
  "16:9": [1344, 768],
  "21:9": [1536, 672]
};
var SCALE = { "512": 0.5, "1K": 1, "2K": 2, "4K": 4 };
function pixelSize(aspectRatio, size, geometry = "gemini-3") {
  const [w, h] = (geometry === "gemini-2.5" ? GEMINI_25_PIXELS_1K[aspectRatio] : void 0) ?? PIXELS_1K[aspectRatio];
  return { width: Math.round(w * SCALE[size]), height: Math.round(h * SCALE[size]) };
}
function aspectValue(aspectRatio) {
  const [w, h] = aspectRatio.split(":").map(Number);
  return w / h;
}
var JUDGE_MAX_OUTPUT_TOKENS = 1024;
function judgeInputTokenBound(model, instructions) {
  return inputTokenBound(instructions, 1, model.inputImageTokens);
}
function judgeCallCeilingUsd(model, rubric = "") {
  const input = Math.max(2 * JUDGE_TOKEN_ESTIMATE.input, judgeInputTokenBound(model, `${JUDGE_INSTRUCTIONS}${rubric}`));
  return (input * model.usdPerMillionInputTokens + JUDGE_MAX_OUTPUT_TOKENS * model.usdPerMillionOutputTokens) / 1e6;
}
var JUDGE_INSTRUCTIONS = "You screen generated images for a design system. Score how well the attached image meets this rubric, from 0 (not at all) to 10 (fully), and give a one-sentence reason. Rubric: ";
function judgeCallEstimateUsd(model) {
  return (JUDGE_TOKEN_ESTIMATE.input * model.usdPerMillionInputTokens + JUDGE_TOKEN_ESTIMATE.output * model.usdPerMillionOutputTokens) / 1e6;
}
function isShutDown(model, now) {
  return model.shutdownDate !== void 0 && now.getTime() >= Date.parse(`${model.shutdownDate}T00:00:00Z`);
}
function replacementFor(model, now, table = MODELS) {
  let current = model;
  const seen = /* @__PURE__ */ new Set();
  while (current.replacement && !seen.has(current.id)) {
    seen.add(current.id);
    const next = findModel(current.replacement, table);
    if (!next) return current.replacement;
    const successor = next.kind === "image" ? next.supersededBy : void 0;
    if (!isShutDown(next, now)) return successor && findModel(successor, table) ? successor : current.replacement;
    current = next;
  }
  return void 0;
}
function liveModelIds(kind, now, table = MODELS) {
  return table.filter((m) => m.kind === kind && !isShutDown(m, now)).map((m) => m.id);
}

export {
  IMAGE_SIZES,
  ASPECT_RATIOS,
  MODELS,
  DEFAULT_MODELS,
  SUGGESTED_JUDGE,
  findModel,
  imageModelOf,
  supportedSizes,
  imagePriceUsd,
  routedImagePriceUsd,
  batchShareOf,
  imageCallCostUsd,
  inputTokenBound,
  imageCallMaxOutputTokens,
  imageCallCeilingUsd,
  pixelSize,
  aspectValue,
  JUDGE_MAX_OUTPUT_TOKENS,
  judgeCallCeilingUsd,
  JUDGE_INSTRUCTIONS,
  judgeCallEstimateUsd,
  isShutDown,
  replacementFor,
  liveModelIds
};
