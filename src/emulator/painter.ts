import { createHash } from "node:crypto";
import sharp from "sharp";

/**
 * Deterministic pictures for the emulator: a gradient sky and a handful of flat shapes whose
 * layout and colours come from a hash of (model, prompt, seed). Drawn straight into a raw RGB
 * buffer with row copies and span fills (no per-pixel maths), then encoded by sharp, so a 2K
 * PNG costs tens of milliseconds. Some seeds come out too dark, flat or as a near-copy of the
 * previous seed, so that screening has real work.
 */

export type PictureKind = "normal" | "dark" | "flat" | "duplicate";

export interface PictureRates {
  darkRate: number;
  flatRate: number;
  duplicateRate: number;
}

export type OutputMime = "image/png" | "image/jpeg";

type RGB = [number, number, number];

interface Shape {
  kind: "disc" | "rect" | "ring" | "peak" | "band";
  /** Centre (disc, ring, peak apex) or top-left (rect, band), as fractions of width and height. */
  x: number;
  y: number;
  /** Radius (disc, ring, peak half-base) as a fraction of the shorter side; rect/band size as fractions. */
  size: number;
  size2: number;
  top: RGB;
  bottom: RGB;
}

interface Composition {
  from: RGB;
  to: RGB;
  /** Gradient direction in radians. */
  angle: number;
  shapes: Shape[];
}

/** A small fast PRNG (sfc32) seeded from a SHA-256 of the given text. */
export function hashRandom(text: string): () => number {
  const h = createHash("sha256").update(text).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A uniform draw in [0, 1) fixed by its inputs. */
export function hashUnit(...parts: (string | number)[]): number {
  return hashRandom(parts.join("\u0000"))();
}

/** Which flaw, if any, this seed's picture has; fixed by (model, prompt, seed). */
export function pictureKind(model: string, prompt: string, seed: number, rates: PictureRates): PictureKind {
  const u = hashUnit("kind", model, prompt, seed);
  if (u < rates.darkRate) return "dark";
  if (u < rates.darkRate + rates.flatRate) return "flat";
  if (u < rates.darkRate + rates.flatRate + rates.duplicateRate) return "duplicate";
  return "normal";
}

const LUMA = [0.299, 0.587, 0.114] as const;

function luma(c: RGB): number {
  return LUMA[0] * c[0] + LUMA[1] * c[1] + LUMA[2] * c[2];
}

/** A colour of the given hue and saturation, scaled to an exact luma so brightness is under control. */
function colour(hueDeg: number, saturation: number, targetLuma: number): RGB {
  const h = (((hueDeg % 360) + 360) % 360) / 60;
  const chroma = saturation;
  const x = chroma * (1 - Math.abs((h % 2) - 1));
  const m = 0.5 - chroma / 2;
  const [r, g, b] = h < 1 ? [chroma, x, 0] : h < 2 ? [x, chroma, 0] : h < 3 ? [0, chroma, x] : h < 4 ? [0, x, chroma] : h < 5 ? [x, 0, chroma] : [chroma, 0, x];
  const base: RGB = [(r + m) * 255, (g + m) * 255, (b + m) * 255];
  const y0 = luma(base);
  if (targetLuma <= y0) return base.map((v) => v * (targetLuma / y0)) as RGB;
  const k = (targetLuma - y0) / (255 - y0);
  return base.map((v) => v + (255 - v) * k) as RGB;
}

/** The picture a seed would show with nothing wrong with it. */
function compose(model: string, prompt: string, seed: number): Composition {
  // The prompt picks the palette, so every seed of an asset looks related; the seed picks the rest.
  const hue = hashUnit("hue", prompt) * 360;
  const rnd = hashRandom(`compose\u0000${model}\u0000${prompt}\u0000${seed}`);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const skyLuma = between(70, 170);
  const skyLuma2 = Math.min(210, Math.max(45, skyLuma + (rnd() < 0.5 ? -1 : 1) * between(35, 70)));
  const from = colour(hue + between(-25, 25), between(0.25, 0.7), skyLuma);
  const to = colour(hue + between(-60, 60), between(0.25, 0.7), skyLuma2);
  const shapes: Shape[] = [];
  const count = 3 + Math.floor(rnd() * 4);
  const kinds: Shape["kind"][] = ["disc", "rect", "ring", "peak", "band"];
  const mid = (skyLuma + skyLuma2) / 2;
  for (let i = 0; i < count; i++) {
    const kind = kinds[Math.floor(rnd() * kinds.length)] as Shape["kind"];
    // Keep shapes away from the sky's brightness so they stand out.
    const lighter = rnd() < 0.5;
    const shapeLuma = lighter ? between(Math.min(230, mid + 30), 230) : between(40, Math.max(40, mid - 30));
    const shapeHue = hue + (rnd() < 0.5 ? 180 : 0) + between(-40, 40);
    const top = colour(shapeHue, between(0.35, 0.9), shapeLuma);
    const bottom = colour(shapeHue + between(-20, 20), between(0.35, 0.9), Math.max(35, shapeLuma * between(0.7, 1)));
    shapes.push({ kind, x: rnd(), y: between(0.1, 0.9), size: between(0.08, 0.35), size2: between(0.1, 0.45), top, bottom });
  }
  return { from, to, angle: rnd() * Math.PI, shapes };
}

function mapColours(c: Composition, f: (rgb: RGB) => RGB): Composition {
  return {
    ...c,
    from: f(c.from),
    to: f(c.to),
    shapes: c.shapes.map((s) => ({ ...s, top: f(s.top), bottom: f(s.bottom) })),
  };
}

/** The composition for a kind: flaws are applied to colours and layout, never per pixel. */
function compositionFor(model: string, prompt: string, seed: number, kind: PictureKind): Composition {
  switch (kind) {
    case "normal":
      return compose(model, prompt, seed);
    case "dark":
      return mapColours(compose(model, prompt, seed), (c) => c.map((v) => v * 0.07) as RGB);
    case "flat": {
      const base = compose(model, prompt, seed);
      const m: RGB = base.from.map((v, i) => (v + (base.to[i] as number)) / 2) as RGB;
      return mapColours(base, (c) => c.map((v, i) => (m[i] as number) + (v - (m[i] as number)) * 0.025) as RGB);
    }
    case "duplicate": {
      // The previous seed's picture, nudged a little: what a model does when a seed lands on the same idea.
      const base = compose(model, prompt, seed - 1);
      const rnd = hashRandom(`nudge\u0000${model}\u0000${prompt}\u0000${seed}`);
      const nudge = () => (rnd() - 0.5) * 0.006;
      const shifted = { ...base, shapes: base.shapes.map((s) => ({ ...s, x: s.x + nudge(), y: s.y + nudge() })) };
      return mapColours(shifted, (c) => c.map((v) => Math.min(255, v + 3)) as RGB);
    }
  }
}

/** Draws a composition into a raw RGB buffer of width × height. */
function draw(c: Composition, width: number, height: number): Buffer {
  const stride = width * 3;
  const out = Buffer.allocUnsafe(stride * height);
  const cos = Math.cos(c.angle);
  const sin = Math.sin(c.angle);
  const dMin = Math.min(0, width * cos) + Math.min(0, height * sin);
  const dMax = Math.max(0, width * cos) + Math.max(0, height * sin);
  const span = dMax - dMin || 1;
  const mix = (t: number, into: Buffer, at: number) => {
    into[at] = c.from[0] + (c.to[0] - c.from[0]) * t;
    into[at + 1] = c.from[1] + (c.to[1] - c.from[1]) * t;
    into[at + 2] = c.from[2] + (c.to[2] - c.from[2]) * t;
  };
  const pixel = Buffer.alloc(3);
  if (Math.abs(cos) >= 0.2) {
    // Along a row the gradient advances by cos per pixel, and each row starts sin/cos pixels later:
    // one lookup line holds every row as a contiguous slice.
    const k = sin / cos;
    const uMin = Math.floor(Math.min(0, (height - 1) * k));
    const uMax = Math.ceil(width + Math.max(0, (height - 1) * k));
    const line = Buffer.allocUnsafe((uMax - uMin + 1) * 3);
    for (let u = uMin; u <= uMax; u++) mix(Math.min(1, Math.max(0, (u * cos - dMin) / span)), line, (u - uMin) * 3);
    for (let y = 0; y < height; y++) {
      const start = (Math.round(y * k) - uMin) * 3;
      line.copy(out, y * stride, start, start + stride);
    }
  } else {
    // Near-vertical gradients: one colour per row.
    for (let y = 0; y < height; y++) {
      mix(Math.min(1, Math.max(0, ((width / 2) * cos + y * sin - dMin) / span)), pixel, 0);
      out.fill(pixel, y * stride, (y + 1) * stride);
    }
  }
  const short = Math.min(width, height);
  const fillSpan = (y: number, x0: number, x1: number) => {
    const a = Math.max(0, Math.round(x0));
    const b = Math.min(width, Math.round(x1));
    if (b > a) out.fill(pixel, y * stride + a * 3, y * stride + b * 3);
  };
  for (const s of c.shapes) {
    let y0: number, y1: number, spans: (y: number) => [number, number][];
    const cx = s.x * width;
    const cy = s.y * height;
    const r = s.size * short;
    switch (s.kind) {
      case "disc":
      case "ring": {
        y0 = cy - r;
        y1 = cy + r;
        const inner = s.kind === "ring" ? r * (0.55 + 0.3 * s.size2) : 0;
        spans = (y) => {
          const dy = y + 0.5 - cy;
          const h = Math.sqrt(Math.max(0, r * r - dy * dy));
          if (inner === 0 || Math.abs(dy) >= inner) return [[cx - h, cx + h]];
          const hi = Math.sqrt(inner * inner - dy * dy);
          return [
            [cx - h, cx - hi],
            [cx + hi, cx + h],
          ];
        };
        break;
      }
      case "rect": {
        const w = s.size2 * width;
        const h = s.size * 1.5 * height;
        y0 = cy - h / 2;
        y1 = cy + h / 2;
        spans = () => [[cx - w / 2, cx + w / 2]];
        break;
      }
      case "peak": {
        // A mountain: apex at (cx, cy), base on the bottom edge.
        y0 = cy;
        y1 = height;
        const half = r * 1.6;
        spans = (y) => {
          const t = (y - cy) / Math.max(1, height - cy);
          return [[cx - half * t * 2, cx + half * t * 2]];
        };
        break;
      }
      case "band": {
        y0 = cy;
        y1 = cy + s.size * 0.4 * height;
        spans = () => [[0, width]];
        break;
      }
    }
    const top = Math.max(0, Math.floor(y0));
    const bottom = Math.min(height, Math.ceil(y1));
    for (let y = top; y < bottom; y++) {
      const t = (y - y0) / Math.max(1, y1 - y0);
      pixel[0] = s.top[0] + (s.bottom[0] - s.top[0]) * t;
      pixel[1] = s.top[1] + (s.bottom[1] - s.top[1]) * t;
      pixel[2] = s.top[2] + (s.bottom[2] - s.top[2]) * t;
      for (const [x0, x1] of spans(y)) fillSpan(y, x0, x1);
    }
  }
  return out;
}

function encode(raw: Buffer, width: number, height: number, mimeType: OutputMime): Promise<Buffer> {
  const image = sharp(raw, { raw: { width, height, channels: 3 } });
  // Low zlib effort and no adaptive filtering: PNG encoding dominates the cost of a large final.
  return mimeType === "image/jpeg"
    ? image.jpeg({ quality: 85 }).toBuffer()
    : image.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
}

export interface PaintRequest {
  model: string;
  prompt: string;
  seed: number;
  width: number;
  height: number;
  mimeType: OutputMime;
  kind: PictureKind;
}

/** The encoded picture for (model, prompt, seed) with the given flaw; identical bytes every time. */
export function paint(request: PaintRequest): Promise<Buffer> {
  const composition = compositionFor(request.model, request.prompt, request.seed, request.kind);
  return encode(draw(composition, request.width, request.height), request.width, request.height, request.mimeType);
}

/**
 * A final drawn from its reference: the reference scaled to the final size (nearest neighbour, so
 * crisp) after a light unsharp pass at its own resolution. It keeps the reference's composition.
 */
export async function paintFromReference(reference: Buffer, width: number, height: number, mimeType: OutputMime): Promise<Buffer> {
  const { data, info } = await sharp(reference).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  const sw = info.width;
  const sh = info.height;
  const ch = info.channels;
  const src = sharpen(data, sw, sh, ch);
  const stride = width * 3;
  const out = Buffer.allocUnsafe(stride * height);
  const xs = new Int32Array(width);
  for (let x = 0; x < width; x++) xs[x] = Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / width)) * ch;
  let previous = -1;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / height));
    const o = y * stride;
    if (sy === previous) {
      out.copy(out, o, o - stride, o);
      continue;
    }
    previous = sy;
    const row = sy * sw * ch;
    for (let x = 0; x < width; x++) {
      const s = row + (xs[x] as number);
      const d = o + x * 3;
      out[d] = src[s] as number;
      out[d + 1] = src[s + 1] as number;
      out[d + 2] = src[s + 2] as number;
    }
  }
  return encode(out, width, height, mimeType);
}

/** Unsharp mask with a 4-neighbour blur, amount 0.4; edges are left as they are. */
function sharpen(data: Buffer, width: number, height: number, channels: number): Buffer {
  const out = Buffer.from(data);
  const stride = width * channels;
  for (let y = 1; y < height - 1; y++) {
    for (let i = y * stride + channels; i < (y + 1) * stride - channels; i++) {
      const v = data[i] as number;
      const blur = ((data[i - channels] as number) + (data[i + channels] as number) + (data[i - stride] as number) + (data[i + stride] as number)) / 4;
      const s = v + 0.4 * (v - blur);
      out[i] = s < 0 ? 0 : s > 255 ? 255 : s;
    }
  }
  return out;
}

/**
 * Bytes that claim to be an image and are not: the real header, then noise. Decoders fail on it,
 * which is what a truncated or garbled download looks like.
 */
export function corrupt(valid: Buffer, seed: number): Buffer {
  const keep = Math.min(valid.length, 24);
  const out = Buffer.alloc(keep + 4096);
  valid.copy(out, 0, 0, keep);
  const rnd = hashRandom(`corrupt\u0000${seed}`);
  for (let i = keep; i < out.length; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}
