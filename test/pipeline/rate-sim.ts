import { createLimiter, type Limiter, type RateLimitOptions } from "../../src/emulator/limits.js";
import { RateGate, type RateOptions } from "../../src/pipeline/rate.js";
import { VirtualClock } from "./virtual-clock.js";

export interface SimOptions {
  n: number;
  latencyMs: number;
  /** The service's limit; none when absent. */
  limit?: RateLimitOptions;
  gate?: Omit<RateOptions, "now" | "sleep">;
  /** Time a 429 takes to come back. */
  refusalMs?: number;
  /** Clock time the run starts at (a fixed window's phase). */
  startAt?: number;
  /** false: the service sends no RetryInfo. */
  retryInfo?: boolean;
  /** Each call's latency is drawn from latencyMs × (1 ± jitter) (default 0.25). */
  jitter?: number;
  /** Requests acquired in one tick reach the service in any order, up to this many ms later (default 0). */
  skewMs?: number;
  /**
   * The process's own work per answer (screening, saving), on one thread: while it runs, answers
   * are heard and timers fire late, as in a real run on a busy machine (default 0).
   */
  cpuMs?: number;
}

export interface SimResult {
  elapsedMs: number;
  calls: number;
  refused: number;
  maxConcurrency: number;
  /** Paced rate at the end, requests per minute. */
  rpm: number | undefined;
  /** 429s by the time each tenth of the requests had been admitted. */
  refusedByDecile: number[];
  /** When each 429 was answered. */
  refusedAt: number[];
  gate: RateGate;
}

/**
 * `n` requests against a limiter on virtual time, the way the scheduler and the provider drive
 * the gate: at most gate.concurrency in flight, every attempt through acquire, a 429 retried after
 * the delay it names.
 */
export async function simulate(o: SimOptions): Promise<SimResult> {
  const clock = new VirtualClock();
  const start = o.startAt ?? 0;
  const now = () => start + clock.now();
  // One thread: nothing the gate waits for ends before the process is free again.
  let busyUntil = 0;
  const free = async () => {
    if (busyUntil > clock.now()) await clock.sleep(busyUntil - clock.now());
  };
  const sleep: typeof clock.sleep = async (ms, signal) => {
    await clock.sleep(ms, signal);
    await free();
  };
  const gate = new RateGate({ concurrency: { ceiling: 16 }, ...o.gate, now, sleep });
  const limiter: Limiter | undefined = o.limit ? createLimiter(o.limit) : undefined;
  let issued = 0;
  let done = 0;
  let inFlight = 0;
  let calls = 0;
  let refused = 0;
  let maxConcurrency = 0;
  const refusedByDecile: number[] = [];
  const refusedAt: number[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  let seed = 12345;
  const draw = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const jitter = o.jitter ?? 0.25;
  let skewSeed = 777;
  const skew = () => (o.skewMs ?? 0) * ((skewSeed = (skewSeed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const one = async () => {
    for (;;) {
      const sentAt = await gate.acquire();
      calls++;
      if (o.skewMs) await clock.sleep(skew());
      const admission = limiter?.admit(now()) ?? { admitted: true as const };
      if (admission.admitted) {
        await clock.sleep(o.latencyMs * (1 - jitter + 2 * jitter * draw()));
        await free();
        if (o.cpuMs) {
          busyUntil = clock.now() + o.cpuMs;
          await free();
        }
        gate.succeeded(sentAt);
        return;
      }
      refused++;
      refusedAt.push(now());
      await clock.sleep(o.refusalMs ?? 20);
      await free();
      const delay = o.retryInfo === false ? undefined : admission.retryAfterMs;
      gate.throttled(delay, sentAt);
      await clock.sleep(delay ?? 1000);
    }
  };
  const pump = () => {
    while (issued < o.n && inFlight < gate.concurrency) {
      issued++;
      inFlight++;
      maxConcurrency = Math.max(maxConcurrency, inFlight);
      void one().then(() => {
        inFlight--;
        done++;
        if (done % Math.max(1, Math.floor(o.n / 10)) === 0) refusedByDecile.push(refused);
        if (done === o.n) finish();
        else pump();
      });
    }
  };
  pump();
  await clock.run(finished);
  return { elapsedMs: clock.now(), calls, refused, maxConcurrency, rpm: gate.rpm, refusedByDecile, refusedAt, gate };
}

/** The least time `n` requests can take under a limit of `perMinute` and a latency bound. */
export function boundMs(n: number, perMinute: number | undefined, latencyMs: number, ceiling: number): number {
  return Math.max(perMinute ? (n / perMinute) * 60_000 : 0, (n * latencyMs) / ceiling);
}
