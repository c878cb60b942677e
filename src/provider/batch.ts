import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError, GoogleGenAI, JobState, type BatchJob, type GenerateContentResponse, type InlinedRequest } from "@google/genai";
import { ExitCode, SeedlockError } from "../errors.js";
import { NullLogger, type Logger } from "../logger.js";
import { imageModelOf, type ImageModel } from "../models/catalog.js";
import type { GeminiProvider } from "./gemini.js";
import { imageCall } from "./image-call.js";
import { isNetworkFailure } from "./request.js";
import type { ImageRequest, ImageResult } from "./provider.js";
import { redact } from "./errors.js";
import { sleep } from "../sleep.js";

/**
 * The Batch API on @google/genai: many generateContent requests in one job, answered within 24 h
 * at the batch price. Requests go inline while the job stays small, and as a JSONL file through
 * the Files API beyond that; results come back inline in input order, or as a file to download.
 */

/** One request in a job, named by a key the caller can find it by again. */
export interface BatchRequest {
  key: string;
  request: ImageRequest;
}

/** `missing`: the service no longer knows the job (deleted, or past its retention). */
export type BatchJobState = "pending" | "succeeded" | "failed" | "cancelled" | "expired" | "missing";

export interface BatchJobView {
  name: string;
  displayName: string;
  state: BatchJobState;
}

/** One request's outcome in a finished job: an answer (image or rejection) or the error the job gave it. */
export type BatchAnswer = { key: string; result: ImageResult } | { key: string; error: string };

export interface BatchClient {
  /** Submits one job; answers its name. */
  submit(displayName: string, model: string, requests: BatchRequest[]): Promise<string>;
  /** The newest job with this display name that has not failed, expired or been cancelled. */
  find(displayName: string): Promise<BatchJobView | undefined>;
  /** A job's state, and the answers of its requests once it succeeded. */
  poll(name: string, requests: BatchRequest[]): Promise<{ state: BatchJobState; answers?: BatchAnswer[] }>;
  cancel(name: string): Promise<void>;
}

export interface BatchClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** Reads each answer as the interactive provider would, at the batch price. */
  reader: Pick<GeminiProvider, "answerOf">;
  logger?: Logger;
  /** Inline requests up to this many bytes of JSON in all; a file beyond. Default a little under the API's 20 MB. */
  inlineLimitBytes?: number;
}

/** The API takes 20 MB of inlined requests; the margin covers the envelope around them. */
const INLINE_LIMIT_BYTES = 19 * 1024 * 1024;
const JSONL_MIME = "application/vnd.google.generativeai.jsonl";
/** Transient failures of a batch call are tried this many times in all. */
const TRIES = 3;

const STATES: Record<string, BatchJobState> = {
  [JobState.JOB_STATE_SUCCEEDED]: "succeeded",
  [JobState.JOB_STATE_FAILED]: "failed",
  [JobState.JOB_STATE_CANCELLED]: "cancelled",
  [JobState.JOB_STATE_EXPIRED]: "expired",
};

export function createBatchClient(options: BatchClientOptions): BatchClient {
  const logger = options.logger ?? new NullLogger();
  const inlineLimit = options.inlineLimitBytes ?? INLINE_LIMIT_BYTES;
  const ai = new GoogleGenAI({ apiKey: options.apiKey, apiVersion: "v1beta", ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}) });

  async function submit(displayName: string, modelId: string, requests: BatchRequest[]): Promise<string> {
    const model = imageModel(modelId);
    const inlined: InlinedRequest[] = requests.map(({ key, request }) => ({ ...imageCall(model, request), metadata: { key } }));
    const size = inlined.reduce((n, r) => n + JSON.stringify(r).length, 0);
    let src: InlinedRequest[] | string = inlined;
    if (size > inlineLimit) {
      // On the wire a file line is the REST request: generationConfig, not the SDK's config.
      const lines = requests.map(({ key, request }) => {
        const { contents, config } = imageCall(model, request);
        return JSON.stringify({ key, request: { contents, generationConfig: config } });
      });
      const blob = new Blob([`${lines.join("\n")}\n`], { type: JSONL_MIME });
      const file = await attempt("upload the batch input", () => ai.files.upload({ file: blob, config: { mimeType: JSONL_MIME, displayName } }));
      if (!file.name) throw new SeedlockError("the Files API answered the upload without a file name", ExitCode.providerUnavailable);
      src = file.name;
      logger.debug(`batch ${displayName}: ${requests.length} requests in ${file.name} (${size} bytes)`);
    }
    const job = await attempt("submit the batch job", () => ai.batches.create({ model: model.id, src, config: { displayName } }));
    if (!job.name) throw new SeedlockError("the Batch API answered the submission without a job name", ExitCode.providerUnavailable);
    return job.name;
  }

  async function find(displayName: string): Promise<BatchJobView | undefined> {
    const pager = await attempt("list batch jobs", () => ai.batches.list({ config: { pageSize: 100 } }));
    for await (const job of pager) {
      if (job.displayName !== displayName || !job.name) continue;
      const view = viewOf(job);
      if (view.state === "pending" || view.state === "succeeded") return view;
    }
    return undefined;
  }

  async function poll(name: string, requests: BatchRequest[]): Promise<{ state: BatchJobState; answers?: BatchAnswer[] }> {
    let job: BatchJob;
    try {
      job = await attempt("look at the batch job", () => ai.batches.get({ name }), [404]);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return { state: "missing" };
      throw error;
    }
    const state = viewOf(job).state;
    if (state !== "succeeded") return { state };
    const byKey = new Map(requests.map((r) => [r.key, r]));
    const answers: BatchAnswer[] = [];
    const read = (key: string, response: GenerateContentResponse | undefined, error: unknown) => {
      const asked = byKey.get(key);
      if (!asked) return;
      if (response) answers.push({ key, result: options.reader.answerOf(response, asked.request, "batch") });
      else answers.push({ key, error: errorText(error) });
    };
    if (job.dest?.inlinedResponses) {
      // Inline answers come in input order; the key in metadata, when echoed, is checked first.
      job.dest.inlinedResponses.forEach((answer, i) => {
        const echoed = (answer.metadata as { key?: unknown } | undefined)?.key;
        read(typeof echoed === "string" ? echoed : (requests[i]?.key ?? ""), answer.response, answer.error);
      });
    } else if (job.dest?.fileName) {
      const text = await download(job.dest.fileName);
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        const entry = JSON.parse(line) as { key?: string; response?: GenerateContentResponse; error?: unknown };
        read(entry.key ?? "", entry.response, entry.error);
      }
    }
    return { state, answers };
  }

  async function download(fileName: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "seedlock-batch-"));
    try {
      const path = join(dir, "results.jsonl");
      await attempt("download the batch results", () => ai.files.download({ file: fileName, downloadPath: path }));
      return await readFile(path, "utf8");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function cancel(name: string): Promise<void> {
    await attempt("cancel the batch job", () => ai.batches.cancel({ name }));
  }

  /** One SDK call, tried again on a 5xx or a broken connection; anything else is said in plain words. */
  async function attempt<T>(what: string, send: () => Promise<T>, passThrough: number[] = []): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await send();
      } catch (error) {
        const status = error instanceof ApiError ? error.status : undefined;
        if (status !== undefined && passThrough.includes(status)) throw error;
        const transient = status === undefined ? isNetworkFailure(error) : status >= 500 || status === 429;
        if (transient && i < TRIES) {
          await sleep(250 * 2 ** i);
          continue;
        }
        const said = redact(error instanceof Error ? error.message : String(error), options.apiKey);
        throw new SeedlockError(
          `could not ${what}${status ? ` (HTTP ${status})` : ""}: ${said.slice(0, 300)}`,
          transient ? ExitCode.providerUnavailable : status === 401 || status === 403 || status === 400 ? ExitCode.invalidInput : ExitCode.providerUnavailable,
        );
      }
    }
  }

  return { submit, find, poll, cancel };
}

function viewOf(job: BatchJob): BatchJobView {
  return { name: job.name ?? "", displayName: job.displayName ?? "", state: STATES[job.state ?? ""] ?? "pending" };
}

function imageModel(id: string): ImageModel {
  const model = imageModelOf(id);
  if (model.batchShare === undefined) throw new SeedlockError(`${id} takes no Batch API jobs; set batch: off for the assets that use it`, ExitCode.invalidInput);
  return model;
}

function errorText(error: unknown): string {
  const e = error as { code?: number; message?: string; status?: string } | undefined;
  return [e?.status, e?.message].filter(Boolean).join(": ") || "the job answered this request with an error";
}
