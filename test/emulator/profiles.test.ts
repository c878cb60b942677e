import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/emulator.js";
import { PROFILE_NAMES, PROFILES } from "../../src/emulator/profiles.js";
import { seedlock } from "../support/cli.js";

const KEY = "profiles-key";
const running: RunningEmulator[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) await e.close();
});

async function emulate(options: EmulatorOptions): Promise<RunningEmulator> {
  const e = await startEmulator({ ...NO_FLAWS, ...options });
  running.push(e);
  return e;
}

interface Answer {
  status: number;
  body: {
    candidates?: { finishReason?: string; content: { parts: { text?: string; thought?: boolean; inlineData?: { mimeType: string; data: string } }[] } }[];
    usageMetadata?: { thoughtsTokenCount?: number; candidatesTokensDetails?: { modality: string; tokenCount: number }[] };
    error?: { status: string; message: string; details?: { "@type": string; violations?: { quotaId: string }[]; retryDelay?: string }[] };
  };
}

async function post(e: RunningEmulator, model: string, generationConfig: Record<string, unknown>, parts: unknown[] = [{ text: "A lighthouse on a cliff" }]): Promise<Answer> {
  const response = await fetch(`${e.url}/v1beta/models/${model}:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": KEY },
    body: JSON.stringify({ contents: [{ role: "user", parts }], generationConfig }),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

async function imagesOf(answer: Answer): Promise<{ format?: string; width?: number; height?: number }[]> {
  const parts = answer.body.candidates?.[0]?.content.parts.filter((p) => p.inlineData && !p.thought) ?? [];
  return Promise.all(parts.map(async (p) => sharp(Buffer.from(p.inlineData!.data, "base64")).metadata()));
}

const draw = (imageConfig: Record<string, string>) => ({ responseModalities: ["IMAGE"], imageConfig, seed: 5 });

describe("each profile answers the way its source says the service does", () => {
  it("gemini-2.5-geometry: 3:2 1248×832, 4:3 1184×864, 21:9 1536×672, and 3:2 2496×1664 at 2K", async () => {
    const e = await emulate({ profile: "gemini-2.5-geometry" });
    const sizes = [];
    for (const [aspectRatio, imageSize] of [["3:2", "1K"], ["4:3", "1K"], ["21:9", "1K"], ["3:2", "2K"]]) {
      const [image] = await imagesOf(await post(e, "gemini-nano-banana-2.1", draw({ aspectRatio: aspectRatio!, imageSize: imageSize! })));
      sizes.push([image!.width, image!.height]);
    }
    expect(sizes).toEqual([[1248, 832], [1184, 864], [1536, 672], [2496, 1664]]);
  });

  it("undersized: a 1K image for a 2K request, billed as 1K", async () => {
    const e = await emulate({ profile: "undersized" });
    const answer = await post(e, "gemini-nano-banana-2.1", draw({ aspectRatio: "16:9", imageSize: "2K" }));
    expect((await imagesOf(answer)).map((m) => [m.width, m.height])).toEqual([[1376, 768]]);
    expect(answer.body.usageMetadata?.candidatesTokensDetails).toContainEqual({ modality: "IMAGE", tokenCount: 1120 });
  });

  it("two-images: a 1K image first, then the size asked for, both billed", async () => {
    const e = await emulate({ profile: "two-images" });
    const answer = await post(e, "gemini-nano-banana-2.1", draw({ aspectRatio: "1:1", imageSize: "2K" }));
    expect((await imagesOf(answer)).map((m) => [m.width, m.height])).toEqual([[1024, 1024], [2048, 2048]]);
    expect(answer.body.usageMetadata?.candidatesTokensDetails).toContainEqual({ modality: "IMAGE", tokenCount: 1120 + 1680 });
  });

  it("png: PNG from a model that answers JPEG by default", async () => {
    const plain = await emulate({});
    const png = await emulate({ profile: "png" });
    expect((await imagesOf(await post(plain, "gemini-nano-banana-2.1", draw({ imageSize: "1K" }))))[0]!.format).toBe("jpeg");
    expect((await imagesOf(await post(png, "gemini-nano-banana-2.1", draw({ imageSize: "1K" }))))[0]!.format).toBe("png");
  });

  it("gemini-3: Pro sends a thought text and a thought image before its answer, and bills the thinking", async () => {
    const e = await emulate({});
    const answer = await post(e, "gemini-3-pro-image", draw({ aspectRatio: "1:1", imageSize: "1K" }));
    const parts = answer.body.candidates![0]!.content.parts;
    expect(parts.filter((p) => p.thought).map((p) => (p.inlineData ? "image" : "text"))).toEqual(["text", "image"]);
    expect(parts.at(-1)?.thought).toBeUndefined();
    expect(answer.body.usageMetadata?.thoughtsTokenCount).toBe(337);
  });

  it("overthinking-judge: past the cap without thinkingConfig (MAX_TOKENS, no text), within it when told to think less", async () => {
    const e = await emulate({ profile: "overthinking-judge" });
    const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#406080" } }).jpeg().toBuffer();
    const parts = [{ text: "Rubric: sharp" }, { inlineData: { mimeType: "image/jpeg", data: image.toString("base64") } }];
    const untold = await post(e, "gemini-3.6-flash", { responseMimeType: "application/json", maxOutputTokens: 1024 }, parts);
    expect(untold.body.candidates![0]).toMatchObject({ finishReason: "MAX_TOKENS", content: { parts: [] } });
    expect(untold.body.usageMetadata?.thoughtsTokenCount).toBe(1024);
    const told = await post(e, "gemini-3.6-flash", { responseMimeType: "application/json", maxOutputTokens: 1024, thinkingConfig: { thinkingLevel: "LOW" } }, parts);
    expect(told.body.candidates![0]!.finishReason).toBe("STOP");
    expect(JSON.parse(told.body.candidates![0]!.content.parts[0]!.text!)).toEqual({ score: expect.any(Number), reason: expect.any(String) });
  });

  it("per-day-quota: past the quota a 429 naming the per-day quota that still says retry in 38s", async () => {
    const e = await emulate({ profile: "per-day-quota" });
    for (let i = 0; i < 8; i++) expect((await post(e, "gemini-3.1-flash-lite-image", draw({ imageSize: "1K" }))).status).toBe(200);
    const refused = await post(e, "gemini-3.1-flash-lite-image", draw({ imageSize: "1K" }));
    expect(refused.status).toBe(429);
    const details = refused.body.error!.details!;
    expect(details.find((d) => d["@type"].endsWith("QuotaFailure"))?.violations?.[0]?.quotaId).toBe("GenerateRequestsPerDayPerProjectPerModel");
    expect(details.find((d) => d["@type"].endsWith("RetryInfo"))?.retryDelay).toBe("38s");
  });

  it("every profile names where its behaviour was documented", () => {
    for (const name of PROFILE_NAMES) expect(PROFILES[name].source.length, name).toBeGreaterThan(20);
  });
});

describe("the real service's requests are accepted", () => {
  it("`imageSize: \"1K\"` on Lite, and the extreme ratios on the models whose catalog lists them", async () => {
    const e = await emulate({});
    expect((await post(e, "gemini-3.1-flash-lite-image", draw({ imageSize: "1K" }))).status).toBe(200);
    expect((await post(e, "gemini-3.1-flash-lite-image", draw({ imageSize: "2K" }))).status).toBe(400);
    const [tall] = await imagesOf(await post(e, "gemini-nano-banana-2.1", draw({ aspectRatio: "1:4", imageSize: "1K" })));
    expect([tall!.width, tall!.height]).toEqual([512, 2048]);
  });
});

describe("seedlock emulate --profile", () => {
  it("refuses a profile it does not have, listing the ones it has (exit 2)", async () => {
    const ran = await seedlock(["emulate", "--profile", "gemini-9", "--port", "0"]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/--profile must name one of the emulator's profiles, got "gemini-9"/);
    expect(ran.stderr).toContain(PROFILE_NAMES.join(", "));
  });
});
