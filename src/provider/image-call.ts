import type { GenerateContentResponse, Part } from "@google/genai";
import type { Logger } from "../logger.js";
import {
  IMAGE_SIZES,
  batchShareOf,
  type CallRoute,
  imageCallCostUsd,
  imageCallMaxOutputTokens,
  imagePriceUsd,
  inputTokenBound,
  type ImageModel,
  type ImageSize,
  type PricingOverrides,
} from "../models/catalog.js";
import { roundUsd } from "../money.js";
import { answerText, readUsage, truncate } from "./answer.js";
import { redact } from "./errors.js";
import type { ImageRequest, ImageResult, RejectionReason, Usage } from "./provider.js";

/** One image call: the generateContent request for a draft or a final, and reading its answer into an image, a rejection and a bill. */

/** The generateContent request for one image, as the SDK takes it (also what a batch job holds). */
export interface ImageCall {
  contents: { role: string; parts: Part[] }[];
  config: { responseModalities: string[]; imageConfig: { aspectRatio: string; imageSize?: string }; seed: number; maxOutputTokens?: number };
}

export function imageCall(model: ImageModel, request: ImageRequest): ImageCall {
  const parts: Part[] = [{ text: request.prompt }];
  if (request.reference) {
    parts.push({ inlineData: { mimeType: request.reference.mimeType, data: request.reference.data.toString("base64") } });
  }
  const size = asImageSize(request.imageSize);
  return {
    contents: [{ role: "user", parts }],
    config: {
      responseModalities: ["IMAGE"],
      // `imageSize: "1K"` is valid on Lite too (DESIGN, facts).
      imageConfig: { aspectRatio: request.aspectRatio, imageSize: request.imageSize },
      seed: request.seed,
      // Thinking counts against this cap: it bounds the bill to what the ledger reserved.
      ...(size ? { maxOutputTokens: imageCallMaxOutputTokens(model, size) } : {}),
    },
  };
}

/** What reading an image answer needs besides the answer. */
export interface ImageAnswerReading {
  /** Redacted from every message that quotes the service. */
  apiKey: string;
  pricing: PricingOverrides;
  logger: Logger;
}

const KNOWN_FINISH_REJECTIONS = new Set<string>([
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "IMAGE_OTHER",
  "NO_IMAGE",
  "SAFETY",
  "PROHIBITED_CONTENT",
  "RECITATION",
  "BLOCKLIST",
  "SPII",
  "OTHER",
]);

/** An answer to `imageCall(model, request)`, read at the price of the way it came (a batch job's share of the interactive bill). */
export function readImageAnswer(response: GenerateContentResponse, model: ImageModel, request: ImageRequest, reading: ImageAnswerReading, route: CallRoute = "interactive"): ImageResult {
  const result = readInteractive(response, model, request, reading);
  return route === "batch" ? { ...result, costUsd: roundUsd(result.costUsd * batchShareOf(model)) } : result;
}

function readInteractive(response: GenerateContentResponse, model: ImageModel, request: ImageRequest, reading: ImageAnswerReading): ImageResult {
  const usage = readUsage(response);
  const candidate = response.candidates?.[0];
  const allParts = candidate?.content?.parts ?? [];
  // Thought parts (interim "thought images" and thought text) are never the answer.
  const images = allParts.filter((p) => !p.thought && p.inlineData?.data);
  const thoughtImages = allParts.filter((p) => p.thought && p.inlineData?.data).length;
  const costUsd = roundUsd(billImageCall(model, asImageSize(request.imageSize), usage, images.length, request, reading.pricing));
  const text = answerText(response);
  const blockReason = response.promptFeedback?.blockReason;
  // An answer that holds an image is an image, whatever its finishReason says.
  const last = images[images.length - 1]?.inlineData;
  if (last?.data) {
    if (images.length > 1) reading.logger.debug(`${model.id} returned ${images.length} images in one answer; seedlock keeps the last`);
    const finishReason = candidate?.finishReason;
    return {
      kind: "image",
      image: { mimeType: last.mimeType ?? model.outputMimeType, data: Buffer.from(last.data, "base64") },
      usage,
      costUsd,
      ...(text ? { text } : {}),
      imageCount: images.length,
      ...(thoughtImages ? { thoughtImages } : {}),
      ...(finishReason && finishReason !== "STOP" ? { finishReason } : {}),
    };
  }
  if (blockReason && blockReason !== "BLOCKED_REASON_UNSPECIFIED") {
    const said = response.promptFeedback?.blockReasonMessage;
    return rejected(`PROMPT_${blockReason}`, `the prompt was blocked (${blockReason})${said ? `: ${said}` : ""}`);
  }
  if (!candidate) return rejected("NO_IMAGE", "the response held no candidate");
  const finishReason = candidate.finishReason;
  if (finishReason && finishReason !== "STOP") {
    const reason = (KNOWN_FINISH_REJECTIONS.has(finishReason) ? finishReason : "OTHER") as RejectionReason;
    const said = candidate.finishMessage ?? (text || undefined);
    return rejected(reason, `generation stopped with finishReason ${finishReason}${said ? `: ${truncate(said)}` : ""}`);
  }
  return rejected("NO_IMAGE", text ? `the model answered with text only: "${truncate(text)}"` : "the model returned no image");

  function rejected(reason: RejectionReason, message: string): ImageResult {
    return { kind: "rejected", reason, message: redact(message, reading.apiKey), usage, costUsd };
  }
}

/**
 * The whole bill of one image call from its usage: input (prompt and input images), thinking and
 * text at the text price, image tokens at the image price. Without usage: the price table.
 */
function billImageCall(model: ImageModel, size: ImageSize | undefined, usage: Usage, imagesReturned: number, request: ImageRequest, pricing: PricingOverrides): number {
  if (usage.promptTokens === undefined && usage.outputTokens === undefined && usage.thoughtsTokens === undefined) {
    if (imagesReturned === 0) return 0;
    const input = inputTokenBound(request.prompt, request.reference ? 1 : 0, model.inputImageTokens);
    const perImage = size && model.tokensBySize[size] !== undefined ? imagePriceUsd(model, size, pricing) : 0;
    return (input * model.usdPerMillionInputTokens) / 1e6 + imagesReturned * perImage;
  }
  const output = usage.outputTokens ?? 0;
  // Without a per-modality split, an answer with an image is billed as image tokens (the dearer kind).
  const imageTokens = usage.imageTokens ?? (imagesReturned > 0 ? output : 0);
  const textTokens = Math.max(0, output - imageTokens) + (usage.thoughtsTokens ?? 0);
  return imageCallCostUsd(model, size, { promptTokens: usage.promptTokens ?? 0, imageTokens, textTokens }, pricing);
}

function asImageSize(size: string): ImageSize | undefined {
  return IMAGE_SIZES.includes(size as ImageSize) ? (size as ImageSize) : undefined;
}
