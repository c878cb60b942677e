/** Virtual time for code that takes `now` and `sleep`: timers fire in order, instantly. */
export class VirtualClock {
  private t = 0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;

  now = (): number => this.t;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener("abort", () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal.reason);
      }, { once: true });
    });

  /** Runs `work` to completion, advancing time to each next timer whenever everything is waiting. */
  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => (done = true));
    for (;;) {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      if (done) return result;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) return result; // nothing to wait for: let `work` settle or hang visibly
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
  }
}
