import { watch, type FSWatcher } from "node:fs";
import { readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLockfile } from "../../src/lock/file.js";
import { cli, spawnCli, tempRepo } from "../e2e/harness.js";
import { keptIn, lostImages, recordFault, repaidAfterKept } from "./fault-table.js";
import { serve, type Service, type ServiceCall } from "./service-proxy.js";
import { seededRandom } from "../support/seeded-random.js";

/*
 * SIGKILL at chosen moments. test/e2e/resume.test.ts already kills a run 22 times at random moments
 * while calls are under way; these aim where a random kill rarely lands: just after a final's
 * answer arrives (while it is post-processed, written and recorded), and while the lockfile itself
 * is being replaced.
 */


function manifest(count: number, extra = ""): string {
  return `version: 1
budget: { maxUsd: 50 }
limits: { concurrency: 2 }
defaults:
  finalSize: "1K"
  maxAttempts: 200
  screen: { minWidth: 256, minHeight: 256 }
  output: { format: webp, quality: 80, width: 96, height: 96 }
assets:
  - id: arch
    prompt: Stone arch over a dry river bed, evening light, no text
    count: ${count}
    out: img/arch-{n}.webp
  - id: bay
    prompt: Fishing boats in a small bay, overcast, no text
    count: ${count}
    out: img/bay-{n}.webp
${extra}`;
}

interface Cycle {
  kill: number;
  killedMidRun: boolean;
  lost: string[];
  repaid: ServiceCall[];
  /** The lockfile still parsed after the kill. */
  lockfileWhole: boolean;
  /** Paid answers delivered before the kill that the dead process had not kept yet: the in-flight cost of a kill. */
  cutOff: number;
  /** Lockfile-write kills only: a temporary lockfile was left behind, so the kill landed inside the write. */
  midWrite?: boolean;
}

/** One run killed when `trigger` fires (or left to finish), with what it kept, lost and paid twice. */
async function killedRun(dir: string, service: Service, kill: number, arm: (killNow: () => void) => () => void): Promise<Cycle> {
  const before = await keptIn(dir);
  const start = service.proxy.calls.length;
  const child = spawnCli(dir, service.url, ["run"]);
  let killed = false;
  const disarm = arm(() => {
    if (killed) return;
    killed = true;
    child.kill("SIGKILL");
  });
  const exited = await new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, signal) => resolve(signal)));
  disarm();
  await service.proxy.settled();
  const after = await keptIn(dir);
  const calls = service.proxy.calls.slice(start);
  const cutOff = calls.filter((c) => c.billedUsd > 0 && c.answeredAt !== undefined && c.seed !== undefined && !after.answered.has(`${c.final ? "final" : "draft"}|${c.prompt}|${c.seed}`)).length;
  return {
    kill,
    killedMidRun: exited === "SIGKILL",
    lost: await lostImages(dir, before, after),
    repaid: repaidAfterKept(calls, before.answered),
    lockfileWhole: !after.damaged,
    cutOff,
  };
}

function row(scenario: string, cycles: Cycle[], last: { code: number | null; repaid: number; lost: number }, note: string): void {
  recordFault({
    scenario,
    acceptedLost: cycles.reduce((n, c) => n + c.lost.length, 0) + last.lost,
    seedsRepaid: cycles.reduce((n, c) => n + c.repaid.length, 0) + last.repaid,
    overspendUsd: 0,
    unclearFailure: cycles.filter((c) => !c.lockfileWhole).length + (last.code === 0 ? 0 : 1),
    note,
  });
}

describe("SIGKILL just after a final's answer arrives, while it is written and recorded", () => {
  const KILLS = 6;
  const random = seededRandom(20261122);
  let service: Service;
  let dir: string;
  const cycles: Cycle[] = [];
  let finalRun: { code: number | null; repaid: number; lost: number };
  let verified: number | null;

  beforeAll(async () => {
    service = await serve({ latencyMs: 20, randomSeed: 41, corruptRate: 0 });
    let count = 2;
    dir = await tempRepo(manifest(count));
    for (let kill = 1; kill <= KILLS; kill++) {
      // Kill 0–40 ms after the first or second final answered in this run.
      const nth = 1 + Math.floor(random() * 2);
      const delayMs = Math.floor(random() * 40);
      const cycle = await killedRun(dir, service, kill, (killNow) => {
        let finals = 0;
        let timer: NodeJS.Timeout | undefined;
        const off = service.proxy.on((call, phase) => {
          if (phase === "answered" && call.final && call.status === 200 && ++finals === nth) timer = setTimeout(killNow, delayMs);
        });
        return () => (off(), clearTimeout(timer));
      });
      cycles.push(cycle);
      // A run that finished before its kill leaves nothing to interrupt: ask for more images.
      if (!cycle.killedMidRun) await writeFile(join(dir, "assets.yaml"), manifest((count += 2)));
    }
    const before = await keptIn(dir);
    const start = service.proxy.calls.length;
    const ran = await cli(dir, service.url, ["run"]);
    const after = await keptIn(dir);
    finalRun = { code: ran.code, repaid: repaidAfterKept(service.proxy.calls.slice(start), before.answered).length, lost: (await lostImages(dir, before, after)).length };
    verified = (await cli(dir, service.url, ["verify"])).code;
    const mid = cycles.filter((c) => c.killedMidRun).length;
    row("SIGKILL during render", cycles, finalRun, `${mid} of ${KILLS} runs killed 0–40 ms after a final's answer; ${cycles.reduce((n, c) => n + c.cutOff, 0)} paid answers were cut off in flight (delivered, not yet kept); the last rerun exits ${ran.code}`);
  }, 120_000);

  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("was killed mid-run at least half the time", () => {
    expect(cycles.filter((c) => c.killedMidRun).length).toBeGreaterThanOrEqual(KILLS / 2);
  });

  it("leaves a lockfile that parses after every kill, and loses no accepted draft or output it had recorded", () => {
    expect(cycles.filter((c) => !c.lockfileWhole).map((c) => c.kill)).toEqual([]);
    expect(cycles.flatMap((c) => c.lost.map((l) => `kill ${c.kill}: ${l}`))).toEqual([]);
  });

  it("never pays again for a draft or a final whose answer was kept (lockfile, output or journal)", () => {
    expect(cycles.flatMap((c) => c.repaid.map((r) => `kill ${c.kill}: ${r.final ? "final" : "draft"} seed ${r.seed}`))).toEqual([]);
    expect(finalRun.repaid).toBe(0);
  });

  it("finishes on the last rerun, and verify agrees with the files", () => {
    expect(finalRun.code).toBe(0);
    expect(finalRun.lost).toBe(0);
    expect(verified).toBe(0);
  });
});

describe("SIGKILL while the lockfile is being replaced", () => {
  const KILLS = 5;
  /** Orphaned entries from assets removed long ago: kept by seedlock, they make every lockfile write take a while. */
  const ORPHANS = 1000;
  let service: Service;
  let dir: string;
  const cycles: Cycle[] = [];
  let finalRun: { code: number | null; repaid: number; lost: number };
  let strays: string[] = [];

  beforeAll(async () => {
    service = await serve({ latencyMs: 20, randomSeed: 43, corruptRate: 0 });
    let count = 1;
    dir = await tempRepo(manifest(count));
    expect((await cli(dir, service.url, ["run"])).code).toBe(0);
    const seeded = await keptIn(dir);
    const model = seeded.lock.assets.arch!;
    for (let i = 0; i < ORPHANS; i++) seeded.lock.assets[`retired-${i}`] = { ...model, prompt: `${model.prompt} (retired ${i})`, outputs: [] };
    await writeLockfile(join(dir, "assets.lock.yaml"), seeded.lock);
    for (let kill = 1; kill <= KILLS; kill++) {
      await writeFile(join(dir, "assets.yaml"), manifest((count += 1)));
      let sawTemporary = false;
      const cycle = await killedRun(dir, service, kill, (killNow) => {
        // Skip the first write or two, so some answers are already recorded when the kill lands.
        let writes = 0;
        const skip = kill % 3;
        const watcher: FSWatcher = watch(dir, (_event, name) => {
          if (!name || !/^\.?assets\.lock\.yaml\..*\.tmp$/.test(String(name))) return;
          if (writes++ < skip * 2) return;
          sawTemporary = true;
          killNow();
        });
        return () => watcher.close();
      });
      cycle.midWrite = sawTemporary && (await readdir(dir)).some((n) => /^\.?assets\.lock\.yaml\..*\.tmp$/.test(n));
      cycles.push(cycle);
    }
    strays = (await readdir(dir)).filter((n) => /^\.?assets\.lock\.yaml\..*\.tmp$/.test(n));
    const before = await keptIn(dir);
    const start = service.proxy.calls.length;
    const ran = await cli(dir, service.url, ["run"]);
    const after = await keptIn(dir);
    finalRun = { code: ran.code, repaid: repaidAfterKept(service.proxy.calls.slice(start), before.answered).length, lost: (await lostImages(dir, before, after)).length };
    row(
      "SIGKILL during lockfile write",
      cycles,
      finalRun,
      `${cycles.filter((c) => c.killedMidRun).length} of ${KILLS} runs killed as a temporary lockfile appeared (${ORPHANS} other entries make each write long); ` +
        `${cycles.filter((c) => c.midWrite).length} left the temporary file behind, so the kill landed inside the write; the last rerun exits ${ran.code}` +
        ` (${strays.length} temporary files were still there before it)`,
    );
  }, 120_000);

  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("was killed inside a lockfile write at least once", () => {
    expect(cycles.filter((c) => c.midWrite).length).toBeGreaterThanOrEqual(1);
  });

  it("leaves a lockfile that parses after every kill, and loses no accepted draft or output it had recorded", () => {
    expect(cycles.filter((c) => !c.lockfileWhole).map((c) => c.kill)).toEqual([]);
    expect(cycles.flatMap((c) => c.lost.map((l) => `kill ${c.kill}: ${l}`))).toEqual([]);
  });

  it("never pays again for an answer it had kept, and the last rerun finishes", () => {
    expect(cycles.flatMap((c) => c.repaid.map((r) => `kill ${c.kill}: ${r.final ? "final" : "draft"} seed ${r.seed}`))).toEqual([]);
    expect(finalRun.repaid).toBe(0);
    expect(finalRun.code).toBe(0);
    expect(finalRun.lost).toBe(0);
  });

  it("keeps the other entries of the lockfile through every kill", async () => {
    const kept = await keptIn(dir);
    expect(Object.keys(kept.lock.assets).filter((id) => id.startsWith("retired-")).length).toBe(ORPHANS);
  });
});
