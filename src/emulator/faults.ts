import { checkRateLimit, createDailyQuota, createLimiter, type Limiter, type RateLimitOptions } from "./limits.js";
import type { PictureRates } from "./painter.js";
import type { AnswerShape } from "./profiles.js";
import { bodyForStatus, durationText, overloaded, quotaExceeded } from "./wire.js";

/**
 * What goes wrong on purpose: answers a test forces onto requests, the per-minute limit and the
 * daily quota, the per-day quota of a profile, random 503s, and the shares of flawed pictures.
 */

/**
 * One answer forced onto one request, for tests and demos. Without `status` (or with 200) the
 * request is answered normally except for what is set here.
 */
export interface ScriptedAnswer {
  /** HTTP status; anything but 200 is answered with Google's error body for it (or `body`). */
  status?: number;
  /** Replaces the error body; a string is sent as text/html. */
  body?: unknown;
  headers?: Record<string, string>;
  /** 429 only: adds a google.rpc.RetryInfo detail with this retryDelay ("47s", "1.5s"). */
  retryDelay?: string;
  /** Holds the answer this long first (to provoke client timeouts). */
  delayMs?: number;
  /** Closes the connection without answering, as a reset network would. */
  drop?: boolean;
  /** A candidate that stopped with this finishReason and carries no image. */
  finishReason?: string;
  /** promptFeedback.blockReason, with no candidate at all. */
  blockReason?: string;
  /** A text part before the image(s); with `images: 0`, a text-only answer. */
  text?: string;
  /** How many image parts to return (default 1). */
  images?: number;
  /** Image bytes that do not decode. */
  corrupt?: boolean;
  /** Leave usageMetadata out of the answer. */
  noUsage?: boolean;
  /** 429 only: the quota named is the per-day one. */
  perDay?: boolean;
}

/** Shares of answers that go wrong, each between 0 and 1. */
export interface FaultRates extends PictureRates {
  /** Share of (model, prompt, seed) whose answer is blocked (IMAGE_SAFETY or a prompt block). */
  blockRate: number;
  /** Share of image answers whose bytes do not decode. */
  corruptRate: number;
  /** Share of requests answered 503 UNAVAILABLE. */
  errorRate: number;
}

/** Every flaw and failure switched off: each answer is a clean image (for tests that count calls). */
export const NO_FLAWS = {
  darkRate: 0,
  flatRate: 0,
  duplicateRate: 0,
  blockRate: 0,
  corruptRate: 0,
  errorRate: 0,
} as const;

/** Rates that give an accept rate of roughly 70 % with the default screen rules. */
export const DEFAULT_RATES = {
  darkRate: 0.1,
  flatRate: 0.08,
  duplicateRate: 0.1,
  blockRate: 0.04,
  corruptRate: 0.01,
  errorRate: 0,
} as const;

/** An error answer the front sends as it is, with a line for the log. */
export interface Refusal {
  status: number;
  /** Google's error body; a string goes out as HTML. */
  body: unknown;
  headers?: Record<string, string>;
  summary: string;
}

export interface FaultOptions {
  rates: FaultRates;
  /** Answers forced onto requests: a queue taken one per generateContent request, or keyed by its 0-based index. */
  failures?: ScriptedAnswer[] | Record<number, ScriptedAnswer>;
  /** The per-model rate limit, if any. */
  limit?: RateLimitOptions;
  /** The limit a scripted per-minute 429 names (10 when unset). */
  rpm?: number;
  /** Requests per model per day. */
  perDay?: number;
  shape: AnswerShape;
  /** The emulator's one stream of draws (503s here; seeds and corrupt bytes in the image answers). */
  random: () => number;
}

export class InjectedFaults {
  private readonly queue: ScriptedAnswer[];
  private readonly byIndex: Record<number, ScriptedAnswer>;
  private readonly limiters = new Map<string, { minute?: Limiter; day?: Limiter }>();

  constructor(private readonly settings: FaultOptions) {
    const { failures, limit, perDay } = settings;
    this.queue = Array.isArray(failures) ? [...failures] : [];
    this.byIndex = Array.isArray(failures) ? {} : { ...(failures ?? {}) };
    if (limit) checkRateLimit(limit);
    if (perDay !== undefined && !(Number.isInteger(perDay) && perDay >= 0)) throw new RangeError(`perDay must be an integer >= 0, got ${perDay}`);
  }

  /** Adds answers to the end of the scripted queue. */
  enqueue(...answers: ScriptedAnswer[]): void {
    this.queue.push(...answers);
  }

  /** The answer forced onto the `index`-th generateContent request: its own, the queue's next, or the profile's spent daily quota. */
  scriptFor(index: number): ScriptedAnswer | undefined {
    return this.byIndex[index] ?? this.queue.shift() ?? this.perDayQuota(index);
  }

  /** A scripted status other than 200, answered with Google's error body for it (or the script's own). */
  scriptedRefusal(script: ScriptedAnswer | undefined, modelId: string): Refusal | undefined {
    if (script?.status === undefined || script.status === 200) return undefined;
    const { shape, perDay, rpm } = this.settings;
    const body =
      script.body ??
      (script.status === 429
        ? quotaExceeded(modelId, script.perDay ? (shape.perDayQuota?.after ?? perDay ?? 0) : (rpm ?? 10), script.retryDelay, script.perDay ? "day" : "minute")
        : bodyForStatus(script.status));
    return { status: script.status, body, ...(script.headers ? { headers: script.headers } : {}), summary: "scripted error" };
  }

  /** A 429 when `modelId` is over its per-minute limit or its daily quota at `now`. */
  overLimit(modelId: string, now: number): Refusal | undefined {
    const { limit, perDay } = this.settings;
    if (!limit && perDay === undefined) return undefined;
    let byModel = this.limiters.get(modelId);
    if (!byModel) {
      byModel = {
        ...(limit ? { minute: createLimiter(limit) } : {}),
        ...(perDay !== undefined ? { day: createDailyQuota(perDay) } : {}),
      };
      this.limiters.set(modelId, byModel);
    }
    const minute = byModel.minute?.admit(now);
    if (minute && !minute.admitted) {
      return { status: 429, body: quotaExceeded(modelId, limit!.perMinute, durationText(minute.retryAfterMs)), summary: `over the ${limit!.shape} limit` };
    }
    const daily = byModel.day?.admit(now);
    if (daily && !daily.admitted) {
      return { status: 429, body: quotaExceeded(modelId, perDay!, durationText(daily.retryAfterMs), "day"), summary: "over the daily quota" };
    }
    return undefined;
  }

  /** The share of requests the service is too busy for. */
  overloaded(): Refusal | undefined {
    const { errorRate } = this.settings.rates;
    return errorRate > 0 && this.settings.random() < errorRate ? { status: 503, body: overloaded(), summary: "overloaded" } : undefined;
  }

  /** A per-day quota that has run out: every request past it, with the short RetryInfo the service still sends. */
  private perDayQuota(index: number): ScriptedAnswer | undefined {
    const quota = this.settings.shape.perDayQuota;
    if (!quota || index < quota.after) return undefined;
    return { status: 429, retryDelay: quota.retryDelay, perDay: true };
  }
}
