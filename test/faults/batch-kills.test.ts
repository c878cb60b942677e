import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { cli, readLock, spawnCli, tempRepo } from "../e2e/harness.js";
import { seededRandom } from "../support/seeded-random.js";
import { keptIn, lostImages } from "./fault-table.js";

/*
 * SIGKILL at random moments (seeded) of batch runs: while jobs are recorded and submitted, while
 * they are looked at, collected into the journals, screened and rendered. Every request must reach
 * the service once, and every accepted image must end as an output.
 */

const MANIFEST = `version: 1
budget: { maxUsd: 20 }
defaults:
  batch: all
  maxAttempts: 40
  screen: { minWidth: 256, minHeight: 256 }
  output: { format: webp, quality: 80, width: 96, height: 96 }
assets:
  - id: arch
    prompt: Stone arch over a dry river bed, evening light, no text
    count: 3
    out: img/arch-{n}.webp
  - id: bay
    prompt: Fishing boats in a small bay, overcast, no text
    count: 2
    out: img/bay-{n}.webp
  - id: kite
    prompt: A red kite over green hills, wide sky, no text
    tier: final-only
    out: img/kite.webp
`;

/** At least this many kills must land while a run is under way. */
const KILLS = 20;
/** And the whole sequence stops after this many runs, killed or not. */
const MOST_RUNS = 90;

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 3, darkRate: 0.2, flatRate: 0.1, duplicateRate: 0, blockRate: 0.05, corruptRate: 0, errorRate: 0 });
  dir = await tempRepo(MANIFEST);
});
afterAll(async () => {
  await emulator?.close();
});

describe("batch runs killed at random moments", () => {
  it(`neither submit a request twice nor lose an accepted image over ${KILLS}+ SIGKILLs`, async () => {
    const random = seededRandom(1313);
    let kills = 0;
    let runs = 0;
    let finished = false;
    let lastRunMs = 1460;
    const lost: string[] = [];
    while (!finished && runs < MOST_RUNS) {
      runs++;
      const before = await keptIn(dir);
      const child = spawnCli(dir, emulator.url, ["run", "--json"]);
      let stdout = "";
      child.stdout!.on("data", (d) => (stdout += d));
      // Most kills land within a run's first second, where submission and collection happen; once
      // runs get quicker than that (a loaded machine, little left to do), within the last run's length.
      const at = kills < KILLS ? 60 + random() * Math.min(1400, Math.max(100, lastRunMs - 60)) : Infinity;
      const startedAt = Date.now();
      const timer = Number.isFinite(at) ? setTimeout(() => child.kill("SIGKILL"), at) : undefined;
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("close", (c, s) => resolve([c, s])));
      clearTimeout(timer);
      if (signal === "SIGKILL") kills++;
      else {
        lastRunMs = Date.now() - startedAt;
        expect(code, stdout).toBe(0);
        const report = JSON.parse(stdout) as { batch?: { pending: unknown[] } };
        finished = kills >= KILLS && !report.batch?.pending.length;
      }
      lost.push(...(await lostImages(dir, before, await keptIn(dir))));
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(finished).toBe(true);
    expect(lost).toEqual([]);

    // The emulator's log: each (model, prompt, seed) went to the service in one job only.
    const seen = emulator.batches.requests.map((r) => `${r.model}|${r.prompt}|${r.seed}`);
    const twice = seen.filter((key, i) => seen.indexOf(key) !== i);
    expect(twice).toEqual([]);

    // Every answered draft is in the lockfile; every accepted seed was rendered into an output that is on disk.
    const lock = await readLock(dir);
    expect(lock.batches).toBeUndefined();
    const prompts = new Map([
      ["Stone arch over a dry river bed, evening light, no text", "arch"],
      ["Fishing boats in a small bay, overcast, no text", "bay"],
      ["A red kite over green hills, wide sky, no text", "kite"],
    ]);
    for (const r of emulator.batches.requests.filter((q) => q.outcome === "answered" && !q.withReference)) {
      const entry = lock.assets[prompts.get(r.prompt)!]!;
      expect(entry.seeds.some((s) => s.seed === r.seed), `${r.prompt} seed ${r.seed}`).toBe(true);
    }
    for (const [id, count] of [["arch", 3], ["bay", 2], ["kite", 1]] as const) {
      const entry = lock.assets[id]!;
      expect(entry.outputs).toHaveLength(count);
      for (const output of entry.outputs) await expect(readFile(join(dir, output.path))).resolves.toBeInstanceOf(Buffer);
      // Accepted seeds left unrendered are spares beyond the count (kept: they were paid for), never a missing output.
      expect(entry.seeds.filter((s) => s.status === "rendered")).toHaveLength(count);
    }
    // And the money: what the lockfile says was spent is what the service billed.
    const spent = Object.values(lock.assets).reduce((sum, e) => sum + e.spentUsd, 0);
    // Each answer is booked in whole micro-dollars, so the sums agree to a thousandth of a cent.
    expect(spent).toBeCloseTo(emulator.batches.billedUsd, 4);
    // A final rerun has nothing left to do.
    const last = await cli(dir, emulator.url, ["run", "--json"]);
    expect(JSON.parse(last.stdout).spentUsd).toBe(0);
  }, 600_000);

  it("a run killed the moment the service accepted its job, before the lockfile has the job's name, is found again by its display name", async () => {
    const other = await tempRepo(MANIFEST);
    const start = emulator.batches.requests.length;
    let windowHits = 0;
    for (let cycle = 0; cycle < 40 && windowHits < 3; cycle++) {
      const jobsBefore = emulator.batches.jobs;
      const child = spawnCli(other, emulator.url, ["run"]);
      const watch = setInterval(() => {
        if (emulator.batches.jobs > jobsBefore) child.kill("SIGKILL");
      }, 1);
      await new Promise((resolve) => child.on("close", resolve));
      clearInterval(watch);
      const recorded = Object.values((await readLock(other)).batches ?? {});
      if (recorded.some((job) => !job.name)) windowHits++;
    }
    expect(windowHits).toBeGreaterThan(0);
    const next = await cli(other, emulator.url, ["run"]);
    expect(next.code).toBe(0);
    expect(next.stderr).toMatch(/found batches\/\S+, submitted by a run that stopped before recording it/);
    for (let i = 0; i < 10 && Object.keys((await readLock(other)).batches ?? {}).length; i++) await cli(other, emulator.url, ["run"]);
    const mine = emulator.batches.requests.slice(start);
    const seen = mine.map((r) => `${r.model}|${r.prompt}|${r.seed}`);
    // No display name was submitted twice, and no (model, prompt, seed) went out in two jobs of this repository.
    const byName = new Map<string, Set<string>>();
    for (const r of mine) byName.set(r.displayName, (byName.get(r.displayName) ?? new Set()).add(r.job));
    expect([...byName.values()].filter((jobs) => jobs.size > 1)).toEqual([]);
    expect(new Set(seen).size).toBe(seen.length);
    const lock = await readLock(other);
    expect(lock.assets.arch!.outputs).toHaveLength(3);
  }, 600_000);
});
