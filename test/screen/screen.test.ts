import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { ScreenRules } from "../../src/manifest/spec.js";
import {
  UndecodableImageError,
  analyzeImage,
  hammingDistance,
  judgeVerdict,
  lumaStats,
  screenDraft,
  type ImageAnalysis,
} from "../../src/pipeline/screen.js";
import { sceneJpeg, scenePng, sceneRaw, solid } from "./scenes.js";

const rules: ScreenRules = { minWidth: 256, minHeight: 256, brightness: [20, 235], minContrast: 8, maxDuplicateDistance: 6, aspectTolerance: 0.03 };
const square = { aspectRatio: "1:1" as const, seen: [] };

async function screen(bytes: Buffer, context: Parameters<typeof screenDraft>[2] = square) {
  const analysis = await analyzeImage(bytes);
  return { analysis, verdict: screenDraft(analysis, rules, context) };
}

const keys = (v: { reasons: { key: string }[] }) => v.reasons.map((r) => r.key).sort();

describe("a good draft passes screening", () => {
  it("accepts a well-exposed scene of the asked size and aspect, and says why nothing", async () => {
    const { analysis, verdict } = await screen(await sceneJpeg({ width: 512, height: 512, seed: 3 }));
    expect(verdict).toEqual({ accepted: true, reasons: [] });
    expect(analysis).toMatchObject({ format: "jpeg", width: 512, height: 512 });
    expect(analysis.phash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("accepts the model's own 16:9 size, which is within 2 % of 16:9", async () => {
    const { verdict } = await screen(await sceneJpeg({ width: 688, height: 384, seed: 4 }), { aspectRatio: "16:9", seen: [] });
    expect(verdict.accepted).toBe(true);
  });
});

describe("a bad draft is rejected with the reason a person would give", () => {
  it("rejects a night-black picture as too dark, with its mean luma", async () => {
    const { verdict } = await screen(await sceneJpeg({ width: 384, height: 384, gain: 0.06 }));
    expect(keys(verdict)).toContain("too-dark");
    expect(keys(verdict)).not.toContain("too-bright");
    expect(verdict.reasons.find((r) => r.key === "too-dark")!.detail).toMatch(/^too-dark: mean luma \d+(\.\d)? < 20$/);
  });

  it("rejects a blown-out picture as too bright", async () => {
    const { verdict } = await screen(await sceneJpeg({ width: 384, height: 384, gain: 0.1, lift: 240 }));
    expect(keys(verdict)).toContain("too-bright");
    expect(keys(verdict)).not.toContain("too-dark");
    expect(verdict.reasons.find((r) => r.key === "too-bright")!.detail).toMatch(/^too-bright: mean luma [\d.]+ > 235$/);
  });

  it("rejects a flat grey picture, counting grain as no contrast", async () => {
    const { verdict, analysis } = await screen(await solid([120, 120, 120], { width: 384, height: 384, noise: 6, format: "jpeg" }));
    expect(keys(verdict)).toEqual(["flat"]);
    expect(analysis.lumaStd).toBeLessThan(8);
    expect(verdict.reasons[0]!.detail).toMatch(/^flat: luma std [\d.]+ < 8$/);
  });

  it("rejects a picture below the minimum size", async () => {
    const { verdict } = await screen(await sceneJpeg({ width: 200, height: 200 }));
    expect(verdict.reasons).toEqual([{ key: "too-small", detail: "too-small: 200×200 < 256×256" }]);
  });

  it("rejects a square picture for a 16:9 asset", async () => {
    const { verdict } = await screen(await sceneJpeg({ width: 512, height: 512 }), { aspectRatio: "16:9", seen: [] });
    expect(keys(verdict)).toEqual(["wrong-aspect"]);
    expect(verdict.reasons[0]!.detail).toBe("wrong-aspect: 512×512 is 1.000, wanted 16:9 (1.778 ±3 %)");
  });

  it("rejects a picture 4 % off the asked aspect but not one 2.5 % off (default tolerance 3 %)", async () => {
    const off4 = await screen(await sceneJpeg({ width: 533, height: 512 }));
    const off25 = await screen(await sceneJpeg({ width: 525, height: 512 }));
    expect(keys(off4.verdict)).toEqual(["wrong-aspect"]);
    expect(off4.verdict.reasons[0]!.detail).toContain("±3 %");
    expect(off25.verdict.accepted).toBe(true);
  });

  it("passes the sizes Gemini 2.5 answers for 3:2, 4:3 and 21:9, which differ from Gemini 3's table", async () => {
    for (const [ratio, width, height] of [["3:2", 1248, 832], ["4:3", 1184, 864], ["21:9", 1536, 672]] as const) {
      const { verdict } = await screen(await sceneJpeg({ width, height, seed: 2 }), { aspectRatio: ratio, seen: [] });
      expect(verdict, `${ratio} ${width}×${height}`).toEqual({ accepted: true, reasons: [] });
    }
  });

  it("takes its aspect tolerance from the screen rules", async () => {
    const analysis = await analyzeImage(await sceneJpeg({ width: 1536, height: 672 }));
    expect(keys(screenDraft(analysis, { ...rules, aspectTolerance: 0.01 }, { aspectRatio: "21:9", seen: [] }))).toEqual(["wrong-aspect"]);
    expect(screenDraft(analysis, { ...rules, aspectTolerance: 0.03 }, { aspectRatio: "21:9", seen: [] }).accepted).toBe(true);
  });

  it("does not care which pixel size came back, only that it can make the output without enlarging it", async () => {
    const analysis = await analyzeImage(await sceneJpeg({ width: 512, height: 512 }));
    expect(screenDraft(analysis, rules, { ...square, output: { format: "png", quality: 90, width: 512, height: 512 } }).accepted).toBe(true);
    const tooSmall = screenDraft(analysis, rules, { ...square, output: { format: "png", quality: 90, width: 1024, height: 1024 } });
    expect(tooSmall.reasons).toEqual([{ key: "too-small", detail: "too-small: 512×512 cannot make the 1024×1024 output without enlarging it" }]);
  });

  it("keeps every reason when a draft fails several checks at once", async () => {
    const tinyDarkFlat = await solid([8, 8, 8], { width: 160, height: 90, noise: 2 });
    const { verdict } = await screen(tinyDarkFlat);
    expect(verdict.accepted).toBe(false);
    expect(keys(verdict)).toEqual(["flat", "too-dark", "too-small", "wrong-aspect"]);
  });
});

describe("near-copies of an earlier draft are rejected as duplicates", () => {
  it("finds the same scene with fresh grain, re-encoded at another quality, and names the seed it copies", async () => {
    const original = await analyzeImage(await sceneJpeg({ width: 512, height: 512, seed: 11 }, 92));
    const copy = await analyzeImage(await sceneJpeg({ width: 512, height: 512, seed: 11, grain: 14, grainSeed: 5 }, 55));
    const distance = hammingDistance(original.phash, copy.phash);
    expect(distance).toBeLessThanOrEqual(rules.maxDuplicateDistance);
    const verdict = screenDraft(copy, rules, { aspectRatio: "1:1", seen: [{ seed: 41, phash: original.phash }] });
    expect(verdict.reasons).toEqual([{ key: "duplicate", detail: `duplicate of seed 41 (distance ${distance} ≤ 6)` }]);
  });

  it("names the closest of several earlier drafts", async () => {
    const copy = await analyzeImage(await sceneJpeg({ width: 512, height: 512, seed: 11, grain: 10 }, 70));
    const same = await analyzeImage(await sceneJpeg({ width: 512, height: 512, seed: 11 }));
    const other = await analyzeImage(await sceneJpeg({ width: 512, height: 512, seed: 12 }));
    const verdict = screenDraft(copy, rules, { aspectRatio: "1:1", seen: [{ seed: 2, phash: other.phash }, { seed: 7, phash: same.phash }] });
    expect(verdict.reasons.map((r) => r.detail)).toEqual([expect.stringMatching(/^duplicate of seed 7 /)]);
  });

  it("does not call different compositions duplicates", async () => {
    const hashes = await Promise.all([21, 22, 23, 24, 25].map(async (seed) => (await analyzeImage(await sceneJpeg({ width: 512, height: 512, seed }))).phash));
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) expect(hammingDistance(hashes[i]!, hashes[j]!)).toBeGreaterThan(rules.maxDuplicateDistance);
    }
    const last = await analyzeImage(await sceneJpeg({ width: 512, height: 512, seed: 26 }));
    const verdict = screenDraft(last, rules, { aspectRatio: "1:1", seen: hashes.map((phash, i) => ({ seed: i, phash })) });
    expect(verdict.accepted).toBe(true);
  });
});

describe("the perceptual hash survives re-encoding", () => {
  it("gives nearly the same hash for one picture as PNG and as JPEG at quality 95 and 40", async () => {
    const scene = { width: 640, height: 640, seed: 31 };
    const png = await analyzeImage(await scenePng(scene));
    const high = await analyzeImage(await sceneJpeg(scene, 95));
    const low = await analyzeImage(await sceneJpeg(scene, 40));
    expect(hammingDistance(png.phash, high.phash)).toBeLessThanOrEqual(3);
    expect(hammingDistance(png.phash, low.phash)).toBeLessThanOrEqual(4);
  });

  it("counts differing bits between hashes and refuses what is not a hash", () => {
    expect(hammingDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hammingDistance("0000000000000000", "ffffffffffffffff")).toBe(64);
    expect(hammingDistance("8000000000000001", "0000000000000000")).toBe(2);
    expect(() => hammingDistance("abc", "0000000000000000")).toThrow(/16 hex digits/);
  });
});

describe("stats from the shrunk decode match the full picture", () => {
  it("measures mean luma within 1 and luma spread within 5 % of a full-size decode", async () => {
    const bytes = await sceneJpeg({ width: 1024, height: 1024, seed: 5 });
    const full = await sharp(bytes).toColourspace("b-w").raw().toBuffer({ resolveWithObject: true });
    const reference = lumaStats(full.data, full.info.channels);
    const analysis = await analyzeImage(bytes);
    expect(Math.abs(analysis.meanLuma - reference.mean)).toBeLessThan(1);
    expect(analysis.lumaStd / reference.std).toBeGreaterThan(0.95);
    expect(analysis.lumaStd / reference.std).toBeLessThanOrEqual(1.01);
  });

  it("reports the displayed size of a JPEG rotated by its EXIF orientation", async () => {
    const raw = sceneRaw({ width: 400, height: 300 });
    const rotated = await sharp(raw.data, { raw }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const analysis = await analyzeImage(rotated);
    expect([analysis.width, analysis.height]).toEqual([300, 400]);
  });
});

describe("bytes that are not an image are a typed failure the pipeline can regenerate", () => {
  const cases: [string, () => Promise<Buffer>][] = [
    ["empty bytes", async () => Buffer.alloc(0)],
    ["random bytes", async () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))],
    ["an HTML error page", async () => Buffer.from("<html><body>502 Bad Gateway</body></html>")],
    ["a JPEG cut off halfway", async () => (await sceneJpeg({ width: 512, height: 512 })).subarray(0, 9000)],
    ["a PNG cut off halfway", async () => (await scenePng({ width: 256, height: 256 })).subarray(0, 20000)],
    ["an SVG document", async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
  ];
  for (const [name, make] of cases) {
    it(`throws UndecodableImageError for ${name}`, async () => {
      const error = await analyzeImage(await make()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UndecodableImageError);
      expect((error as UndecodableImageError).reason.key).toBe("undecodable");
      expect((error as UndecodableImageError).reason.detail).toMatch(/^undecodable: \S/);
    });
  }
});

describe("the judge's score decides against the asset's minimum", () => {
  const rule = { rubric: "Sharp, no text", minScore: 7 };
  it("passes a score at or above the minimum and rejects one below, with the score", () => {
    expect(judgeVerdict(7, rule)).toBeNull();
    expect(judgeVerdict(9.5, rule)).toBeNull();
    expect(judgeVerdict(6.5, rule)).toEqual({ key: "judge", detail: "judge: score 6.5 < 7" });
  });
  it("rejects a missing score rather than accepting it", () => {
    expect(judgeVerdict(Number.NaN, rule)?.detail).toBe("judge: score missing < 7");
  });
  it("adds to the screen's own reasons when the pipeline combines them", () => {
    const dark: ImageAnalysis = { format: "jpeg", width: 512, height: 512, meanLuma: 12, lumaStd: 30, phash: "0123456789abcdef" };
    const verdict = screenDraft(dark, rules, square);
    const reasons = [...verdict.reasons, judgeVerdict(3, rule)!];
    expect(reasons.map((r) => r.detail)).toEqual(["too-dark: mean luma 12 < 20", "judge: score 3 < 7"]);
  });
});
