import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { findModel, type Model } from "../models/catalog.js";
import type { FileStore } from "./files.js";
import { sendJson } from "./files.js";
import { bodyForStatus, errorBody, invalidArgument } from "./wire.js";

/**
 * The Batch API as the Gemini Developer API speaks it and @google/genai reads it:
 * `POST /v1beta/models/{m}:batchGenerateContent` with `{batch: {displayName, inputConfig:
 * {requests: {requests: [{request, metadata}]}} | {fileName}}}` answers a long-running operation
 * `{name: "batches/…", metadata: {displayName, state: "BATCH_STATE_…", model, createTime, output}}`;
 * `GET /v1beta/batches/{id}`, `GET /v1beta/batches` (`{operations, nextPageToken}`) and
 * `POST /v1beta/batches/{id}:cancel`. A finished job holds `output.inlinedResponses.inlinedResponses`
 * in input order ({response} or {error}), or `output.responsesFile` for a JSONL input.
 */

/** What a test forces onto one job, in submission order. */
export interface ScriptedJob {
  /** The job ends this way instead of succeeding, and nothing in it is billed. */
  outcome?: "FAILED" | "EXPIRED";
  /** 0-based positions of requests answered with an error inside a job that succeeds. */
  failRequests?: number[];
  /** Replaces batchDelayMs for this job. */
  delayMs?: number;
}

export interface BatchOptions {
  /** Time from submission until a job has its answers; 0 (default) answers on the first look. */
  batchDelayMs?: number;
  /** Outcomes forced onto jobs, one per job submitted. */
  batchScript?: ScriptedJob[];
}

/** One request as the emulator received it inside a batch job: its log, for tests counting submissions. */
export interface BatchRequestSeen {
  job: string;
  displayName: string;
  model: string;
  key?: string;
  seed?: number;
  prompt: string;
  withReference: boolean;
  /** How it ended: answered (billed), an error inside the job, or the job itself failed or expired. */
  outcome?: "answered" | "error" | "job-failed";
  billedUsd: number;
}

export interface BatchStats {
  /** Jobs created. */
  jobs: number;
  /** Every request of every job, in submission order. */
  requests: BatchRequestSeen[];
  /** What the batch answers cost, at the batch price. */
  billedUsd: number;
}

type State = "BATCH_STATE_PENDING" | "BATCH_STATE_RUNNING" | "BATCH_STATE_SUCCEEDED" | "BATCH_STATE_FAILED" | "BATCH_STATE_CANCELLED" | "BATCH_STATE_EXPIRED";
const TERMINAL = new Set<State>(["BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED", "BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED"]);

/** The service runs at most this many jobs at once per project. */
const MAX_OPEN_JOBS = 100;
/** Inlined requests may hold this much in all; beyond it, a JSONL file. */
const MAX_INLINE_BYTES = 20 * 1024 * 1024;

interface WireRequest {
  contents?: { parts?: { text?: string; inlineData?: { data?: string } }[] }[];
  generationConfig?: { seed?: number; imageConfig?: { imageSize?: string } };
}

interface Job {
  id: string;
  displayName: string;
  model: string;
  state: State;
  createTime: string;
  updateTime: string;
  endTime?: string;
  finishAt: number;
  fromFile: boolean;
  requests: { key?: string; metadata?: unknown; request: WireRequest; seen: BatchRequestSeen }[];
  script: ScriptedJob;
  output?: Record<string, unknown>;
  working?: Promise<void>;
}

export interface BatchServiceOptions extends BatchOptions {
  files: FileStore;
  models: readonly Model[];
  /** Answers one generateContent body as the interactive endpoint would: HTTP status and body. */
  answer(model: string, body: unknown): Promise<{ status: number; body: unknown; billedUsd?: number }>;
}

export class BatchService {
  readonly stats: BatchStats = { jobs: 0, requests: [], billedUsd: 0 };
  private readonly jobs = new Map<string, Job>();
  private readonly script: ScriptedJob[];

  constructor(private readonly options: BatchServiceOptions) {
    this.script = [...(options.batchScript ?? [])];
    const delay = options.batchDelayMs ?? 0;
    if (!(delay >= 0)) throw new RangeError(`batchDelayMs must be >= 0, got ${delay}`);
  }

  /** Whether this request is for the Batch API. */
  owns(pathname: string): boolean {
    return /^\/(v1|v1beta)\/models\/[^/:]+:batchGenerateContent$/.test(pathname) || /^\/(v1|v1beta)\/batches(\/|$)/.test(pathname);
  }

  /** Adds outcomes for jobs not yet submitted. */
  enqueue(...jobs: ScriptedJob[]): void {
    this.script.push(...jobs);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<string> {
    const create = /^\/(?:v1|v1beta)\/models\/([^/:]+):batchGenerateContent$/.exec(url.pathname);
    if (create) {
      if (req.method !== "POST") return refuse(res, 405, "not POST");
      return this.create(res, create[1]!, body);
    }
    if (/^\/(?:v1|v1beta)\/batches\/?$/.test(url.pathname) && req.method === "GET") return this.list(res, url);
    const one = /^\/(?:v1|v1beta)\/batches\/([^/:]+)(:cancel)?$/.exec(url.pathname);
    const job = one ? this.jobs.get(one[1]!) : undefined;
    if (!one) return refuse(res, 404, "no such batches method");
    if (!job) {
      sendJson(res, 404, errorBody(404, "NOT_FOUND", `Batch batches/${one[1]} not found.`));
      return "no such batch";
    }
    if (one[2]) {
      if (req.method !== "POST") return refuse(res, 405, "not POST");
      if (!TERMINAL.has(job.state)) this.end(job, "BATCH_STATE_CANCELLED");
      sendJson(res, 200, {});
      return `cancelled batches/${job.id}`;
    }
    if (req.method === "DELETE") {
      this.jobs.delete(job.id);
      sendJson(res, 200, {});
      return `deleted batches/${job.id}`;
    }
    await this.advance(job);
    sendJson(res, 200, operation(job));
    return `batches/${job.id} ${job.state}`;
  }

  private async create(res: ServerResponse, modelId: string, raw: Buffer): Promise<string> {
    const model = this.options.models.find((m) => m.id === modelId);
    if (!model) {
      sendJson(res, 404, errorBody(404, "NOT_FOUND", `models/${modelId} is not found for API version v1beta, or is not supported for batchGenerateContent.`));
      return "unknown model";
    }
    if (model.kind === "image" && model.batchShare === undefined) {
      sendJson(res, 400, invalidArgument(`models/${modelId} does not support batchGenerateContent.`));
      return "model without batch";
    }
    let parsed: { batch?: { displayName?: string; inputConfig?: { fileName?: string; requests?: { requests?: { request?: WireRequest; metadata?: { key?: string } }[] } } } };
    try {
      parsed = JSON.parse(raw.toString("utf8")) as typeof parsed;
    } catch {
      sendJson(res, 400, invalidArgument("Invalid JSON payload received."));
      return "bad JSON";
    }
    const input = parsed.batch?.inputConfig;
    let requests: { key?: string; metadata?: unknown; request: WireRequest }[];
    if (input?.fileName) {
      const file = this.options.files.get(input.fileName);
      if (!file) {
        sendJson(res, 400, invalidArgument(`File ${input.fileName} not found.`));
        return "no input file";
      }
      try {
        requests = file.bytes
          .toString("utf8")
          .split("\n")
          .filter((line) => line.trim())
          .map((line) => {
            const entry = JSON.parse(line) as { key?: string; request?: WireRequest };
            return { ...(entry.key !== undefined ? { key: entry.key } : {}), request: entry.request ?? {} };
          });
      } catch {
        sendJson(res, 400, invalidArgument(`File ${input.fileName} is not JSONL of {"key", "request"} lines.`));
        return "bad JSONL";
      }
    } else if (input?.requests?.requests) {
      if (raw.length > MAX_INLINE_BYTES) {
        sendJson(res, 400, invalidArgument(`Inlined requests exceed the limit of ${MAX_INLINE_BYTES} bytes; upload them as a JSONL file with the Files API.`));
        return "inline too large";
      }
      requests = input.requests.requests.map((r) => ({
        ...(r.metadata?.key !== undefined ? { key: r.metadata.key } : {}),
        ...(r.metadata !== undefined ? { metadata: r.metadata } : {}),
        request: r.request ?? {},
      }));
    } else {
      sendJson(res, 400, invalidArgument("* BatchGenerateContentRequest.batch.input_config: one of requests or file_name must be set\n"));
      return "no input";
    }
    if (requests.length === 0) {
      sendJson(res, 400, invalidArgument("* BatchGenerateContentRequest.batch.input_config: the batch holds no requests\n"));
      return "empty batch";
    }
    const open = [...this.jobs.values()].filter((j) => !TERMINAL.has(j.state)).length;
    if (open >= MAX_OPEN_JOBS) {
      sendJson(res, 429, errorBody(429, "RESOURCE_EXHAUSTED", `You have reached the limit of ${MAX_OPEN_JOBS} concurrent batch jobs.`));
      return "too many jobs";
    }
    const script = this.script.shift() ?? {};
    const id = randomBytes(9).toString("base64url").replace(/[-_]/g, "x").toLowerCase();
    const now = new Date().toISOString();
    const displayName = parsed.batch?.displayName ?? `batch-${id}`;
    const job: Job = {
      id,
      displayName,
      model: modelId,
      state: "BATCH_STATE_PENDING",
      createTime: now,
      updateTime: now,
      finishAt: Date.now() + (script.delayMs ?? this.options.batchDelayMs ?? 0),
      fromFile: Boolean(input.fileName),
      script,
      requests: requests.map((r) => {
        const parts = (r.request.contents ?? []).flatMap((c) => c.parts ?? []);
        const seen: BatchRequestSeen = {
          job: `batches/${id}`,
          displayName,
          model: modelId,
          ...(r.key !== undefined ? { key: r.key } : {}),
          ...(r.request.generationConfig?.seed !== undefined ? { seed: r.request.generationConfig.seed } : {}),
          prompt: parts.map((p) => p.text ?? "").join("\n").trim(),
          withReference: parts.some((p) => p.inlineData?.data),
          billedUsd: 0,
        };
        this.stats.requests.push(seen);
        return { ...r, seen };
      }),
    };
    this.jobs.set(id, job);
    this.stats.jobs++;
    sendJson(res, 200, operation(job));
    return `batch created batches/${id} (${requests.length} requests, ${job.fromFile ? "file" : "inline"})`;
  }

  private async list(res: ServerResponse, url: URL): Promise<string> {
    const size = Math.min(100, Math.max(1, Number(url.searchParams.get("pageSize") ?? 50) || 50));
    const start = Number(url.searchParams.get("pageToken") ?? 0) || 0;
    const all = [...this.jobs.values()].reverse();
    const page = all.slice(start, start + size);
    for (const job of page) await this.advance(job);
    sendJson(res, 200, { operations: page.map(operation), ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}) });
    return `batch list (${page.length} of ${all.length})`;
  }

  /** Runs a job whose time has come: every request answered as the interactive endpoint would. */
  private advance(job: Job): Promise<void> {
    if (TERMINAL.has(job.state) || Date.now() < job.finishAt) return Promise.resolve();
    job.working ??= this.run(job);
    return job.working;
  }

  private async run(job: Job): Promise<void> {
    job.state = "BATCH_STATE_RUNNING";
    if (job.script.outcome) {
      for (const r of job.requests) r.seen.outcome = "job-failed";
      this.end(job, job.script.outcome === "FAILED" ? "BATCH_STATE_FAILED" : "BATCH_STATE_EXPIRED");
      return;
    }
    const failing = new Set(job.script.failRequests ?? []);
    const answers: { key?: string; metadata?: unknown; response?: unknown; error?: unknown }[] = [];
    for (const [i, r] of job.requests.entries()) {
      const echo = { ...(r.key !== undefined ? { key: r.key } : {}), ...(r.metadata !== undefined ? { metadata: r.metadata } : {}) };
      if (failing.has(i)) {
        r.seen.outcome = "error";
        answers.push({ ...echo, error: { code: 500, message: "Internal error encountered.", status: "INTERNAL" } });
        continue;
      }
      const answer = await this.options.answer(job.model, r.request);
      if (answer.status !== 200) {
        r.seen.outcome = "error";
        const error = (answer.body as { error?: unknown })?.error ?? bodyForStatus(answer.status).error;
        answers.push({ ...echo, error });
        continue;
      }
      r.seen.outcome = "answered";
      r.seen.billedUsd = this.bill(job.model, answer.billedUsd ?? 0);
      this.stats.billedUsd += r.seen.billedUsd;
      answers.push({ ...echo, response: answer.body });
    }
    if (job.state !== "BATCH_STATE_RUNNING") return; // cancelled meanwhile: answers are not billed twice, but they were made
    if (job.fromFile) {
      const lines = answers.map((a) => JSON.stringify({ key: a.key, ...(a.response ? { response: a.response } : { error: a.error }) })).join("\n");
      const file = this.options.files.put(Buffer.from(`${lines}\n`), "application/jsonl", `${job.displayName}-results`);
      job.output = { responsesFile: file.name };
    } else {
      job.output = { inlinedResponses: { inlinedResponses: answers.map(({ key: _key, ...rest }) => rest) } };
    }
    this.end(job, "BATCH_STATE_SUCCEEDED");
  }

  /** The answer's whole bill (what the interactive endpoint bills it) at the model's batch share. */
  private bill(modelId: string, interactiveUsd: number): number {
    const model = findModel(modelId, this.options.models);
    return model?.kind === "image" ? interactiveUsd * (model.batchShare ?? 1) : interactiveUsd;
  }

  private end(job: Job, state: State): void {
    job.state = state;
    job.updateTime = job.endTime = new Date().toISOString();
  }
}

function operation(job: Job): Record<string, unknown> {
  const done = TERMINAL.has(job.state);
  const answered = job.requests.filter((r) => r.seen.outcome === "answered").length;
  const failed = job.requests.filter((r) => r.seen.outcome === "error").length;
  const metadata = {
    "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
    model: `models/${job.model}`,
    displayName: job.displayName,
    createTime: job.createTime,
    updateTime: job.updateTime,
    ...(job.endTime ? { endTime: job.endTime } : {}),
    batchStats: {
      requestCount: String(job.requests.length),
      ...(done ? { successfulRequestCount: String(answered), failedRequestCount: String(failed) } : { pendingRequestCount: String(job.requests.length) }),
    },
    state: job.state,
    name: `batches/${job.id}`,
    ...(job.output ? { output: job.output } : {}),
  };
  return {
    name: `batches/${job.id}`,
    metadata,
    done,
    ...(job.output ? { response: { "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput", ...job.output } } : {}),
    ...(done && job.state !== "BATCH_STATE_SUCCEEDED" ? { error: { code: job.state === "BATCH_STATE_CANCELLED" ? 1 : 4, message: `The batch ended ${job.state.replace("BATCH_STATE_", "").toLowerCase()}.` } } : {}),
  };
}

function refuse(res: ServerResponse, status: number, summary: string): string {
  sendJson(res, status, bodyForStatus(status));
  return summary;
}
