import type { Lockfile } from "../lock/types.js";

export type WriteLockfile = (path: string, lock: Lockfile) => Promise<void>;

/**
 * Keeps the lockfile on disk in step with the run: every change is followed by an atomic rewrite,
 * so a run killed at any moment resumes from the last image it saved. Writes never overlap; the
 * changes made while one is going are all carried by the next.
 */
export class LockfileRecorder {
  private running = false;
  private dirty = false;
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writes = 0;

  constructor(
    readonly path: string,
    readonly lock: Lockfile,
    private readonly write: WriteLockfile,
  ) {}

  /** How many times the lockfile was written. */
  get writeCount(): number {
    return this.writes;
  }

  /** Resolves once a write that includes every change made before this call has landed. */
  persist(): Promise<void> {
    this.dirty = true;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.running) void this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.dirty) {
      this.dirty = false;
      const waiting = this.waiters.splice(0);
      try {
        await this.write(this.path, this.lock);
        this.writes++;
        for (const w of waiting) w.resolve();
      } catch (error) {
        for (const w of waiting) w.reject(error);
      }
    }
    this.running = false;
  }
}
