import { ExitCode, InputError, ProviderUnavailableError, SeedlockError } from "../errors.js";

/**
 * The errors the Gemini provider throws. Every message here is built by seedlock from redacted
 * text: the SDK's own error messages carry the raw response body, which may echo the key.
 */

/** 400 API_KEY_INVALID, 401 or 403: nothing will work until the key is fixed (exit 2). */
export class ApiKeyRejectedError extends InputError {
  constructor(
    readonly httpStatus: number,
    apiMessage?: string,
  ) {
    const message = `the API key was rejected (HTTP ${httpStatus})`;
    const fix = "set GEMINI_API_KEY to a valid key";
    const said = apiMessage ? ` (the service said: "${apiMessage}")` : "";
    super([{ message, fix }], `${message}: ${fix}${said}`);
  }
}

/** 404 for the model: the id is wrong or the model was retired (exit 2). */
export class ModelNotFoundError extends InputError {
  constructor(
    readonly model: string,
    known: readonly string[],
    apiMessage?: string,
  ) {
    const message = `model ${model} not found (HTTP 404${apiMessage ? `: ${apiMessage}` : ""})`;
    const fix = `use one of the models seedlock knows: ${known.join(", ")}`;
    super([{ message, fix }], `${message}; ${fix}`);
  }
}

/** Any other 4xx: the service refused this request as it stands; its own words say why (exit 2). */
export class RequestRefusedError extends InputError {
  constructor(
    readonly httpStatus: number,
    readonly apiStatus: string | undefined,
    readonly apiMessage: string,
    model: string,
  ) {
    const status = `HTTP ${httpStatus}${apiStatus ? ` ${apiStatus}` : ""}`;
    const message = `the Gemini API refused the request for ${model} (${status}): ${apiMessage}`;
    const fix = "change the manifest so the request is one the model accepts";
    super([{ message, fix }], `${message} (${fix})`);
  }
}

/** Every try of one call failed with a transient error (exit 5). */
export class RetriesExhaustedError extends ProviderUnavailableError {
  constructor(
    message: string,
    readonly lastFailure: string,
    readonly tries: number,
  ) {
    super(message);
  }
}

/** The shared circuit is open: too many consecutive transient failures in this run (exit 5). */
export class CircuitOpenError extends ProviderUnavailableError {
  constructor(
    readonly lastFailure: string,
    readonly failures: number,
  ) {
    super(
      `the circuit opened after ${failures} consecutive transient failures (last: ${lastFailure}); ` +
        "seedlock stopped calling the Gemini API for the rest of this run. " +
        "Wait a few minutes and rerun: images accepted so far are kept and not paid for again",
    );
  }
}

/** Every request for a long stretch answered 429, none let through: the limit is a wall (exit 5). */
export class RefusedInARowError extends ProviderUnavailableError {
  constructor(readonly refusals: number) {
    super(
      `the Gemini API answered ${refusals} requests in a row with 429 RESOURCE_EXHAUSTED and let none through, though seedlock waited as it asked: ` +
        "the project's request limit for this model is used up or far below what it needs. Wait for it to refill (or declare limits.requestsPerMinute), " +
        "then rerun; images accepted so far are kept and not paid for again",
    );
  }
}

/** A judge answer that is not the JSON the schema asked for: a fault of the service (exit 1). */
export class JudgeAnswerError extends SeedlockError {
  constructor(
    model: string,
    detail: string,
    /** What the unreadable answer was billed, so the ledger books it. */
    readonly costUsd: number,
  ) {
    super(`the judge model ${model} did not answer with {score, reason}: ${detail}`, ExitCode.fault);
  }
}

/** Google API keys look like this; redact them even when they are not the configured one. */
const KEY_PATTERN = /AIza[0-9A-Za-z_-]{10,}/g;

/** Removes `secret` (and anything shaped like a Google API key) from text that came from outside. */
export function redact(text: string, secret: string): string {
  let out = text;
  // Very short "keys" are test placeholders; redacting them would mangle ordinary words.
  if (secret.length >= 4) {
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
      out = out.split(form).join("[redacted]");
    }
  }
  return out.replace(KEY_PATTERN, "[redacted]");
}

/**
 * A 429 naming a per-day quota (or a quota of zero): waiting a few seconds, whatever RetryInfo
 * says, will not help, and neither will a lower rate (exit 5).
 */
export class QuotaExhaustedError extends ProviderUnavailableError {
  constructor(
    readonly quotaId: string,
    readonly quotaValue: string | undefined,
    model: string,
  ) {
    const limit = quotaValue === undefined ? "" : `, limit ${quotaValue}`;
    super(
      quotaValue === "0"
        ? `the project has no quota for ${model} (${quotaId}${limit}): image models have no free tier. ` +
            "Enable billing or pick a model the project may use, then rerun; images accepted so far are kept and not paid for again"
        : `the project's quota for today is used up for ${model} (${quotaId}${limit}); it resets at midnight Pacific time. ` +
            "Rerun after that, or raise the quota in Google AI Studio; images accepted so far are kept and not paid for again",
    );
  }
}
