// Screening cost per 1024² draft: seedlock's analyzeImage (one shrink-on-load decode with sharp)
// against one full sharp decode to raw pixels, and against pure JavaScript (jpeg-js / pngjs) doing
// the same checks: full decode, mean and spread of luma, the 32×32 grid and the DCT hash.
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { cpus, loadavg } from "node:os";
import sharp from "sharp";
import { analyzeImage, lumaStats } from "../src/pipeline/screen.js";
import { areaAverageToGrid, perceptualHash } from "../src/pipeline/phash.js";
import { sceneRaw } from "../test/screen/scenes.js";
import type { BenchResult, Figure } from "./types.js";

const SIDE = 1024;

export default async function bench(): Promise<BenchResult> {
  // One libvips worker thread, so the comparison with single-threaded JavaScript is like for like.
  sharp.concurrency(1);
  const loadAtStart = loadavg()[0] ?? 0;
  const raw = sceneRaw({ width: SIDE, height: SIDE, seed: 7, grain: 10 });
  const inputs = {
    JPEG: await sharp(raw.data, { raw }).jpeg({ quality: 90 }).toBuffer(),
    PNG: await sharp(raw.data, { raw }).png().toBuffer(),
  };

  const figures: Figure[] = [];
  const notes: string[] = [];
  for (const [name, bytes] of Object.entries(inputs)) {
    // Screen and full decode alternate run by run, so load from anything else on the machine hits both alike.
    const paired = await pairedMs(() => analyzeImage(bytes), () => sharp(bytes).raw().toBuffer(), 80);
    const versusJs = await pairedMs(async () => pureJavaScriptScreen(bytes, name === "JPEG"), () => analyzeImage(bytes), 12);
    const pureJs = versusJs.a;
    const bar = name === "JPEG" ? "" : " (DESIGN.md's bar is for JPEG)";
    figures.push(
      { name: `${name} screen (analyzeImage)`, value: paired.a, unit: "ms/image" },
      { name: `${name} one full sharp decode`, value: paired.b, unit: "ms/image" },
      { name: `${name} pure JS decode + same checks`, value: pureJs, unit: "ms/image" },
      { name: `${name} screen ÷ one full decode, wall time`, value: paired.ratio, unit: "×", goal: `≤ 1${bar}`, pass: paired.ratio <= 1 },
      { name: `${name} screen ÷ one full decode, CPU time`, value: paired.cpuRatio, unit: "×", goal: `≤ 1${bar}`, pass: paired.cpuRatio <= 1 },
      { name: `${name} pure JS ÷ screen, wall time`, value: versusJs.ratio, unit: "×", goal: `≥ 10${bar}`, pass: versusJs.ratio >= 10 },
    );
    notes.push(`- ${name} CPU time per image: screen ${paired.cpuA.toFixed(2)} ms, full decode ${paired.cpuB.toFixed(2)} ms, pure JS ${versusJs.cpuA.toFixed(1)} ms.`);
    const ours = await analyzeImage(bytes);
    const theirs = pureJavaScriptScreen(bytes, name === "JPEG");
    notes.push(
      `- ${name} (${(bytes.length / 1024).toFixed(0)} KiB): analyzeImage mean luma ${ours.meanLuma.toFixed(1)}, std ${ours.lumaStd.toFixed(1)}, hash ${ours.phash}; ` +
        `pure JS at full size mean ${theirs.mean.toFixed(1)}, std ${theirs.std.toFixed(1)}, hash ${theirs.phash}.`,
    );
  }
  notes.unshift(
    `Input: a generated 1024×1024 photograph-like scene (sky gradient, sun, shaded dunes, film grain), JPEG quality 90 and PNG. ` +
      `sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}, sharp.concurrency(1) (one libvips thread); screen and full decode timed alternately 80 times each, pure JS and screen alternately 12 times; each ratio is the median of per-pair ratios, so load from other processes hits both sides alike. Load average at start: ${loadAtStart.toFixed(1)} on ${cpus().length} cores.`,
    `PNG has no shrink-on-load: analyzeImage must inflate every row, so it can at best match one full decode; and pngjs inflates with Node's native zlib, so its "pure JS" side is partly C. Lite drafts, the images screened most, are JPEG.`,
  );
  return {
    title: "Screening a 1024² draft",
    description: "Milliseconds per image for seedlock's screen (one decode with shrink-on-load to a 64² luma grid: size, mean and spread of luma, DCT perceptual hash) against one full sharp decode to raw pixels and against a pure-JavaScript decoder doing the same checks.",
    figures,
    notes,
  };
}

/** The same checks in JavaScript only: decode every pixel, luma as libvips' b-w computes it, stats, grid, hash. */
function pureJavaScriptScreen(bytes: Buffer, isJpeg: boolean): { mean: number; std: number; phash: string } {
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  if (isJpeg) {
    const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    ({ width, height } = decoded);
    rgba = decoded.data;
  } else {
    const decoded = PNG.sync.read(bytes);
    ({ width, height } = decoded);
    rgba = decoded.data;
  }
  const luma = new Uint8Array(width * height);
  for (let i = 0; i < luma.length; i++) {
    const y = 0.2126 * (LINEAR[rgba[i * 4]!] as number) + 0.7152 * (LINEAR[rgba[i * 4 + 1]!] as number) + 0.0722 * (LINEAR[rgba[i * 4 + 2]!] as number);
    luma[i] = encodeSrgb(y);
  }
  const { mean, std } = lumaStats(luma);
  return { mean, std, phash: perceptualHash(areaAverageToGrid(luma, width, height)) };
}

const LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

function encodeSrgb(linear: number): number {
  const c = linear <= 0.0031308 ? linear * 12.92 : 1.055 * linear ** (1 / 2.4) - 0.055;
  return Math.round(Math.min(1, Math.max(0, c)) * 255);
}

interface Paired {
  /** Median wall time of a and of b, in ms. */
  a: number;
  b: number;
  /** Median of the per-pair ratios a ÷ b, wall time and process CPU time (all threads). */
  ratio: number;
  cpuA: number;
  cpuB: number;
  cpuRatio: number;
}

/** `a` and `b` timed alternately, wall and CPU time, so load from other processes hits both alike. */
async function pairedMs(a: () => Promise<unknown>, b: () => Promise<unknown>, iterations: number): Promise<Paired> {
  for (let i = 0; i < 5; i++) {
    await a();
    await b();
  }
  const wall = { a: [] as number[], b: [] as number[], ratio: [] as number[] };
  const cpu = { a: [] as number[], b: [] as number[], ratio: [] as number[] };
  const time = async (run: () => Promise<unknown>) => {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await run();
    const used = process.cpuUsage(cpuStart);
    return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
  };
  for (let i = 0; i < iterations; i++) {
    let ta;
    let tb;
    if (i % 2 === 0) {
      ta = await time(a);
      tb = await time(b);
    } else {
      tb = await time(b);
      ta = await time(a);
    }
    wall.a.push(ta.wall);
    wall.b.push(tb.wall);
    wall.ratio.push(ta.wall / tb.wall);
    cpu.a.push(ta.cpu);
    cpu.b.push(tb.cpu);
    cpu.ratio.push(ta.cpu / tb.cpu);
  }
  return { a: median(wall.a), b: median(wall.b), ratio: median(wall.ratio), cpuA: median(cpu.a), cpuB: median(cpu.b), cpuRatio: median(cpu.ratio) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
