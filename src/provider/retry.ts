import { InputError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Sleep } from "../sleep.js";
import type { CircuitBreaker } from "./circuit.js";
import { NOT_ANSWERING, NOT_ANSWERING_ADVICE, RetriesExhaustedError } from "./errors.js";
import type { RequestGate } from "./provider.js";

/**
 * seedlock's own retry policy for transient failures (429, 500, 502, 503, 504, timeouts, network
 * errors). The SDK's retry is left off: it ignores RetryInfo and cannot share a circuit.
 */

export interface RetryOptions {
  /** Attempts per call, the first included. */
  tries?: number;
  /** First backoff ceiling; each retry doubles it (full jitter draws below it). */
  baseDelayMs?: number;
  /** Cap on the exponential backoff. */
  maxDelayMs?: number;
  /** Longest wait the service may ask for (RetryInfo, Retry-After) before seedlock gives up instead. */
  maxServerDelayMs?: number;
  /** 429s one call may meet before seedlock gives up; they slow the run down and do not use up `tries`. */
  rateTries?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = {
  tries: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxServerDelayMs: 120_000,
  rateTries: 10,
};

export function resolveRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...stripUndefined(options) };
  for (const key of ["tries", "rateTries"] as const) {
    if (!Number.isInteger(policy[key]) || policy[key] < 1) throw new RangeError(`retry ${key} must be an integer >= 1, got ${policy[key]}`);
  }
  for (const key of ["baseDelayMs", "maxDelayMs", "maxServerDelayMs"] as const) {
    if (!(policy[key] >= 0)) throw new RangeError(`retry ${key} must be >= 0, got ${policy[key]}`);
  }
  return policy;
}

function stripUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Full jitter: a uniform draw below base × 2^(retry-1), capped. `retry` counts from 1. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** A protobuf Duration as JSON renders it ("47s", "1.5s", "45.837906927s"), in milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "string") {
    const m = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value);
    return m ? Math.round(Number(m[1]) * 1000) : undefined;
  }
  if (value && typeof value === "object") {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const s = Number(seconds ?? 0);
    const n = Number(nanos ?? 0);
    if (Number.isFinite(s) && Number.isFinite(n)) return Math.round(s * 1000 + n / 1e6);
  }
  return undefined;
}

/** The HTTP Retry-After header: delay-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** `google.rpc.RetryInfo.retryDelay` from an error body's details, in milliseconds. */
export function retryInfoDelayMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    if (d && typeof d === "object" && String((d as Record<string, unknown>)["@type"]).endsWith("google.rpc.RetryInfo")) {
      return parseDuration((d as Record<string, unknown>)["retryDelay"]);
    }
  }
  return undefined;
}

/** `google.rpc.QuotaFailure` violations from an error body's details: which quotas were hit, and their limits. */
export function quotaViolations(details: unknown): { quotaId: string; quotaValue?: string }[] {
  if (!Array.isArray(details)) return [];
  const out: { quotaId: string; quotaValue?: string }[] = [];
  for (const d of details) {
    if (!d || typeof d !== "object" || !String((d as Record<string, unknown>)["@type"]).endsWith("google.rpc.QuotaFailure")) continue;
    const violations = (d as { violations?: unknown }).violations;
    for (const v of Array.isArray(violations) ? violations : []) {
      const { quotaId, quotaValue } = (v ?? {}) as { quotaId?: unknown; quotaValue?: unknown };
      if (typeof quotaId === "string") out.push({ quotaId, ...(quotaValue === undefined ? {} : { quotaValue: String(quotaValue) }) });
    }
  }
  return out;
}

/** One failed attempt worth retrying, described without any secret. */
export interface AttemptFailure {
  /** Short form for messages: "HTTP 503 UNAVAILABLE", "timeout after 120 s", "network error (ECONNRESET)". */
  description: string;
  httpStatus?: number;
  /** How long the service asked us to wait (RetryInfo or Retry-After). */
  serverDelayMs?: number;
  /** The service's own message, already redacted. */
  detail?: string;
}

/** Thrown by an attempt to say "this one may succeed if tried again". */
export class TransientFailure extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(failure.description);
  }
}

/** What every call of one provider retries under. */
export interface RetryRules {
  policy: RetryPolicy;
  circuit: CircuitBreaker;
  gate: RequestGate;
  sleep: Sleep;
  random: () => number;
  logger: Logger;
}

export interface RetryContext extends RetryRules {
  /** What the call is about, for messages: the model id. */
  label: string;
  signal?: AbortSignal;
  /** Called once per HTTP attempt actually sent. */
  onAttempt: () => void;
}

/**
 * Runs `attempt` until it succeeds, throws something other than TransientFailure, the tries run
 * out, or the shared circuit opens. Every attempt first passes the circuit and the request gate.
 * A 429 is the service saying "slower", not failing: it goes to the gate, which slows the whole
 * run down, and counts neither towards the circuit nor towards `tries` (it has `rateTries`).
 */
export async function runWithRetry<T>(attempt: (n: number) => Promise<T>, ctx: RetryContext): Promise<T> {
  const { policy, circuit, gate } = ctx;
  let last: AttemptFailure | undefined;
  let failures = 0;
  let refusals = 0;
  for (;;) {
    circuit.ensureClosed();
    const sentAt = (await gate.acquire(ctx.signal)) ?? undefined;
    circuit.ensureClosed();
    // Stopped while waiting for the gate (or before): nothing more is sent.
    if (ctx.signal?.aborted) {
      gate.failed?.(false);
      throw ctx.signal.reason;
    }
    ctx.onAttempt();
    try {
      const value = await attempt(failures + refusals + 1);
      circuit.recordAnswer();
      gate.succeeded(sentAt);
      return value;
    } catch (err) {
      if (!(err instanceof TransientFailure)) {
        gate.failed?.(false);
        // A refusal is still an answer: the service is up, so the streak of failures ends.
        if (err instanceof InputError) circuit.recordAnswer();
        throw err;
      }
      last = err.failure;
    }
    const rateLimited = last.httpStatus === 429;
    if (rateLimited) {
      refusals++;
      gate.throttled(last.serverDelayMs, sentAt);
      circuit.recordRefusal();
      circuit.ensureClosed();
    } else {
      failures++;
      gate.failed?.(last.description.startsWith("timeout"));
      circuit.recordTransientFailure(last.description);
      circuit.ensureClosed();
    }
    if (last.serverDelayMs !== undefined && last.serverDelayMs > policy.maxServerDelayMs) {
      throw new RetriesExhaustedError(
        `the Gemini API asked seedlock to wait ${seconds(last.serverDelayMs)} before calling ${ctx.label} again ` +
          `(${describe(last)}), longer than the ${seconds(policy.maxServerDelayMs)} it waits: ` +
          "the project's quota is probably used up for the day. Check its limits, then rerun; images accepted so far are kept",
        last.description,
        failures + refusals,
      );
    }
    const tries = rateLimited ? policy.rateTries : policy.tries;
    const n = rateLimited ? refusals : failures;
    if (n >= tries) break;
    // The service's own delay, with a little jitter so the calls it refused together do not return together.
    const delay =
      last.serverDelayMs !== undefined
        ? last.serverDelayMs + Math.floor(ctx.random() * Math.min(policy.baseDelayMs, Math.max(100, last.serverDelayMs / 10)))
        : backoffMs(n, policy, ctx.random);
    ctx.logger.debug(`${ctx.label}: ${describe(last)}; try ${n + 1} of ${tries} in ${seconds(delay)}`);
    await ctx.sleep(delay, ctx.signal);
  }
  const failure = last;
  const tries = failure.httpStatus === 429 ? policy.rateTries : policy.tries;
  throw new RetriesExhaustedError(
    `the Gemini API stayed unavailable: ${tries} ${tries === 1 ? "try" : "tries"} of ${ctx.label} failed, ` +
      `the last with ${describe(failure)}. ${advice(failure)}`,
    failure.description,
    failures + refusals,
  );
}

function describe(f: AttemptFailure): string {
  return f.detail ? `${f.description} (${f.detail})` : f.description;
}

function advice(f: AttemptFailure): string {
  const kept = "images accepted so far are kept and not paid for again";
  if (NOT_ANSWERING.test(f.description)) return `${NOT_ANSWERING_ADVICE}; ${kept}`;
  if (f.httpStatus === 429) return `The project's request limit was hit: lower rpm in the manifest or wait for the quota to refill, then rerun; ${kept}`;
  if (f.httpStatus !== undefined) return `The service is overloaded or down: wait a few minutes and rerun; ${kept}`;
  if (f.description.startsWith("timeout")) return `Calls took too long: wait and rerun, or allow a longer timeout; ${kept}`;
  return `Check the network and the base URL (GOOGLE_GEMINI_BASE_URL, --base-url), then rerun; ${kept}`;
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}
