import type { AddressInfo } from "node:net";
import { NullLogger, type Logger } from "../logger.js";
import { MODELS, type Model } from "../models/catalog.js";
import { partsOf, type RequestBody } from "./answer.js";
import { BatchService, type BatchOptions, type BatchStats, type ScriptedJob } from "./batch.js";
import { DEFAULT_RATES, InjectedFaults, type FaultRates, type ScriptedAnswer } from "./faults.js";
import { FileStore } from "./files.js";
import { createFront, type EmulatorStats } from "./front.js";
import { checkImageRequest, ImageAnswers } from "./image-answer.js";
import { answerJudge } from "./judge-answer.js";
import type { RateLimitOptions } from "./limits.js";
import { hashRandom } from "./painter.js";
import { shapeOf, type AnswerShape, type ProfileName } from "./profiles.js";
import { invalidArgument, modelNotFound } from "./wire.js";

export { DEFAULT_RATES, NO_FLAWS, type ScriptedAnswer } from "./faults.js";
export type { EmulatorStats } from "./front.js";

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

/** Starts the Gemini-compatible emulator on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const rates: FaultRates = { ...DEFAULT_RATES, ...definedOnly(options) };
  for (const [name, value] of Object.entries(rates)) {
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  }
  if (options.rpm !== undefined && !(Number.isInteger(options.rpm) && options.rpm >= 1)) throw new RangeError(`rpm must be an integer >= 1, got ${options.rpm}`);
  const latencyMs = options.latencyMs ?? 0;
  if (!(latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  const models = options.models ?? MODELS;
  const shape = shapeOf(options.profile, options.shape);
  // One stream of draws for 503s, seeds not given and corrupt bytes, so a randomSeed replays a run.
  const random = hashRandom(`emulator\u0000${options.randomSeed ?? 1}`);
  const limit: RateLimitOptions | undefined = options.limit ?? (options.rpm !== undefined ? { shape: "sliding-window", perMinute: options.rpm } : undefined);
  const faults = new InjectedFaults({
    rates,
    shape,
    random,
    ...(options.failures ? { failures: options.failures } : {}),
    ...(limit ? { limit } : {}),
    ...(options.rpm !== undefined ? { rpm: options.rpm } : {}),
    ...(options.perDay !== undefined ? { perDay: options.perDay } : {}),
  });
  const stats: EmulatorStats = { requests: 0, images: 0, byModel: {}, throttled: 0, errors: 0, blocked: 0, peakInFlight: 0, billedUsd: 0 };
  const recent: { model: string; body: unknown }[] = [];
  const images = new ImageAnswers({ shape, rates, random });
  // close() fires it, so every wait in flight (scripted delays, latency) ends at once.
  const closing = new AbortController();
  const files = new FileStore();
  const batches = new BatchService({
    files,
    models,
    ...(options.batchDelayMs !== undefined ? { batchDelayMs: options.batchDelayMs } : {}),
    ...(options.batchScript ? { batchScript: options.batchScript } : {}),
    answer: (modelId, body) => answerOne(modelId, body as RequestBody),
  });

  /** One generateContent body answered as the interactive endpoint would, without its rate limits or scripts: a batch job's request. */
  async function answerOne(modelId: string, body: RequestBody): Promise<{ status: number; body: unknown; billedUsd?: number }> {
    const model = models.find((m) => m.id === modelId);
    if (!model) return { status: 404, body: modelNotFound(modelId, "v1beta") };
    const parts = partsOf(body);
    if (parts.length === 0) return { status: 400, body: invalidArgument("* GenerateContentRequest.contents: contents is not specified\n") };
    const checked = model.kind === "image" ? checkImageRequest(model, body) : undefined;
    if (typeof checked === "string") return { status: 400, body: invalidArgument(checked) };
    const answer = model.kind === "image" ? await images.answer(model, body, parts, checked!, undefined) : await answerJudge(model, body, parts, shape, undefined);
    stats.images += answer.images;
    if (answer.blocked) stats.blocked++;
    return { status: 200, body: answer.body, billedUsd: answer.billedUsd };
  }

  const logger = options.logger ?? new NullLogger();
  const server = createFront({
    ...(options.key !== undefined ? { key: options.key } : {}),
    models,
    latencyMs,
    shape,
    faults,
    images,
    batches,
    files,
    stats,
    recent,
    closing: closing.signal,
    logger,
  });
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
    enqueue: (...answers) => faults.enqueue(...answers),
    batches: batches.stats,
    enqueueBatch: (...jobs) => batches.enqueue(...jobs),
    close: async () => {
      if (closing.signal.aborted) return;
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function definedOnly(options: EmulatorOptions): Partial<FaultRates> {
  const out: Partial<FaultRates> = {};
  for (const key of Object.keys(DEFAULT_RATES) as (keyof FaultRates)[]) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}
