import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ProgressSnapshot } from "../../src/run-report.js";
import { createProgress } from "../../src/report/progress.js";

class Capture extends Writable {
  text = "";
  constructor(readonly isTTY: boolean, readonly columns?: number) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

function snapshot(drafts: number, over: Partial<ProgressSnapshot> = {}): ProgressSnapshot {
  return { assetsTotal: 10, assetsDone: Math.floor(drafts / 4), drafts, accepted: Math.floor(drafts / 3), rejected: drafts - Math.floor(drafts / 3), rendered: 0, inFlight: 4, spentUsd: drafts * 0.0336, ceilingUsd: 5, elapsedMs: drafts * 1000, ...over };
}

describe("progress in a CI log: a plain line every few seconds", () => {
  it("writes the first snapshot at once, then at most one line per interval, and the last one at the end", () => {
    let clock = 0;
    const log = new Capture(false);
    const progress = createProgress(log, { intervalMs: 5000, now: () => clock });
    for (let t = 0; t <= 12_000; t += 500) {
      clock = t;
      progress.update(snapshot(t / 500));
    }
    progress.done();
    const lines = log.text.trimEnd().split("\n");
    // t = 0, 5 s, 10 s, and the held-back 12 s snapshot on done().
    expect(lines.map((l) => l.match(/(\d+) drafts/)![1])).toEqual(["0", "10", "20", "24"]);
    expect(log.text).not.toContain("\r");
  });

  it("says everything a person needs on one line", () => {
    const log = new Capture(false);
    const progress = createProgress(log, { now: () => 0 });
    progress.update(snapshot(12, { assetsDone: 3, accepted: 4, rejected: 8, rendered: 2, inFlight: 4, spentUsd: 0.52, ceilingUsd: 10, elapsedMs: 72_000 }));
    expect(log.text).toBe("progress: 3/10 assets · 12 drafts · 4 accepted · 8 rejected · 2 rendered · 4 in flight · $0.52 / $10.00 · 1m12s\n");
  });

  it("writes nothing more after done, and nothing twice when the last snapshot was already shown", () => {
    const log = new Capture(false);
    const progress = createProgress(log, { now: () => 0 });
    progress.update(snapshot(1));
    progress.done();
    progress.update(snapshot(2));
    progress.done();
    expect(log.text.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("progress on a terminal: one bar redrawn in place", () => {
  it("redraws with a carriage return, throttled, and ends the line when done", () => {
    let clock = 0;
    const tty = new Capture(true, 200);
    const progress = createProgress(tty, { now: () => clock });
    for (let t = 0; t < 1000; t += 10) {
      clock = t;
      progress.update(snapshot(t / 10, { assetsDone: 5 }));
    }
    progress.done();
    const draws = tty.text.split("\r").filter(Boolean);
    expect(draws.length).toBeGreaterThanOrEqual(10);
    expect(draws.length).toBeLessThanOrEqual(12);
    expect(tty.text.split("\n")).toHaveLength(2);
    expect(tty.text.endsWith("\n")).toBe(true);
    expect(draws.at(-1)).toMatch(/^\[████████░░░░░░░░\] 5\/10 assets · 99 drafts/);
  });

  it("fits the terminal's width", () => {
    const tty = new Capture(true, 40);
    const progress = createProgress(tty, { now: () => 0 });
    progress.update(snapshot(3));
    const drawn = tty.text.replace("\r", "").replace("\u001b[K", "");
    expect([...drawn].length).toBeLessThanOrEqual(39);
  });
});
