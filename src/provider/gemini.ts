import { GoogleGenAI, type GenerateContentResponse } from "@google/genai";
import { InputError } from "../errors.js";
import { NullLogger, type Logger } from "../logger.js";
import { MODELS, findModel, liveModelIds, type CallRoute, type ImageModel, type Model, type PricingOverrides, type TextModel } from "../models/catalog.js";
import { sleep, type Sleep } from "../sleep.js";
import { CircuitBreaker } from "./circuit.js";
import { imageCall, readImageAnswer, type ImageAnswerReading } from "./image-call.js";
import { judgeCall, readJudgeAnswer } from "./judge-call.js";
import type { ImageProvider, ImageRequest, ImageResult, JudgeRequest, JudgeResult, RequestGate } from "./provider.js";
import { createRequestSender } from "./request.js";
import { resolveRetryPolicy, type RetryOptions } from "./retry.js";

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

const OPEN_GATE: RequestGate = {
  acquire: async () => {},
  throttled: () => {},
  succeeded: () => {},
};

/** How a model id of the wrong kind, or of no kind, is refused. */
const REFUSED_MODEL: Record<Model["kind"], { wrongKind: (id: string) => string; unknown: (id: string) => string }> = {
  image: { wrongKind: (id) => `${id} is a text model and cannot draw images`, unknown: (id) => `unknown image model "${id}"` },
  text: { wrongKind: (id) => `${id} is an image model and cannot judge images`, unknown: (id) => `unknown judge model "${id}"` },
};

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
  const logger = options.logger ?? new NullLogger();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  const sender = createRequestSender({
    apiKey,
    models,
    where: options.baseUrl ?? process.env.GOOGLE_GEMINI_BASE_URL ?? "Google's default endpoint",
    timeoutMs,
    ...(options.stop ? { stop: options.stop } : {}),
    stopGraceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
    policy: resolveRetryPolicy(options.retry),
    circuit: options.circuit ?? new CircuitBreaker(),
    gate: options.gate ?? OPEN_GATE,
    sleep: options.sleep ?? sleep,
    random: options.random ?? Math.random,
    logger,
  });
  const reading: ImageAnswerReading = { apiKey, pricing: options.pricing ?? {}, logger };
  const ai = new GoogleGenAI({
    apiKey,
    apiVersion: "v1beta",
    ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
  });

  function modelOfKind(id: string, kind: "image"): ImageModel;
  function modelOfKind(id: string, kind: "text"): TextModel;
  function modelOfKind(id: string, kind: Model["kind"]): Model {
    const model = findModel(id, models);
    if (model?.kind === kind) return model;
    const refused = REFUSED_MODEL[kind];
    throw new InputError([{ message: model ? refused.wrongKind(id) : refused.unknown(id), fix: `use one of: ${liveModelIds(kind, new Date(), models).join(", ")}` }]);
  }

  async function generate(request: ImageRequest): Promise<ImageResult> {
    const model = modelOfKind(request.model, "image");
    const { contents, config } = imageCall(model, request);
    const response = await sender.send(model.id, request.signal, (abortSignal, fetch) =>
      ai.models.generateContent({ model: model.id, contents, config: { ...config, abortSignal, httpOptions: { fetch } } }),
    );
    return readImageAnswer(response, model, request, reading);
  }

  async function judge(request: JudgeRequest): Promise<JudgeResult> {
    const model = modelOfKind(request.model, "text");
    const { contents, config } = judgeCall(model, request);
    const response = await sender.send(model.id, request.signal, (abortSignal, fetch) =>
      ai.models.generateContent({ model: model.id, contents, config: { ...config, abortSignal, httpOptions: { fetch } } }),
    );
    return readJudgeAnswer(response, model, apiKey);
  }

  return {
    generate,
    judge,
    answerOf: (response, request, route) => readImageAnswer(response, modelOfKind(request.model, "image"), request, reading, route),
    get calls() {
      return sender.attempts;
    },
  };
}
