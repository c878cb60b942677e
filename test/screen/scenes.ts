import sharp from "sharp";

/**
 * Photograph-like test pictures made in code: a sky gradient, a sun, rolling dunes with shading
 * and film grain, laid out from a seed so that two seeds give two different compositions.
 */
export interface SceneOptions {
  width?: number;
  height?: number;
  seed?: number;
  /** Extra per-pixel noise amplitude (0..255), for near-copies of the same scene. */
  grain?: number;
  /** Seed of that extra noise, so two near-copies differ from each other too. */
  grainSeed?: number;
  /** Multiplies every channel, e.g. 0.08 for a night shot, after which `lift` is added. */
  gain?: number;
  lift?: number;
}

export function sceneRaw(options: SceneOptions = {}): { data: Buffer; width: number; height: number; channels: 3 } {
  const { width = 256, height = 256, seed = 1, grain = 0, grainSeed = 99, gain = 1, lift = 0 } = options;
  const layout = random(seed);
  const noise = random(grainSeed);
  const sky = [140 + layout() * 110, 90 + layout() * 100, 120 + layout() * 120];
  const sand = [150 + layout() * 90, 100 + layout() * 70, 60 + layout() * 60];
  const sun = { x: layout() * width, y: (0.1 + layout() * 0.35) * height, r: (0.05 + layout() * 0.08) * Math.max(width, height) };
  const waves = [0, 1, 2].map(() => ({ period: (0.15 + layout() * 0.5) * width, phase: layout() * 6.3, amp: (0.03 + layout() * 0.08) * height }));
  const horizon = (0.45 + layout() * 0.25) * height;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let ridge = horizon;
      for (const w of waves) ridge += w.amp * Math.sin((x / w.period) * 6.283 + w.phase);
      let rgb: number[];
      if (y < ridge) {
        const t = y / height;
        const glow = Math.max(0, 1 - Math.hypot(x - sun.x, y - sun.y) / sun.r);
        rgb = sky.map((c, i) => c * (1 - 0.5 * t) + glow * (i === 2 ? 40 : 110));
      } else {
        const slope = Math.cos((x / (waves[0]!.period)) * 6.283 + waves[0]!.phase + (y - ridge) / 30);
        const shade = 0.55 + 0.35 * slope - 0.25 * ((y - ridge) / height);
        rgb = sand.map((c) => c * shade);
      }
      const film = (noise() - 0.5) * (6 + grain);
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = clamp(((rgb[c] as number) + film) * gain + lift);
    }
  }
  return { data, width, height, channels: 3 };
}

export async function sceneJpeg(options: SceneOptions = {}, quality = 90): Promise<Buffer> {
  const raw = sceneRaw(options);
  return sharp(raw.data, { raw: raw }).jpeg({ quality }).toBuffer();
}

export async function scenePng(options: SceneOptions = {}): Promise<Buffer> {
  const raw = sceneRaw(options);
  return sharp(raw.data, { raw: raw }).png().toBuffer();
}

/** A solid colour image with a little noise, e.g. for flat, too-dark or too-bright drafts. */
export async function solid(rgb: [number, number, number], options: { width?: number; height?: number; noise?: number; format?: "png" | "jpeg" } = {}): Promise<Buffer> {
  const { width = 256, height = 256, noise = 0, format = "png" } = options;
  const next = random(rgb[0] * 65536 + rgb[1] * 256 + rgb[2] + 1);
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const n = (next() - 0.5) * noise;
    for (let c = 0; c < 3; c++) data[i * 3 + c] = clamp(rgb[c]! + n);
  }
  const image = sharp(data, { raw: { width, height, channels: 3 } });
  return (format === "png" ? image.png() : image.jpeg({ quality: 90 })).toBuffer();
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** Small deterministic generator (mulberry32), so every run draws the same pictures. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
