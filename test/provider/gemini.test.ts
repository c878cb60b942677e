import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { findModel, imagePriceUsd, JUDGE_MAX_OUTPUT_TOKENS, type ImageModel } from "../../src/models/catalog.js";
import { JudgeAnswerError } from "../../src/provider/errors.js";
import { createGeminiProvider } from "../../src/provider/gemini.js";
import { recordingGate } from "./fakes.js";

const LITE = "gemini-3.1-flash-lite-image";
const FLASH = "gemini-3.1-flash-image";
const JUDGE = "gemini-3.5-flash";
const PROMPT = "Minimal desert dunes at dusk, pastel palette, no text";

let emulator: RunningEmulator;
beforeEach(async () => {
  emulator = await startEmulator({ ...NO_FLAWS });
});
afterEach(async () => {
  await emulator.close();
});

function provider(extra: Parameters<typeof createGeminiProvider>[0] extends infer O ? Partial<O> : never = {}) {
  return createGeminiProvider({ apiKey: "test-key-1234", baseUrl: emulator.url, ...extra });
}

type Body = {
  contents: { role: string; parts: { text?: string; inlineData?: { mimeType: string; data: string } }[] }[];
  generationConfig: Record<string, unknown> & { imageConfig?: Record<string, unknown> };
};
const lastBody = () => emulator.recent.at(-1)?.body as Body;

describe("a draft comes back as an image with its usage and price", () => {
  it("returns Lite's JPEG at the documented pixel size, charged from its image tokens", async () => {
    const p = provider();
    const result = await p.generate({ model: LITE, prompt: PROMPT, seed: 7, aspectRatio: "16:9", imageSize: "1K" });
    expect(result.kind).toBe("image");
    if (result.kind !== "image") return;
    expect(result.image.mimeType).toBe("image/jpeg");
    const meta = await sharp(result.image.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 1376, 768]);
    expect(result.usage.imageTokens).toBe(1120);
    // The image's 1120 tokens at $30/M, plus the prompt and the text part at their own prices: the service's bill.
    expect(result.costUsd).toBeGreaterThan(0.0336);
    expect(result.costUsd).toBeCloseTo(micro(emulator.stats.billedUsd), 9);
    expect(p.calls).toBe(1);
    expect(emulator.stats.requests).toBe(1);
  });

  it("sends prompt, seed, aspect ratio and Lite's one size as generateContent expects", async () => {
    await provider().generate({ model: LITE, prompt: PROMPT, seed: 42, aspectRatio: "4:3", imageSize: "1K" });
    const body = lastBody();
    expect(body.contents[0]?.parts).toEqual([{ text: PROMPT }]);
    expect(body.generationConfig.responseModalities).toEqual(["IMAGE"]);
    expect(body.generationConfig.seed).toBe(42);
    // `imageSize: "1K"` is valid on Lite (DESIGN, facts); the output cap bounds the bill to two images and thinking.
    expect(body.generationConfig.imageConfig).toEqual({ aspectRatio: "4:3", imageSize: "1K" });
    expect(body.generationConfig.maxOutputTokens).toBe(2 * 1120 + 256);
  });

  it("asks the final model for the size in imageConfig and gets a JPEG that large", async () => {
    const result = await provider().generate({ model: FLASH, prompt: PROMPT, seed: 3, aspectRatio: "1:1", imageSize: "2K" });
    expect(lastBody().generationConfig.imageConfig).toEqual({ aspectRatio: "1:1", imageSize: "2K" });
    expect(result.kind).toBe("image");
    if (result.kind !== "image") return;
    const meta = await sharp(result.image.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 2048, 2048]);
    expect(result.costUsd).toBeCloseTo(micro(emulator.stats.billedUsd), 9);
    expect(result.costUsd).toBeGreaterThanOrEqual((1680 * 60) / 1e6);
  });

  it("honours the manifest's price override when charging from tokens", async () => {
    const result = await provider({ pricing: { [LITE]: { "1K": 0.05 } } }).generate({ model: LITE, prompt: PROMPT, seed: 1, aspectRatio: "1:1", imageSize: "1K" });
    const listed = emulator.stats.billedUsd;
    // The image's tokens at the overridden price; input and text at the catalog's.
    expect(result.costUsd).toBeCloseTo(micro(listed - 0.0336 + 0.05), 9);
  });

  it("falls back to the price table when the answer carries no usageMetadata", async () => {
    emulator.enqueue({ noUsage: true });
    const result = await provider().generate({ model: FLASH, prompt: PROMPT, seed: 1, aspectRatio: "1:1", imageSize: "1K" });
    expect(result.usage).toEqual({});
    const model = findModel(FLASH) as ImageModel;
    expect(result.costUsd).toBeGreaterThanOrEqual(imagePriceUsd(model, "1K"));
    expect(result.costUsd).toBeLessThan(imagePriceUsd(model, "1K") + 0.001);
  });

  it("keeps text the model sent before the image", async () => {
    emulator.enqueue({ text: "Here are the dunes you asked for." });
    const result = await provider().generate({ model: LITE, prompt: PROMPT, seed: 1, aspectRatio: "1:1", imageSize: "1K" });
    expect(result.kind).toBe("image");
    if (result.kind !== "image") return;
    expect(result.text).toBe("Here are the dunes you asked for.");
    expect((await sharp(result.image.data).metadata()).format).toBe("jpeg");
  });

  it("takes the last of several images, says how many came, and pays for all of them", async () => {
    emulator.enqueue({ images: 3 });
    const result = await provider().generate({ model: LITE, prompt: PROMPT, seed: 11, aspectRatio: "1:1", imageSize: "1K" });
    const billedForThree = emulator.stats.billedUsd;
    const alone = await provider().generate({ model: LITE, prompt: PROMPT, seed: 11, aspectRatio: "1:1", imageSize: "1K" });
    expect(result.kind === "image" && result.imageCount).toBe(3);
    expect(result.kind === "image" && alone.kind === "image" && result.image.data.equals(alone.image.data)).toBe(true);
    expect(result.costUsd).toBeCloseTo(micro(billedForThree), 9);
    expect(result.costUsd).toBeGreaterThan(3 * 0.0336);
  });

  it("skips thought parts (text and interim images) and keeps the final image", async () => {
    const pro = "gemini-3-pro-image";
    const result = await provider().generate({ model: pro, prompt: PROMPT, seed: 4, aspectRatio: "3:2", imageSize: "1K" });
    expect(result.kind).toBe("image");
    if (result.kind !== "image") return;
    expect(result.thoughtImages).toBe(1);
    expect(result.text).not.toContain("Sketching");
    const meta = await sharp(result.image.data).metadata();
    expect([meta.width, meta.height]).toEqual([1264, 848]);
    // Pro always thinks: its thoughtsTokenCount is billed at the text output price.
    expect(result.usage.thoughtsTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo(micro(emulator.stats.billedUsd), 9);
  });

  it("keeps an image that came with a finishReason other than STOP", async () => {
    const body = { candidates: [{ content: { role: "model", parts: [{ inlineData: { mimeType: "image/jpeg", data: (await sharp({ create: { width: 64, height: 64, channels: 3, background: "#808080" } }).jpeg().toBuffer()).toString("base64") } }] }, finishReason: "MAX_TOKENS" }] };
    const server = await serveOnce(body);
    try {
      const result = await createGeminiProvider({ apiKey: "test-key-1234", baseUrl: server.url }).generate({ model: LITE, prompt: PROMPT, seed: 1, aspectRatio: "1:1", imageSize: "1K" });
      expect(result).toMatchObject({ kind: "image", finishReason: "MAX_TOKENS" });
    } finally {
      await server.close();
    }
  });

  it("passes every attempt through the request gate and reports the success", async () => {
    const gate = recordingGate();
    await provider({ gate }).generate({ model: LITE, prompt: PROMPT, seed: 1, aspectRatio: "1:1", imageSize: "1K" });
    expect([gate.acquired, gate.successes, gate.throttles.length]).toEqual([1, 1, 0]);
  });
});

describe("a final is rendered from the accepted draft", () => {
  it("sends the draft as an inlineData part after the prompt, and the final resembles it", async () => {
    const p = provider();
    const draft = await p.generate({ model: LITE, prompt: PROMPT, seed: 5, aspectRatio: "16:9", imageSize: "1K" });
    if (draft.kind !== "image") throw new Error("draft expected");
    const final = await p.generate({ model: FLASH, prompt: PROMPT, seed: 5, aspectRatio: "16:9", imageSize: "2K", reference: draft.image });
    const parts = lastBody().contents[0]?.parts ?? [];
    expect(parts[0]).toEqual({ text: PROMPT });
    expect(parts[1]?.inlineData?.mimeType).toBe("image/jpeg");
    expect(Buffer.from(parts[1]?.inlineData?.data ?? "", "base64").equals(draft.image.data)).toBe(true);
    if (final.kind !== "image") throw new Error("final expected");
    const meta = await sharp(final.image.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 2752, 1536]);
    // The reference image is billed as input: about 1,120 tokens on Flash.
    expect(final.usage.promptTokens).toBeGreaterThan(1120);

    const unrelated = await p.generate({ model: FLASH, prompt: PROMPT, seed: 5, aspectRatio: "16:9", imageSize: "2K" });
    if (unrelated.kind !== "image") throw new Error("image expected");
    const gap = async (a: Buffer, b: Buffer) => meanAbsoluteDifference(await thumb(a), await thumb(b));
    expect(await gap(draft.image.data, final.image.data)).toBeLessThan(6);
    expect(await gap(draft.image.data, unrelated.image.data)).toBeGreaterThan(15);
  });
});

describe("the judge scores an image against a rubric", () => {
  it("asks the text model for JSON with a response schema and charges its tokens at text prices", async () => {
    const p = provider();
    const draft = await p.generate({ model: LITE, prompt: PROMPT, seed: 2, aspectRatio: "1:1", imageSize: "1K" });
    if (draft.kind !== "image") throw new Error("draft expected");
    const verdict = await p.judge({ model: JUDGE, image: draft.image, rubric: "Sharp, no text, no watermark" });
    const body = lastBody();
    expect(body.generationConfig.responseMimeType).toBe("application/json");
    expect(body.generationConfig.responseSchema).toMatchObject({ type: "OBJECT", required: ["score", "reason"] });
    // Output (thinking included) is capped, so the call cannot bill past what the ledger reserved.
    expect(body.generationConfig.maxOutputTokens).toBe(JUDGE_MAX_OUTPUT_TOKENS);
    expect(body.contents[0]?.parts[0]?.text).toContain("Sharp, no text, no watermark");
    expect(body.contents[0]?.parts[1]?.inlineData?.mimeType).toBe("image/jpeg");
    expect(verdict.score).toBeGreaterThanOrEqual(0);
    expect(verdict.score).toBeLessThanOrEqual(10);
    expect(verdict.reason.length).toBeGreaterThan(0);
    // Thinking is kept low so the answer fits its cap, and is billed at the output price with the answer.
    expect(body.generationConfig.thinkingConfig).toEqual({ thinkingLevel: "LOW" });
    const expected = ((verdict.usage.promptTokens ?? 0) * 1.5 + ((verdict.usage.outputTokens ?? 0) + (verdict.usage.thoughtsTokens ?? 0)) * 7.5) / 1e6;
    expect(verdict.usage.thoughtsTokens).toBeGreaterThan(0);
    expect(verdict.costUsd).toBeCloseTo(micro(expected), 12);
    expect(verdict.costUsd).toBeGreaterThan(0);
    expect(await p.judge({ model: JUDGE, image: draft.image, rubric: "Sharp" })).toMatchObject({ score: verdict.score });
  });

  it("scores a flat image lower than a clear one", async () => {
    const flat = await sharp({ create: { width: 512, height: 512, channels: 3, background: "#7a7a7a" } }).jpeg().toBuffer();
    const p = provider();
    const clear = await p.generate({ model: LITE, prompt: PROMPT, seed: 2, aspectRatio: "1:1", imageSize: "1K" });
    if (clear.kind !== "image") throw new Error("image expected");
    const low = await p.judge({ model: JUDGE, image: { mimeType: "image/jpeg", data: flat }, rubric: "Sharp" });
    const high = await p.judge({ model: JUDGE, image: clear.image, rubric: "Sharp" });
    expect(low.score).toBeLessThan(high.score);
    expect(low.score).toBeLessThan(3);
  });
});

async function thumb(image: Buffer): Promise<Buffer> {
  return sharp(image).resize(32, 32, { fit: "fill" }).greyscale().raw().toBuffer();
}

function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

describe("a judge answer that ignores the schema", () => {
  it("fails with what it said and what it was billed, so the ledger can book the call", async () => {
    const p = provider();
    const draft = await p.generate({ model: LITE, prompt: PROMPT, seed: 3, aspectRatio: "1:1", imageSize: "1K" });
    if (draft.kind !== "image") throw new Error("draft expected");
    emulator.enqueue({ text: "Looks sharp to me, maybe an 8." });
    const error = await p.judge({ model: JUDGE, image: draft.image, rubric: "Sharp" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JudgeAnswerError);
    expect((error as JudgeAnswerError).message).toMatch(/did not answer with \{score, reason\}: not JSON: "Looks sharp/);
    expect((error as JudgeAnswerError).costUsd).toBeGreaterThan(0);
  });
});

/** USD to the micro-dollar, as the provider books every cost (the ledger's unit). */
function micro(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** A loopback server that answers every request with `body`: for answer shapes the emulator does not make. */
async function serveOnce(body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
