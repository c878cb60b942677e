import type { Logger } from "../logger.js";
import type { RequestGate } from "../provider/provider.js";
import { realSleep, type Sleep } from "../provider/retry.js";

/**
 * Requests per minute, as the provider sees them (every HTTP attempt, retries included).
 *
 * With a declared limit, requests are paced evenly at that rate. Without one, nothing is paced
 * until the service answers 429; then the rate is cut to a fraction of what the service let
 * through in the last minute (multiplicative decrease), a RetryInfo delay pauses every request,
 * and each success raises the rate by a small step again (additive increase), so a user who does
 * not know their project's image limit still runs close to it.
 */

const MINUTE = 60_000;
/** Successes within a minute needed before their count is taken as a guess of the service's limit. */
const MIN_EVIDENCE = 10;


export interface RateOptions {
  /** Declared requests per minute; also the ceiling the rate recovers to. Adaptive when absent. */
  rpm?: number;
  now?: () => number;
  sleep?: Sleep;
  logger?: Logger;
  /** Fraction the rate keeps after a 429 (default 0.7). */
  decrease?: number;
  /** Successes it takes to climb from a cut back to the rate before it (default 20). */
  recoverAfter?: number;
  /** The rate is never cut below this (default 1 per minute). */
  floorRpm?: number;
  /** 429s within this long after a cut (or after its pause ends) belong to the same burst. */
  burstMs?: number;
}

export class RateGate implements RequestGate {
  private limit: number | undefined;
  private readonly declared: number | undefined;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly decrease: number;
  private readonly recoverAfter: number;
  private readonly floor: number;
  private readonly burstMs: number;
  private nextAt = -Infinity;
  private pausedUntil = -Infinity;
  private quietUntil = -Infinity;
  private step = 0;
  /** Times of successful requests within the last minute, oldest first. */
  private readonly successes: number[] = [];
  private successesSinceCut = 0;
  private successesSinceThrottle = 1;
  private guessMs = 500;
  private cuts = 0;

  constructor(private readonly options: RateOptions = {}) {
    if (options.rpm !== undefined && !(options.rpm > 0)) throw new RangeError(`rpm must be > 0, got ${options.rpm}`);
    this.declared = options.rpm;
    this.limit = options.rpm;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.decrease = options.decrease ?? 0.7;
    this.recoverAfter = options.recoverAfter ?? 20;
    this.floor = options.floorRpm ?? 1;
    this.burstMs = options.burstMs ?? 2000;
  }

  /** The rate requests are paced at now; undefined while nothing has asked us to slow down. */
  get rpm(): number | undefined {
    return this.limit;
  }

  /** How many times a 429 burst cut the rate. */
  get throttleCount(): number {
    return this.cuts;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      const at = Math.max(this.pausedUntil, this.limit === undefined ? -Infinity : this.nextAt);
      if (at <= now) {
        if (this.limit !== undefined) this.nextAt = Math.max(this.nextAt, now) + MINUTE / this.limit;
        return;
      }
      // Someone else may take the slot first, or the rate may change meanwhile: look again after.
      await this.sleep(at - now, signal);
    }
  }

  throttled(retryAfterMs?: number): void {
    const now = this.now();
    // Without a RetryInfo delay, hold everyone back for a pause that doubles while nothing gets through.
    this.guessMs = this.successesSinceThrottle === 0 ? Math.min(this.guessMs * 2, 30_000) : 1000;
    this.successesSinceThrottle = 0;
    const pause = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : this.guessMs;
    this.pausedUntil = Math.max(this.pausedUntil, now + pause);
    // 429s before any success since the last cut answer requests sent at the old rate: same burst.
    if (now < this.quietUntil || (this.cuts > 0 && this.successesSinceCut === 0)) return;
    // The first time, what the service let through in the last minute is the best guess of its
    // limit; with only a handful through, it says nothing yet, and the pause alone must do.
    const through = this.recentSuccesses(now);
    if (this.limit === undefined && through < MIN_EVIDENCE) return;
    this.successesSinceCut = 0;
    const before = this.limit ?? through;
    this.limit = Math.max(this.floor, before * this.decrease);
    this.step = Math.max((before - this.limit) / this.recoverAfter, this.limit / 100);
    this.quietUntil = Math.max(now, this.pausedUntil) + this.burstMs;
    this.cuts++;
    this.options.logger?.debug(
      `rate: 429 from the service, pacing at ${this.limit.toFixed(1)} requests/min (was ${before.toFixed(1)})` +
        `, pausing ${Math.round(pause)} ms` + (retryAfterMs ? " as it asked" : ""),
    );
  }

  succeeded(): void {
    const now = this.now();
    this.successes.push(now);
    this.successesSinceCut++;
    this.successesSinceThrottle++;
    this.forget(now);
    if (this.limit === undefined) return;
    const ceiling = this.declared ?? Infinity;
    this.limit = Math.min(ceiling, this.limit + this.step);
  }

  private recentSuccesses(now: number): number {
    this.forget(now);
    return this.successes.length;
  }

  private forget(now: number): void {
    let drop = 0;
    while (drop < this.successes.length && this.successes[drop]! <= now - MINUTE) drop++;
    if (drop) this.successes.splice(0, drop);
  }
}
