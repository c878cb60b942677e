import { ApiError, GoogleGenAI, ThinkingLevel, Type, type GenerateContentResponse, type Part, type ThinkingConfig } from "@google/genai";
import { InputError } from "../errors.js";
import { NullLogger, type Logger } from "../logger.js";
import {
  IMAGE_SIZES,
  JUDGE_INSTRUCTIONS,
  JUDGE_MAX_OUTPUT_TOKENS,
  MODELS,
  batchShareOf,
  findModel,
  type CallRoute,
  imageCallCostUsd,
  imageCallMaxOutputTokens,
  imagePriceUsd,
  inputTokenBound,
  type ImageModel,
  type ImageSize,
  type PricingOverrides,
  type TextModel,
} from "../models/catalog.js";
import { CircuitBreaker } from "./circuit.js";
import { ApiKeyRejectedError, JudgeAnswerError, ModelNotFoundError, NOT_ANSWERING, QuotaExhaustedError, RequestRefusedError, redact } from "./errors.js";
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
  quotaViolations,
  realSleep,
  resolveRetryPolicy,
  retryInfoDelayMs,
  runWithRetry,
  type RetryOptions,
  type Sleep,
} from "./retry.js";
// To the micro-dollar the ledger counts in, so the ledger, the lockfile and the report add up the same figures.
import { roundUsd as toMicroUsd } from "../money.js";

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
  /**
   * The run's stop (SIGINT, SIGTERM): no new attempt is sent, waits end at once, and a request
   * already sent may still be answered within `stopGraceMs`: the service bills a generation it
   * finished whether or not the client is still there, so an answer cut off is money lost.
   * A response already begun when the grace ends gets a third of it more for its body.
   */
  stop?: AbortSignal;
  /** Default 1.5 s: most of the 2 s a stop may take, the rest for booking what came back. */
  stopGraceMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_STOP_GRACE_MS = 1_500;

export interface GeminiProvider extends ImageProvider {
  readonly calls: number;
  /** Reads a generateContent answer that came another way (a batch job's), billed at that way's price. */
  answerOf(response: GenerateContentResponse, request: ImageRequest, route: CallRoute): ImageResult;
}

/** The generateContent request for one image, as the SDK takes it (also what a batch job holds). */
export function imageCall(model: ImageModel, request: ImageRequest): { contents: { role: string; parts: Part[] }[]; config: { responseModalities: string[]; imageConfig: { aspectRatio: string; imageSize?: string }; seed: number; maxOutputTokens?: number } } {
  const parts: Part[] = [{ text: request.prompt }];
  if (request.reference) {
    parts.push({ inlineData: { mimeType: request.reference.mimeType, data: request.reference.data.toString("base64") } });
  }
  const size = asImageSize(request.imageSize);
  return {
    contents: [{ role: "user", parts }],
    config: {
      responseModalities: ["IMAGE"],
      // `imageSize: "1K"` is valid on Lite too (DESIGN, facts).
      imageConfig: { aspectRatio: request.aspectRatio, imageSize: request.imageSize },
      seed: request.seed,
      // Thinking counts against this cap: it bounds the bill to what the ledger reserved.
      ...(size ? { maxOutputTokens: imageCallMaxOutputTokens(model, size) } : {}),
    },
  };
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
  const stop = options.stop;
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const ai = new GoogleGenAI({
    apiKey,
    apiVersion: "v1beta",
    ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
  });
  let calls = 0;
  const where = options.baseUrl ?? process.env.GOOGLE_GEMINI_BASE_URL ?? "Google's default endpoint";

  /** One SDK call under seedlock's policy: gate, circuit, timeout, retries, error wording. */
  async function call(model: string, signal: AbortSignal | undefined, send: (signal: AbortSignal, fetch: typeof globalThis.fetch) => Promise<GenerateContentResponse>) {
    // Sleeps and the gate stop at once on either; a request already sent is handled below.
    const waits = signal && stop ? AbortSignal.any([signal, stop]) : (signal ?? stop);
    return runWithRetry(
      async () => {
        const attempt = new AbortController();
        let timedOut = false;
        let answering = false;
        const timer = setTimeout(() => {
          timedOut = true;
          attempt.abort(new Error(`timeout after ${timeoutMs} ms`));
        }, timeoutMs);
        let graceTimer: ReturnType<typeof setTimeout> | undefined;
        const onStop = () => {
          graceTimer = setTimeout(() => {
            // A response begun is a generation done and billed: its body gets a little longer.
            if (answering) graceTimer = setTimeout(() => attempt.abort(stop?.reason), stopGraceMs / 3);
            else attempt.abort(stop?.reason);
          }, stopGraceMs);
        };
        if (stop?.aborted) onStop();
        else stop?.addEventListener("abort", onStop, { once: true });
        const combined = signal ? AbortSignal.any([signal, attempt.signal]) : attempt.signal;
        let retryAfter: string | null = null;
        // The SDK drops response headers from its errors; keep Retry-After on the way through.
        const recordingFetch: typeof globalThis.fetch = async (input, init) => {
          const response = await globalThis.fetch(input, init);
          answering = true;
          retryAfter = response.headers.get("retry-after");
          return response;
        };
        try {
          return await send(combined, recordingFetch);
        } catch (err) {
          if (signal?.aborted) throw signal.reason ?? err;
          if (stop?.aborted && !timedOut) throw stop.reason ?? err;
          if (timedOut) throw new TransientFailure({ description: `timeout after ${formatMs(timeoutMs)}` });
          throw translate(err, model, retryAfter);
        } finally {
          clearTimeout(timer);
          clearTimeout(graceTimer);
          stop?.removeEventListener("abort", onStop);
        }
      },
      { policy, circuit, gate, sleep, random, logger, label: model, ...(waits ? { signal: waits } : {}), onAttempt: () => void calls++ },
    );
  }

  /** Turns what the SDK threw into a TransientFailure or a seedlock error; never lets raw text through. */
  function translate(err: unknown, model: string, retryAfter: string | null): Error {
    if (err instanceof ApiError) {
      const status = err.status;
      const body = parseErrorBody(err.message);
      const apiMessage = redact(body.message ?? "", apiKey).trim();
      const apiStatus = body.status ? redact(body.status, apiKey) : undefined;
      if (status === 429) {
        // A per-day (or zero) quota still says "retry in 38s": believing it would only spin.
        const quota = quotaViolations(body.details).find((q) => /per ?day/i.test(q.quotaId) || q.quotaValue === "0");
        if (quota) return new QuotaExhaustedError(redact(quota.quotaId, apiKey), quota.quotaValue, model);
      }
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
      // Nothing listening, or no such host: name the address, since waiting will not fix it.
      if (NOT_ANSWERING.test(String(code))) return new TransientFailure({ description: `network error (${String(code)} at ${where})` });
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
    return readImageResponse(response, model, asImageSize(request.imageSize), request);
  }

  /** Reads an answer that came another way (a batch job's) as generate reads its own, at that way's price. */
  function answerOf(response: GenerateContentResponse, request: ImageRequest, route: CallRoute): ImageResult {
    const model = imageModel(request.model);
    const result = readImageResponse(response, model, asImageSize(request.imageSize), request);
    return route === "batch" ? { ...result, costUsd: toMicroUsd(result.costUsd * batchShareOf(model)) } : result;
  }

  function readImageResponse(response: GenerateContentResponse, model: ImageModel, size: ImageSize | undefined, request: ImageRequest): ImageResult {
    const usage = readUsage(response);
    const candidate = response.candidates?.[0];
    const allParts = candidate?.content?.parts ?? [];
    // Thought parts (interim "thought images" and thought text) are never the answer.
    const answerParts = allParts.filter((p) => !p.thought);
    const images = answerParts.filter((p) => p.inlineData?.data);
    const thoughtImages = allParts.filter((p) => p.thought && p.inlineData?.data).length;
    const costUsd = toMicroUsd(billImageCall(model, size, usage, images.length, request));
    const text = answerParts.map((p) => p.text ?? "").join("").trim();
    const blockReason = response.promptFeedback?.blockReason;
    // An answer that holds an image is an image, whatever its finishReason says.
    const last = images[images.length - 1]?.inlineData;
    if (last?.data) {
      if (images.length > 1) logger.debug(`${model.id} returned ${images.length} images in one answer; seedlock keeps the last`);
      const finishReason = candidate?.finishReason;
      return {
        kind: "image",
        image: { mimeType: last.mimeType ?? model.outputMimeType, data: Buffer.from(last.data, "base64") },
        usage,
        costUsd,
        ...(text ? { text } : {}),
        imageCount: images.length,
        ...(thoughtImages ? { thoughtImages } : {}),
        ...(finishReason && finishReason !== "STOP" ? { finishReason } : {}),
      };
    }
    if (blockReason && blockReason !== "BLOCKED_REASON_UNSPECIFIED") {
      const said = response.promptFeedback?.blockReasonMessage;
      return rejected(`PROMPT_${blockReason}`, `the prompt was blocked (${blockReason})${said ? `: ${said}` : ""}`);
    }
    if (!candidate) return rejected("NO_IMAGE", "the response held no candidate");
    const finishReason = candidate.finishReason;
    if (finishReason && finishReason !== "STOP") {
      const reason = (KNOWN_FINISH_REJECTIONS.has(finishReason) ? finishReason : "OTHER") as RejectionReason;
      const said = candidate.finishMessage ?? (text || undefined);
      return rejected(reason, `generation stopped with finishReason ${finishReason}${said ? `: ${truncate(said)}` : ""}`);
    }
    return rejected("NO_IMAGE", text ? `the model answered with text only: "${truncate(text)}"` : "the model returned no image");

    function rejected(reason: RejectionReason, message: string): ImageResult {
      return { kind: "rejected", reason, message: redact(message, apiKey), usage, costUsd };
    }
  }

  /**
   * The whole bill of one image call from its usage: input (prompt and input images), thinking and
   * text at the text price, image tokens at the image price. Without usage: the price table.
   */
  function billImageCall(model: ImageModel, size: ImageSize | undefined, usage: Usage, imagesReturned: number, request: ImageRequest): number {
    if (usage.promptTokens === undefined && usage.outputTokens === undefined && usage.thoughtsTokens === undefined) {
      if (imagesReturned === 0) return 0;
      const input = inputTokenBound(request.prompt, request.reference ? 1 : 0, model.inputImageTokens);
      const perImage = size && model.tokensBySize[size] !== undefined ? imagePriceUsd(model, size, pricing) : 0;
      return (input * model.usdPerMillionInputTokens) / 1e6 + imagesReturned * perImage;
    }
    const output = usage.outputTokens ?? 0;
    // Without a per-modality split, an answer with an image is billed as image tokens (the dearer kind).
    const imageTokens = usage.imageTokens ?? (imagesReturned > 0 ? output : 0);
    const textTokens = Math.max(0, output - imageTokens) + (usage.thoughtsTokens ?? 0);
    return imageCallCostUsd(model, size, { promptTokens: usage.promptTokens ?? 0, imageTokens, textTokens }, pricing);
  }

  async function judge(request: JudgeRequest): Promise<JudgeResult> {
    const model = textModel(request.model);
    const instructions = JUDGE_INSTRUCTIONS + request.rubric;
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
          // Gemini 3 thinks at a medium or high level unless told; thinking counts against the cap above.
          ...thinkingFor(model),
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
    const costUsd = toMicroUsd(
      ((usage.promptTokens ?? 0) * model.usdPerMillionInputTokens + ((usage.outputTokens ?? 0) + (usage.thoughtsTokens ?? 0)) * model.usdPerMillionOutputTokens) / 1e6,
    );
    const blockReason = response.promptFeedback?.blockReason;
    const candidate = response.candidates?.[0];
    const text = (candidate?.content?.parts ?? [])
      .filter((p) => !p.thought)
      .map((p) => p.text ?? "")
      .join("")
      .trim();
    if (blockReason || (candidate?.finishReason && !JUDGE_READABLE_FINISH.has(candidate.finishReason))) {
      return { score: 0, reason: `the judge refused to score the image (${blockReason ?? candidate?.finishReason})`, usage, costUsd };
    }
    if (!text && candidate?.finishReason === "MAX_TOKENS") {
      throw new JudgeAnswerError(model.id, `it used its ${JUDGE_MAX_OUTPUT_TOKENS}-token output cap (${usage.thoughtsTokens ?? 0} on thinking) before answering`, costUsd);
    }
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
  else if (meta.candidatesTokensDetails?.length) usage.imageTokens = 0;
  if (meta.thoughtsTokenCount !== undefined) usage.thoughtsTokens = meta.thoughtsTokenCount;
  return usage;
}

/** A judge answer cut at MAX_TOKENS may still hold the whole JSON verdict; anything else non-STOP is a refusal. */
const JUDGE_READABLE_FINISH = new Set(["STOP", "MAX_TOKENS"]);

/** Keeps a judge's thinking short, in the form its generation takes. */
function thinkingFor(model: TextModel): { thinkingConfig?: ThinkingConfig } {
  if (model.thinking === "level") return { thinkingConfig: { thinkingLevel: ThinkingLevel.LOW } };
  if (model.thinking === "budget") return { thinkingConfig: { thinkingBudget: 256 } };
  return {};
}

function asImageSize(size: string): ImageSize | undefined {
  return IMAGE_SIZES.includes(size as ImageSize) ? (size as ImageSize) : undefined;
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
