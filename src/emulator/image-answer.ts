import { randomBytes } from "node:crypto";
import { ASPECT_RATIOS, pixelSize, type AspectRatio, type ImageModel, type ImageSize } from "../models/catalog.js";
import { bill, responseId, type Answer, type Part, type RequestBody } from "./answer.js";
import type { FaultRates, ScriptedAnswer } from "./faults.js";
import { corrupt, hashUnit, paint, paintFromReference, pictureKind, type OutputMime, type PictureKind } from "./painter.js";
import type { AnswerShape } from "./profiles.js";

/**
 * An image model's answer: pictures at the size the profile's geometry gives, in its format, with
 * a text part, thought parts from thinking models, blocks and corrupt bytes at their rates, and
 * the usage the service bills.
 */

/** The image config a request may ask for, once the service has checked it. */
export interface ImageConfig {
  aspectRatio: AspectRatio;
  imageSize: ImageSize;
}

/** The size checks the service makes; a message for a 400, or the resolved config. */
export function checkImageRequest(model: ImageModel, body: RequestBody): string | ImageConfig {
  const config = body.generationConfig?.imageConfig ?? {};
  const aspectRatio = config.aspectRatio ?? "1:1";
  const ratios: readonly string[] = model.aspectRatios ?? ASPECT_RATIOS;
  if (!ratios.includes(aspectRatio)) {
    return `Unsupported aspect ratio "${aspectRatio}" for models/${model.id}. Supported values: ${ratios.join(", ")}.`;
  }
  const sizes = Object.keys(model.tokensBySize) as ImageSize[];
  // The one size of a single-size model (Lite's 1K) is a valid imageSize (DESIGN, facts).
  const imageSize = (config.imageSize ?? "1K") as ImageSize;
  if (!sizes.includes(imageSize)) {
    return `Image size "${imageSize}" is not supported for models/${model.id}. Supported sizes: ${sizes.join(", ")}.`;
  }
  return { aspectRatio: aspectRatio as AspectRatio, imageSize };
}

export interface ImageAnswerOptions {
  shape: AnswerShape;
  rates: FaultRates;
  /** The emulator's one stream of draws: seeds not given, corrupt bytes. */
  random: () => number;
}

export class ImageAnswers {
  /** Encoded pictures by request, so retries and reruns cost nothing to draw again. */
  private readonly cache = new PictureCache(96, 256 * 1024 * 1024);

  constructor(private readonly settings: ImageAnswerOptions) {}

  async answer(model: ImageModel, body: RequestBody, parts: Part[], config: ImageConfig, script: ScriptedAnswer | undefined): Promise<Answer> {
    const { shape, rates, random } = this.settings;
    const prompt = parts.map((p) => p.text ?? "").join("\n").trim();
    const references = parts.filter((p) => p.inlineData?.data);
    const reference = references[0]?.inlineData;
    const seed = body.generationConfig?.seed ?? Math.floor(random() * 2 ** 31);
    const geometry = shape.geometry ?? model.geometry ?? "gemini-3";
    const mimeType = (shape.mimeType ?? model.outputMimeType) as OutputMime;
    // Sizes of the images this answer holds: the asked one, a 1K one instead, or a 1K one first.
    const answeredSize: ImageSize = shape.undersized && (config.imageSize === "2K" || config.imageSize === "4K") ? "1K" : config.imageSize;
    const sizes: ImageSize[] = shape.twoImages && answeredSize !== "1K" && model.tokensBySize["1K"] !== undefined ? ["1K", answeredSize] : shape.twoImages ? [answeredSize, answeredSize] : [answeredSize];
    const inputImageTokens = references.length * (model.inputImageTokens ?? 560);
    const textInTokens = Math.max(1, Math.ceil(prompt.length / 4));
    const promptTokens = textInTokens + inputImageTokens;
    // Thinking models think before drawing: Pro always, Flash on some seeds (DESIGN, facts).
    const thinks = model.thinks === "always" || (model.thinks === "sometimes" && hashUnit("thinks", model.id, prompt, seed) < 0.3);
    const thoughtsTokens = thinks ? (model.thinks === "always" ? 337 : 120) : 0;
    let billedUsd = 0;
    const usage = (imageTokens: number, textTokens = 0) => {
      if (script?.noUsage) return {};
      const output = imageTokens + textTokens;
      billedUsd = bill(model, promptTokens, imageTokens, textTokens + thoughtsTokens);
      return {
        usageMetadata: {
          promptTokenCount: promptTokens,
          ...(output > 0 ? { candidatesTokenCount: output } : {}),
          ...(thoughtsTokens > 0 ? { thoughtsTokenCount: thoughtsTokens } : {}),
          totalTokenCount: promptTokens + output + thoughtsTokens,
          promptTokensDetails: [{ modality: "TEXT", tokenCount: textInTokens }, ...(inputImageTokens ? [{ modality: "IMAGE", tokenCount: inputImageTokens }] : [])],
          ...(output > 0
            ? {
                candidatesTokensDetails: [
                  ...(textTokens > 0 ? [{ modality: "TEXT", tokenCount: textTokens }] : []),
                  ...(imageTokens > 0 ? [{ modality: "IMAGE", tokenCount: imageTokens }] : []),
                ],
              }
            : {}),
        },
      };
    };
    const envelope = { modelVersion: model.id, responseId: responseId() };
    const blocked = script?.blockReason || script?.finishReason ? undefined : this.blockFor(model.id, prompt, seed);
    const blockReason = script?.blockReason ?? (blocked === "prompt" ? "PROHIBITED_CONTENT" : undefined);
    if (blockReason) {
      const answerBody = { promptFeedback: { blockReason }, ...usage(0), ...envelope };
      return { body: answerBody, summary: `prompt blocked (${blockReason})`, billedUsd, images: 0, blocked: true };
    }
    const finishReason = script?.finishReason ?? (blocked === "image" ? "IMAGE_SAFETY" : undefined);
    if (finishReason && finishReason !== "STOP") {
      const answerBody = { candidates: [{ content: { role: "model", parts: [] }, finishReason, index: 0 }], ...usage(0), ...envelope };
      return { body: answerBody, summary: `finishReason ${finishReason}`, billedUsd, images: 0, blocked: true };
    }
    const count = script?.images ?? sizes.length;
    const kind: PictureKind = pictureKind(model.id, prompt, seed, rates);
    const images: { data: string; size: ImageSize; width: number; height: number }[] = [];
    for (let i = 0; i < count; i++) {
      const size = sizes[Math.min(i, sizes.length - 1)] as ImageSize;
      const { width, height } = pixelSize(config.aspectRatio, size, geometry);
      // The last image is the answer; earlier ones (a 1K first) are drawn from the next seed, as a different take.
      const drawSeed = seed + (count - 1 - i);
      const key = [model.id, prompt, drawSeed, width, height, kind, mimeType, reference ? hashUnit(reference.data ?? "") : "-"].join("\u0000");
      let data = this.cache.get(key);
      if (data === undefined) {
        const bytes = reference?.data
          ? await paintFromReference(Buffer.from(reference.data, "base64"), width, height, mimeType)
          : await paint({ model: model.id, prompt, seed: drawSeed, width, height, mimeType, kind: i === count - 1 ? kind : "normal" });
        data = bytes.toString("base64");
        this.cache.set(key, data);
      }
      images.push({ data, size, width, height });
    }
    const broken = script?.corrupt ?? (rates.corruptRate > 0 && random() < rates.corruptRate);
    const last = images[images.length - 1];
    if (broken && last) last.data = corrupt(Buffer.from(last.data, "base64"), seed).toString("base64");
    // A text part comes before the image, as the real models answer (DESIGN, facts); a scripted one replaces it.
    const text = script?.text ?? (images.length > 0 ? "Here is the image you asked for." : "");
    const textTokens = text ? Math.ceil(text.length / 4) : 0;
    const thoughtParts = thinks && images.length > 0 ? await this.thoughtPartsFor(model, prompt, seed) : [];
    const signature = () => randomBytes(24).toString("base64");
    const answerParts = [
      ...thoughtParts,
      ...(text ? [{ text, ...(thinks ? { thoughtSignature: signature() } : {}) }] : []),
      ...images.map((image) => ({ inlineData: { mimeType, data: image.data }, thoughtSignature: signature() })),
    ];
    const imageTokens = images.reduce((sum, image) => sum + (model.tokensBySize[image.size] ?? 0), 0);
    const described = images.map((image) => `${image.width}x${image.height}`).join(" + ");
    const answerUsage = usage(imageTokens, textTokens);
    return {
      billedUsd,
      body: {
        candidates: [{ content: { role: "model", parts: answerParts }, finishReason: "STOP", index: 0 }],
        ...answerUsage,
        ...envelope,
      },
      summary: images.length === 0 ? "text only" : `${images.length > 1 ? `${images.length} images` : "image"} ${described} ${mimeType}${broken ? " (corrupt)" : ""}${kind !== "normal" && !reference ? ` (${kind})` : ""}`,
      images: images.length,
      blocked: false,
    };
  }

  /** An interim thought image and a line of thought text, both `thought: true`: what a thinking model sends first. */
  private async thoughtPartsFor(model: ImageModel, prompt: string, seed: number): Promise<Part[]> {
    const key = ["thought", model.id, prompt, seed].join("\u0000");
    let data = this.cache.get(key);
    if (data === undefined) {
      data = (await paint({ model: model.id, prompt, seed: seed + 7919, width: 256, height: 256, mimeType: "image/jpeg", kind: "normal" })).toString("base64");
      this.cache.set(key, data);
    }
    return [
      { text: "Sketching the composition before the final image.", thought: true },
      { inlineData: { mimeType: "image/jpeg", data }, thought: true } as Part,
    ];
  }

  /** Deterministic blocks for a share of (model, prompt, seed): half on the prompt, half on the image. */
  private blockFor(model: string, prompt: string, seed: number): "prompt" | "image" | undefined {
    const { blockRate } = this.settings.rates;
    const u = hashUnit("block", model, prompt, seed);
    if (u >= blockRate) return undefined;
    return u < blockRate / 2 ? "prompt" : "image";
  }
}

/** Encoded pictures by request, least recently used out first, within a count and a byte budget. */
class PictureCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}
  get(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  set(key: string, value: string): void {
    this.entries.set(key, value);
    this.bytes += value.length;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const [oldest, data] = this.entries.entries().next().value as [string, string];
      this.entries.delete(oldest);
      this.bytes -= data.length;
    }
  }
}
