/** A wait the run's stop (or a test's fake clock) can replace: `ms`, or until `signal` fires. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * setTimeout as a promise. When `signal` fires first the wait ends at once, rejecting with the
 * signal's reason, so a stopped run never sits out a backoff or a pause.
 */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
