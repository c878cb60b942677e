import { ApiError, type GenerateContentResponse } from "@google/genai";
import { findModel, liveModelIds, type Model } from "../models/catalog.js";
import { ApiKeyRejectedError, ModelNotFoundError, NOT_ANSWERING, QuotaExhaustedError, RequestRefusedError, redact } from "./errors.js";
import { TransientFailure, parseRetryAfter, quotaViolations, retryInfoDelayMs, runWithRetry, type RetryRules } from "./retry.js";

/**
 * One generateContent request under seedlock's policy: the gate, the circuit, the per-attempt
 * timeout, the stop's grace, retries, and the wording of every error. The SDK sends and parses.
 */

/** What every request of one provider shares. */
export interface RequestSettings extends RetryRules {
  apiKey: string;
  /** For the "use one of" hint of a 404. */
  models: readonly Model[];
  /** The endpoint, named when nothing answers there. */
  where: string;
  /** Per attempt; the SDK call is aborted when it runs out. */
  timeoutMs: number;
  /** The run's stop; see GeminiProviderOptions.stop. */
  stop?: AbortSignal;
  stopGraceMs: number;
}

/** The SDK call of one attempt, given the attempt's signal and a fetch that keeps the answer's headers. */
export type SdkCall = (signal: AbortSignal, fetch: typeof globalThis.fetch) => Promise<GenerateContentResponse>;

export interface RequestSender {
  /** Sends `call` to `model` until it is answered, refused, or the retries run out. */
  send(model: string, signal: AbortSignal | undefined, call: SdkCall): Promise<GenerateContentResponse>;
  /** HTTP attempts sent so far, retries included. */
  readonly attempts: number;
}

const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export function createRequestSender(settings: RequestSettings): RequestSender {
  const { apiKey, timeoutMs, stop, stopGraceMs } = settings;
  let attempts = 0;

  async function send(model: string, signal: AbortSignal | undefined, call: SdkCall): Promise<GenerateContentResponse> {
    // Sleeps and the gate stop at once on either; a request already sent is handled below.
    const waits = signal && stop ? AbortSignal.any([signal, stop]) : (signal ?? stop);
    const { policy, circuit, gate, sleep, random, logger } = settings;
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
          return await call(combined, recordingFetch);
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
      { policy, circuit, gate, sleep, random, logger, label: model, ...(waits ? { signal: waits } : {}), onAttempt: () => void attempts++ },
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
        const kind = findModel(model, settings.models)?.kind ?? "image";
        return new ModelNotFoundError(model, liveModelIds(kind, new Date(), settings.models), apiMessage || undefined);
      }
      return new RequestRefusedError(status, apiStatus, apiMessage || "(no message)", model);
    }
    const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (isNetworkFailure(err)) {
      const code = error.cause?.code ?? error.cause?.message ?? error.message ?? "unknown";
      // Nothing listening, or no such host: name the address, since waiting will not fix it.
      if (NOT_ANSWERING.test(String(code))) return new TransientFailure({ description: `network error (${String(code)} at ${settings.where})` });
      return new TransientFailure({ description: `network error (${redact(String(code), apiKey)})` });
    }
    return new Error(`unexpected failure calling ${model}: ${redact(String(error?.message ?? err), apiKey)}`);
  }

  return {
    send,
    get attempts() {
      return attempts;
    },
  };
}

/** undici reports a failed connection as TypeError "fetch failed" (cause.code) or "terminated". */
export function isNetworkFailure(err: unknown): boolean {
  const error = err as { name?: string; message?: string; cause?: { code?: string } };
  return Boolean(error?.cause?.code) || (error?.name === "TypeError" && /fetch failed|terminated|socket|network/i.test(error.message ?? ""));
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

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
