import type { Logger } from "../logger.js";
import type { RequestGate } from "../provider/provider.js";
import { sleep as realSleep, type Sleep } from "../sleep.js";

/**
 * The run's rate and concurrency controller. It sees every HTTP attempt (retries included).
 *
 * Rate. With a declared limit, requests are paced evenly at it, and a 429 only pauses as the
 * service asks. Without one nothing is paced until the service answers 429. Each 429 marks a
 * moment the service was full; the RetryInfo (or Retry-After) delay says when it lets one through
 * again, so a point (that moment + the delay, requests it let through until then) lies on the
 * curve of what it admits over elapsed time. The slope between the oldest recent point and the
 * newest is its rate, whatever the shape of the limit (token bucket, sliding or fixed window);
 * the excess at the first point is its burst. Requests are then paced just under that rate,
 * probing slowly above it (faster the longer nothing is refused), and every request waits out
 * the delay the service asked for; after it, one request goes first, alone, so a crowd of
 * retries does not meet a service that admits one.
 *
 * Concurrency. Starts at the default ceiling, grows while latency is what holds the run back
 * (nothing refused, every slot busy, and while paced, fewer slots than carry the pace) and
 * shrinks on 429s and timeouts, between a floor and a ceiling.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
/** Points older than this stop anchoring the rate: the limit, or what we asked of it, may have changed. */
const ANCHOR_MS = 180 * SECOND;
/** Share the paced rate grows by per success while the rate is what holds requests back. */
const PROBE = 0.003;
/** Share the paced rate grows by per success while under the slope last measured. */
const CLIMB = 0.05;
/** Share the concurrency keeps after a burst of 429s, and after a timeout. */
const CUT_ON_THROTTLE = 0.7;

const CUT_ON_TIMEOUT = 0.5;
/**
 * Calls in flight at the start: the default ceiling, so a latency-bound run needs no round trip to
 * reach it. A 429 costs nothing but a pause, and those of the opening burst are what finds the limit.
 */
const START = 16;
/**
 * While nothing is paced, a wave of sends goes SPREAD_BURST at once and then one per SPREAD_MS: at
 * most 40 a second, far above what image calls of seconds each reach, but no longer all in one
 * instant. A limit run dry refuses every request sent before its first 429 is heard, and a busy
 * service (or a busy machine) can take 150 ms or more to say so: at one per 10 ms a wave of 16 was
 * all sent by then; at one per 25 ms about half is. Only the first wave after a clump of answers
 * waits for it; after that the answers come back as spread as the sends went.
 */
const SPREAD_MS = 25;
const SPREAD_BURST = 2;
/** Least time the others wait behind a probe, ms. */
const PROBE_WINDOW_MS = 50;
/** Requests admitted before the first 429 for it to say anything of a rate. */
const MIN_ADMITTED = 4;
/** Share of the measured rate paced at after a 429. */
const BELOW = 0.92;
/** Share the paced rate keeps when refused again before a slope could be measured. */
const CUT_UNMEASURED = 0.5;

export interface ConcurrencyBounds {
  /** Never fewer calls in flight than this (default 1). */
  floor?: number;
  /** Never more (the manifest's limits.concurrency or --concurrency). */
  ceiling: number;
  /** Where it starts (default min(16, ceiling)). */
  start?: number;
}

export interface RateOptions {
  /** Declared requests per minute: paced evenly, never exceeded. Learned when absent. */
  rpm?: number;
  concurrency?: ConcurrencyBounds;
  now?: () => number;
  sleep?: Sleep;
  logger?: Logger;
}

interface Point {
  /** When the service said it would admit again (ms, our clock). */
  at: number;
  /** When the refused request was sent. */
  sent: number;
}

export class RateGate implements RequestGate {
  private readonly declared: number | undefined;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly logger: Logger | undefined;

  /** Requests per ms paced at; undefined while nothing asked us to slow down. */
  private perMs: number | undefined;
  private capacity = 1;
  private tokens = 1;
  private tokensAt = -Infinity;
  private pausedUntil = -Infinity;
  /** Sends the spreading lets go at once, refilled one per SPREAD_MS up to SPREAD_BURST. */
  private spread = SPREAD_BURST;
  private spreadAt = 0;
  /** After a pause the next request is a probe, and the others wait until a refusal of it would be back. */
  private probeNext = false;
  private probeUntil = -Infinity;
  /** How long a 429 takes to come back (ms, smoothed). */
  private refusalMs = 0;

  private firstSendAt: number | undefined;
  /** Send times of every request, ascending, and of those refused with 429. */
  private readonly sends = new TimeList();
  private readonly refusals = new TimeList();
  private points: Point[] = [];
  /** Refusals of requests sent before this belong to a burst already acted on. */
  private reactedAt = -Infinity;
  private guessMs = 500;
  /** The last slope read between two refusals, requests per ms; the pace climbs quickly back to just under it. */
  private slopePerMs: number | undefined;
  private successesSinceThrottle = 1;
  private cuts = 0;
  private refused = 0;

  private readonly floor: number;
  private readonly ceiling: number;
  private limit: number;
  private inFlight = 0;
  private lastWaitAt = -Infinity;
  private lastThrottleAt = -Infinity;
  private latencyMs = 0;

  constructor(options: RateOptions = {}) {
    if (options.rpm !== undefined && !(options.rpm > 0)) throw new RangeError(`rpm must be > 0, got ${options.rpm}`);
    this.declared = options.rpm;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.logger = options.logger;
    if (options.rpm !== undefined) this.perMs = options.rpm / 60_000;
    const bounds = options.concurrency ?? { ceiling: 4 };
    this.ceiling = bounds.ceiling;
    this.floor = Math.min(bounds.floor ?? 1, this.ceiling);
    if (!(Number.isInteger(this.ceiling) && this.ceiling >= 1)) throw new RangeError(`concurrency ceiling must be an integer >= 1, got ${this.ceiling}`);
    if (!(Number.isInteger(this.floor) && this.floor >= 1)) throw new RangeError(`concurrency floor must be an integer >= 1, got ${this.floor}`);
    this.limit = Math.min(this.ceiling, Math.max(this.floor, bounds.start ?? START));
  }

  /** Requests per minute paced at now; undefined while unpaced. */
  get rpm(): number | undefined {
    return this.perMs === undefined ? undefined : this.perMs * 60_000;
  }

  /** Calls that may be in flight now. */
  get concurrency(): number {
    return Math.floor(this.limit);
  }

  /** Bursts of 429s the controller acted on. */
  get throttleCount(): number {
    return this.cuts;
  }

  /** Every 429 it was told of. */
  get refusedCount(): number {
    return this.refused;
  }

  async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      if (this.pausedUntil > now) {
        await this.sleep(this.pausedUntil - now, signal);
        continue;
      }
      if (this.probeUntil > now) {
        // The first request after a pause goes alone: the service admits one when it said it would, not everyone who waited.
        await this.sleep(this.probeUntil - now, signal);
        continue;
      }
      if (this.perMs !== undefined) {
        this.refill(now);
        if (this.tokens < 1) {
          this.lastWaitAt = now;
          // Someone else may take the token first, or the rate may change meanwhile: look again after.
          await this.sleep(Math.max(1, (1 - this.tokens) / this.perMs), signal);
          continue;
        }
        this.tokens -= 1;
      } else {
        // Unpaced, a wave of answers would send a wave of requests in one instant, and every one of them
        // reaching a limit just run dry is refused before the first refusal is heard: spread a wave a little.
        this.spread = Math.min(SPREAD_BURST, this.spread + (now - this.spreadAt) / SPREAD_MS);
        this.spreadAt = now;
        if (this.spread < 1) {
          await this.sleep(Math.max(1, (1 - this.spread) * SPREAD_MS), signal);
          continue;
        }
        this.spread -= 1;
      }
      if (this.probeNext) {
        this.probeNext = false;
        this.probeUntil = now + Math.min(SECOND, Math.max(PROBE_WINDOW_MS, 2 * this.refusalMs));
      }
      this.firstSendAt ??= now;
      this.sends.add(now);
      this.inFlight++;
      return now;
    }
  }

  throttled(retryAfterMs?: number, sentAt?: number): void {
    const now = this.now();
    const sent = sentAt ?? now;
    this.settle();
    this.refused++;
    this.refusals.add(sent);
    this.lastThrottleAt = now;
    this.refusalMs = this.refusalMs === 0 ? now - sent : 0.8 * this.refusalMs + 0.2 * (now - sent);
    this.probeNext = true;
    // Without a delay from the service, hold everyone back for a pause that doubles while nothing gets through.
    this.guessMs = this.successesSinceThrottle === 0 ? Math.min(this.guessMs * 2, 30_000) : 1000;
    this.successesSinceThrottle = 0;
    const pause = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : this.guessMs;
    this.pausedUntil = Math.max(this.pausedUntil, now + pause);
    // The service is empty until the pause ends; so is our own bucket, bar the one it then admits.
    this.tokens = 1;
    this.tokensAt = this.pausedUntil;
    // A request sent before we acted on the last 429 was sent at the old rate: the same burst.
    if (sent <= this.reactedAt) return;
    this.reactedAt = now;
    this.cuts++;
    // A declared rate is the user's word: a 429 pauses as asked but does not move it.
    if (this.declared !== undefined) return;
    const first = this.points.length === 0;
    this.learn({ at: sent + pause, sent }, sent);
    // The first refusal came from bursting at the start; after it the pacing holds the rate, and
    // concurrency need only carry that rate through the latency (Little's law, with room).
    // Before any answer the latency is unknown, and Little's law would read it as none.
    const needed =
      first || this.perMs === undefined || this.latencyMs === 0 ? Math.ceil(this.limit * CUT_ON_THROTTLE) : Math.ceil(this.perMs * this.latencyMs * 1.5) + 1;
    this.limit = Math.max(this.floor, Math.min(this.limit, needed));
  }

  succeeded(sentAt?: number): void {
    const now = this.now();
    this.settle();
    this.successesSinceThrottle++;
    if (sentAt !== undefined) this.latencyMs = this.latencyMs === 0 ? now - sentAt : 0.8 * this.latencyMs + 0.2 * (now - sentAt);
    const recent = Math.max(this.latencyMs, SECOND);
    const rateBound = now - this.lastWaitAt < recent;
    // Probe above the learned rate, slowly, only when it is what holds requests back.
    if (rateBound && this.declared === undefined && this.perMs !== undefined) {
      const slope = this.slopePerMs ?? 0;
      // Quickly back to just under the slope measured, slowly past it; once well past it with nothing
      // refused, the slope read low (a service whose RetryInfo is not the true delay), so faster and faster.
      const step = this.perMs < BELOW * slope ? CLIMB : this.perMs < slope ? PROBE : PROBE * (1 + this.successesSinceThrottle / 16);
      this.perMs = this.perMs < BELOW * slope ? Math.min(BELOW * slope, this.perMs * (1 + step)) : this.perMs * (1 + step);
    }
    // Paced, the slots need only carry the pace through the latency (Little's law, with room); unpaced,
    // latency is what holds the run back. Either way one more slot per answer doubles them each round trip.
    const carries = this.perMs === undefined ? Infinity : this.perMs * this.latencyMs * 1.5 + 1;
    if (now - this.lastThrottleAt > recent && this.inFlight + 1 >= this.concurrency && this.limit < carries) {
      this.limit = Math.min(this.ceiling, this.limit + 1);
    }
  }

  /** The attempt ended without a rate answer: a timeout (which lowers concurrency) or another failure. */
  failed(timedOut: boolean): void {
    this.settle();
    if (!timedOut) return;
    this.limit = Math.max(this.floor, Math.floor(this.limit * CUT_ON_TIMEOUT));
    this.logger?.debug(`rate: a call timed out, ${this.concurrency} in flight at most`);
  }

  private settle(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  private refill(now: number): void {
    if (now > this.tokensAt) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.tokensAt) * this.perMs!);
      this.tokensAt = now;
    }
  }

  private admittedBefore(t: number): number {
    return this.sends.countBefore(t) - this.refusals.countBefore(t);
  }

  private learn(point: Point, sentAt: number): void {
    const before = this.rpm;
    this.points = this.points.filter((p) => p.at >= point.at - ANCHOR_MS);
    this.points.push(point);
    const anchor = this.points[0]!;
    const span = point.at - anchor.at;
    let perMs: number;
    // The newest point counts what was admitted before its refused request left; an older one, once
    // the requests sent with it have been answered, everything sent before the service admitted
    // again (requests sent in the same tick reach it in any order, and some of them got through).
    // The first point also counts the requests sent in its own tick: a run's opening burst leaves at
    // one instant, and its estimate is a bound from above anyway.
    const admitted = this.admittedBefore(this.points.length === 1 ? point.sent + 1 : point.sent);
    const anchorAdmitted = this.points.length === 1 ? 0 : this.admittedBefore(anchor.at);
    const evidence = admitted - anchorAdmitted;
    if (this.perMs === undefined && (this.points.length === 1 ? admitted < MIN_ADMITTED : evidence < 1)) {
      // Refused before a handful got through (or nothing since the last refusal): that says nothing
      // of a rate yet, and the pause alone must do.
      this.points = [point];
      this.logger?.debug(`rate: a 429 after ${admitted} admitted, waiting ${Math.round(point.at - this.now())} ms as asked`);
      return;
    } else if (this.points.length === 1) {
      // One point: everything let through since the start, over the time until the service admits again.
      perMs = admitted / Math.max(1, point.at - this.firstSendAt!);
      this.capacity = Math.max(1, Math.floor(admitted - perMs * (point.at - this.firstSendAt!)));
    } else if (evidence >= 1 && span > 0) {
      // Each point is a moment the service was empty and when it would admit again, so even one
      // request between two of them reads its rate; paced under it by its uncertainty, the probe
      // climbing back quickly to just under it.
      this.slopePerMs = evidence / span;
      perMs = this.slopePerMs * Math.min(BELOW, evidence / (evidence + 1));
    } else {
      // Refused again before a slope can be read: what we pace at is far too fast.
      perMs = (this.perMs ?? admitted / Math.max(1, point.at - this.firstSendAt!)) * CUT_UNMEASURED;
    }
    if (span < MINUTE && sentAt - this.firstSendAt! >= MINUTE) {
      // A slope shorter than a minute may read a window's echo of our own earlier sends as its rate;
      // what got through in the whole minute before the refusal is the rate of any full per-minute limit.
      perMs = Math.max(perMs, (BELOW * (admitted - this.admittedBefore(sentAt - MINUTE))) / MINUTE);
    }
    const floor = 1 / 60_000;
    this.perMs = Math.min(this.declared === undefined ? Infinity : this.declared / 60_000, Math.max(floor, perMs));
    this.logger?.debug(
      `rate: at ${Math.round(this.now())} ms a 429 (${admitted} admitted), pacing at ${this.rpm!.toFixed(1)} requests/min` +
        (before === undefined ? "" : ` (was ${before.toFixed(1)})`) +
        `, ${this.concurrency} in flight at most, waiting ${Math.round(point.at - this.now())} ms as asked`,
    );
  }
}

/** Ascending times with counts below a time, forgetting what is long past. */
class TimeList {
  private times: number[] = [];
  private dropped = 0;

  add(t: number): void {
    let i = this.times.length;
    while (i > 0 && this.times[i - 1]! > t) i--;
    this.times.splice(i, 0, t);
    if (this.times.length > 4096) {
      this.dropped += 2048;
      this.times = this.times.slice(2048);
    }
  }

  countBefore(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return this.dropped + lo;
  }
}
