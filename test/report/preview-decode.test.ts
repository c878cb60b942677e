import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { analyzeImage, hammingDistance } from "../../src/pipeline/screen.js";
import { sceneJpeg, solid } from "../screen/scenes.js";

describe("the report's preview comes from the screen's own decode", () => {
  it("measures what the plain screen measures, so writing a report never changes a verdict", async () => {
    const images = [
      await sceneJpeg({ width: 1024, height: 1024, seed: 3 }),
      await sceneJpeg({ width: 1376, height: 768, seed: 9 }),
      await sceneJpeg({ width: 768, height: 1376, seed: 12 }),
      await solid([14, 14, 16], { width: 1024, height: 1024, noise: 2, format: "jpeg" }),
    ];
    for (const bytes of images) {
      const plain = await analyzeImage(bytes);
      const withPreview = await analyzeImage(bytes, { preview: 320 });
      expect(withPreview).toMatchObject({ format: plain.format, width: plain.width, height: plain.height });
      expect(Math.abs(withPreview.meanLuma - plain.meanLuma)).toBeLessThan(1.5);
      expect(Math.abs(withPreview.lumaStd - plain.lumaStd)).toBeLessThan(Math.max(1, plain.lumaStd * 0.08));
      // A flat picture has no structure to hash (and is rejected as flat either way).
      if (plain.lumaStd > 2) expect(hammingDistance(withPreview.phash, plain.phash)).toBeLessThanOrEqual(2);
      expect(plain.preview).toBeUndefined();
      const meta = await sharp(withPreview.preview!).metadata();
      expect(meta.format).toBe("webp");
      expect(Math.max(meta.width!, meta.height!)).toBe(320);
      expect(Math.abs(meta.width! / meta.height! - plain.width / plain.height)).toBeLessThan(0.02);
    }
  });

  it("still refuses what does not decode", async () => {
    await expect(analyzeImage(Buffer.from("not an image"), { preview: 320 })).rejects.toThrow(/undecodable/);
  });
});
