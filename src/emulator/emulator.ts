import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NullLogger, type Logger } from "../logger.js";
import { sleep } from "../sleep.js";
import { ASPECT_RATIOS, MODELS, pixelSize, type AspectRatio, type ImageModel, type ImageSize, type Model, type TextModel } from "../models/catalog.js";
import { BatchService, type BatchOptions, type BatchStats, type ScriptedJob } from "./batch.js";
import { FileStore } from "./files.js";
import { judgeImage } from "./judge.js";
import { checkRateLimit, createDailyQuota, createLimiter, type Limiter, type RateLimitOptions } from "./limits.js";
import { corrupt, hashRandom, hashUnit, paint, paintFromReference, pictureKind, type OutputMime, type PictureKind } from "./painter.js";
import { DEFAULT_JUDGE_THINKING, shapeOf, type AnswerShape, type ProfileName } from "./profiles.js";
import {
  bodyForStatus,
  durationText,
  invalidArgument,
  invalidKey,
  missingKey,
  modelNotFound,
  overloaded,
  quotaExceeded,
  type ErrorBody,
} from "./wire.js";

/**
 * One answer forced onto one request, for tests and demos. Without `status` (or with 200) the
 * request is answered normally except for what is set here.
 */
export interface ScriptedAnswer {
  /** HTTP status; anything but 200 is answered with Google's error body for it (or `body`). */
  status?: number;
  /** Replaces the error body; a string is sent as text/html. */
  body?: unknown;
  headers?: Record<string, string>;
  /** 429 only: adds a google.rpc.RetryInfo detail with this retryDelay ("47s", "1.5s"). */
  retryDelay?: string;
  /** Holds the answer this long first (to provoke client timeouts). */
  delayMs?: number;
  /** Closes the connection without answering, as a reset network would. */
  drop?: boolean;
  /** A candidate that stopped with this finishReason and carries no image. */
  finishReason?: string;
  /** promptFeedback.blockReason, with no candidate at all. */
  blockReason?: string;
  /** A text part before the image(s); with `images: 0`, a text-only answer. */
  text?: string;
  /** How many image parts to return (default 1). */
  images?: number;
  /** Image bytes that do not decode. */
  corrupt?: boolean;
  /** Leave usageMetadata out of the answer. */
  noUsage?: boolean;
  /** 429 only: the quota named is the per-day one. */
  perDay?: boolean;
}

export interface EmulatorOptions extends BatchOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: "127.0.0.1";
  /** Added before every generateContent answer. */
  latencyMs?: number;
  /** Requests per minute per model (sliding 60 s window); beyond it, 429 with RetryInfo. Shorthand for `limit`. */
  rpm?: number;
  /** A per-model rate limit of a chosen shape (token bucket, sliding or fixed window); wins over `rpm`. */
  limit?: RateLimitOptions;
  /** Requests per model per day; beyond it, 429 naming the per-day quota with a short RetryInfo, as the service does. */
  perDay?: number;
  /** Share of requests answered 503 UNAVAILABLE. */
  errorRate?: number;
  /** Share of (model, prompt, seed) whose answer is blocked (IMAGE_SAFETY or a prompt block). */
  blockRate?: number;
  /** Share of image answers whose bytes do not decode. */
  corruptRate?: number;
  /** Share of (model, prompt, seed) drawn too dark (mean luma < 20). */
  darkRate?: number;
  /** Share drawn flat (almost no contrast). */
  flatRate?: number;
  /** Share drawn as a near-copy of the previous seed of the same prompt. */
  duplicateRate?: number;
  /** The only API key accepted; any non-empty key when unset. */
  key?: string;
  /** Seeds the per-request draws (503s, corrupt bytes). */
  randomSeed?: number;
  /** Answers forced onto requests: a queue taken one per generateContent request, or keyed by its 0-based index. */
  failures?: ScriptedAnswer[] | Record<number, ScriptedAnswer>;
  /** Models served; the catalog by default. */
  models?: readonly Model[];
  /** One line per request (never the key). */
  logger?: Logger;
  /** A named variation of the real service's answers (src/emulator/profiles.ts); `shape` changes it further. */
  profile?: ProfileName;
  shape?: AnswerShape;
}

export interface EmulatorStats {
  /** Every HTTP request received. */
  requests: number;
  /** Image parts sent back (corrupt ones included). */
  images: number;
  /** generateContent requests per model id in the path. */
  byModel: Record<string, number>;
  /** 429 answers. */
  throttled: number;
  /** Other error answers (4xx, 5xx). */
  errors: number;
  /** Answers with a finishReason other than STOP or a promptFeedback.blockReason. */
  blocked: number;
  /** Most generateContent requests being worked on at once: the client's concurrency, seen from the service. */
  peakInFlight: number;
  /** What the answers' usageMetadata bills at the catalog's rates, in USD: the service's bill. */
  billedUsd: number;
}

export interface RunningEmulator {
  /** Base URL for the SDK's httpOptions.baseUrl or GOOGLE_GEMINI_BASE_URL, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
  readonly stats: EmulatorStats;
  /** Adds answers to the end of the scripted queue. */
  enqueue(...answers: ScriptedAnswer[]): void;
  /** The last 20 generateContent request bodies, newest last (headers, and so the key, are not kept). */
  readonly recent: { model: string; body: unknown }[];
  /** Batch jobs: every request they held, how it ended, and the batch bill. */
  readonly batches: BatchStats;
  /** Adds outcomes for batch jobs not yet submitted. */
  enqueueBatch(...jobs: ScriptedJob[]): void;
}

/** Every flaw and failure switched off: each answer is a clean image (for tests that count calls). */
export const NO_FLAWS = {
  darkRate: 0,
  flatRate: 0,
  duplicateRate: 0,
  blockRate: 0,
  corruptRate: 0,
  errorRate: 0,
} as const;

/** Rates that give an accept rate of roughly 70 % with the default screen rules. */
export const DEFAULT_RATES = {
  darkRate: 0.1,
  flatRate: 0.08,
  duplicateRate: 0.1,
  blockRate: 0.04,
  corruptRate: 0.01,
  errorRate: 0,
} as const;

const ROUTE = /^\/(v1|v1beta)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const LIST_ROUTE = /^\/(v1|v1beta)\/models\/?$/;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType?: string; data?: string };
}

interface RequestBody {
  contents?: { role?: string; parts?: Part[] }[];
  generationConfig?: {
    responseModalities?: string[];
    responseMimeType?: string;
    seed?: number;
    maxOutputTokens?: number;
    thinkingConfig?: { thinkingLevel?: string; thinkingBudget?: number };
    imageConfig?: { aspectRatio?: string; imageSize?: string };
  };
}

/** Starts the Gemini-compatible emulator on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const rates = { ...DEFAULT_RATES, ...definedOnly(options) };
  for (const [name, value] of Object.entries(rates)) {
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  }
  if (options.rpm !== undefined && !(Number.isInteger(options.rpm) && options.rpm >= 1)) throw new RangeError(`rpm must be an integer >= 1, got ${options.rpm}`);
  const latencyMs = options.latencyMs ?? 0;
  if (!(latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  const models = options.models ?? MODELS;
  const logger = options.logger ?? new NullLogger();
  const random = hashRandom(`emulator\u0000${options.randomSeed ?? 1}`);
  const queue: ScriptedAnswer[] = Array.isArray(options.failures) ? [...options.failures] : [];
  const byIndex: Record<number, ScriptedAnswer> = Array.isArray(options.failures) ? {} : { ...(options.failures ?? {}) };
  const stats: EmulatorStats = { requests: 0, images: 0, byModel: {}, throttled: 0, errors: 0, blocked: 0, peakInFlight: 0, billedUsd: 0 };
  let inFlight = 0;
  const limit: RateLimitOptions | undefined = options.limit ?? (options.rpm !== undefined ? { shape: "sliding-window", perMinute: options.rpm } : undefined);
  if (limit) checkRateLimit(limit);
  if (options.perDay !== undefined && !(Number.isInteger(options.perDay) && options.perDay >= 0)) throw new RangeError(`perDay must be an integer >= 0, got ${options.perDay}`);
  const limiters = new Map<string, { minute?: Limiter; day?: Limiter }>();
  const shape = shapeOf(options.profile, options.shape);
  const recent: { model: string; body: unknown }[] = [];
  const cache = new PictureCache(96, 256 * 1024 * 1024);
  // close() fires it, so every wait in flight (scripted delays, latency) ends at once.
  const closing = new AbortController();
  let generateIndex = 0;
  let closed = false;
  const files = new FileStore();
  const batches = new BatchService({
    files,
    models,
    ...(options.batchDelayMs !== undefined ? { batchDelayMs: options.batchDelayMs } : {}),
    ...(options.batchScript ? { batchScript: options.batchScript } : {}),
    answer: (modelId, body) => answerOne(modelId, body as RequestBody),
  });

  /** Waits, but lets close() cut the wait short. */
  const wait = async (ms: number) => {
    if (ms <= 0 || closed) return;
    await sleep(ms, closing.signal).catch(() => {});
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    handle(req, res).then(
      (summary) => logger.info(`${req.method} ${pathOnly(req.url)} → ${res.statusCode} ${summary} (${Math.round(performance.now() - started)} ms)`),
      (err: unknown) => {
        logger.error(`${req.method} ${pathOnly(req.url)} failed inside the emulator: ${(err as Error)?.message ?? String(err)}`);
        if (!res.headersSent) send(res, 500, bodyForStatus(500));
        else res.destroy();
      },
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
    stats.requests++;
    const url = new URL(req.url ?? "/", "http://emulator");
    // Batch jobs and the files they read and write: their own modules, behind the same key check.
    if (batches.owns(url.pathname) || files.owns(url.pathname)) return batchOrFiles(req, res, url);
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
    if (options.key !== undefined && key !== options.key) {
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
    stats.peakInFlight = Math.max(stats.peakInFlight, ++inFlight);
    res.once("close", () => inFlight--);
    const index = generateIndex++;
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      stats.errors++;
      send(res, 400, invalidArgument("Request payload size exceeds the limit: 67108864 bytes."));
      return "body too large";
    }
    const script = byIndex[index] ?? queue.shift() ?? perDayQuota(index);
    if (script?.delayMs) await wait(script.delayMs);
    if (closed || res.destroyed) return "client gone";
    if (script?.drop) {
      stats.errors++;
      res.socket?.destroy();
      return "connection dropped";
    }
    if (script?.status !== undefined && script.status !== 200) {
      const body =
        script.body ??
        (script.status === 429 ? quotaExceeded(modelId, script.perDay ? shape.perDayQuota!.after : (options.rpm ?? 10), script.retryDelay, script.perDay ? "day" : "minute") : bodyForStatus(script.status));
      if (script.status === 429) stats.throttled++;
      else stats.errors++;
      send(res, script.status, body, script.headers);
      return "scripted error";
    }
    const model = models.find((m) => m.id === modelId);
    // A retired model answers like an unknown one from its shutdown date on.
    if (!model || (model.shutdownDate !== undefined && model.shutdownDate <= new Date().toISOString().slice(0, 10))) {
      stats.errors++;
      send(res, 404, modelNotFound(modelId, version));
      return "unknown model";
    }
    let body: RequestBody;
    try {
      body = JSON.parse(raw.toString("utf8")) as RequestBody;
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
    if (limit || options.perDay !== undefined) {
      let byModel = limiters.get(modelId);
      if (!byModel) {
        byModel = {
          ...(limit ? { minute: createLimiter(limit) } : {}),
          ...(options.perDay !== undefined ? { day: createDailyQuota(options.perDay) } : {}),
        };
        limiters.set(modelId, byModel);
      }
      const now = Date.now();
      const minute = byModel.minute?.admit(now);
      if (minute && !minute.admitted) {
        stats.throttled++;
        send(res, 429, quotaExceeded(modelId, limit!.perMinute, durationText(minute.retryAfterMs)));
        return `over the ${limit!.shape} limit`;
      }
      const daily = byModel.day?.admit(now);
      if (daily && !daily.admitted) {
        stats.throttled++;
        send(res, 429, quotaExceeded(modelId, options.perDay!, durationText(daily.retryAfterMs), "day"));
        return "over the daily quota";
      }
    }
    if (rates.errorRate > 0 && random() < rates.errorRate) {
      stats.errors++;
      send(res, 503, overloaded());
      return "overloaded";
    }
    const checked = model.kind === "image" ? checkImageRequest(model, body) : undefined;
    if (typeof checked === "string") {
      stats.errors++;
      send(res, 400, invalidArgument(checked));
      return "invalid argument";
    }
    await wait(latencyMs);
    if (closed || res.destroyed) return "client gone";
    const answer =
      model.kind === "image"
        ? await answerImage(model, body, parts, checked as { aspectRatio: AspectRatio; imageSize: ImageSize }, script)
        : await answerText(model, body, parts, script);
    if (closed || res.destroyed) return "client gone";
    // Billed when answered: what usageMetadata says this answer costs.
    stats.billedUsd += answer.billedUsd;
    if (method === "streamGenerateContent") {
      // The whole answer as one chunk: server-sent events when asked (the SDK does), else a JSON array.
      if (url.searchParams.get("alt") === "sse") sendEvents(res, [answer.body]);
      else send(res, 200, [answer.body]);
    } else {
      send(res, 200, answer.body);
    }
    return answer.summary;
  }

  async function batchOrFiles(req: IncomingMessage, res: ServerResponse, url: URL): Promise<string> {
    const key = headerValue(req.headers["x-goog-api-key"]) ?? url.searchParams.get("key") ?? "";
    if (!key || (options.key !== undefined && key !== options.key)) {
      stats.errors++;
      send(res, key ? 400 : 403, key ? invalidKey() : missingKey());
      return key ? "wrong API key" : "no API key";
    }
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      stats.errors++;
      send(res, 400, invalidArgument("Request payload size exceeds the limit: 67108864 bytes."));
      return "body too large";
    }
    if (batches.owns(url.pathname)) return batches.handle(req, res, url, raw);
    return files.handle(req, res, url, raw, `http://${req.headers.host ?? "127.0.0.1"}`);
  }

  /** One generateContent body answered as the interactive endpoint would, without its rate limits or scripts: a batch job's request. */
  async function answerOne(modelId: string, body: RequestBody): Promise<{ status: number; body: unknown; billedUsd?: number }> {
    const model = models.find((m) => m.id === modelId);
    if (!model) return { status: 404, body: modelNotFound(modelId, "v1beta") };
    const parts = (body.contents ?? []).flatMap((c) => c.parts ?? []);
    if (parts.length === 0) return { status: 400, body: invalidArgument("* GenerateContentRequest.contents: contents is not specified\n") };
    const checked = model.kind === "image" ? checkImageRequest(model, body) : undefined;
    if (typeof checked === "string") return { status: 400, body: invalidArgument(checked) };
    const answer =
      model.kind === "image"
        ? await answerImage(model, body, parts, checked as { aspectRatio: AspectRatio; imageSize: ImageSize }, undefined)
        : await answerText(model, body, parts, undefined);
    return { status: 200, body: answer.body, billedUsd: answer.billedUsd };
  }

  /** A per-day quota that has run out: every request past it, with the short RetryInfo the service still sends. */
  function perDayQuota(index: number): ScriptedAnswer | undefined {
    const quota = shape.perDayQuota;
    if (!quota || index < quota.after) return undefined;
    return { status: 429, retryDelay: quota.retryDelay, perDay: true };
  }

  /** The size checks the service makes; a message for a 400, or the resolved config. */
  function checkImageRequest(model: ImageModel, body: RequestBody): string | { aspectRatio: AspectRatio; imageSize: ImageSize } {
    const config = body.generationConfig?.imageConfig ?? {};
    const aspectRatio = config.aspectRatio ?? "1:1";
    const ratios: readonly string[] = model.aspectRatios ?? ASPECT_RATIOS;
    if (!ratios.includes(aspectRatio)) {
      return `Unsupported aspect ratio "${aspectRatio}" for models/${model.id}. Supported values: ${ratios.join(", ")}.`;
    }
    const sizes = Object.keys(model.tokensBySize) as ImageSize[];
    // The one size of a single-size model (Lite's 1K) is a valid imageSize (DESIGN, facts).
    const imageSize = (config.imageSize ?? "1K") as ImageSize;
    if (!sizes.includes(imageSize)) {
      return `Image size "${imageSize}" is not supported for models/${model.id}. Supported sizes: ${sizes.join(", ")}.`;
    }
    return { aspectRatio: aspectRatio as AspectRatio, imageSize };
  }

  async function answerImage(
    model: ImageModel,
    body: RequestBody,
    parts: Part[],
    config: { aspectRatio: AspectRatio; imageSize: ImageSize },
    script: ScriptedAnswer | undefined,
  ): Promise<{ body: unknown; summary: string; billedUsd: number }> {
    const prompt = parts.map((p) => p.text ?? "").join("\n").trim();
    const references = parts.filter((p) => p.inlineData?.data);
    const reference = references[0]?.inlineData;
    const seed = body.generationConfig?.seed ?? Math.floor(random() * 2 ** 31);
    const geometry = shape.geometry ?? model.geometry ?? "gemini-3";
    const mimeType = (shape.mimeType ?? model.outputMimeType) as OutputMime;
    // Sizes of the images this answer holds: the asked one, a 1K one instead, or a 1K one first.
    const answeredSize: ImageSize = shape.undersized && (config.imageSize === "2K" || config.imageSize === "4K") ? "1K" : config.imageSize;
    const sizes: ImageSize[] = shape.twoImages && answeredSize !== "1K" && model.tokensBySize["1K"] !== undefined ? ["1K", answeredSize] : shape.twoImages ? [answeredSize, answeredSize] : [answeredSize];
    const inputImageTokens = references.length * (model.inputImageTokens ?? 560);
    const textInTokens = Math.max(1, Math.ceil(prompt.length / 4));
    const promptTokens = textInTokens + inputImageTokens;
    // Thinking models think before drawing: Pro always, Flash on some seeds (DESIGN, facts).
    const thinks = model.thinks === "always" || (model.thinks === "sometimes" && hashUnit("thinks", model.id, prompt, seed) < 0.3);
    const thoughtsTokens = thinks ? (model.thinks === "always" ? 337 : 120) : 0;
    let billedUsd = 0;
    const usage = (imageTokens: number, textTokens = 0) => {
      if (script?.noUsage) return {};
      const output = imageTokens + textTokens;
      billedUsd = bill(model, promptTokens, imageTokens, textTokens + thoughtsTokens);
      return {
        usageMetadata: {
          promptTokenCount: promptTokens,
          ...(output > 0 ? { candidatesTokenCount: output } : {}),
          ...(thoughtsTokens > 0 ? { thoughtsTokenCount: thoughtsTokens } : {}),
          totalTokenCount: promptTokens + output + thoughtsTokens,
          promptTokensDetails: [
            { modality: "TEXT", tokenCount: textInTokens },
            ...(inputImageTokens ? [{ modality: "IMAGE", tokenCount: inputImageTokens }] : []),
          ],
          ...(output > 0
            ? {
                candidatesTokensDetails: [
                  ...(textTokens > 0 ? [{ modality: "TEXT", tokenCount: textTokens }] : []),
                  ...(imageTokens > 0 ? [{ modality: "IMAGE", tokenCount: imageTokens }] : []),
                ],
              }
            : {}),
        },
      };
    };
    const envelope = { modelVersion: model.id, responseId: responseId() };
    const blocked = script?.blockReason || script?.finishReason ? undefined : blockFor(model.id, prompt, seed);
    const blockReason = script?.blockReason ?? (blocked === "prompt" ? "PROHIBITED_CONTENT" : undefined);
    if (blockReason) {
      stats.blocked++;
      return { body: { promptFeedback: { blockReason }, ...usage(0), ...envelope }, summary: `prompt blocked (${blockReason})`, billedUsd };
    }
    const finishReason = script?.finishReason ?? (blocked === "image" ? "IMAGE_SAFETY" : undefined);
    if (finishReason && finishReason !== "STOP") {
      stats.blocked++;
      return {
        body: { candidates: [{ content: { role: "model", parts: [] }, finishReason, index: 0 }], ...usage(0), ...envelope },
        summary: `finishReason ${finishReason}`,
        billedUsd,
      };
    }
    const count = script?.images ?? sizes.length;
    const kind: PictureKind = pictureKind(model.id, prompt, seed, rates);
    const images: { data: string; size: ImageSize; width: number; height: number }[] = [];
    for (let i = 0; i < count; i++) {
      const size = sizes[Math.min(i, sizes.length - 1)] as ImageSize;
      const { width, height } = pixelSize(config.aspectRatio, size, geometry);
      // The last image is the answer; earlier ones (a 1K first) are drawn from the next seed, as a different take.
      const drawSeed = seed + (count - 1 - i);
      const key = [model.id, prompt, drawSeed, width, height, kind, mimeType, reference ? hashUnit(reference.data ?? "") : "-"].join("\u0000");
      let data = cache.get(key);
      if (data === undefined) {
        const bytes = reference?.data
          ? await paintFromReference(Buffer.from(reference.data, "base64"), width, height, mimeType)
          : await paint({ model: model.id, prompt, seed: drawSeed, width, height, mimeType, kind: i === count - 1 ? kind : "normal" });
        data = bytes.toString("base64");
        cache.set(key, data);
      }
      images.push({ data, size, width, height });
    }
    const broken = script?.corrupt ?? (rates.corruptRate > 0 && random() < rates.corruptRate);
    const last = images[images.length - 1];
    if (broken && last) last.data = corrupt(Buffer.from(last.data, "base64"), seed).toString("base64");
    stats.images += images.length;
    // A text part comes before the image, as the real models answer (DESIGN, facts); a scripted one replaces it.
    const text = script?.text ?? (images.length > 0 ? "Here is the image you asked for." : "");
    const textTokens = text ? Math.ceil(text.length / 4) : 0;
    const thoughtParts = thinks && images.length > 0 ? await thoughtPartsFor(model, prompt, seed) : [];
    const signature = () => randomBytes(24).toString("base64");
    const answerParts = [
      ...thoughtParts,
      ...(text ? [{ text, ...(thinks ? { thoughtSignature: signature() } : {}) }] : []),
      ...images.map((image) => ({ inlineData: { mimeType, data: image.data }, thoughtSignature: signature() })),
    ];
    const imageTokens = images.reduce((sum, image) => sum + (model.tokensBySize[image.size] ?? 0), 0);
    const described = images.map((image) => `${image.width}x${image.height}`).join(" + ");
    const answerUsage = usage(imageTokens, textTokens);
    return {
      billedUsd,
      body: {
        candidates: [{ content: { role: "model", parts: answerParts }, finishReason: "STOP", index: 0 }],
        ...answerUsage,
        ...envelope,
      },
      summary: images.length === 0 ? "text only" : `${images.length > 1 ? `${images.length} images` : "image"} ${described} ${mimeType}${broken ? " (corrupt)" : ""}${kind !== "normal" && !reference ? ` (${kind})` : ""}`,
    };
  }

  /** An interim thought image and a line of thought text, both `thought: true`: what a thinking model sends first. */
  async function thoughtPartsFor(model: ImageModel, prompt: string, seed: number): Promise<Part[]> {
    const key = ["thought", model.id, prompt, seed].join("\u0000");
    let data = cache.get(key);
    if (data === undefined) {
      data = (await paint({ model: model.id, prompt, seed: seed + 7919, width: 256, height: 256, mimeType: "image/jpeg", kind: "normal" })).toString("base64");
      cache.set(key, data);
    }
    return [
      { text: "Sketching the composition before the final image.", thought: true },
      { inlineData: { mimeType: "image/jpeg", data }, thought: true } as Part,
    ];
  }

  /** One answer's usage at the catalog's rates: input, text and thinking, image tokens. */
  function bill(model: Model, promptTokens: number, imageTokens: number, textTokens: number): number {
    if (model.kind === "image") {
      return (promptTokens * (model.usdPerMillionInputTokens ?? 0) + textTokens * (model.usdPerMillionTextOutputTokens ?? 0) + imageTokens * model.usdPerMillionOutputTokens) / 1e6;
    }
    return (promptTokens * model.usdPerMillionInputTokens + textTokens * model.usdPerMillionOutputTokens) / 1e6;
  }

  /** Deterministic blocks for a share of (model, prompt, seed): half on the prompt, half on the image. */
  function blockFor(model: string, prompt: string, seed: number): "prompt" | "image" | undefined {
    const u = hashUnit("block", model, prompt, seed);
    if (u >= rates.blockRate) return undefined;
    return u < rates.blockRate / 2 ? "prompt" : "image";
  }

  async function answerText(model: Model, body: RequestBody, parts: Part[], script: ScriptedAnswer | undefined): Promise<{ body: unknown; summary: string; billedUsd: number }> {
    const image = parts.find((p) => p.inlineData?.data)?.inlineData;
    const textIn = parts.map((p) => p.text ?? "").join("\n");
    const verdict = image?.data
      ? await judgeImage(Buffer.from(image.data, "base64"))
      : { score: 0, reason: "No image was attached, so there is nothing to judge." };
    const json = body.generationConfig?.responseMimeType === "application/json";
    // A scripted text stands in for the model's answer, e.g. one that ignores the response schema.
    const answer = script?.text ?? (json ? JSON.stringify({ score: verdict.score, reason: verdict.reason }) : `Score: ${verdict.score}/10. ${verdict.reason}`);
    const perImage = (model as TextModel).inputImageTokens ?? 258;
    const promptTokens = Math.ceil(textIn.length / 4) + (image ? perImage : 0);
    // Gemini 3 thinks unless told otherwise, and thinking counts against maxOutputTokens (DESIGN, facts).
    const thinking = shape.judgeThinking ?? DEFAULT_JUDGE_THINKING;
    const config = body.generationConfig?.thinkingConfig;
    const lowered = config !== undefined && (config.thinkingLevel !== undefined ? /^(minimal|low)$/i.test(config.thinkingLevel) : (config.thinkingBudget ?? -1) >= 0);
    const wantThoughts = (model as TextModel).thinking === "none" ? 0 : lowered ? Math.min(thinking.lowered, config?.thinkingBudget ?? Infinity) : thinking.untold;
    const cap = body.generationConfig?.maxOutputTokens ?? Infinity;
    const answerTokens = Math.ceil(answer.length / 4);
    const fits = wantThoughts + answerTokens <= cap;
    const thoughtsTokens = fits ? wantThoughts : Math.min(wantThoughts, cap);
    const outputTokens = fits ? answerTokens : 0;
    return {
      billedUsd: bill(model, promptTokens, 0, outputTokens + thoughtsTokens),
      body: {
        candidates: [
          fits
            ? { content: { role: "model", parts: [{ text: answer }] }, finishReason: "STOP", index: 0 }
            : { content: { role: "model", parts: [] }, finishReason: "MAX_TOKENS", index: 0 },
        ],
        usageMetadata: {
          promptTokenCount: promptTokens,
          ...(outputTokens ? { candidatesTokenCount: outputTokens } : {}),
          ...(thoughtsTokens ? { thoughtsTokenCount: thoughtsTokens } : {}),
          totalTokenCount: promptTokens + outputTokens + thoughtsTokens,
          promptTokensDetails: [
            { modality: "TEXT", tokenCount: promptTokens - (image ? perImage : 0) },
            ...(image ? [{ modality: "IMAGE", tokenCount: perImage }] : []),
          ],
        },
        modelVersion: model.id,
        responseId: responseId(),
      },
      summary: fits ? `judge score ${verdict.score}` : `judge thought ${thoughtsTokens} tokens and hit MAX_TOKENS`,
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.address}:${address.port}`,
    stats,
    recent,
    enqueue: (...answers) => void queue.push(...answers),
    batches: batches.stats,
    enqueueBatch: (...jobs) => batches.enqueue(...jobs),
    close: async () => {
      if (closed) return;
      closed = true;
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** JSON for objects; a string body goes out as HTML, the way a proxy in front of the service answers. */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const html = typeof body === "string";
  const text = html ? body : JSON.stringify(body);
  const type = html ? "text/html; charset=UTF-8" : "application/json; charset=UTF-8";
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendEvents(res: ServerResponse, chunks: unknown[]): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  res.end();
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
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

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The path without the query string, which may hold `?key=`. */
function pathOnly(url: string | undefined): string {
  return (url ?? "/").split("?")[0] as string;
}

function responseId(): string {
  return randomBytes(16).toString("base64url").slice(0, 22);
}

function listModels(models: readonly Model[]): ErrorBody | { models: unknown[] } {
  return {
    models: models.map((m) => ({
      name: `models/${m.id}`,
      displayName: m.name,
      supportedGenerationMethods: ["generateContent"],
    })),
  };
}

function definedOnly(options: EmulatorOptions): Partial<Record<keyof typeof DEFAULT_RATES, number>> {
  const out: Partial<Record<keyof typeof DEFAULT_RATES, number>> = {};
  for (const key of Object.keys(DEFAULT_RATES) as (keyof typeof DEFAULT_RATES)[]) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}

/** Encoded pictures by request, so retries and reruns cost nothing to draw again. */
class PictureCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}
  get(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  set(key: string, value: string): void {
    this.entries.set(key, value);
    this.bytes += value.length;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const [oldest, data] = this.entries.entries().next().value as [string, string];
      this.entries.delete(oldest);
      this.bytes -= data.length;
    }
  }
}
