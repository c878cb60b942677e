import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NullLogger, type Logger } from "../logger.js";
import { ASPECT_RATIOS, MODELS, pixelSize, type AspectRatio, type ImageModel, type ImageSize, type Model } from "../models/catalog.js";
import { BatchService, type BatchOptions, type BatchStats, type ScriptedJob } from "./batch.js";
import { FileStore } from "./files.js";
import { judgeImage } from "./judge.js";
import { corrupt, hashRandom, hashUnit, paint, paintFromReference, pictureKind, type OutputMime, type PictureKind } from "./painter.js";
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
}

export interface EmulatorOptions extends BatchOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: "127.0.0.1";
  /** Added before every generateContent answer. */
  latencyMs?: number;
  /** Requests per minute per model (sliding 60 s window); beyond it, 429 with RetryInfo. */
  rpm?: number;
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
/** Input tokens per image sent to a model (Gemini 3 Pro Image documents 560). */
const INPUT_IMAGE_TOKENS = 560;

interface Part {
  text?: string;
  inlineData?: { mimeType?: string; data?: string };
}

interface RequestBody {
  contents?: { role?: string; parts?: Part[] }[];
  generationConfig?: {
    responseModalities?: string[];
    responseMimeType?: string;
    seed?: number;
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
  const stats: EmulatorStats = { requests: 0, images: 0, byModel: {}, throttled: 0, errors: 0, blocked: 0 };
  const windows = new Map<string, number[]>();
  const recent: { model: string; body: unknown }[] = [];
  const cache = new PictureCache(96, 256 * 1024 * 1024);
  const pending = new Set<() => void>();
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
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
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
    const index = generateIndex++;
    let raw: Buffer;
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
    if (script?.status !== undefined && script.status !== 200) {
      const body = script.body ?? (script.status === 429 ? quotaExceeded(modelId, options.rpm ?? 10, script.retryDelay) : bodyForStatus(script.status));
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
    if (options.rpm !== undefined) {
      const now = Date.now();
      const window = (windows.get(modelId) ?? []).filter((t) => t > now - 60_000);
      windows.set(modelId, window);
      if (window.length >= options.rpm) {
        stats.throttled++;
        send(res, 429, quotaExceeded(modelId, options.rpm, durationText((window[0] as number) + 60_000 - now)));
        return "over rpm";
      }
      window.push(now);
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
  async function answerOne(modelId: string, body: RequestBody): Promise<{ status: number; body: unknown }> {
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
    return { status: 200, body: answer.body };
  }

  /** The size checks the service makes; a message for a 400, or the resolved config. */
  function checkImageRequest(model: ImageModel, body: RequestBody): string | { aspectRatio: AspectRatio; imageSize: ImageSize } {
    const config = body.generationConfig?.imageConfig ?? {};
    const aspectRatio = config.aspectRatio ?? "1:1";
    if (!(ASPECT_RATIOS as readonly string[]).includes(aspectRatio)) {
      return `Unsupported aspect ratio "${aspectRatio}" for models/${model.id}. Supported values: ${ASPECT_RATIOS.join(", ")}.`;
    }
    const sizes = Object.keys(model.tokensBySize) as ImageSize[];
    // A single-size model (Lite) answers 400 to any imageSize, as reported against the real service.
    if (sizes.length === 1 && config.imageSize !== undefined) {
      return `Image size is not configurable for models/${model.id}; it always returns ${sizes[0]} images. Remove imageConfig.imageSize.`;
    }
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
  ): Promise<{ body: unknown; summary: string }> {
    const prompt = parts.map((p) => p.text ?? "").join("\n").trim();
    const reference = parts.find((p) => p.inlineData?.data)?.inlineData;
    const seed = body.generationConfig?.seed ?? Math.floor(random() * 2 ** 31);
    const { width, height } = pixelSize(config.aspectRatio, config.imageSize);
    const mimeType = model.outputMimeType as OutputMime;
    const imageTokens = model.tokensBySize[config.imageSize] ?? 0;
    const promptTokens = Math.max(1, Math.ceil(prompt.length / 4)) + (reference ? INPUT_IMAGE_TOKENS : 0);
    const usage = (outputTokens: number, textTokens = 0) =>
      script?.noUsage
        ? {}
        : {
            usageMetadata: {
              promptTokenCount: promptTokens,
              ...(outputTokens + textTokens > 0 ? { candidatesTokenCount: outputTokens + textTokens } : {}),
              totalTokenCount: promptTokens + outputTokens + textTokens,
              promptTokensDetails: [
                { modality: "TEXT", tokenCount: promptTokens - (reference ? INPUT_IMAGE_TOKENS : 0) },
                ...(reference ? [{ modality: "IMAGE", tokenCount: INPUT_IMAGE_TOKENS }] : []),
              ],
              ...(outputTokens + textTokens > 0
                ? {
                    candidatesTokensDetails: [
                      ...(textTokens > 0 ? [{ modality: "TEXT", tokenCount: textTokens }] : []),
                      ...(outputTokens > 0 ? [{ modality: "IMAGE", tokenCount: outputTokens }] : []),
                    ],
                  }
                : {}),
            },
          };
    const envelope = { modelVersion: model.id, responseId: responseId() };
    const blocked = script?.blockReason || script?.finishReason ? undefined : blockFor(model.id, prompt, seed);
    const blockReason = script?.blockReason ?? (blocked === "prompt" ? "PROHIBITED_CONTENT" : undefined);
    if (blockReason) {
      stats.blocked++;
      return { body: { promptFeedback: { blockReason }, ...usage(0), ...envelope }, summary: `prompt blocked (${blockReason})` };
    }
    const finishReason = script?.finishReason ?? (blocked === "image" ? "IMAGE_SAFETY" : undefined);
    if (finishReason && finishReason !== "STOP") {
      stats.blocked++;
      return {
        body: { candidates: [{ content: { role: "model", parts: [] }, finishReason, index: 0 }], ...usage(0), ...envelope },
        summary: `finishReason ${finishReason}`,
      };
    }
    const count = script?.images ?? 1;
    const kind: PictureKind = pictureKind(model.id, prompt, seed, rates);
    const images: string[] = [];
    for (let i = 0; i < count; i++) {
      const key = [model.id, prompt, seed + i, width, height, kind, reference ? hashUnit(reference.data ?? "") : "-"].join("\u0000");
      let data = cache.get(key);
      if (data === undefined) {
        const bytes = reference?.data
          ? await paintFromReference(Buffer.from(reference.data, "base64"), width, height, mimeType)
          : await paint({ model: model.id, prompt, seed: seed + i, width, height, mimeType, kind: i === 0 ? kind : "normal" });
        data = bytes.toString("base64");
        cache.set(key, data);
      }
      images.push(data);
    }
    const broken = script?.corrupt ?? (rates.corruptRate > 0 && random() < rates.corruptRate);
    if (broken && images.length > 0) images[0] = corrupt(Buffer.from(images[0] as string, "base64"), seed).toString("base64");
    stats.images += images.length;
    const textTokens = script?.text ? Math.ceil(script.text.length / 4) : 0;
    const answerParts = [...(script?.text ? [{ text: script.text }] : []), ...images.map((data) => ({ inlineData: { mimeType, data } }))];
    return {
      body: {
        candidates: [{ content: { role: "model", parts: answerParts }, finishReason: "STOP", index: 0 }],
        ...usage(images.length * imageTokens, textTokens),
        ...envelope,
      },
      summary: images.length === 0 ? "text only" : `${images.length > 1 ? `${images.length} images` : "image"} ${width}x${height}${broken ? " (corrupt)" : ""}${kind !== "normal" && !reference ? ` (${kind})` : ""}`,
    };
  }

  /** Deterministic blocks for a share of (model, prompt, seed): half on the prompt, half on the image. */
  function blockFor(model: string, prompt: string, seed: number): "prompt" | "image" | undefined {
    const u = hashUnit("block", model, prompt, seed);
    if (u >= rates.blockRate) return undefined;
    return u < rates.blockRate / 2 ? "prompt" : "image";
  }

  async function answerText(model: Model, body: RequestBody, parts: Part[], script: ScriptedAnswer | undefined): Promise<{ body: unknown; summary: string }> {
    const image = parts.find((p) => p.inlineData?.data)?.inlineData;
    const textIn = parts.map((p) => p.text ?? "").join("\n");
    const verdict = image?.data
      ? await judgeImage(Buffer.from(image.data, "base64"))
      : { score: 0, reason: "No image was attached, so there is nothing to judge." };
    const json = body.generationConfig?.responseMimeType === "application/json";
    // A scripted text stands in for the model's answer, e.g. one that ignores the response schema.
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
            ...(image ? [{ modality: "IMAGE", tokenCount: 258 }] : []),
          ],
        },
        modelVersion: model.id,
        responseId: responseId(),
      },
      summary: `judge score ${verdict.score}`,
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
      for (const done of [...pending]) done();
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
