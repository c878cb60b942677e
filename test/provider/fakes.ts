import type { RequestGate } from "../../src/provider/provider.js";

/** A sleep that returns at once and remembers what was asked, so tests never really wait. */
export function recordingSleep(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      delays.push(ms);
    },
  };
}

/** A gate that lets everything through and records what the provider told it. */
export function recordingGate(): RequestGate & { acquired: number; throttles: (number | undefined)[]; successes: number } {
  const gate = {
    acquired: 0,
    throttles: [] as (number | undefined)[],
    successes: 0,
    acquire: async () => {
      gate.acquired++;
    },
    throttled: (retryAfterMs?: number) => {
      gate.throttles.push(retryAfterMs);
    },
    succeeded: () => {
      gate.successes++;
    },
  };
  return gate;
}

/** Returns what it was built with, so backoff jitter is fixed in tests. */
export const half = () => 0.5;
