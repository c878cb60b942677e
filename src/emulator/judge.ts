import sharp from "sharp";

export interface JudgeVerdict {
  score: number;
  reason: string;
}

/**
 * The emulated judge: a score out of 10 read off the picture itself, so the same image always
 * gets the same verdict and flat or dark images score low. Contrast counts most, then detail
 * (edges between neighbouring pixels), with a penalty for extreme brightness.
 */
export async function judgeImage(image: Buffer): Promise<JudgeVerdict> {
  let pixels: Buffer;
  try {
    pixels = await sharp(image).resize(128, 128, { fit: "fill" }).greyscale().raw().toBuffer();
  } catch {
    return { score: 0, reason: "The image could not be decoded, so it cannot meet the rubric." };
  }
  const n = pixels.length;
  let sum = 0;
  let sumSq = 0;
  let edges = 0;
  for (let i = 0; i < n; i++) {
    const v = pixels[i] as number;
    sum += v;
    sumSq += v * v;
    if (i % 128 !== 127 && Math.abs(v - (pixels[i + 1] as number)) > 12) edges++;
  }
  const mean = sum / n;
  const contrast = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  const detail = edges / n;
  const contrastPart = Math.min(1, contrast / 45) * 6;
  const detailPart = Math.min(1, detail / 0.04) * 3;
  const exposurePart = mean < 30 || mean > 225 ? 0 : 1;
  const score = Math.round((contrastPart + detailPart + exposurePart) * 10) / 10;
  const verdict =
    score >= 7 ? "clear shapes with good contrast" : contrast < 10 ? "almost no contrast" : mean < 30 ? "far too dark" : "weak contrast and little detail";
  return { score, reason: `Contrast ${contrast.toFixed(0)}, edge density ${(detail * 100).toFixed(1)} %: ${verdict}.` };
}
