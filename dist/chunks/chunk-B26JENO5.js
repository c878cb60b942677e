import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);

// src/models/catalog.ts
var IMAGE_SIZES = ["512", "1K", "2K", "4K"];
var ASPECT_RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
var MODELS = [
  {
    kind: "image",
    id: "gemini-3.1-flash-lite-image",
    name: "Nano Banana 2 Lite",
    tokensBySize: { "1K": 1120 },
    usdPerMillionOutputTokens: 30,
    outputMimeType: "image/jpeg"
  },
  {
    kind: "image",
    id: "gemini-3.1-flash-image",
    name: "Nano Banana 2",
    tokensBySize: { "512": 747, "1K": 1120, "2K": 1680, "4K": 2520 },
    usdPerMillionOutputTokens: 60,
    usdBySize: { "512": 0.045, "1K": 0.067, "2K": 0.101, "4K": 0.151 },
    outputMimeType: "image/png"
  },
  {
    kind: "image",
    id: "gemini-3-pro-image",
    name: "Nano Banana Pro",
    tokensBySize: { "1K": 1120, "2K": 1120, "4K": 2e3 },
    usdPerMillionOutputTokens: 120,
    usdBySize: { "1K": 0.134, "2K": 0.134, "4K": 0.24 },
    outputMimeType: "image/png"
  },
  {
    kind: "image",
    id: "gemini-nano-banana-2.1",
    name: "Nano Banana 2.1",
    tokensBySize: { "1K": 1120, "2K": 1680, "4K": 3767 },
    usdPerMillionOutputTokens: 30,
    usdBySize: { "1K": 0.0336, "2K": 0.0504, "4K": 0.113 },
    outputMimeType: "image/png"
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
    replacement: "gemini-3.1-flash-image"
  },
  {
    kind: "image",
    id: "gemini-3-pro-image-preview",
    name: "Nano Banana Pro (preview)",
    tokensBySize: { "1K": 1120, "2K": 1120, "4K": 2e3 },
    usdPerMillionOutputTokens: 120,
    usdBySize: { "1K": 0.134, "2K": 0.134, "4K": 0.24 },
    outputMimeType: "image/png",
    shutdownDate: "2026-06-25",
    replacement: "gemini-3-pro-image"
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
    replacement: "gemini-3.1-flash-image-preview"
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
    replacement: "gemini-2.5-flash-image"
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
    replacement: "gemini-2.5-flash-image"
  },
  {
    kind: "text",
    id: "gemini-3.5-flash",
    name: "Gemini 3.5 Flash (judge)",
    usdPerMillionInputTokens: 0.3,
    usdPerMillionOutputTokens: 2.5
  }
];
var DEFAULT_MODELS = { draft: "gemini-3.1-flash-lite-image", final: "gemini-3.1-flash-image" };
var JUDGE_TOKEN_ESTIMATE = { input: 1300, output: 100 };
function findModel(id, table = MODELS) {
  return table.find((m) => m.id === id);
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
function imageCostFromTokens(model, size, imageTokens, overrides = {}) {
  const listTokens = model.tokensBySize[size];
  const listPrice = imagePriceUsd(model, size, overrides);
  if (!listTokens) return imageTokens * model.usdPerMillionOutputTokens / 1e6;
  return listPrice * imageTokens / listTokens;
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
  "21:9": [1584, 672]
};
var SCALE = { "512": 0.5, "1K": 1, "2K": 2, "4K": 4 };
function pixelSize(aspectRatio, size) {
  const [w, h] = PIXELS_1K[aspectRatio];
  return { width: Math.round(w * SCALE[size]), height: Math.round(h * SCALE[size]) };
}
function aspectValue(aspectRatio) {
  const [w, h] = aspectRatio.split(":").map(Number);
  return w / h;
}
var JUDGE_MAX_OUTPUT_TOKENS = 1024;
function judgeCallCeilingUsd(model) {
  return (2 * JUDGE_TOKEN_ESTIMATE.input * model.usdPerMillionInputTokens + JUDGE_MAX_OUTPUT_TOKENS * model.usdPerMillionOutputTokens) / 1e6;
}
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
    if (!next || !isShutDown(next, now)) return current.replacement;
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
  findModel,
  supportedSizes,
  imagePriceUsd,
  imageCostFromTokens,
  pixelSize,
  aspectValue,
  JUDGE_MAX_OUTPUT_TOKENS,
  judgeCallCeilingUsd,
  judgeCallEstimateUsd,
  isShutDown,
  replacementFor,
  liveModelIds
};
