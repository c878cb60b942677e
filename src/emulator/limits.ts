/**
 * Rate-limit shapes the emulator can enforce, so seedlock's controller is measured against more
 * than one idea of a limit: the Gemini API documents per-minute and per-day quotas per project
 * and model but not how a minute is counted or whether bursts pass (DESIGN.md, "Errors").
 * Pure logic on an injected clock, so unit tests drive the same shapes on virtual time.
 */

export const LIMIT_SHAPES = ["token-bucket", "sliding-window", "fixed-window"] as const;
export type LimitShape = (typeof LIMIT_SHAPES)[number];

export interface RateLimitOptions {
  shape: LimitShape;
  /** Requests admitted per minute, per model. */
  perMinute: number;
  /** token-bucket only: requests that may pass at once from a full bucket (default ten seconds' worth, at least 1). */
  burst?: number;
  /**
   * The RetryInfo delay a refusal carries: by default the true time until a request would pass;
   * a fixed value ("0.2s") copies services that answer the same delay whatever the state.
   */
  retryDelayMs?: number;
}

/** What one request meets: admitted, or refused with how long until one would pass. */
export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

export interface Limiter {
  admit(nowMs: number): Admission;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export function checkRateLimit(options: RateLimitOptions): void {
  if (!(LIMIT_SHAPES as readonly string[]).includes(options.shape)) throw new RangeError(`limit shape must be one of ${LIMIT_SHAPES.join(", ")}, got ${options.shape}`);
  if (!(options.perMinute > 0)) throw new RangeError(`perMinute must be > 0, got ${options.perMinute}`);
  if (options.burst !== undefined && !(Number.isInteger(options.burst) && options.burst >= 1)) throw new RangeError(`burst must be an integer >= 1, got ${options.burst}`);
  if (options.retryDelayMs !== undefined && !(options.retryDelayMs >= 0)) throw new RangeError(`retryDelayMs must be >= 0, got ${options.retryDelayMs}`);
}

/** A fresh limiter of the given shape; it starts full (a new project, a quiet minute). */
export function createLimiter(options: RateLimitOptions): Limiter {
  checkRateLimit(options);
  const inner = options.shape === "token-bucket" ? tokenBucket(options) : options.shape === "sliding-window" ? slidingWindow(options.perMinute) : fixedWindow(options.perMinute);
  if (options.retryDelayMs === undefined) return inner;
  const fixed = options.retryDelayMs;
  return { admit: (now) => (inner.admit(now).admitted ? { admitted: true } : { admitted: false, retryAfterMs: fixed }) };
}

/** Refills continuously at perMinute ÷ 60 s up to `burst` tokens; each request takes one. */
function tokenBucket(options: RateLimitOptions): Limiter {
  const perMs = options.perMinute / MINUTE;
  const capacity = options.burst ?? Math.max(1, Math.round(options.perMinute / 6));
  let tokens = capacity;
  let at: number | undefined;
  return {
    admit(now) {
      tokens = Math.min(capacity, tokens + (at === undefined ? 0 : Math.max(0, now - at) * perMs));
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return { admitted: true };
      }
      return { admitted: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
    },
  };
}

/** At most perMinute requests in any 60 s ending now. */
function slidingWindow(perMinute: number): Limiter {
  const admitted: number[] = [];
  let head = 0;
  return {
    admit(now) {
      while (head < admitted.length && admitted[head]! <= now - MINUTE) head++;
      if (head > 1024) {
        admitted.splice(0, head);
        head = 0;
      }
      if (admitted.length - head < perMinute) {
        admitted.push(now);
        return { admitted: true };
      }
      return { admitted: false, retryAfterMs: admitted[head]! + MINUTE - now };
    },
  };
}

/** At most perMinute requests per clock minute; the count resets on the minute. */
function fixedWindow(perMinute: number): Limiter {
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
    },
  };
}

/**
 * A per-day quota: `perDay` requests, then refusals until midnight Pacific. Like the real service
 * it still answers a short RetryInfo ("retry in 38s"), which a client must not take at its word.
 */
export function createDailyQuota(perDay: number, retryDelayMs = 38_000): Limiter {
  if (!(Number.isInteger(perDay) && perDay >= 0)) throw new RangeError(`perDay must be an integer >= 0, got ${perDay}`);
  let day = -1;
  let used = 0;
  return {
    admit(now) {
      // Midnight Pacific, taken as UTC−8 all year: close enough for an emulator.
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
    },
  };
}
