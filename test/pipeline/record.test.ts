import { describe, expect, it } from "vitest";
import { emptyLockfile, type Lockfile } from "../../src/lock/types.js";
import { LockfileRecorder } from "../../src/pipeline/record.js";

describe("the lockfile on disk keeps up with every change without overlapping writes", () => {
  it("a change made while a write is going lands in the next write; writes never overlap", async () => {
    const written: string[] = [];
    let active = 0;
    let maxActive = 0;
    const write = async (_path: string, lock: Lockfile) => {
      active++;
      maxActive = Math.max(maxActive, active);
      const text = JSON.stringify(lock.stats);
      await new Promise((r) => setTimeout(r, 5));
      written.push(text);
      active--;
    };
    const lock = emptyLockfile();
    const recorder = new LockfileRecorder("x", lock, write);
    const done: Promise<void>[] = [];
    for (let i = 1; i <= 10; i++) {
      lock.stats.drafts = i;
      done.push(recorder.persist());
      if (i % 3 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(done);
    expect(maxActive).toBe(1);
    expect(JSON.parse(written.at(-1)!).drafts).toBe(10);
    expect(written.length).toBeLessThan(10); // changes made during a write were carried together
    expect(recorder.writeCount).toBe(written.length);
  });

  it("a failed write is reported to those waiting on it, and the next change writes again", async () => {
    let fail = true;
    const recorder = new LockfileRecorder("x", emptyLockfile(), async () => {
      if (fail) throw new Error("EROFS: read-only file system");
    });
    await expect(recorder.persist()).rejects.toThrow(/EROFS/);
    fail = false;
    await expect(recorder.persist()).resolves.toBeUndefined();
  });
});
