import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/emulator.js";
import { ASPECT_RATIOS, MODELS, pixelSize, supportedSizes, type ImageModel } from "../../src/models/catalog.js";

const LITE = "gemini-3.1-flash-lite-image";
const FLASH = "gemini-3.1-flash-image";
const PROMPT = "Minimal desert dunes at dusk, pastel palette, no text";

const started: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()));
});

async function emulate(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const e = await startEmulator(options);
  started.push(e);
  return e;
}

interface Answer {
  status: number;
  image?: Buffer;
  mimeType?: string;
  finishReason?: string;
  blockReason?: string;
}

async function draw(e: RunningEmulator, model: string, seed: number, imageConfig: Record<string, string> = {}, prompt = PROMPT, reference?: Buffer): Promise<Answer> {
  const parts: unknown[] = [{ text: prompt }];
  if (reference) parts.push({ inlineData: { mimeType: "image/jpeg", data: reference.toString("base64") } });
  const response = await fetch(`${e.url}/v1beta/models/${model}:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": "pictures-key" },
    body: JSON.stringify({ contents: [{ role: "user", parts }], generationConfig: { responseModalities: ["IMAGE"], imageConfig, seed } }),
  });
  const body = (await response.json()) as {
    candidates?: { finishReason: string; content: { parts: { thought?: boolean; inlineData?: { mimeType: string; data: string } }[] } }[];
    promptFeedback?: { blockReason: string };
  };
  const candidate = body.candidates?.[0];
  // The answer is the last image that is not a thought (thinking models send interim ones first).
  const inline = candidate?.content.parts.filter((p) => p.inlineData && !p.thought).at(-1)?.inlineData;
  return {
    status: response.status,
    ...(inline ? { image: Buffer.from(inline.data, "base64"), mimeType: inline.mimeType } : {}),
    ...(candidate ? { finishReason: candidate.finishReason } : {}),
    ...(body.promptFeedback ? { blockReason: body.promptFeedback.blockReason } : {}),
  };
}

/** What a screen measures, from one shrunken decode: mean luma, its spread, and a 64-bit difference hash. */
async function measure(image: Buffer): Promise<{ mean: number; contrast: number; hash: bigint }> {
  const side = 64;
  const grey = await sharp(image).greyscale().resize(side, side, { fit: "fill" }).raw().toBuffer();
  let sum = 0;
  let sumSq = 0;
  for (const v of grey) {
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / grey.length;
  const small = await sharp(grey, { raw: { width: side, height: side, channels: 1 } }).greyscale().resize(9, 8, { fit: "fill" }).raw().toBuffer();
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) hash = (hash << 1n) | ((small[y * 9 + x] as number) > (small[y * 9 + x + 1] as number) ? 1n : 0n);
  }
  return { mean, contrast: Math.sqrt(Math.max(0, sumSq / grey.length - mean * mean)), hash };
}

/** Runs `f` for 1..n, a few at a time, keeping the order of results. */
async function each<T>(from: number, to: number, f: (seed: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = from; start <= to; start += 8) {
    const batch = [];
    for (let seed = start; seed <= Math.min(to, start + 7); seed++) batch.push(f(seed));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

function distance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let bits = 0;
  while (x) {
    bits += Number(x & 1n);
    x >>= 1n;
  }
  return bits;
}

describe("pictures are deterministic in (model, prompt, seed)", () => {
  it("the same request gives identical bytes, even from a fresh emulator", async () => {
    const a = await draw(await emulate(NO_FLAWS), LITE, 17);
    const b = await draw(await emulate(NO_FLAWS), LITE, 17);
    expect(a.image?.equals(b.image as Buffer)).toBe(true);
  });

  it("another seed, prompt or model gives a different picture", async () => {
    const e = await emulate(NO_FLAWS);
    const base = await measure((await draw(e, LITE, 17)).image as Buffer);
    const otherSeed = await measure((await draw(e, LITE, 18)).image as Buffer);
    const otherPrompt = await measure((await draw(e, LITE, 17, {}, "A lighthouse at night")).image as Buffer);
    const otherModel = await measure((await draw(e, FLASH, 17, { imageSize: "1K" })).image as Buffer);
    for (const other of [otherSeed, otherPrompt, otherModel]) expect(distance(base.hash, other.hash)).toBeGreaterThan(6);
  });
});

describe("pictures come at the documented pixel size and format", () => {
  it("every aspect ratio of Lite at 1K is a JPEG of pixelSize()", async () => {
    const e = await emulate(NO_FLAWS);
    const lite = MODELS.find((m) => m.id === LITE) as ImageModel;
    for (const aspectRatio of lite.aspectRatios) {
      const answer = await draw(e, LITE, 1, { aspectRatio, imageSize: "1K" });
      const meta = await sharp(answer.image as Buffer).metadata();
      const want = pixelSize(aspectRatio, "1K");
      expect([answer.mimeType, meta.format, meta.width, meta.height]).toEqual(["image/jpeg", "jpeg", want.width, want.height]);
    }
  });

  it("every size of every other image model is its catalog format (JPEG for 3.x) at pixelSize(), and every ratio it lists is taken", async () => {
    const e = await emulate(NO_FLAWS);
    const live = MODELS.filter((m): m is ImageModel => m.kind === "image" && m.id !== LITE && !m.shutdownDate);
    for (const model of live) {
      for (const size of supportedSizes(model)) {
        const answer = await draw(e, model.id, 1, { aspectRatio: "9:16", imageSize: size });
        const meta = await sharp(answer.image as Buffer).metadata();
        const want = pixelSize("9:16", size);
        const format = model.outputMimeType === "image/png" ? "png" : "jpeg";
        expect([model.id, size, answer.mimeType, meta.format, meta.width, meta.height]).toEqual([model.id, size, model.outputMimeType, format, want.width, want.height]);
      }
      for (const aspectRatio of model.aspectRatios) expect((await draw(e, model.id, 2, { aspectRatio, imageSize: "1K" })).status, `${model.id} ${aspectRatio}`).toBe(200);
    }
    expect(ASPECT_RATIOS).toHaveLength(14);
  });
});

describe("flaws appear at the rates asked for, so screening has real work", () => {
  it("about the configured share of 200 seeds is too dark, flat, or a near-copy of the previous seed", async () => {
    const e = await emulate({ ...NO_FLAWS, darkRate: 0.15, flatRate: 0.15, duplicateRate: 0.2 });
    const measured = await each(0, 200, async (seed) => measure((await draw(e, FLASH, seed, { aspectRatio: "1:1", imageSize: "512" })).image as Buffer));
    let dark = 0;
    let flat = 0;
    let nearCopies = 0;
    let normal = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const m = measured[seed] as Awaited<ReturnType<typeof measure>>;
      const previous = measured[seed - 1] as Awaited<ReturnType<typeof measure>>;
      if (m.mean < 20) dark++;
      else if (m.contrast < 8) flat++;
      else if (distance(m.hash, previous.hash) <= 6) nearCopies++;
      else normal++;
      if (m.mean >= 20 && m.contrast >= 8) expect(m.mean).toBeLessThanOrEqual(235);
    }
    // Binomial spread on 200 draws: expected 30 dark, 30 flat; a near-copy is only visible when the
    // seed before it was drawn clean (half the time), so about 200 × 0.2 × 0.5 = 20.
    expect(dark).toBeGreaterThanOrEqual(15);
    expect(dark).toBeLessThanOrEqual(47);
    expect(flat).toBeGreaterThanOrEqual(15);
    expect(flat).toBeLessThanOrEqual(47);
    expect(nearCopies).toBeGreaterThanOrEqual(8);
    expect(nearCopies).toBeLessThanOrEqual(34);
    expect(normal).toBeGreaterThanOrEqual(80);
  });

  it("with no flaws asked for, 100 seeds all pass brightness, contrast and uniqueness checks", async () => {
    const e = await emulate(NO_FLAWS);
    const hashes: bigint[] = [];
    const all = await each(1, 100, async (seed) => measure((await draw(e, FLASH, seed, { aspectRatio: "16:9", imageSize: "512" })).image as Buffer));
    for (const m of all) {
      expect(m.mean).toBeGreaterThanOrEqual(20);
      expect(m.mean).toBeLessThanOrEqual(235);
      expect(m.contrast).toBeGreaterThanOrEqual(8);
      hashes.push(m.hash);
    }
    let closePairs = 0;
    for (let i = 0; i < hashes.length; i++) for (let j = i + 1; j < hashes.length; j++) if (distance(hashes[i] as bigint, hashes[j] as bigint) <= 6) closePairs++;
    // 4,950 pairs: a rare accidental look-alike is fine, a pattern is not.
    expect(closePairs).toBeLessThanOrEqual(5);
  });

  it("the default rates accept roughly 60-75 % of Lite drafts under the default screen rules", async () => {
    const e = await emulate();
    const accepted: bigint[] = [];
    const drafts = 200;
    const measured = await each(1, drafts, async (seed) => {
      const answer = await draw(e, LITE, seed, { aspectRatio: "16:9" });
      return answer.image ? measure(answer.image).catch(() => undefined) : undefined;
    });
    for (const m of measured) {
      if (!m || m.mean < 20 || m.mean > 235 || m.contrast < 8) continue;
      if (accepted.some((h) => distance(h, m.hash) <= 6)) continue;
      accepted.push(m.hash);
    }
    const rate = accepted.length / drafts;
    expect(rate).toBeGreaterThanOrEqual(0.6);
    expect(rate).toBeLessThanOrEqual(0.8);
    expect(e.stats.blocked).toBeGreaterThan(0);
  });

  it("blockRate blocks a share of seeds, half on the prompt and half on the image, the same way every time", async () => {
    const e = await emulate({ ...NO_FLAWS, blockRate: 0.3 });
    const outcome = async (seed: number) => {
      const a = await draw(e, LITE, seed);
      return a.blockReason ? `prompt:${a.blockReason}` : a.finishReason === "STOP" ? "image" : `image:${a.finishReason}`;
    };
    const first = [];
    for (let seed = 1; seed <= 60; seed++) first.push(await outcome(seed));
    const again = [];
    for (let seed = 1; seed <= 60; seed++) again.push(await outcome(seed));
    expect(again).toEqual(first);
    const prompts = first.filter((o) => o === "prompt:PROHIBITED_CONTENT").length;
    const images = first.filter((o) => o === "image:IMAGE_SAFETY").length;
    expect(prompts).toBeGreaterThan(0);
    expect(images).toBeGreaterThan(0);
    expect(prompts + images).toBeGreaterThanOrEqual(6);
    expect(prompts + images).toBeLessThanOrEqual(32);
    expect(e.stats.blocked).toBe(2 * (prompts + images));
  });

  it("corruptRate gives image bytes that no decoder accepts", async () => {
    const e = await emulate({ ...NO_FLAWS, corruptRate: 1 });
    for (const [model, size] of [
      [LITE, undefined],
      [FLASH, "512"],
    ] as const) {
      const answer = await draw(e, model, 3, size ? { imageSize: size } : {});
      expect(answer.finishReason).toBe("STOP");
      await expect(sharp(answer.image as Buffer).raw().toBuffer()).rejects.toThrow();
    }
  });
});

describe("a final drawn with a reference resembles the reference", () => {
  it("keeps the draft's composition at the final size, and differs from a final drawn without it", async () => {
    const e = await emulate(NO_FLAWS);
    const draft = (await draw(e, LITE, 8, { aspectRatio: "4:3" })).image as Buffer;
    const final = (await draw(e, FLASH, 8, { aspectRatio: "4:3", imageSize: "2K" }, PROMPT, draft)).image as Buffer;
    const fresh = (await draw(e, FLASH, 8, { aspectRatio: "4:3", imageSize: "2K" })).image as Buffer;
    const meta = await sharp(final).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 2400, 1792]);
    const [d, f, n] = await Promise.all([measure(draft), measure(final), measure(fresh)]);
    // Close enough that a screen would call it a duplicate of its draft.
    expect(distance(d.hash, f.hash)).toBeLessThanOrEqual(6);
    expect(Math.abs(d.mean - f.mean)).toBeLessThan(5);
    expect(distance(d.hash, n.hash)).toBeGreaterThan(6);
  });
});

describe("the judge model scores images deterministically", () => {
  it("the same image gets the same score; a flat image scores below a clear one", async () => {
    const e = await emulate(NO_FLAWS);
    const clear = (await draw(e, LITE, 4)).image as Buffer;
    const flat = (await draw(await emulate({ ...NO_FLAWS, flatRate: 1 }), LITE, 4)).image as Buffer;
    const judge = async (image: Buffer) => {
      const response = await fetch(`${e.url}/v1beta/models/gemini-3.5-flash:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": "k" },
        body: JSON.stringify({
          contents: [{ role: "user", parts: [{ text: "Rubric: sharp" }, { inlineData: { mimeType: "image/jpeg", data: image.toString("base64") } }] }],
          generationConfig: { responseMimeType: "application/json" },
        }),
      });
      const body = (await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
      return JSON.parse(body.candidates[0]?.content.parts[0]?.text ?? "") as { score: number; reason: string };
    };
    const first = await judge(clear);
    expect(await judge(clear)).toEqual(first);
    const low = await judge(flat);
    expect(low.score).toBeLessThan(first.score);
    expect(low.reason).toMatch(/contrast/i);
  });
});
