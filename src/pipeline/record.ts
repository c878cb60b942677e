import type { Lockfile } from "../lock/types.js";
import { sleep } from "../sleep.js";

/** Writes the lockfile; `changed` names the entries edited in place since the last write ("all" when unknown). */
export type WriteLockfile = (path: string, lock: Lockfile, changed: ReadonlySet<string> | "all") => Promise<void>;

/**
 * After one write, the next waits this many times as long as that write took: under load the
 * lockfile is written at most a quarter of the time, however large it grows.
 */
const PACE = 3;

/**
 * Keeps the lockfile on disk in step with the run: every change is followed by an atomic rewrite,
 * so a run killed at any moment resumes from the last image it saved. Writes never overlap; the
 * changes made while one is going (or while the next one waits its turn) are all carried by the
 * next. Waiting loses nothing a kill could: an answer stays in the answer journal until the write
 * that records it has landed.
 */
export class LockfileRecorder {
  private running = false;
  private dirty = false;
  private changed: Set<string> | "all" = "all";
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writes = 0;
  private readyAt = 0;
  private wake: AbortController | undefined;

  constructor(
    readonly path: string,
    readonly lock: Lockfile,
    private readonly write: WriteLockfile,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** How many times the lockfile was written. */
  get writeCount(): number {
    return this.writes;
  }

  /**
   * Resolves once a write that includes every change made before this call has landed. `id`
   * names the one entry changed in place; without it every entry is written afresh.
   */
  persist(id?: string): Promise<void> {
    this.dirty = true;
    if (id === undefined) this.changed = "all";
    else if (this.changed !== "all") this.changed.add(id);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.running) void this.drain();
    return done;
  }

  /**
   * As persist() with every entry, but the write does not wait its turn: the run's work is over, so
   * nothing else will write and the pace no longer protects anything, while the user waits for it.
   */
  flush(): Promise<void> {
    this.readyAt = 0;
    const done = this.persist();
    this.wake?.abort();
    return done;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.dirty) {
      // Timers fire on whole milliseconds and may come a little early: wait until the clock says so.
      for (let wait = this.readyAt - this.now(); wait > 0; wait = this.readyAt - this.now()) {
        // A flush() ends the wait at once.
        this.wake = new AbortController();
        await sleep(Math.ceil(wait), this.wake.signal).catch(() => {});
        this.wake = undefined;
      }
      this.dirty = false;
      const waiting = this.waiters.splice(0);
      const changed = this.changed;
      this.changed = new Set();
      const started = this.now();
      try {
        await this.write(this.path, this.lock, changed);
        this.writes++;
        for (const w of waiting) w.resolve();
      } catch (error) {
        // The entries of a failed write are written afresh next time.
        this.changed = "all";
        for (const w of waiting) w.reject(error);
      }
      const ended = this.now();
      this.readyAt = ended + PACE * (ended - started);
    }
    this.running = false;
  }
}
