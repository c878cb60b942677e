import { ApiError, GoogleGenAI, Type, type GenerateContentResponse, type Part } from "@google/genai";
import { InputError } from "../errors.js";
import { NullLogger, type Logger } from "../logger.js";
import {
  IMAGE_SIZES,
  MODELS,
  batchShareOf,
  findModel,
  type CallRoute,
  imageCostFromTokens,
  imagePriceUsd,
  type ImageModel,
  type ImageSize,
  type PricingOverrides,
  type TextModel,
  JUDGE_MAX_OUTPUT_TOKENS,
} from "../models/catalog.js";
import { CircuitBreaker } from "./circuit.js";
import { ApiKeyRejectedError, JudgeAnswerError, ModelNotFoundError, RequestRefusedError, redact } from "./errors.js";
import type {
  ImageProvider,
  ImageRequest,
  ImageResult,
  JudgeRequest,
  JudgeResult,
  RejectionReason,
  RequestGate,
  Usage,
} from "./provider.js";
import {
  TransientFailure,
  parseRetryAfter,
  realSleep,
  resolveRetryPolicy,
  retryInfoDelayMs,
  runWithRetry,
  type RetryOptions,
  type Sleep,
} from "./retry.js";

export interface GeminiProviderOptions {
  apiKey: string;
  /** Endpoint override (the emulator, a proxy); otherwise the SDK's default or GOOGLE_GEMINI_BASE_URL. */
  baseUrl?: string;
  pricing?: PricingOverrides;
  /** Every HTTP attempt, retries included, waits for this gate first. */
  gate?: RequestGate;
  logger?: Logger;
  /** Per attempt; the SDK call is aborted when it runs out. Default 120 s. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Share one breaker across every provider call of a run. */
  circuit?: CircuitBreaker;
  sleep?: Sleep;
  random?: () => number;
  /** Model table; the catalog by default. */
  models?: readonly (ImageModel | TextModel)[];
}

export const DEFAULT_TIMEOUT_MS = 120_000;

export interface GeminiProvider extends ImageProvider {
  readonly calls: number;
  /** Reads a generateContent answer that came another way (a batch job's), billed at that way's price. */
  answerOf(response: GenerateContentResponse, request: ImageRequest, route: CallRoute): ImageResult;
}

/** The generateContent request for one image, as the SDK takes it (also what a batch job holds). */
export function imageCall(model: ImageModel, request: ImageRequest): { contents: { role: string; parts: Part[] }[]; config: { responseModalities: string[]; imageConfig: { aspectRatio: string; imageSize?: string }; seed: number } } {
  const parts: Part[] = [{ text: request.prompt }];
  if (request.reference) {
    parts.push({ inlineData: { mimeType: request.reference.mimeType, data: request.reference.data.toString("base64") } });
  }
  const sizes = Object.keys(model.tokensBySize);
  // A single-size model (Lite) takes no imageSize: one report has it answer 400 to the field.
  const imageConfig =
    sizes.length === 1 && sizes[0] === request.imageSize
      ? { aspectRatio: request.aspectRatio }
      : { aspectRatio: request.aspectRatio, imageSize: request.imageSize };
  return { contents: [{ role: "user", parts }], config: { responseModalities: ["IMAGE"], imageConfig, seed: request.seed } };
}

const OPEN_GATE: RequestGate = {
  acquire: async () => {},
  throttled: () => {},
  succeeded: () => {},
};

const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

const KNOWN_FINISH_REJECTIONS = new Set<string>([
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "IMAGE_OTHER",
  "NO_IMAGE",
  "SAFETY",
  "PROHIBITED_CONTENT",
  "RECITATION",
  "BLOCKLIST",
  "SPII",
  "OTHER",
]);

/**
 * The Gemini provider on @google/genai (apiVersion v1beta). The SDK sends and parses; seedlock
 * owns retries, the timeout, the circuit and the wording of every error.
 */
export function createGeminiProvider(options: GeminiProviderOptions): GeminiProvider {
  const apiKey = options.apiKey?.trim() ?? "";
  if (!apiKey) {
    throw new InputError([{ message: "no API key for the Gemini API", fix: "set GEMINI_API_KEY (or the Action's api-key input)" }]);
  }
  const models = options.models ?? MODELS;
  const pricing = options.pricing ?? {};
  const logger = options.logger ?? new NullLogger();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  const policy = resolveRetryPolicy(options.retry);
  const circuit = options.circuit ?? new CircuitBreaker();
  const gate = options.gate ?? OPEN_GATE;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const ai = new GoogleGenAI({
    apiKey,
    apiVersion: "v1beta",
    ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
  });
  let calls = 0;

  /** One SDK call under seedlock's policy: gate, circuit, timeout, retries, error wording. */
  async function call(model: string, signal: AbortSignal | undefined, send: (signal: AbortSignal, fetch: typeof globalThis.fetch) => Promise<GenerateContentResponse>) {
    return runWithRetry(
      async () => {
        const attempt = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          attempt.abort(new Error(`timeout after ${timeoutMs} ms`));
        }, timeoutMs);
        const combined = signal ? AbortSignal.any([signal, attempt.signal]) : attempt.signal;
        let retryAfter: string | null = null;
        // The SDK drops response headers from its errors; keep Retry-After on the way through.
        const recordingFetch: typeof globalThis.fetch = async (input, init) => {
          const response = await globalThis.fetch(input, init);
          retryAfter = response.headers.get("retry-after");
          return response;
        };
        try {
          return await send(combined, recordingFetch);
        } catch (err) {
          if (signal?.aborted) throw signal.reason ?? err;
          if (timedOut) throw new TransientFailure({ description: `timeout after ${formatMs(timeoutMs)}` });
          throw translate(err, model, retryAfter);
        } finally {
          clearTimeout(timer);
        }
      },
      { policy, circuit, gate, sleep, random, logger, label: model, signal, onAttempt: () => void calls++ },
    );
  }

  /** Turns what the SDK threw into a TransientFailure or a seedlock error; never lets raw text through. */
  function translate(err: unknown, model: string, retryAfter: string | null): Error {
    if (err instanceof ApiError) {
      const status = err.status;
      const body = parseErrorBody(err.message);
      const apiMessage = redact(body.message ?? "", apiKey).trim();
      const apiStatus = body.status ? redact(body.status, apiKey) : undefined;
      if (TRANSIENT_STATUSES.has(status) || status >= 500) {
        const serverDelayMs = retryInfoDelayMs(body.details) ?? parseRetryAfter(retryAfter);
        return new TransientFailure({
          description: `HTTP ${status}${apiStatus ? ` ${apiStatus}` : ""}`,
          httpStatus: status,
          ...(serverDelayMs !== undefined ? { serverDelayMs } : {}),
          ...(apiMessage ? { detail: apiMessage } : {}),
        });
      }
      if (status === 401 || status === 403 || (status === 400 && isKeyInvalid(body))) {
        return new ApiKeyRejectedError(status, apiMessage || undefined);
      }
      if (status === 404) {
        const kind = findModel(model, models)?.kind ?? "image";
        return new ModelNotFoundError(model, liveIds(kind), apiMessage || undefined);
      }
      return new RequestRefusedError(status, apiStatus, apiMessage || "(no message)", model);
    }
    const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    // undici reports a failed connection as TypeError "fetch failed" (cause.code) or "terminated".
    if (error?.cause?.code || (error?.name === "TypeError" && /fetch failed|terminated|socket|network/i.test(error.message ?? ""))) {
      const code = error.cause?.code ?? error.cause?.message ?? error.message ?? "unknown";
      return new TransientFailure({ description: `network error (${redact(String(code), apiKey)})` });
    }
    return new Error(`unexpected failure calling ${model}: ${redact(String(error?.message ?? err), apiKey)}`);
  }

  /** Models of a kind that still answer today, for "use one of" hints. */
  function liveIds(kind: "image" | "text"): string[] {
    const today = new Date().toISOString().slice(0, 10);
    return models.filter((m) => m.kind === kind && !(m.shutdownDate !== undefined && m.shutdownDate <= today)).map((m) => m.id);
  }

  function imageModel(id: string): ImageModel {
    const model = findModel(id, models);
    if (model?.kind === "image") return model;
    const known = liveIds("image");
    throw new InputError([
      {
        message: model ? `${id} is a text model and cannot draw images` : `unknown image model "${id}"`,
        fix: `use one of: ${known.join(", ")}`,
      },
    ]);
  }

  function textModel(id: string): TextModel {
    const model = findModel(id, models);
    if (model?.kind === "text") return model;
    const known = liveIds("text");
    throw new InputError([
      {
        message: model ? `${id} is an image model and cannot judge images` : `unknown judge model "${id}"`,
        fix: `use one of: ${known.join(", ")}`,
      },
    ]);
  }

  async function generate(request: ImageRequest): Promise<ImageResult> {
    const model = imageModel(request.model);
    const { contents, config } = imageCall(model, request);
    const response = await call(model.id, request.signal, (abortSignal, fetch) =>
      ai.models.generateContent({ model: model.id, contents, config: { ...config, abortSignal, httpOptions: { fetch } } }),
    );
    return readImageResponse(response, model, request.imageSize);
  }

  /** Reads an answer that came another way (a batch job's) as generate reads its own, at that way's price. */
  function answerOf(response: GenerateContentResponse, request: ImageRequest, route: CallRoute): ImageResult {
    const model = imageModel(request.model);
    const result = readImageResponse(response, model, request.imageSize);
    return route === "batch" ? { ...result, costUsd: result.costUsd * batchShareOf(model) } : result;
  }

  function readImageResponse(response: GenerateContentResponse, model: ImageModel, imageSize: string): ImageResult {
    const usage = readUsage(response);
    const cost = (withImage: boolean) => imageCost(model, imageSize, usage.imageTokens, withImage);
    const blockReason = response.promptFeedback?.blockReason;
    if (blockReason && blockReason !== "BLOCKED_REASON_UNSPECIFIED") {
      const said = response.promptFeedback?.blockReasonMessage;
      return rejected(`PROMPT_${blockReason}`, `the prompt was blocked (${blockReason})${said ? `: ${said}` : ""}`);
    }
    const candidate = response.candidates?.[0];
    if (!candidate) return rejected("NO_IMAGE", "the response held no candidate");
    const finishReason = candidate.finishReason;
    const answerParts = (candidate.content?.parts ?? []).filter((p) => !p.thought);
    const text = answerParts.map((p) => p.text ?? "").join("").trim();
    if (finishReason && finishReason !== "STOP") {
      const reason = (KNOWN_FINISH_REJECTIONS.has(finishReason) ? finishReason : "OTHER") as RejectionReason;
      const said = candidate.finishMessage ?? (text || undefined);
      return rejected(reason, `generation stopped with finishReason ${finishReason}${said ? `: ${truncate(said)}` : ""}`);
    }
    const images = answerParts.filter((p) => p.inlineData?.data);
    const first = images[0]?.inlineData;
    if (!first?.data) {
      return rejected("NO_IMAGE", text ? `the model answered with text only: "${truncate(text)}"` : "the model returned no image");
    }
    if (images.length > 1) logger.debug(`${model.id} returned ${images.length} images; seedlock keeps the first`);
    return {
      kind: "image",
      image: { mimeType: first.mimeType ?? model.outputMimeType, data: Buffer.from(first.data, "base64") },
      usage,
      costUsd: cost(true),
      ...(text ? { text } : {}),
      imageCount: images.length,
    };

    function rejected(reason: RejectionReason, message: string): ImageResult {
      return { kind: "rejected", reason, message: redact(message, apiKey), usage, costUsd: cost(false) };
    }
  }

  /** From the image tokens reported; the price table when none were; nothing for an empty answer. */
  function imageCost(model: ImageModel, imageSize: string, imageTokens: number | undefined, withImage: boolean): number {
    const size = IMAGE_SIZES.includes(imageSize as ImageSize) ? (imageSize as ImageSize) : undefined;
    const byRate = (tokens: number) => (tokens * model.usdPerMillionOutputTokens) / 1e6;
    if (imageTokens !== undefined && imageTokens > 0) {
      return size && model.tokensBySize[size] !== undefined ? imageCostFromTokens(model, size, imageTokens, pricing) : byRate(imageTokens);
    }
    if (!withImage) return 0;
    return size && model.tokensBySize[size] !== undefined ? imagePriceUsd(model, size, pricing) : 0;
  }

  async function judge(request: JudgeRequest): Promise<JudgeResult> {
    const model = textModel(request.model);
    const instructions =
      "You screen generated images for a design system. Score how well the attached image meets this rubric, " +
      "from 0 (not at all) to 10 (fully), and give a one-sentence reason. Rubric: " +
      request.rubric;
    const response = await call(model.id, request.signal, (abortSignal, fetch) =>
      ai.models.generateContent({
        model: model.id,
        contents: [
          {
            role: "user",
            parts: [{ text: instructions }, { inlineData: { mimeType: request.image.mimeType, data: request.image.data.toString("base64") } }],
          },
        ],
        config: {
          responseMimeType: "application/json",
          // Bounds what the call can bill as output, thinking included, to what the ledger reserved.
          maxOutputTokens: JUDGE_MAX_OUTPUT_TOKENS,
          responseSchema: {
            type: Type.OBJECT,
            properties: {
              score: { type: Type.NUMBER, minimum: 0, maximum: 10, description: "How well the image meets the rubric" },
              reason: { type: Type.STRING, description: "One sentence" },
            },
            required: ["score", "reason"],
            propertyOrdering: ["score", "reason"],
          },
          abortSignal,
          httpOptions: { fetch },
        },
      }),
    );
    const usage = readUsage(response);
    const thoughts = response.usageMetadata?.thoughtsTokenCount ?? 0;
    const costUsd =
      ((usage.promptTokens ?? 0) * model.usdPerMillionInputTokens + ((usage.outputTokens ?? 0) + thoughts) * model.usdPerMillionOutputTokens) / 1e6;
    const blockReason = response.promptFeedback?.blockReason;
    const candidate = response.candidates?.[0];
    if (blockReason || (candidate?.finishReason && candidate.finishReason !== "STOP")) {
      return { score: 0, reason: `the judge refused to score the image (${blockReason ?? candidate?.finishReason})`, usage, costUsd };
    }
    const text = (candidate?.content?.parts ?? [])
      .filter((p) => !p.thought)
      .map((p) => p.text ?? "")
      .join("")
      .trim();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new JudgeAnswerError(model.id, `not JSON: "${truncate(redact(text, apiKey))}"`, costUsd);
    }
    const { score, reason } = (parsed ?? {}) as { score?: unknown; reason?: unknown };
    if (typeof score !== "number" || !Number.isFinite(score)) {
      throw new JudgeAnswerError(model.id, `score is not a number: ${truncate(redact(JSON.stringify(parsed), apiKey))}`, costUsd);
    }
    return {
      score: Math.min(10, Math.max(0, score)),
      reason: redact(typeof reason === "string" ? reason : "", apiKey),
      usage,
      costUsd,
    };
  }

  return {
    generate,
    judge,
    answerOf,
    get calls() {
      return calls;
    },
  };
}

function readUsage(response: GenerateContentResponse): Usage {
  const meta = response.usageMetadata;
  if (!meta) return {};
  const imageDetails = (meta.candidatesTokensDetails ?? []).filter((d) => d.modality === "IMAGE");
  const usage: Usage = {};
  if (meta.promptTokenCount !== undefined) usage.promptTokens = meta.promptTokenCount;
  if (meta.candidatesTokenCount !== undefined) usage.outputTokens = meta.candidatesTokenCount;
  if (imageDetails.length > 0) usage.imageTokens = imageDetails.reduce((sum, d) => sum + (d.tokenCount ?? 0), 0);
  return usage;
}

interface ErrorBody {
  message?: string;
  status?: string;
  details?: unknown[];
}

/** ApiError.message is the response body as JSON text: `{"error": {code, message, status, details}}`. */
function parseErrorBody(text: string): ErrorBody {
  try {
    const parsed = JSON.parse(text) as unknown;
    // Some proxies wrap the body in a one-element array.
    const root = (Array.isArray(parsed) ? parsed[0] : parsed) as { error?: Record<string, unknown> } | undefined;
    const error = root?.error ?? {};
    return {
      ...(typeof error["message"] === "string" ? { message: error["message"] } : {}),
      ...(typeof error["status"] === "string" ? { status: error["status"] } : {}),
      ...(Array.isArray(error["details"]) ? { details: error["details"] } : {}),
    };
  } catch {
    return { message: text };
  }
}

function isKeyInvalid(body: ErrorBody): boolean {
  const reasons = (body.details ?? []).map((d) => (d as { reason?: unknown })?.reason);
  return reasons.includes("API_KEY_INVALID") || /API key not valid/i.test(body.message ?? "");
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
