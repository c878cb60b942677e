import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  ASPECT_RATIOS,
  MODELS,
  findModel,
  isShutDown,
  pixelSize
} from "./chunk-QZFFVMHD.js";
import {
  NullLogger
} from "./chunk-PK654C6K.js";
import {
  sleep
} from "./chunk-P5UZNSPX.js";

// src/emulator/limits.ts
var LIMIT_SHAPES = ["token-bucket", "sliding-window", "fixed-window"];
var MINUTE = 6e4;
var DAY = 24 * 60 * MINUTE;
function checkRateLimit(options) {
  if (!LIMIT_SHAPES.includes(options.shape)) throw new RangeError(`limit shape must be one of ${LIMIT_SHAPES.join(", ")}, got ${options.shape}`);
  if (!(options.perMinute > 0)) throw new RangeError(`perMinute must be > 0, got ${options.perMinute}`);
  if (options.burst !== void 0 && !(Number.isInteger(options.burst) && options.burst >= 1)) throw new RangeError(`burst must be an integer >= 1, got ${options.burst}`);
  if (options.retryDelayMs !== void 0 && !(options.retryDelayMs >= 0)) throw new RangeError(`retryDelayMs must be >= 0, got ${options.retryDelayMs}`);
}
function createLimiter(options) {
  checkRateLimit(options);
  const inner = options.shape === "token-bucket" ? tokenBucket(options) : options.shape === "sliding-window" ? slidingWindow(options.perMinute) : fixedWindow(options.perMinute);
  if (options.retryDelayMs === void 0) return inner;
  const fixed = options.retryDelayMs;
  return { admit: (now) => inner.admit(now).admitted ? { admitted: true } : { admitted: false, retryAfterMs: fixed } };
}
function tokenBucket(options) {
  const perMs = options.perMinute / MINUTE;
  const capacity = options.burst ?? Math.max(1, Math.round(options.perMinute / 6));
  let tokens = capacity;
  let at;
  return {
    admit(now) {
      tokens = Math.min(capacity, tokens + (at === void 0 ? 0 : Math.max(0, now - at) * perMs));
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return { admitted: true };
      }
      return { admitted: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
    }
  };
}
function slidingWindow(perMinute) {
  const admitted = [];
  let head = 0;
  return {
    admit(now) {
      while (head < admitted.length && admitted[head] <= now - MINUTE) head++;
      if (head > 1024) {
        admitted.splice(0, head);
        head = 0;
      }
      if (admitted.length - head < perMinute) {
        admitted.push(now);
        return { admitted: true };
      }
      return { admitted: false, retryAfterMs: admitted[head] + MINUTE - now };
    }
  };
}
function fixedWindow(perMinute) {
  let minute = -1;
  let used = 0;
  return {
    admit(now) {
      const m = Math.floor(now / MINUTE);
      if (m !== minute) {
        minute = m;
        used = 0;
      }
      if (used < perMinute) {
        used++;
        return { admitted: true };
      }
      return { admitted: false, retryAfterMs: (m + 1) * MINUTE - now };
    }
  };
}
function createDailyQuota(perDay, retryDelayMs = 38e3) {
  if (!(Number.isInteger(perDay) && perDay >= 0)) throw new RangeError(`perDay must be an integer >= 0, got ${perDay}`);
  let day = -1;
  let used = 0;
  return {
    admit(now) {
      const d = Math.floor((now - 8 * 60 * MINUTE) / DAY);
      if (d !== day) {
        day = d;
        used = 0;
      }
      if (used < perDay) {
        used++;
        return { admitted: true };
      }
      return { admitted: false, retryAfterMs: retryDelayMs };
    }
  };
}

// src/emulator/profiles.ts
var PROFILE_NAMES = ["gemini-3", "gemini-2.5-geometry", "undersized", "two-images", "png", "overthinking-judge", "per-day-quota"];
var DEFAULT_JUDGE_THINKING = { untold: 600, lowered: 120 };
var PROFILES = {
  "gemini-3": {
    name: "gemini-3",
    summary: "the default: Gemini 3 pixel table, JPEG from 3.x models, a text part and thoughtSignatures, thought images from thinking models",
    source: "Google, ai.google.dev/gemini-api/docs/image-generation (Gemini 3 table, thought images); JPEG from 3.x: third-party measurement",
    shape: {}
  },
  "gemini-2.5-geometry": {
    name: "gemini-2.5-geometry",
    summary: "images at the Gemini 2.5 sizes (3:2 1248\xD7832, 4:3 1184\xD7864, 16:9 1344\xD7768, 21:9 1536\xD7672 \u2026)",
    source: "Google, the Gemini 2.5 Flash Image page's resolution table; the issue's stand-in answered the same",
    shape: { geometry: "gemini-2.5" }
  },
  undersized: {
    name: "undersized",
    summary: "a 1K image when 2K or 4K was asked",
    source: "third-party: reports on the @google/genai issue tracker",
    shape: { undersized: true }
  },
  "two-images": {
    name: "two-images",
    summary: "two images in one answer, a 1K one first and then the size asked for",
    source: "third-party: reports on the @google/genai issue tracker",
    shape: { twoImages: true }
  },
  png: {
    name: "png",
    summary: "PNG answers from every model",
    source: "Google: Gemini 2.5 answered PNG; the Developer API cannot choose the format",
    shape: { mimeType: "image/png" }
  },
  "overthinking-judge": {
    name: "overthinking-judge",
    summary: "a judge that thinks past a 1,024-token output cap unless thinkingConfig lowers its thinking (then MAX_TOKENS, no answer)",
    source: "Google: on Gemini 3 thinking counts against maxOutputTokens and runs at medium/high unless told; the issue's report of judged drafts all rejected",
    shape: { judgeThinking: { untold: 1400, lowered: 300 } }
  },
  "per-day-quota": {
    name: "per-day-quota",
    summary: "after 8 requests every request is a 429 naming a per-day quota, with a RetryInfo of 38s all the same",
    source: 'Google, ai.google.dev/gemini-api/docs/rate-limits (RPD); third-party reports of "retry in 38s" on a per-day or zero quota',
    shape: { perDayQuota: { after: 8, retryDelay: "38s" } }
  }
};
function isProfileName(name) {
  return PROFILE_NAMES.includes(name);
}
function shapeOf(profile, overrides = {}) {
  return { ...profile ? PROFILES[profile].shape : {}, ...overrides };
}

// src/emulator/answer.ts
import { randomBytes } from "node:crypto";
function partsOf(body) {
  return (body.contents ?? []).flatMap((c) => c.parts ?? []);
}
function responseId() {
  return randomBytes(16).toString("base64url").slice(0, 22);
}
function bill(model, promptTokens, imageTokens, textTokens) {
  if (model.kind === "image") {
    return (promptTokens * (model.usdPerMillionInputTokens ?? 0) + textTokens * (model.usdPerMillionTextOutputTokens ?? 0) + imageTokens * model.usdPerMillionOutputTokens) / 1e6;
  }
  return (promptTokens * model.usdPerMillionInputTokens + textTokens * model.usdPerMillionOutputTokens) / 1e6;
}

// src/emulator/batch.ts
import { randomBytes as randomBytes3 } from "node:crypto";

// src/emulator/files.ts
import { createHash, randomBytes as randomBytes2 } from "node:crypto";

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
function quotaExceeded(model, limit, retryDelay, per = "minute") {
  const wait = retryDelay ? ` Please retry in ${retryDelay}.` : "";
  const details = [
    HELP_QUOTA,
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: per === "day" ? "generativelanguage.googleapis.com/generate_requests_per_model_per_day" : "generativelanguage.googleapis.com/generate_content_requests",
          quotaId: per === "day" ? "GenerateRequestsPerDayPerProjectPerModel" : "GenerateRequestsPerMinutePerProjectPerModel",
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
* Quota exceeded for metric: generativelanguage.googleapis.com/${per === "day" ? "generate_requests_per_model_per_day" : "generate_content_requests"}, limit: ${limit}, model: ${model}${wait}`,
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

// src/emulator/files.ts
var LIFETIME_MS = 48 * 3600 * 1e3;
var FileStore = class {
  files = /* @__PURE__ */ new Map();
  uploads = /* @__PURE__ */ new Map();
  /** Whether this request is for the Files API. */
  owns(pathname) {
    return pathname.startsWith("/upload/") || /^\/(v1|v1beta)\/files(\/|$)/.test(pathname);
  }
  get(name) {
    return this.files.get(name.startsWith("files/") ? name : `files/${name}`);
  }
  /** Keeps bytes the emulator made itself (a batch job's results). */
  put(bytes, mimeType, displayName) {
    const file = { name: `files/${randomBytes2(6).toString("hex")}`, mimeType, bytes, createTime: (/* @__PURE__ */ new Date()).toISOString(), ...displayName ? { displayName } : {} };
    this.files.set(file.name, file);
    return file;
  }
  async handle(req, res, url, body, base) {
    if (url.pathname.startsWith("/upload/")) return this.upload(req, res, url, body, base);
    const m = /^\/(?:v1|v1beta)\/files\/([^/:]+)(:download)?$/.exec(url.pathname);
    const file = m ? this.get(m[1]) : void 0;
    if (!m || req.method !== "GET") {
      sendJson(res, 404, bodyForStatus(404));
      return "no such files method";
    }
    if (!file) {
      sendJson(res, 404, { error: { code: 404, message: `File ${m[1]} not found.`, status: "NOT_FOUND" } });
      return "no such file";
    }
    if (m[2]) {
      res.writeHead(200, { "content-type": file.mimeType, "content-length": file.bytes.length });
      res.end(file.bytes);
      return `download ${file.name} (${file.bytes.length} bytes)`;
    }
    sendJson(res, 200, describe(file));
    return `file ${file.name}`;
  }
  upload(req, res, url, body, base) {
    const command = String(req.headers["x-goog-upload-command"] ?? "").toLowerCase();
    const id = url.searchParams.get("upload_id");
    if (!id) {
      if (req.headers["x-goog-upload-protocol"] !== "resumable" || command !== "start") {
        sendJson(res, 400, invalidArgument("Only resumable uploads are accepted here: send X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start."));
        return "not a resumable start";
      }
      let meta = {};
      try {
        meta = body.length ? JSON.parse(body.toString("utf8")) : {};
      } catch {
        sendJson(res, 400, invalidArgument("Invalid JSON payload received."));
        return "bad JSON";
      }
      const mimeType = String(req.headers["x-goog-upload-header-content-type"] ?? meta.file?.mimeType ?? "application/octet-stream");
      const size = Number(req.headers["x-goog-upload-header-content-length"] ?? 0);
      const uploadId = randomBytes2(12).toString("base64url");
      this.uploads.set(uploadId, { mimeType, size, chunks: [], received: 0, ...meta.file?.displayName ? { displayName: meta.file.displayName } : {} });
      res.writeHead(200, {
        "x-goog-upload-url": `${base}/upload/v1beta/files?upload_id=${uploadId}&upload_protocol=resumable`,
        "x-goog-upload-status": "active",
        "content-length": 0
      });
      res.end();
      return `upload started (${size} bytes of ${mimeType})`;
    }
    const open = this.uploads.get(id);
    if (!open) {
      sendJson(res, 404, { error: { code: 404, message: "No upload with this id.", status: "NOT_FOUND" } });
      return "unknown upload";
    }
    const offset = Number(req.headers["x-goog-upload-offset"] ?? open.received);
    if (offset !== open.received) {
      sendJson(res, 400, invalidArgument(`Upload offset ${offset} does not match the ${open.received} bytes received.`));
      return "bad offset";
    }
    open.chunks.push(body);
    open.received += body.length;
    if (!command.includes("finalize")) {
      res.writeHead(200, { "x-goog-upload-status": "active", "content-length": 0 });
      res.end();
      return `upload chunk (${open.received} bytes)`;
    }
    this.uploads.delete(id);
    const file = this.put(Buffer.concat(open.chunks), open.mimeType, open.displayName);
    const text = JSON.stringify({ file: describe(file) });
    res.writeHead(200, { "x-goog-upload-status": "final", "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
    return `uploaded ${file.name} (${file.bytes.length} bytes)`;
  }
};
function describe(file) {
  return {
    name: file.name,
    ...file.displayName ? { displayName: file.displayName } : {},
    mimeType: file.mimeType,
    sizeBytes: String(file.bytes.length),
    createTime: file.createTime,
    updateTime: file.createTime,
    expirationTime: new Date(Date.parse(file.createTime) + LIFETIME_MS).toISOString(),
    sha256Hash: createHash("sha256").update(file.bytes).digest("base64"),
    uri: `https://generativelanguage.googleapis.com/v1beta/${file.name}`,
    state: "ACTIVE",
    source: "UPLOADED"
  };
}
function sendJson(res, status, body) {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

// src/emulator/batch.ts
var TERMINAL = /* @__PURE__ */ new Set(["BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED", "BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED"]);
var MAX_OPEN_JOBS = 100;
var MAX_INLINE_BYTES = 20 * 1024 * 1024;
var BatchService = class {
  constructor(options) {
    this.options = options;
    this.script = [...options.batchScript ?? []];
    const delay = options.batchDelayMs ?? 0;
    if (!(delay >= 0)) throw new RangeError(`batchDelayMs must be >= 0, got ${delay}`);
  }
  options;
  stats = { jobs: 0, requests: [], billedUsd: 0 };
  jobs = /* @__PURE__ */ new Map();
  script;
  /** Whether this request is for the Batch API. */
  owns(pathname) {
    return /^\/(v1|v1beta)\/models\/[^/:]+:batchGenerateContent$/.test(pathname) || /^\/(v1|v1beta)\/batches(\/|$)/.test(pathname);
  }
  /** Adds outcomes for jobs not yet submitted. */
  enqueue(...jobs) {
    this.script.push(...jobs);
  }
  async handle(req, res, url, body) {
    const create = /^\/(?:v1|v1beta)\/models\/([^/:]+):batchGenerateContent$/.exec(url.pathname);
    if (create) {
      if (req.method !== "POST") return refuse(res, 405, "not POST");
      return this.create(res, create[1], body);
    }
    if (/^\/(?:v1|v1beta)\/batches\/?$/.test(url.pathname) && req.method === "GET") return this.list(res, url);
    const one = /^\/(?:v1|v1beta)\/batches\/([^/:]+)(:cancel)?$/.exec(url.pathname);
    const job = one ? this.jobs.get(one[1]) : void 0;
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
  async create(res, modelId, raw) {
    const model = this.options.models.find((m) => m.id === modelId);
    if (!model) {
      sendJson(res, 404, errorBody(404, "NOT_FOUND", `models/${modelId} is not found for API version v1beta, or is not supported for batchGenerateContent.`));
      return "unknown model";
    }
    if (model.kind === "image" && model.batchShare === void 0) {
      sendJson(res, 400, invalidArgument(`models/${modelId} does not support batchGenerateContent.`));
      return "model without batch";
    }
    let parsed;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      sendJson(res, 400, invalidArgument("Invalid JSON payload received."));
      return "bad JSON";
    }
    const input = parsed.batch?.inputConfig;
    let requests;
    if (input?.fileName) {
      const file = this.options.files.get(input.fileName);
      if (!file) {
        sendJson(res, 400, invalidArgument(`File ${input.fileName} not found.`));
        return "no input file";
      }
      try {
        requests = file.bytes.toString("utf8").split("\n").filter((line) => line.trim()).map((line) => {
          const entry = JSON.parse(line);
          return { ...entry.key !== void 0 ? { key: entry.key } : {}, request: entry.request ?? {} };
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
        ...r.metadata?.key !== void 0 ? { key: r.metadata.key } : {},
        ...r.metadata !== void 0 ? { metadata: r.metadata } : {},
        request: r.request ?? {}
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
    const id = randomBytes3(9).toString("base64url").replace(/[-_]/g, "x").toLowerCase();
    const now = (/* @__PURE__ */ new Date()).toISOString();
    const displayName = parsed.batch?.displayName ?? `batch-${id}`;
    const job = {
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
        const seen = {
          job: `batches/${id}`,
          displayName,
          model: modelId,
          ...r.key !== void 0 ? { key: r.key } : {},
          ...r.request.generationConfig?.seed !== void 0 ? { seed: r.request.generationConfig.seed } : {},
          prompt: parts.map((p) => p.text ?? "").join("\n").trim(),
          withReference: parts.some((p) => p.inlineData?.data),
          billedUsd: 0
        };
        this.stats.requests.push(seen);
        return { ...r, seen };
      })
    };
    this.jobs.set(id, job);
    this.stats.jobs++;
    sendJson(res, 200, operation(job));
    return `batch created batches/${id} (${requests.length} requests, ${job.fromFile ? "file" : "inline"})`;
  }
  async list(res, url) {
    const size = Math.min(100, Math.max(1, Number(url.searchParams.get("pageSize") ?? 50) || 50));
    const start = Number(url.searchParams.get("pageToken") ?? 0) || 0;
    const all = [...this.jobs.values()].reverse();
    const page = all.slice(start, start + size);
    for (const job of page) await this.advance(job);
    sendJson(res, 200, { operations: page.map(operation), ...start + size < all.length ? { nextPageToken: String(start + size) } : {} });
    return `batch list (${page.length} of ${all.length})`;
  }
  /** Runs a job whose time has come: every request answered as the interactive endpoint would. */
  advance(job) {
    if (TERMINAL.has(job.state) || Date.now() < job.finishAt) return Promise.resolve();
    job.working ??= this.run(job);
    return job.working;
  }
  async run(job) {
    job.state = "BATCH_STATE_RUNNING";
    if (job.script.outcome) {
      for (const r of job.requests) r.seen.outcome = "job-failed";
      this.end(job, job.script.outcome === "FAILED" ? "BATCH_STATE_FAILED" : "BATCH_STATE_EXPIRED");
      return;
    }
    const failing = new Set(job.script.failRequests ?? []);
    const answers = [];
    for (const [i, r] of job.requests.entries()) {
      const echo = { ...r.key !== void 0 ? { key: r.key } : {}, ...r.metadata !== void 0 ? { metadata: r.metadata } : {} };
      if (failing.has(i)) {
        r.seen.outcome = "error";
        answers.push({ ...echo, error: { code: 500, message: "Internal error encountered.", status: "INTERNAL" } });
        continue;
      }
      const answer = await this.options.answer(job.model, r.request);
      if (answer.status !== 200) {
        r.seen.outcome = "error";
        const error = answer.body?.error ?? bodyForStatus(answer.status).error;
        answers.push({ ...echo, error });
        continue;
      }
      r.seen.outcome = "answered";
      r.seen.billedUsd = this.bill(job.model, answer.billedUsd ?? 0);
      this.stats.billedUsd += r.seen.billedUsd;
      answers.push({ ...echo, response: answer.body });
    }
    if (job.state !== "BATCH_STATE_RUNNING") return;
    if (job.fromFile) {
      const lines = answers.map((a) => JSON.stringify({ key: a.key, ...a.response ? { response: a.response } : { error: a.error } })).join("\n");
      const file = this.options.files.put(Buffer.from(`${lines}
`), "application/jsonl", `${job.displayName}-results`);
      job.output = { responsesFile: file.name };
    } else {
      job.output = { inlinedResponses: { inlinedResponses: answers.map(({ key: _key, ...rest }) => rest) } };
    }
    this.end(job, "BATCH_STATE_SUCCEEDED");
  }
  /** The answer's whole bill (what the interactive endpoint bills it) at the model's batch share. */
  bill(modelId, interactiveUsd) {
    const model = findModel(modelId, this.options.models);
    return model?.kind === "image" ? interactiveUsd * (model.batchShare ?? 1) : interactiveUsd;
  }
  end(job, state) {
    job.state = state;
    job.updateTime = job.endTime = (/* @__PURE__ */ new Date()).toISOString();
  }
};
function operation(job) {
  const done = TERMINAL.has(job.state);
  const answered = job.requests.filter((r) => r.seen.outcome === "answered").length;
  const failed = job.requests.filter((r) => r.seen.outcome === "error").length;
  const metadata = {
    "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
    model: `models/${job.model}`,
    displayName: job.displayName,
    createTime: job.createTime,
    updateTime: job.updateTime,
    ...job.endTime ? { endTime: job.endTime } : {},
    batchStats: {
      requestCount: String(job.requests.length),
      ...done ? { successfulRequestCount: String(answered), failedRequestCount: String(failed) } : { pendingRequestCount: String(job.requests.length) }
    },
    state: job.state,
    name: `batches/${job.id}`,
    ...job.output ? { output: job.output } : {}
  };
  return {
    name: `batches/${job.id}`,
    metadata,
    done,
    ...job.output ? { response: { "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput", ...job.output } } : {},
    ...done && job.state !== "BATCH_STATE_SUCCEEDED" ? { error: { code: job.state === "BATCH_STATE_CANCELLED" ? 1 : 4, message: `The batch ended ${job.state.replace("BATCH_STATE_", "").toLowerCase()}.` } } : {}
  };
}
function refuse(res, status, summary) {
  sendJson(res, status, bodyForStatus(status));
  return summary;
}

// src/emulator/faults.ts
var DEFAULT_RATES = {
  darkRate: 0.1,
  flatRate: 0.08,
  duplicateRate: 0.1,
  blockRate: 0.04,
  corruptRate: 0.01,
  errorRate: 0
};
var InjectedFaults = class {
  constructor(settings) {
    this.settings = settings;
    const { failures, limit, perDay } = settings;
    this.queue = Array.isArray(failures) ? [...failures] : [];
    this.byIndex = Array.isArray(failures) ? {} : { ...failures ?? {} };
    if (limit) checkRateLimit(limit);
    if (perDay !== void 0 && !(Number.isInteger(perDay) && perDay >= 0)) throw new RangeError(`perDay must be an integer >= 0, got ${perDay}`);
  }
  settings;
  queue;
  byIndex;
  limiters = /* @__PURE__ */ new Map();
  /** Adds answers to the end of the scripted queue. */
  enqueue(...answers) {
    this.queue.push(...answers);
  }
  /** The answer forced onto the `index`-th generateContent request: its own, the queue's next, or the profile's spent daily quota. */
  scriptFor(index) {
    return this.byIndex[index] ?? this.queue.shift() ?? this.perDayQuota(index);
  }
  /** A scripted status other than 200, answered with Google's error body for it (or the script's own). */
  scriptedRefusal(script, modelId) {
    if (script?.status === void 0 || script.status === 200) return void 0;
    const { shape, perDay, rpm } = this.settings;
    const body = script.body ?? (script.status === 429 ? quotaExceeded(modelId, script.perDay ? shape.perDayQuota?.after ?? perDay ?? 0 : rpm ?? 10, script.retryDelay, script.perDay ? "day" : "minute") : bodyForStatus(script.status));
    return { status: script.status, body, ...script.headers ? { headers: script.headers } : {}, summary: "scripted error" };
  }
  /** A 429 when `modelId` is over its per-minute limit or its daily quota at `now`. */
  overLimit(modelId, now) {
    const { limit, perDay } = this.settings;
    if (!limit && perDay === void 0) return void 0;
    let byModel = this.limiters.get(modelId);
    if (!byModel) {
      byModel = {
        ...limit ? { minute: createLimiter(limit) } : {},
        ...perDay !== void 0 ? { day: createDailyQuota(perDay) } : {}
      };
      this.limiters.set(modelId, byModel);
    }
    const minute = byModel.minute?.admit(now);
    if (minute && !minute.admitted) {
      return { status: 429, body: quotaExceeded(modelId, limit.perMinute, durationText(minute.retryAfterMs)), summary: `over the ${limit.shape} limit` };
    }
    const daily = byModel.day?.admit(now);
    if (daily && !daily.admitted) {
      return { status: 429, body: quotaExceeded(modelId, perDay, durationText(daily.retryAfterMs), "day"), summary: "over the daily quota" };
    }
    return void 0;
  }
  /** The share of requests the service is too busy for. */
  overloaded() {
    const { errorRate } = this.settings.rates;
    return errorRate > 0 && this.settings.random() < errorRate ? { status: 503, body: overloaded(), summary: "overloaded" } : void 0;
  }
  /** A per-day quota that has run out: every request past it, with the short RetryInfo the service still sends. */
  perDayQuota(index) {
    const quota = this.settings.shape.perDayQuota;
    if (!quota || index < quota.after) return void 0;
    return { status: 429, retryDelay: quota.retryDelay, perDay: true };
  }
};

// src/emulator/front.ts
import { createServer } from "node:http";

// src/emulator/image-answer.ts
import { randomBytes as randomBytes4 } from "node:crypto";

// src/emulator/painter.ts
import { createHash as createHash2 } from "node:crypto";
import sharp from "sharp";
function hashRandom(text) {
  const h = createHash2("sha256").update(text).digest();
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
  const image = sharp(raw, { raw: { width, height, channels: 3 } });
  return mimeType === "image/jpeg" ? image.jpeg({ quality: 85 }).toBuffer() : image.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
}
function paint(request) {
  const composition = compositionFor(request.model, request.prompt, request.seed, request.kind);
  return encode(draw(composition, request.width, request.height), request.width, request.height, request.mimeType);
}
async function paintFromReference(reference, width, height, mimeType) {
  const { data, info } = await sharp(reference).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
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

// src/emulator/image-answer.ts
function checkImageRequest(model, body) {
  const config = body.generationConfig?.imageConfig ?? {};
  const aspectRatio = config.aspectRatio ?? "1:1";
  const ratios = model.aspectRatios ?? ASPECT_RATIOS;
  if (!ratios.includes(aspectRatio)) {
    return `Unsupported aspect ratio "${aspectRatio}" for models/${model.id}. Supported values: ${ratios.join(", ")}.`;
  }
  const sizes = Object.keys(model.tokensBySize);
  const imageSize = config.imageSize ?? "1K";
  if (!sizes.includes(imageSize)) {
    return `Image size "${imageSize}" is not supported for models/${model.id}. Supported sizes: ${sizes.join(", ")}.`;
  }
  return { aspectRatio, imageSize };
}
var ImageAnswers = class {
  constructor(settings) {
    this.settings = settings;
  }
  settings;
  /** Encoded pictures by request, so retries and reruns cost nothing to draw again. */
  cache = new PictureCache(96, 256 * 1024 * 1024);
  async answer(model, body, parts, config, script) {
    const { shape, rates, random } = this.settings;
    const prompt = parts.map((p) => p.text ?? "").join("\n").trim();
    const references = parts.filter((p) => p.inlineData?.data);
    const reference = references[0]?.inlineData;
    const seed = body.generationConfig?.seed ?? Math.floor(random() * 2 ** 31);
    const geometry = shape.geometry ?? model.geometry ?? "gemini-3";
    const mimeType = shape.mimeType ?? model.outputMimeType;
    const answeredSize = shape.undersized && (config.imageSize === "2K" || config.imageSize === "4K") ? "1K" : config.imageSize;
    const sizes = shape.twoImages && answeredSize !== "1K" && model.tokensBySize["1K"] !== void 0 ? ["1K", answeredSize] : shape.twoImages ? [answeredSize, answeredSize] : [answeredSize];
    const inputImageTokens = references.length * (model.inputImageTokens ?? 560);
    const textInTokens = Math.max(1, Math.ceil(prompt.length / 4));
    const promptTokens = textInTokens + inputImageTokens;
    const thinks = model.thinks === "always" || model.thinks === "sometimes" && hashUnit("thinks", model.id, prompt, seed) < 0.3;
    const thoughtsTokens = thinks ? model.thinks === "always" ? 337 : 120 : 0;
    let billedUsd = 0;
    const usage = (imageTokens2, textTokens2 = 0) => {
      if (script?.noUsage) return {};
      const output = imageTokens2 + textTokens2;
      billedUsd = bill(model, promptTokens, imageTokens2, textTokens2 + thoughtsTokens);
      return {
        usageMetadata: {
          promptTokenCount: promptTokens,
          ...output > 0 ? { candidatesTokenCount: output } : {},
          ...thoughtsTokens > 0 ? { thoughtsTokenCount: thoughtsTokens } : {},
          totalTokenCount: promptTokens + output + thoughtsTokens,
          promptTokensDetails: [{ modality: "TEXT", tokenCount: textInTokens }, ...inputImageTokens ? [{ modality: "IMAGE", tokenCount: inputImageTokens }] : []],
          ...output > 0 ? {
            candidatesTokensDetails: [
              ...textTokens2 > 0 ? [{ modality: "TEXT", tokenCount: textTokens2 }] : [],
              ...imageTokens2 > 0 ? [{ modality: "IMAGE", tokenCount: imageTokens2 }] : []
            ]
          } : {}
        }
      };
    };
    const envelope = { modelVersion: model.id, responseId: responseId() };
    const blocked = script?.blockReason || script?.finishReason ? void 0 : this.blockFor(model.id, prompt, seed);
    const blockReason = script?.blockReason ?? (blocked === "prompt" ? "PROHIBITED_CONTENT" : void 0);
    if (blockReason) {
      const answerBody = { promptFeedback: { blockReason }, ...usage(0), ...envelope };
      return { body: answerBody, summary: `prompt blocked (${blockReason})`, billedUsd, images: 0, blocked: true };
    }
    const finishReason = script?.finishReason ?? (blocked === "image" ? "IMAGE_SAFETY" : void 0);
    if (finishReason && finishReason !== "STOP") {
      const answerBody = { candidates: [{ content: { role: "model", parts: [] }, finishReason, index: 0 }], ...usage(0), ...envelope };
      return { body: answerBody, summary: `finishReason ${finishReason}`, billedUsd, images: 0, blocked: true };
    }
    const count = script?.images ?? sizes.length;
    const kind = pictureKind(model.id, prompt, seed, rates);
    const images = [];
    for (let i = 0; i < count; i++) {
      const size = sizes[Math.min(i, sizes.length - 1)];
      const { width, height } = pixelSize(config.aspectRatio, size, geometry);
      const drawSeed = seed + (count - 1 - i);
      const key = [model.id, prompt, drawSeed, width, height, kind, mimeType, reference ? hashUnit(reference.data ?? "") : "-"].join("\0");
      let data = this.cache.get(key);
      if (data === void 0) {
        const bytes = reference?.data ? await paintFromReference(Buffer.from(reference.data, "base64"), width, height, mimeType) : await paint({ model: model.id, prompt, seed: drawSeed, width, height, mimeType, kind: i === count - 1 ? kind : "normal" });
        data = bytes.toString("base64");
        this.cache.set(key, data);
      }
      images.push({ data, size, width, height });
    }
    const broken = script?.corrupt ?? (rates.corruptRate > 0 && random() < rates.corruptRate);
    const last = images[images.length - 1];
    if (broken && last) last.data = corrupt(Buffer.from(last.data, "base64"), seed).toString("base64");
    const text = script?.text ?? (images.length > 0 ? "Here is the image you asked for." : "");
    const textTokens = text ? Math.ceil(text.length / 4) : 0;
    const thoughtParts = thinks && images.length > 0 ? await this.thoughtPartsFor(model, prompt, seed) : [];
    const signature = () => randomBytes4(24).toString("base64");
    const answerParts = [
      ...thoughtParts,
      ...text ? [{ text, ...thinks ? { thoughtSignature: signature() } : {} }] : [],
      ...images.map((image) => ({ inlineData: { mimeType, data: image.data }, thoughtSignature: signature() }))
    ];
    const imageTokens = images.reduce((sum, image) => sum + (model.tokensBySize[image.size] ?? 0), 0);
    const described = images.map((image) => `${image.width}x${image.height}`).join(" + ");
    const answerUsage = usage(imageTokens, textTokens);
    return {
      billedUsd,
      body: {
        candidates: [{ content: { role: "model", parts: answerParts }, finishReason: "STOP", index: 0 }],
        ...answerUsage,
        ...envelope
      },
      summary: images.length === 0 ? "text only" : `${images.length > 1 ? `${images.length} images` : "image"} ${described} ${mimeType}${broken ? " (corrupt)" : ""}${kind !== "normal" && !reference ? ` (${kind})` : ""}`,
      images: images.length,
      blocked: false
    };
  }
  /** An interim thought image and a line of thought text, both `thought: true`: what a thinking model sends first. */
  async thoughtPartsFor(model, prompt, seed) {
    const key = ["thought", model.id, prompt, seed].join("\0");
    let data = this.cache.get(key);
    if (data === void 0) {
      data = (await paint({ model: model.id, prompt, seed: seed + 7919, width: 256, height: 256, mimeType: "image/jpeg", kind: "normal" })).toString("base64");
      this.cache.set(key, data);
    }
    return [
      { text: "Sketching the composition before the final image.", thought: true },
      { inlineData: { mimeType: "image/jpeg", data }, thought: true }
    ];
  }
  /** Deterministic blocks for a share of (model, prompt, seed): half on the prompt, half on the image. */
  blockFor(model, prompt, seed) {
    const { blockRate } = this.settings.rates;
    const u = hashUnit("block", model, prompt, seed);
    if (u >= blockRate) return void 0;
    return u < blockRate / 2 ? "prompt" : "image";
  }
};
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

// src/emulator/judge.ts
import sharp2 from "sharp";
async function judgeImage(image) {
  let pixels;
  try {
    pixels = await sharp2(image).resize(128, 128, { fit: "fill" }).greyscale().raw().toBuffer();
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

// src/emulator/judge-answer.ts
async function answerJudge(model, body, parts, shape, script) {
  const image = parts.find((p) => p.inlineData?.data)?.inlineData;
  const textIn = parts.map((p) => p.text ?? "").join("\n");
  const verdict = image?.data ? await judgeImage(Buffer.from(image.data, "base64")) : { score: 0, reason: "No image was attached, so there is nothing to judge." };
  const json = body.generationConfig?.responseMimeType === "application/json";
  const answer = script?.text ?? (json ? JSON.stringify({ score: verdict.score, reason: verdict.reason }) : `Score: ${verdict.score}/10. ${verdict.reason}`);
  const perImage = model.inputImageTokens ?? 258;
  const promptTokens = Math.ceil(textIn.length / 4) + (image ? perImage : 0);
  const thinking = shape.judgeThinking ?? DEFAULT_JUDGE_THINKING;
  const config = body.generationConfig?.thinkingConfig;
  const lowered = config !== void 0 && (config.thinkingLevel !== void 0 ? /^(minimal|low)$/i.test(config.thinkingLevel) : (config.thinkingBudget ?? -1) >= 0);
  const wantThoughts = model.thinking === "none" ? 0 : lowered ? Math.min(thinking.lowered, config?.thinkingBudget ?? Infinity) : thinking.untold;
  const cap = body.generationConfig?.maxOutputTokens ?? Infinity;
  const answerTokens = Math.ceil(answer.length / 4);
  const fits = wantThoughts + answerTokens <= cap;
  const thoughtsTokens = fits ? wantThoughts : Math.min(wantThoughts, cap);
  const outputTokens = fits ? answerTokens : 0;
  return {
    billedUsd: bill(model, promptTokens, 0, outputTokens + thoughtsTokens),
    body: {
      candidates: [
        fits ? { content: { role: "model", parts: [{ text: answer }] }, finishReason: "STOP", index: 0 } : { content: { role: "model", parts: [] }, finishReason: "MAX_TOKENS", index: 0 }
      ],
      usageMetadata: {
        promptTokenCount: promptTokens,
        ...outputTokens ? { candidatesTokenCount: outputTokens } : {},
        ...thoughtsTokens ? { thoughtsTokenCount: thoughtsTokens } : {},
        totalTokenCount: promptTokens + outputTokens + thoughtsTokens,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens - (image ? perImage : 0) }, ...image ? [{ modality: "IMAGE", tokenCount: perImage }] : []]
      },
      modelVersion: model.id,
      responseId: responseId()
    },
    summary: fits ? `judge score ${verdict.score}` : `judge thought ${thoughtsTokens} tokens and hit MAX_TOKENS`,
    images: 0,
    blocked: false
  };
}

// src/emulator/front.ts
var ROUTE = /^\/(v1|v1beta)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
var LIST_ROUTE = /^\/(v1|v1beta)\/models\/?$/;
var MAX_BODY_BYTES = 64 * 1024 * 1024;
var TOO_LARGE = { status: 400, body: invalidArgument("Request payload size exceeds the limit: 67108864 bytes."), summary: "body too large" };
function createFront(settings) {
  const { stats, faults, closing, logger } = settings;
  let inFlight = 0;
  let generateIndex = 0;
  const wait = async (ms) => {
    if (ms <= 0 || closing.aborted) return;
    await sleep(ms, closing).catch(() => {
    });
  };
  function refuse2(res, refusal) {
    if (refusal.status === 429) stats.throttled++;
    else stats.errors++;
    send(res, refusal.status, refusal.body, refusal.headers);
    return refusal.summary;
  }
  function keyRefusal(req, url) {
    const key = headerValue(req.headers["x-goog-api-key"]) ?? url.searchParams.get("key") ?? "";
    if (!key) return { status: 403, body: missingKey(), summary: "no API key" };
    if (settings.key !== void 0 && key !== settings.key) return { status: 400, body: invalidKey(), summary: "wrong API key" };
    return void 0;
  }
  async function handle(req, res) {
    stats.requests++;
    const url = new URL(req.url ?? "/", "http://emulator");
    const batchOrFiles = settings.batches.owns(url.pathname) || settings.files.owns(url.pathname);
    const route = ROUTE.exec(url.pathname);
    if (!batchOrFiles && !route && !(req.method === "GET" && LIST_ROUTE.test(url.pathname))) {
      return refuse2(res, { status: 404, body: bodyForStatus(404), summary: "no such method" });
    }
    const refusedKey = keyRefusal(req, url);
    if (refusedKey) return refuse2(res, refusedKey);
    if (batchOrFiles) {
      const raw2 = await readBody(req).catch(() => void 0);
      if (!raw2) return refuse2(res, TOO_LARGE);
      if (settings.batches.owns(url.pathname)) return settings.batches.handle(req, res, url, raw2);
      return settings.files.handle(req, res, url, raw2, `http://${req.headers.host ?? "127.0.0.1"}`);
    }
    if (!route) {
      send(res, 200, listModels(settings.models));
      return "model list";
    }
    const [, version = "v1beta", modelId = "", method] = route;
    if (req.method !== "POST") return refuse2(res, { status: 405, body: bodyForStatus(405), summary: "not POST" });
    stats.byModel[modelId] = (stats.byModel[modelId] ?? 0) + 1;
    stats.peakInFlight = Math.max(stats.peakInFlight, ++inFlight);
    res.once("close", () => inFlight--);
    const index = generateIndex++;
    const raw = await readBody(req).catch(() => void 0);
    if (!raw) return refuse2(res, TOO_LARGE);
    const script = faults.scriptFor(index);
    if (script?.delayMs) await wait(script.delayMs);
    if (closing.aborted || res.destroyed) return "client gone";
    if (script?.drop) {
      stats.errors++;
      res.socket?.destroy();
      return "connection dropped";
    }
    const scripted = faults.scriptedRefusal(script, modelId);
    if (scripted) return refuse2(res, scripted);
    const model = settings.models.find((m) => m.id === modelId);
    if (!model || isShutDown(model, /* @__PURE__ */ new Date())) return refuse2(res, { status: 404, body: modelNotFound(modelId, version), summary: "unknown model" });
    let body;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return refuse2(res, { status: 400, body: invalidArgument("Invalid JSON payload received. Unexpected token."), summary: "bad JSON" });
    }
    settings.recent.push({ model: modelId, body });
    if (settings.recent.length > 20) settings.recent.shift();
    const parts = partsOf(body);
    if (parts.length === 0) return refuse2(res, { status: 400, body: invalidArgument("* GenerateContentRequest.contents: contents is not specified\n"), summary: "no contents" });
    const limited = faults.overLimit(modelId, Date.now()) ?? faults.overloaded();
    if (limited) return refuse2(res, limited);
    const checked = model.kind === "image" ? checkImageRequest(model, body) : void 0;
    if (typeof checked === "string") return refuse2(res, { status: 400, body: invalidArgument(checked), summary: "invalid argument" });
    await wait(settings.latencyMs);
    if (closing.aborted || res.destroyed) return "client gone";
    const answer = model.kind === "image" ? await settings.images.answer(model, body, parts, checked, script) : await answerJudge(model, body, parts, settings.shape, script);
    stats.images += answer.images;
    if (answer.blocked) stats.blocked++;
    if (closing.aborted || res.destroyed) return "client gone";
    stats.billedUsd += answer.billedUsd;
    if (method === "streamGenerateContent") {
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
      (summary) => logger.info(`${req.method} ${pathOnly(req.url)} \u2192 ${res.statusCode} ${summary} (${Math.round(performance.now() - started)} ms)`),
      (err) => {
        logger.error(`${req.method} ${pathOnly(req.url)} failed inside the emulator: ${err?.message ?? String(err)}`);
        if (!res.headersSent) send(res, 500, bodyForStatus(500));
        else res.destroy();
      }
    );
  });
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
function listModels(models) {
  return {
    models: models.map((m) => ({
      name: `models/${m.id}`,
      displayName: m.name,
      supportedGenerationMethods: ["generateContent"]
    }))
  };
}

// src/emulator/emulator.ts
async function startEmulator(options = {}) {
  const rates = { ...DEFAULT_RATES, ...definedOnly(options) };
  for (const [name, value] of Object.entries(rates)) {
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
  }
  if (options.rpm !== void 0 && !(Number.isInteger(options.rpm) && options.rpm >= 1)) throw new RangeError(`rpm must be an integer >= 1, got ${options.rpm}`);
  const latencyMs = options.latencyMs ?? 0;
  if (!(latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  const models = options.models ?? MODELS;
  const shape = shapeOf(options.profile, options.shape);
  const random = hashRandom(`emulator\0${options.randomSeed ?? 1}`);
  const limit = options.limit ?? (options.rpm !== void 0 ? { shape: "sliding-window", perMinute: options.rpm } : void 0);
  const faults = new InjectedFaults({
    rates,
    shape,
    random,
    ...options.failures ? { failures: options.failures } : {},
    ...limit ? { limit } : {},
    ...options.rpm !== void 0 ? { rpm: options.rpm } : {},
    ...options.perDay !== void 0 ? { perDay: options.perDay } : {}
  });
  const stats = { requests: 0, images: 0, byModel: {}, throttled: 0, errors: 0, blocked: 0, peakInFlight: 0, billedUsd: 0 };
  const recent = [];
  const images = new ImageAnswers({ shape, rates, random });
  const closing = new AbortController();
  const files = new FileStore();
  const batches = new BatchService({
    files,
    models,
    ...options.batchDelayMs !== void 0 ? { batchDelayMs: options.batchDelayMs } : {},
    ...options.batchScript ? { batchScript: options.batchScript } : {},
    answer: (modelId, body) => answerOne(modelId, body)
  });
  async function answerOne(modelId, body) {
    const model = models.find((m) => m.id === modelId);
    if (!model) return { status: 404, body: modelNotFound(modelId, "v1beta") };
    const parts = partsOf(body);
    if (parts.length === 0) return { status: 400, body: invalidArgument("* GenerateContentRequest.contents: contents is not specified\n") };
    const checked = model.kind === "image" ? checkImageRequest(model, body) : void 0;
    if (typeof checked === "string") return { status: 400, body: invalidArgument(checked) };
    const answer = model.kind === "image" ? await images.answer(model, body, parts, checked, void 0) : await answerJudge(model, body, parts, shape, void 0);
    stats.images += answer.images;
    if (answer.blocked) stats.blocked++;
    return { status: 200, body: answer.body, billedUsd: answer.billedUsd };
  }
  const logger = options.logger ?? new NullLogger();
  const server = createFront({
    ...options.key !== void 0 ? { key: options.key } : {},
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
    logger
  });
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
    enqueue: (...answers) => faults.enqueue(...answers),
    batches: batches.stats,
    enqueueBatch: (...jobs) => batches.enqueue(...jobs),
    close: async () => {
      if (closing.signal.aborted) return;
      closing.abort();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    }
  };
}
function definedOnly(options) {
  const out = {};
  for (const key of Object.keys(DEFAULT_RATES)) {
    if (options[key] !== void 0) out[key] = options[key];
  }
  return out;
}

export {
  LIMIT_SHAPES,
  PROFILE_NAMES,
  PROFILES,
  isProfileName,
  startEmulator
};
