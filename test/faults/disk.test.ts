import { readdirSync, statSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STACK_LINE, type Ran } from "../support/cli.js";
import { cli, tempRepo } from "../e2e/harness.js";
import { brokenFiles, clearFailure, keptIn, lostImages, recordFault, repaidAfterKept, type Kept } from "./fault-table.js";
import { serve, type Service } from "./service-proxy.js";

const MANIFEST = `version: 1
budget: { maxUsd: 5 }
limits: { concurrency: 4 }
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
  output: { format: webp, quality: 80, width: 64, height: 64 }
assets:
  - id: moss
    prompt: Moss on old stone steps, macro, no text
    count: 2
    out: img/moss-{n}.webp
  - id: reef
    prompt: Coral reef in clear shallow water, top view, no text
    count: 2
    out: img/reef-{n}.webp
`;
const CEILING = 5;

/** Every file under `dir` (but .git) with its size and modification time: what "changed nothing on disk" compares. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (name === ".git") continue;
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else files.set(relative(dir, path), `${st.size}:${st.mtimeMs}`);
    }
  };
  walk(dir);
  return files;
}

describe("a lockfile cut off mid-write is refused with its line, and nothing is spent or changed", () => {
  let service: Service;
  let dir: string;
  let whole: string;
  const cuts: { at: string; ran: Ran; calls: number; unchanged: boolean; untouched: boolean }[] = [];
  let restored: Ran;
  let callsAfterRestore = 0;

  beforeAll(async () => {
    service = await serve({ latencyMs: 5, randomSeed: 21, corruptRate: 0 });
    dir = await tempRepo(MANIFEST);
    expect((await cli(dir, service.url, ["run"])).code).toBe(0);
    whole = await readFile(join(dir, "assets.lock.yaml"), "utf8");
    const lines = whole.split("\n");
    // Cut at bytes across the file (mid-line, as a write stopped by a full disk leaves it) and after whole lines (as a line-buffered writer leaves it).
    const points = [
      ...[0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 0.995].map((f) => ({ at: `byte ${Math.floor(whole.length * f)} of ${whole.length}`, text: whole.slice(0, Math.floor(whole.length * f)) })),
      ...[0.3, 0.6, 0.9].map((f) => Math.floor(lines.length * f)).map((n) => ({ at: `after line ${n} of ${lines.length}`, text: `${lines.slice(0, n).join("\n")}\n` })),
      { at: "an empty file", text: "" },
    ];
    for (const point of points) {
      await writeFile(join(dir, "assets.lock.yaml"), point.text);
      const before = snapshot(dir);
      const calls = service.proxy.calls.length;
      const ran = await cli(dir, service.url, ["run"]);
      cuts.push({
        at: point.at,
        ran,
        calls: service.proxy.calls.length - calls,
        unchanged: (await readFile(join(dir, "assets.lock.yaml"), "utf8")) === point.text,
        untouched: JSON.stringify([...snapshot(dir)]) === JSON.stringify([...before]),
      });
    }
    // The fix the message gives: restore the lockfile (from git), and nothing is paid again.
    await writeFile(join(dir, "assets.lock.yaml"), whole);
    const calls = service.proxy.calls.length;
    restored = await cli(dir, service.url, ["run"]);
    callsAfterRestore = service.proxy.calls.length - calls;
    const unclear = cuts.filter((c) => !clearFailure(c.ran, 2, /assets\.lock\.yaml:\d+:\d+: .*(cut off|damaged|needs|must be|empty).*(restore|delete)/s)).length;
    recordFault({
      scenario: "lockfile truncated mid-write",
      acceptedLost: cuts.filter((c) => !c.unchanged || !c.untouched).length + (restored.code === 0 ? 0 : 1),
      seedsRepaid: cuts.reduce((n, c) => n + c.calls, 0) + callsAfterRestore,
      overspendUsd: 0,
      unclearFailure: unclear,
      note: `${cuts.length} cut points (mid-line bytes, whole lines, empty file): each refused before any call; restoring the lockfile resumes with no call`,
    });
  });

  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 2 at every cut, naming assets.lock.yaml:line:col and how to recover, without a stack trace", () => {
    for (const c of cuts) {
      expect(c.ran.code, c.at).toBe(2);
      expect(c.ran.stderr, c.at).toMatch(/assets\.lock\.yaml:\d+:\d+: /);
      expect(c.ran.stderr, c.at).toMatch(/restore|delete/);
      expect(c.ran.stderr, c.at).not.toMatch(STACK_LINE);
    }
  });

  it("makes no call and leaves the damaged lockfile and every other file as they were", () => {
    for (const c of cuts) {
      expect(c.calls, c.at).toBe(0);
      expect(c.unchanged, c.at).toBe(true);
      expect(c.untouched, c.at).toBe(true);
    }
  });

  it("resumes with no call at all once the lockfile is restored", () => {
    expect(restored.code).toBe(0);
    expect(callsAfterRestore).toBe(0);
  });
});

describe("a half-written temporary lockfile left by a killed write is ignored", () => {
  it("runs on from the whole lockfile beside it and pays for nothing again", async () => {
    const service = await serve({ latencyMs: 5, randomSeed: 22, corruptRate: 0 });
    const dir = await tempRepo(MANIFEST);
    try {
      expect((await cli(dir, service.url, ["run"])).code).toBe(0);
      const whole = await readFile(join(dir, "assets.lock.yaml"), "utf8");
      await writeFile(join(dir, `.assets.lock.yaml.4242.0badf00d.tmp`), whole.slice(0, whole.length / 2));
      const before = await keptIn(dir);
      const calls = service.proxy.calls.length;
      const ran = await cli(dir, service.url, ["run"]);
      const after = await keptIn(dir);
      const lost = await lostImages(dir, before, after);
      recordFault({
        scenario: "stray temporary lockfile from a killed write",
        acceptedLost: lost.length,
        seedsRepaid: service.proxy.calls.length - calls,
        overspendUsd: 0,
        unclearFailure: ran.code === 0 ? 0 : 1,
        note: "a half-written .assets.lock.yaml.<pid>.<hex>.tmp beside the whole lockfile: the rerun reads the whole one and calls nothing",
      });
      expect(ran.code).toBe(0);
      expect(service.proxy.calls.length - calls).toBe(0);
      expect(lost).toEqual([]);
    } finally {
      await service.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/*
 * A disk that refuses writes. Tests run as root here, and root writes through chmod 0555, so a
 * read-only folder is made the way that stops root too: the folder seedlock must create is a
 * regular FILE already (mkdir answers EEXIST or ENOTDIR). After the failure the blocker is
 * removed, as the user would, and the rerun must pay only for what is missing.
 */
interface Refusal {
  first: Ran;
  before: Kept;
  rerun: Ran;
  lost: string[];
  repaid: number;
  billedFirst: number;
  billedRerun: number;
}

async function refusedWrites(blocker: string): Promise<Refusal> {
  const service = await serve({ latencyMs: 5, randomSeed: 23, corruptRate: 0 });
  const dir = await tempRepo(MANIFEST);
  try {
    await writeFile(join(dir, blocker), "a file where seedlock needs a folder\n");
    const first = await cli(dir, service.url, ["run"]);
    const billedFirst = service.proxy.billed();
    const before = await keptIn(dir);
    await rm(join(dir, blocker), { force: true });
    const start = service.proxy.calls.length;
    const rerun = await cli(dir, service.url, ["run"]);
    const rerunCalls = service.proxy.calls.slice(start);
    const after = await keptIn(dir);
    // Answers the first run received but could not keep were paid for: asking again is a re-pay too.
    const answeredFirst = new Set(service.proxy.calls.slice(0, start).filter((c) => c.billedUsd > 0 && c.answeredAt !== undefined).map((c) => `${c.final ? "final" : "draft"}|${c.prompt}|${c.seed}`));
    const repaid = repaidAfterKept(rerunCalls, new Set([...before.answered, ...answeredFirst])).length;
    return {
      first,
      before,
      rerun,
      lost: [...(await lostImages(dir, before, after)), ...(await brokenFiles(dir, after.lock))],
      repaid,
      billedFirst,
      billedRerun: service.proxy.billed(rerunCalls),
    };
  } finally {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe("an output folder that cannot be created (a file stands where img/ should be)", () => {
  let r: Refusal;
  beforeAll(async () => {
    r = await refusedWrites("img");
    recordFault({
      scenario: "disk refuses writes: output folder",
      acceptedLost: r.lost.length,
      seedsRepaid: r.repaid,
      overspendUsd: Math.max(0, r.billedFirst - CEILING) + Math.max(0, r.billedRerun - CEILING),
      unclearFailure: clearFailure(r.first, r.first.code ?? -1, /img/) && r.first.code !== 0 && r.first.code !== 1 ? 0 : 1,
      note: `img/ blocked by a regular file (works as root, unlike chmod): first run exits ${r.first.code}; after removing the file the rerun exits ${r.rerun.code}`,
    });
  });

  // The pre-flight finds img refused: drafts are screened and kept, nothing is rendered, and the run exits 2 naming img.
  it("stops with a message naming img and what to do, not a stack trace", () => {
    expect(r.first.code).not.toBe(0);
    expect(r.first.code).not.toBe(1);
    expect(r.first.stderr).toMatch(/img/);
    expect(r.first.stderr).not.toMatch(STACK_LINE);
  });

  it("keeps every accepted draft, and once the file is gone the rerun finishes without paying for any answer twice", () => {
    expect(r.before.accepted.size).toBeGreaterThan(0);
    expect(r.rerun.code).toBe(0);
    expect(r.lost).toEqual([]);
    expect(r.repaid).toBe(0);
  });
});

describe("a work folder that cannot be created (a file stands where .seedlock/ should be)", () => {
  let r: Refusal;
  beforeAll(async () => {
    r = await refusedWrites(".seedlock");
    recordFault({
      scenario: "disk refuses writes: .seedlock folder",
      acceptedLost: r.lost.length,
      seedsRepaid: r.repaid,
      overspendUsd: Math.max(0, r.billedFirst - CEILING) + Math.max(0, r.billedRerun - CEILING),
      unclearFailure: clearFailure(r.first, r.first.code ?? -1, /\.seedlock/) && r.first.code !== 0 && r.first.code !== 1 ? 0 : 1,
      note: `.seedlock blocked by a regular file: first run exits ${r.first.code} after paying $${r.billedFirst.toFixed(4)}; the rerun exits ${r.rerun.code}`,
    });
  });

  // The run lock and the pre-flight find .seedlock refused before the first paid call: exit 2 naming it, nothing spent.
  it("stops with a message naming .seedlock and what to do, not a stack trace", () => {
    expect(r.first.code).not.toBe(0);
    expect(r.first.code).not.toBe(1);
    expect(r.first.stderr).toMatch(/\.seedlock/);
    expect(r.first.stderr).not.toMatch(STACK_LINE);
  });

  // Nothing is paid before the refusal, so the rerun has nothing to pay for twice.
  it("pays for no answer twice once the file is gone", () => {
    expect(r.rerun.code).toBe(0);
    expect(r.lost).toEqual([]);
    expect(r.repaid).toBe(0);
  });
});
