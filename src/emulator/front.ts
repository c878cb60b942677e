import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../logger.js";
import { isShutDown, type Model } from "../models/catalog.js";
import { sleep } from "../sleep.js";
import { partsOf, type Answer, type RequestBody } from "./answer.js";
import type { BatchService } from "./batch.js";
import type { FileStore } from "./files.js";
import type { InjectedFaults, Refusal } from "./faults.js";
import { checkImageRequest, type ImageAnswers } from "./image-answer.js";
import { answerJudge } from "./judge-answer.js";
import type { AnswerShape } from "./profiles.js";
import { bodyForStatus, invalidArgument, invalidKey, missingKey, modelNotFound } from "./wire.js";

/**
 * The emulator's HTTP front: routes each request, checks its key and reads its body the one way
 * every route shares, then runs a generateContent request through the faults and the answers in
 * the order the service does, and sends what they decided.
 */

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

export interface FrontOptions {
  /** The only API key accepted; any non-empty key when unset. */
  key?: string;
  models: readonly Model[];
  /** Added before every generateContent answer. */
  latencyMs: number;
  shape: AnswerShape;
  faults: InjectedFaults;
  images: ImageAnswers;
  batches: BatchService;
  files: FileStore;
  stats: EmulatorStats;
  /** The last 20 generateContent request bodies, newest last. */
  recent: { model: string; body: unknown }[];
  /** Fired by close(): every wait ends at once and no answer is sent after it. */
  closing: AbortSignal;
  logger: Logger;
}

const ROUTE = /^\/(v1|v1beta)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const LIST_ROUTE = /^\/(v1|v1beta)\/models\/?$/;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const TOO_LARGE: Refusal = { status: 400, body: invalidArgument("Request payload size exceeds the limit: 67108864 bytes."), summary: "body too large" };

/** The server, not yet listening; every request is logged in one line (never the key). */
export function createFront(settings: FrontOptions): Server {
  const { stats, faults, closing, logger } = settings;
  let inFlight = 0;
  let generateIndex = 0;

  /** Waits, but lets close() cut the wait short. */
  const wait = async (ms: number) => {
    if (ms <= 0 || closing.aborted) return;
    await sleep(ms, closing).catch(() => {});
  };

  /** Sends a refusal and counts it: a 429 as throttled, anything else as an error. */
  function refuse(res: ServerResponse, refusal: Refusal): string {
    if (refusal.status === 429) stats.throttled++;
    else stats.errors++;
    send(res, refusal.status, refusal.body, refusal.headers);
    return refusal.summary;
  }

  /** The key check every route makes: a request without one, or with the wrong one, is refused as the service refuses it. */
  function keyRefusal(req: IncomingMessage, url: URL): Refusal | undefined {
    const key = headerValue(req.headers["x-goog-api-key"]) ?? url.searchParams.get("key") ?? "";
    if (!key) return { status: 403, body: missingKey(), summary: "no API key" };
    if (settings.key !== undefined && key !== settings.key) return { status: 400, body: invalidKey(), summary: "wrong API key" };
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
    stats.requests++;
    const url = new URL(req.url ?? "/", "http://emulator");
    // Batch jobs and the files they read and write: their own modules, behind the same key check.
    const batchOrFiles = settings.batches.owns(url.pathname) || settings.files.owns(url.pathname);
    const route = ROUTE.exec(url.pathname);
    if (!batchOrFiles && !route && !(req.method === "GET" && LIST_ROUTE.test(url.pathname))) {
      return refuse(res, { status: 404, body: bodyForStatus(404), summary: "no such method" });
    }
    const refusedKey = keyRefusal(req, url);
    if (refusedKey) return refuse(res, refusedKey);
    if (batchOrFiles) {
      const raw = await readBody(req).catch(() => undefined);
      if (!raw) return refuse(res, TOO_LARGE);
      if (settings.batches.owns(url.pathname)) return settings.batches.handle(req, res, url, raw);
      return settings.files.handle(req, res, url, raw, `http://${req.headers.host ?? "127.0.0.1"}`);
    }
    if (!route) {
      send(res, 200, listModels(settings.models));
      return "model list";
    }
    const [, version = "v1beta", modelId = "", method] = route;
    if (req.method !== "POST") return refuse(res, { status: 405, body: bodyForStatus(405), summary: "not POST" });
    stats.byModel[modelId] = (stats.byModel[modelId] ?? 0) + 1;
    stats.peakInFlight = Math.max(stats.peakInFlight, ++inFlight);
    res.once("close", () => inFlight--);
    const index = generateIndex++;
    const raw = await readBody(req).catch(() => undefined);
    if (!raw) return refuse(res, TOO_LARGE);
    const script = faults.scriptFor(index);
    if (script?.delayMs) await wait(script.delayMs);
    if (closing.aborted || res.destroyed) return "client gone";
    if (script?.drop) {
      stats.errors++;
      res.socket?.destroy();
      return "connection dropped";
    }
    const scripted = faults.scriptedRefusal(script, modelId);
    if (scripted) return refuse(res, scripted);
    const model = settings.models.find((m) => m.id === modelId);
    // A retired model answers like an unknown one from its shutdown date on.
    if (!model || isShutDown(model, new Date())) return refuse(res, { status: 404, body: modelNotFound(modelId, version), summary: "unknown model" });
    let body: RequestBody;
    try {
      body = JSON.parse(raw.toString("utf8")) as RequestBody;
    } catch {
      return refuse(res, { status: 400, body: invalidArgument("Invalid JSON payload received. Unexpected token."), summary: "bad JSON" });
    }
    settings.recent.push({ model: modelId, body });
    if (settings.recent.length > 20) settings.recent.shift();
    const parts = partsOf(body);
    if (parts.length === 0) return refuse(res, { status: 400, body: invalidArgument("* GenerateContentRequest.contents: contents is not specified\n"), summary: "no contents" });
    const limited = faults.overLimit(modelId, Date.now()) ?? faults.overloaded();
    if (limited) return refuse(res, limited);
    const checked = model.kind === "image" ? checkImageRequest(model, body) : undefined;
    if (typeof checked === "string") return refuse(res, { status: 400, body: invalidArgument(checked), summary: "invalid argument" });
    await wait(settings.latencyMs);
    if (closing.aborted || res.destroyed) return "client gone";
    const answer: Answer = model.kind === "image" ? await settings.images.answer(model, body, parts, checked!, script) : await answerJudge(model, body, parts, settings.shape, script);
    stats.images += answer.images;
    if (answer.blocked) stats.blocked++;
    if (closing.aborted || res.destroyed) return "client gone";
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

  return createServer((req, res) => {
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

function listModels(models: readonly Model[]): { models: unknown[] } {
  return {
    models: models.map((m) => ({
      name: `models/${m.id}`,
      displayName: m.name,
      supportedGenerationMethods: ["generateContent"],
    })),
  };
}
