import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  ASPECT_RATIOS,
  MODELS,
  pixelSize
} from "./chunk-B26JENO5.js";
import {
  NullLogger
} from "./chunk-RUZPBMFR.js";

// src/emulator/emulator.ts
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";

// src/emulator/judge.ts
import sharp from "sharp";
async function judgeImage(image) {
  let pixels;
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
    const v = pixels[i];
    sum += v;
    sumSq += v * v;
    if (i % 128 !== 127 && Math.abs(v - pixels[i + 1]) > 12) edges++;
  }
  const mean = sum / n;
  const contrast = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  const detail = edges / n;
  const contrastPart = Math.min(1, contrast / 45) * 6;
  const detailPart = Math.min(1, detail / 0.04) * 3;
  const exposurePart = mean < 30 || mean > 225 ? 0 : 1;
  const score = Math.round((contrastPart + detailPart + exposurePart) * 10) / 10;
  const verdict = score >= 7 ? "clear shapes with good contrast" : contrast < 10 ? "almost no contrast" : mean < 30 ? "far too dark" : "weak contrast and little detail";
  return { score, reason: `Contrast ${contrast.toFixed(0)}, edge density ${(detail * 100).toFixed(1)} %: ${verdict}.` };
}

// src/emulator/painter.ts
import { createHash } from "node:crypto";
import sharp2 from "sharp";
function hashRandom(text) {
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
    const t = (a + b | 0) + d | 0;
    d = d + 1 | 0;
    a = b ^ b >>> 9;
    b = c + (c << 3) | 0;
    c = c << 21 | c >>> 11;
    c = c + t | 0;
    return (t >>> 0) / 4294967296;
  };
}
function hashUnit(...parts) {
  return hashRandom(parts.join("\0"))();
}
function pictureKind(model, prompt, seed, rates) {
  const u = hashUnit("kind", model, prompt, seed);
  if (u < rates.darkRate) return "dark";
  if (u < rates.darkRate + rates.flatRate) return "flat";
  if (u < rates.darkRate + rates.flatRate + rates.duplicateRate) return "duplicate";
  return "normal";
}
var LUMA = [0.299, 0.587, 0.114];
function luma(c) {
  return LUMA[0] * c[0] + LUMA[1] * c[1] + LUMA[2] * c[2];
}
function colour(hueDeg, saturation, targetLuma) {
  const h = (hueDeg % 360 + 360) % 360 / 60;
  const chroma = saturation;
  const x = chroma * (1 - Math.abs(h % 2 - 1));
  const m = 0.5 - chroma / 2;
  const [r, g, b] = h < 1 ? [chroma, x, 0] : h < 2 ? [x, chroma, 0] : h < 3 ? [0, chroma, x] : h < 4 ? [0, x, chroma] : h < 5 ? [x, 0, chroma] : [chroma, 0, x];
  const base = [(r + m) * 255, (g + m) * 255, (b + m) * 255];
  const y0 = luma(base);
  if (targetLuma <= y0) return base.map((v) => v * (targetLuma / y0));
  const k = (targetLuma - y0) / (255 - y0);
  return base.map((v) => v + (255 - v) * k);
}
function compose(model, prompt, seed) {
  const hue = hashUnit("hue", prompt) * 360;
  const rnd = hashRandom(`compose\0${model}\0${prompt}\0${seed}`);
  const between = (lo, hi) => lo + (hi - lo) * rnd();
  const skyLuma = between(70, 170);
  const skyLuma2 = Math.min(210, Math.max(45, skyLuma + (rnd() < 0.5 ? -1 : 1) * between(35, 70)));
  const from = colour(hue + between(-25, 25), between(0.25, 0.7), skyLuma);
  const to = colour(hue + between(-60, 60), between(0.25, 0.7), skyLuma2);
  const shapes = [];
  const count = 3 + Math.floor(rnd() * 4);
  const kinds = ["disc", "rect", "ring", "peak", "band"];
  const mid = (skyLuma + skyLuma2) / 2;
  for (let i = 0; i < count; i++) {
    const kind = kinds[Math.floor(rnd() * kinds.length)];
    const lighter = rnd() < 0.5;
    const shapeLuma = lighter ? between(Math.min(230, mid + 30), 230) : between(40, Math.max(40, mid - 30));
    const shapeHue = hue + (rnd() < 0.5 ? 180 : 0) + between(-40, 40);
    const top = colour(shapeHue, between(0.35, 0.9), shapeLuma);
    const bottom = colour(shapeHue + between(-20, 20), between(0.35, 0.9), Math.max(35, shapeLuma * between(0.7, 1)));
    shapes.push({ kind, x: rnd(), y: between(0.1, 0.9), size: between(0.08, 0.35), size2: between(0.1, 0.45), top, bottom });
  }
  return { from, to, angle: rnd() * Math.PI, shapes };
}
function mapColours(c, f) {
  return {
    ...c,
    from: f(c.from),
    to: f(c.to),
    shapes: c.shapes.map((s) => ({ ...s, top: f(s.top), bottom: f(s.bottom) }))
  };
}
function compositionFor(model, prompt, seed, kind) {
  switch (kind) {
    case "normal":
      return compose(model, prompt, seed);
    case "dark":
      return mapColours(compose(model, prompt, seed), (c) => c.map((v) => v * 0.07));
    case "flat": {
      const base = compose(model, prompt, seed);
      const m = base.from.map((v, i) => (v + base.to[i]) / 2);
      return mapColours(base, (c) => c.map((v, i) => m[i] + (v - m[i]) * 0.025));
    }
    case "duplicate": {
      const base = compose(model, prompt, seed - 1);
      const rnd = hashRandom(`nudge\0${model}\0${prompt}\0${seed}`);
      const nudge = () => (rnd() - 0.5) * 6e-3;
      const shifted = { ...base, shapes: base.shapes.map((s) => ({ ...s, x: s.x + nudge(), y: s.y + nudge() })) };
      return mapColours(shifted, (c) => c.map((v) => Math.min(255, v + 3)));
    }
  }
}
function draw(c, width, height) {
  const stride = width * 3;
  const out = Buffer.allocUnsafe(stride * height);
  const cos = Math.cos(c.angle);
  const sin = Math.sin(c.angle);
  const dMin = Math.min(0, width * cos) + Math.min(0, height * sin);
  const dMax = Math.max(0, width * cos) + Math.max(0, height * sin);
  const span = dMax - dMin || 1;
  const mix = (t, into, at) => {
    into[at] = c.from[0] + (c.to[0] - c.from[0]) * t;
    into[at + 1] = c.from[1] + (c.to[1] - c.from[1]) * t;
    into[at + 2] = c.from[2] + (c.to[2] - c.from[2]) * t;
  };
  const pixel = Buffer.alloc(3);
  if (Math.abs(cos) >= 0.2) {
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
    for (let y = 0; y < height; y++) {
      mix(Math.min(1, Math.max(0, (width / 2 * cos + y * sin - dMin) / span)), pixel, 0);
      out.fill(pixel, y * stride, (y + 1) * stride);
    }
  }
  const short = Math.min(width, height);
  const fillSpan = (y, x0, x1) => {
    const a = Math.max(0, Math.round(x0));
    const b = Math.min(width, Math.round(x1));
    if (b > a) out.fill(pixel, y * stride + a * 3, y * stride + b * 3);
  };
  for (const s of c.shapes) {
    let y0, y1, spans;
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
            [cx + hi, cx + h]
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
function encode(raw, width, height, mimeType) {
  const image = sharp2(raw, { raw: { width, height, channels: 3 } });
  return mimeType === "image/jpeg" ? image.jpeg({ quality: 85 }).toBuffer() : image.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
}
function paint(request) {
  const composition = compositionFor(request.model, request.prompt, request.seed, request.kind);
  return encode(draw(composition, request.width, request.height), request.width, request.height, request.mimeType);
}
async function paintFromReference(reference, width, height, mimeType) {
  const { data, info } = await sharp2(reference).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  const sw = info.width;
  const sh = info.height;
  const ch = info.channels;
  const src = sharpen(data, sw, sh, ch);
  const stride = width * 3;
  const out = Buffer.allocUnsafe(stride * height);
  const xs = new Int32Array(width);
  for (let x = 0; x < width; x++) xs[x] = Math.min(sw - 1, Math.floor((x + 0.5) * sw / width)) * ch;
  let previous = -1;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.floor((y + 0.5) * sh / height));
    const o = y * stride;
    if (sy === previous) {
      out.copy(out, o, o - stride, o);
      continue;
    }
    previous = sy;
    const row = sy * sw * ch;
    for (let x = 0; x < width; x++) {
      const s = row + xs[x];
      const d = o + x * 3;
      out[d] = src[s];
      out[d + 1] = src[s + 1];
      out[d + 2] = src[s + 2];
    }
  }
  return encode(out, width, height, mimeType);
}
function sharpen(data, width, height, channels) {
  const out = Buffer.from(data);
  const stride = width * channels;
  for (let y = 1; y < height - 1; y++) {
    for (let i = y * stride + channels; i < (y + 1) * stride - channels; i++) {
      const v = data[i];
      const blur = (data[i - channels] + data[i + channels] + data[i - stride] + data[i + stride]) / 4;
      const s = v + 0.4 * (v - blur);
      out[i] = s < 0 ? 0 : s > 255 ? 255 : s;
    }
  }
  return out;
}
function corrupt(valid, seed) {
  const keep = Math.min(valid.length, 24);
  const out = Buffer.alloc(keep + 4096);
  valid.copy(out, 0, 0, keep);
  const rnd = hashRandom(`corrupt\0${seed}`);
  for (let i = keep; i < out.length; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}

// src/emulator/wire.ts
function errorBody(code, status, message, details) {
  return { error: { code, message, status, ...details && details.length > 0 ? { details } : {} } };
}
var HELP_QUOTA = {
  "@type": "type.googleapis.com/google.rpc.Help",
  links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }]
};
function missingKey() {
  return errorBody(
    403,
    "PERMISSION_DENIED",
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
  );
}
function invalidKey() {
  const message = "API key not valid. Please pass a valid API key.";
  return errorBody(400, "INVALID_ARGUMENT", message, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "API_KEY_INVALID",
      domain: "googleapis.com",
      metadata: { service: "generativelanguage.googleapis.com" }
    },
    { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message }
  ]);
}
function quotaExceeded(model, limit, retryDelay) {
  const wait = retryDelay ? ` Please retry in ${retryDelay}.` : "";
  const details = [
    HELP_QUOTA,
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_requests",
          quotaId: "GenerateRequestsPerMinutePerProjectPerModel",
          quotaDimensions: { location: "global", model },
          quotaValue: String(limit)
        }
      ]
    }
  ];
  if (retryDelay) details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay });
  return errorBody(
    429,
    "RESOURCE_EXHAUSTED",
    `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.
* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_requests, limit: ${limit}, model: ${model}${wait}`,
    details
  );
}
function overloaded() {
  return errorBody(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
}
function modelNotFound(model, version) {
  return errorBody(
    404,
    "NOT_FOUND",
    `models/${model} is not found for API version ${version}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`
  );
}
function invalidArgument(message) {
  return errorBody(400, "INVALID_ARGUMENT", message);
}
function bodyForStatus(code) {
  switch (code) {
    case 400:
      return invalidArgument("Request contains an invalid argument.");
    case 401:
      return errorBody(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    case 403:
      return errorBody(403, "PERMISSION_DENIED", "The caller does not have permission");
    case 404:
      return errorBody(404, "NOT_FOUND", "Requested entity was not found.");
    case 429:
      return errorBody(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).");
    case 500:
      return errorBody(500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");
    case 502:
      return errorBody(502, "UNAVAILABLE", "Bad gateway.");
    case 503:
      return overloaded();
    case 504:
      return errorBody(504, "DEADLINE_EXCEEDED", "The request timed out. Please try again.");
    default:
      return errorBody(code, code >= 500 ? "UNKNOWN" : "FAILED_PRECONDITION", `HTTP ${code}`);
  }
}
function durationText(ms) {
  const s = Math.max(0, ms) / 1e3;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(9).replace(/0+$/, "")}s`;
}

// src/emulator/emulator.ts
var DEFAULT_RATES = {
  darkRate: 0.1,
  flatRate: 0.08,
  duplicateRate: 0.1,
  blockRate: 0.04,
  corruptRate: 0.01,
  errorRate: 0
};
var ROUTE = /^\/(v1|v1beta)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
var LIST_ROUTE = /^\/(v1|v1beta)\/models\/?$/;
var MAX_BODY_BYTES = 64 * 1024 * 1024;
var INPUT_IMAGE_TOKENS = 560;
async function startEmulator(options = {}) {
  const rates = { ...DEFAULT_RATES, ...definedOnly(options) };
  for (const [name, value] of Object.entries(rates)) {
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  }
  if (options.rpm !== void 0 && !(Number.isInteger(options.rpm) && options.rpm >= 1)) throw new RangeError(`rpm must be an integer >= 1, got ${options.rpm}`);
  const latencyMs = options.latencyMs ?? 0;
  if (!(latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  const models = options.models ?? MODELS;
  const logger = options.logger ?? new NullLogger();
  const random = hashRandom(`emulator\0${options.randomSeed ?? 1}`);
  const queue = Array.isArray(options.failures) ? [...options.failures] : [];
  const byIndex = Array.isArray(options.failures) ? {} : { ...options.failures ?? {} };
  const stats = { requests: 0, images: 0, byModel: {}, throttled: 0, errors: 0, blocked: 0 };
  const windows = /* @__PURE__ */ new Map();
  const recent = [];
  const cache = new PictureCache(96, 256 * 1024 * 1024);
  const pending = /* @__PURE__ */ new Set();
  let generateIndex = 0;
  let closed = false;
  const wait = (ms) => new Promise((resolve) => {
    if (ms <= 0 || closed) return resolve();
    const done = () => {
      clearTimeout(timer);
      pending.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    pending.add(done);
  });
  const server = createServer((req, res) => {
    const started = performance.now();
    handle(req, res).then(
      (summary) => logger.info(`${req.method} ${pathOnly(req.url)} \u2192 ${res.statusCode} ${summary} (${Math.round(performance.now() - started)} ms)`),
      (err) => {
        logger.error(`${req.method} ${pathOnly(req.url)} failed inside the emulator: ${err?.message ?? String(err)}`);
        if (!res.headersSent) send(res, 500, bodyForStatus(500));
        else res.destroy();
      }
    );
  });
  async function handle(req, res) {
    stats.requests++;
    const url = new URL(req.url ?? "/", "http://emulator");
    const route = ROUTE.exec(url.pathname);
    if (!route && !(req.method === "GET" && LIST_ROUTE.test(url.pathname))) {
      stats.errors++;
      send(res, 404, bodyForStatus(404));
      return "no such method";
    }
    const key = headerValue(req.headers["x-goog-api-key"]) ?? url.searchParams.get("key") ?? "";
    if (!key) {
      stats.errors++;
      send(res, 403, missingKey());
      return "no API key";
    }
    if (options.key !== void 0 && key !== options.key) {
      stats.errors++;
      send(res, 400, invalidKey());
      return "wrong API key";
    }
    if (!route) {
      send(res, 200, listModels(models));
      return "model list";
    }
    const [, version = "v1beta", modelId = "", method] = route;
    if (req.method !== "POST") {
      stats.errors++;
      send(res, 405, bodyForStatus(405));
      return "not POST";
    }
    stats.byModel[modelId] = (stats.byModel[modelId] ?? 0) + 1;
    const index = generateIndex++;
    let raw;
    try {
      raw = await readBody(req);
    } catch {
      stats.errors++;
      send(res, 400, invalidArgument("Request payload size exceeds the limit: 67108864 bytes."));
      return "body too large";
    }
    const script = byIndex[index] ?? queue.shift();
    if (script?.delayMs) await wait(script.delayMs);
    if (closed || res.destroyed) return "client gone";
    if (script?.drop) {
      stats.errors++;
      res.socket?.destroy();
      return "connection dropped";
    }
    if (script?.status !== void 0 && script.status !== 200) {
      const body2 = script.body ?? (script.status === 429 ? quotaExceeded(modelId, options.rpm ?? 10, script.retryDelay) : bodyForStatus(script.status));
      if (script.status === 429) stats.throttled++;
      else stats.errors++;
      send(res, script.status, body2, script.headers);
      return "scripted error";
    }
    const model = models.find((m) => m.id === modelId);
    if (!model || model.shutdownDate !== void 0 && model.shutdownDate <= (/* @__PURE__ */ new Date()).toISOString().slice(0, 10)) {
      stats.errors++;
      send(res, 404, modelNotFound(modelId, version));
      return "unknown model";
    }
    let body;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      stats.errors++;
      send(res, 400, invalidArgument("Invalid JSON payload received. Unexpected token."));
      return "bad JSON";
    }
    recent.push({ model: modelId, body });
    if (recent.length > 20) recent.shift();
    const parts = (body.contents ?? []).flatMap((c) => c.parts ?? []);
    if (parts.length === 0) {
      stats.errors++;
      send(res, 400, invalidArgument("* GenerateContentRequest.contents: contents is not specified\n"));
      return "no contents";
    }
    if (options.rpm !== void 0) {
      const now = Date.now();
      const window = (windows.get(modelId) ?? []).filter((t) => t > now - 6e4);
      windows.set(modelId, window);
      if (window.length >= options.rpm) {
        stats.throttled++;
        send(res, 429, quotaExceeded(modelId, options.rpm, durationText(window[0] + 6e4 - now)));
        return "over rpm";
      }
      window.push(now);
    }
    if (rates.errorRate > 0 && random() < rates.errorRate) {
      stats.errors++;
      send(res, 503, overloaded());
      return "overloaded";
    }
    const checked = model.kind === "image" ? checkImageRequest(model, body) : void 0;
    if (typeof checked === "string") {
      stats.errors++;
      send(res, 400, invalidArgument(checked));
      return "invalid argument";
    }
    await wait(latencyMs);
    if (closed || res.destroyed) return "client gone";
    const answer = model.kind === "image" ? await answerImage(model, body, parts, checked, script) : await answerText(model, body, parts, script);
    if (closed || res.destroyed) return "client gone";
    if (method === "streamGenerateContent") {
      if (url.searchParams.get("alt") === "sse") sendEvents(res, [answer.body]);
      else send(res, 200, [answer.body]);
    } else {
      send(res, 200, answer.body);
    }
    return answer.summary;
  }
  function checkImageRequest(model, body) {
    const config = body.generationConfig?.imageConfig ?? {};
    const aspectRatio = config.aspectRatio ?? "1:1";
    if (!ASPECT_RATIOS.includes(aspectRatio)) {
      return `Unsupported aspect ratio "${aspectRatio}" for models/${model.id}. Supported values: ${ASPECT_RATIOS.join(", ")}.`;
    }
    const sizes = Object.keys(model.tokensBySize);
    if (sizes.length === 1 && config.imageSize !== void 0) {
      return `Image size is not configurable for models/${model.id}; it always returns ${sizes[0]} images. Remove imageConfig.imageSize.`;
    }
    const imageSize = config.imageSize ?? "1K";
    if (!sizes.includes(imageSize)) {
      return `Image size "${imageSize}" is not supported for models/${model.id}. Supported sizes: ${sizes.join(", ")}.`;
    }
    return { aspectRatio, imageSize };
  }
  async function answerImage(model, body, parts, config, script) {
    const prompt = parts.map((p) => p.text ?? "").join("\n").trim();
    const reference = parts.find((p) => p.inlineData?.data)?.inlineData;
    const seed = body.generationConfig?.seed ?? Math.floor(random() * 2 ** 31);
    const { width, height } = pixelSize(config.aspectRatio, config.imageSize);
    const mimeType = model.outputMimeType;
    const imageTokens = model.tokensBySize[config.imageSize] ?? 0;
    const promptTokens = Math.max(1, Math.ceil(prompt.length / 4)) + (reference ? INPUT_IMAGE_TOKENS : 0);
    const usage = (outputTokens, textTokens2 = 0) => script?.noUsage ? {} : {
      usageMetadata: {
        promptTokenCount: promptTokens,
        ...outputTokens + textTokens2 > 0 ? { candidatesTokenCount: outputTokens + textTokens2 } : {},
        totalTokenCount: promptTokens + outputTokens + textTokens2,
        promptTokensDetails: [
          { modality: "TEXT", tokenCount: promptTokens - (reference ? INPUT_IMAGE_TOKENS : 0) },
          ...reference ? [{ modality: "IMAGE", tokenCount: INPUT_IMAGE_TOKENS }] : []
        ],
        ...outputTokens + textTokens2 > 0 ? {
          candidatesTokensDetails: [
            ...textTokens2 > 0 ? [{ modality: "TEXT", tokenCount: textTokens2 }] : [],
            ...outputTokens > 0 ? [{ modality: "IMAGE", tokenCount: outputTokens }] : []
          ]
        } : {}
      }
    };
    const envelope = { modelVersion: model.id, responseId: responseId() };
    const blocked = script?.blockReason || script?.finishReason ? void 0 : blockFor(model.id, prompt, seed);
    const blockReason = script?.blockReason ?? (blocked === "prompt" ? "PROHIBITED_CONTENT" : void 0);
    if (blockReason) {
      stats.blocked++;
      return { body: { promptFeedback: { blockReason }, ...usage(0), ...envelope }, summary: `prompt blocked (${blockReason})` };
    }
    const finishReason = script?.finishReason ?? (blocked === "image" ? "IMAGE_SAFETY" : void 0);
    if (finishReason && finishReason !== "STOP") {
      stats.blocked++;
      return {
        body: { candidates: [{ content: { role: "model", parts: [] }, finishReason, index: 0 }], ...usage(0), ...envelope },
        summary: `finishReason ${finishReason}`
      };
    }
    const count = script?.images ?? 1;
    const kind = pictureKind(model.id, prompt, seed, rates);
    const images = [];
    for (let i = 0; i < count; i++) {
      const key = [model.id, prompt, seed + i, width, height, kind, reference ? hashUnit(reference.data ?? "") : "-"].join("\0");
      let data = cache.get(key);
      if (data === void 0) {
        const bytes = reference?.data ? await paintFromReference(Buffer.from(reference.data, "base64"), width, height, mimeType) : await paint({ model: model.id, prompt, seed: seed + i, width, height, mimeType, kind: i === 0 ? kind : "normal" });
        data = bytes.toString("base64");
        cache.set(key, data);
      }
      images.push(data);
    }
    const broken = script?.corrupt ?? (rates.corruptRate > 0 && random() < rates.corruptRate);
    if (broken && images.length > 0) images[0] = corrupt(Buffer.from(images[0], "base64"), seed).toString("base64");
    stats.images += images.length;
    const textTokens = script?.text ? Math.ceil(script.text.length / 4) : 0;
    const answerParts = [...script?.text ? [{ text: script.text }] : [], ...images.map((data) => ({ inlineData: { mimeType, data } }))];
    return {
      body: {
        candidates: [{ content: { role: "model", parts: answerParts }, finishReason: "STOP", index: 0 }],
        ...usage(images.length * imageTokens, textTokens),
        ...envelope
      },
      summary: images.length === 0 ? "text only" : `${images.length > 1 ? `${images.length} images` : "image"} ${width}x${height}${broken ? " (corrupt)" : ""}${kind !== "normal" && !reference ? ` (${kind})` : ""}`
    };
  }
  function blockFor(model, prompt, seed) {
    const u = hashUnit("block", model, prompt, seed);
    if (u >= rates.blockRate) return void 0;
    return u < rates.blockRate / 2 ? "prompt" : "image";
  }
  async function answerText(model, body, parts, script) {
    const image = parts.find((p) => p.inlineData?.data)?.inlineData;
    const textIn = parts.map((p) => p.text ?? "").join("\n");
    const verdict = image?.data ? await judgeImage(Buffer.from(image.data, "base64")) : { score: 0, reason: "No image was attached, so there is nothing to judge." };
    const json = body.generationConfig?.responseMimeType === "application/json";
    const text = script?.text ?? (json ? JSON.stringify({ score: verdict.score, reason: verdict.reason }) : `Score: ${verdict.score}/10. ${verdict.reason}`);
    const promptTokens = Math.ceil(textIn.length / 4) + (image ? 258 : 0);
    const outputTokens = Math.ceil(text.length / 4);
    return {
      body: {
        candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP", index: 0 }],
        usageMetadata: {
          promptTokenCount: promptTokens,
          candidatesTokenCount: outputTokens,
          totalTokenCount: promptTokens + outputTokens,
          promptTokensDetails: [
            { modality: "TEXT", tokenCount: promptTokens - (image ? 258 : 0) },
            ...image ? [{ modality: "IMAGE", tokenCount: 258 }] : []
          ]
        },
        modelVersion: model.id,
        responseId: responseId()
      },
      summary: `judge score ${verdict.score}`
    };
  }
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    url: `http://${address.address}:${address.port}`,
    stats,
    recent,
    enqueue: (...answers) => void queue.push(...answers),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const done of [...pending]) done();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    }
  };
}
function send(res, status, body, headers = {}) {
  if (res.destroyed || res.writableEnded) return;
  const html = typeof body === "string";
  const text = html ? body : JSON.stringify(body);
  const type = html ? "text/html; charset=UTF-8" : "application/json; charset=UTF-8";
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
function sendEvents(res, chunks) {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\r
\r
`);
  res.end();
}
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
function headerValue(value) {
  return Array.isArray(value) ? value[0] : value;
}
function pathOnly(url) {
  return (url ?? "/").split("?")[0];
}
function responseId() {
  return randomBytes(16).toString("base64url").slice(0, 22);
}
function listModels(models) {
  return {
    models: models.map((m) => ({
      name: `models/${m.id}`,
      displayName: m.name,
      supportedGenerationMethods: ["generateContent"]
    }))
  };
}
function definedOnly(options) {
  const out = {};
  for (const key of Object.keys(DEFAULT_RATES)) {
    if (options[key] !== void 0) out[key] = options[key];
  }
  return out;
}
var PictureCache = class {
  constructor(maxEntries, maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }
  maxEntries;
  maxBytes;
  entries = /* @__PURE__ */ new Map();
  bytes = 0;
  get(key) {
    const value = this.entries.get(key);
    if (value !== void 0) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  set(key, value) {
    this.entries.set(key, value);
    this.bytes += value.length;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const [oldest, data] = this.entries.entries().next().value;
      this.entries.delete(oldest);
      this.bytes -= data.length;
    }
  }
};

export {
  startEmulator
};
