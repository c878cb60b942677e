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

describe("under load the lockfile is written in bounded time, whatever its size", () => {
  it("waits three times as long as the last write took, so writing takes at most a quarter of the time", async () => {
    const spans: [number, number][] = [];
    const recorder = new LockfileRecorder("x", emptyLockfile(), async () => {
      const start = performance.now();
      await new Promise((r) => setTimeout(r, 8));
      spans.push([start, performance.now()]);
    });
    const done: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      done.push(recorder.persist(`asset-${i % 7}`));
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(done);
    expect(spans.length).toBeGreaterThan(1);
    // After each write, the next started no sooner than three times that write's length later.
    for (let i = 1; i < spans.length; i++) {
      const [start, end] = spans[i - 1]!;
      expect(spans[i]![0] - end).toBeGreaterThanOrEqual(3 * (end - start) - 1);
    }
  });

  it("tells the writer which entries changed since the last write, and everything after a failure", async () => {
    const seen: (string[] | "all")[] = [];
    let fail = false;
    const recorder = new LockfileRecorder("x", emptyLockfile(), async (_path, _lock, changed) => {
      seen.push(changed === "all" ? "all" : [...changed].sort());
      if (fail) throw new Error("EIO");
    });
    await recorder.persist();
    await recorder.persist("a");
    await Promise.all([recorder.persist("b"), recorder.persist("c")]);
    fail = true;
    await expect(recorder.persist("d")).rejects.toThrow(/EIO/);
    fail = false;
    await recorder.persist("e");
    expect(seen[0]).toBe("all");
    expect(seen[1]).toEqual(["a"]);
    expect(seen.slice(2, -2).flat()).toEqual(["b", "c"]);
    expect(seen.at(-2)).toEqual(["d"]);
    expect(seen.at(-1)).toBe("all");
  });
});

describe("the run's last lockfile write does not keep the user waiting", () => {
  it("flush() writes at once, even while the next write is waiting its turn, and still never overlaps", async () => {
    let active = 0;
    let maxActive = 0;
    const starts: number[] = [];
    const recorder = new LockfileRecorder("x", emptyLockfile(), async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      starts.push(performance.now());
      await new Promise((r) => setTimeout(r, 40));
      active--;
    });
    const first = recorder.persist("a");
    await first;
    // The next persist waits three times 40 ms; a flush made meanwhile goes without it.
    const waiting = recorder.persist("b");
    await new Promise((r) => setTimeout(r, 5));
    const asked = performance.now();
    await Promise.all([recorder.flush(), waiting]);
    expect(starts).toHaveLength(2);
    expect(starts[1]! - asked).toBeLessThan(40);
    expect(maxActive).toBe(1);
  });
});
