import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { PROFILE_NAMES, type AnswerShape, type ProfileName } from "../../src/emulator/profiles.js";
import type { RunReport } from "../../src/run-report.js";
import { RecordingProxy, readLock, spawnCli, tempRepo } from "../e2e/harness.js";
import {
  DECLARED,
  THREE_ASSETS,
  expectLockfileTrue,
  expectNoImageLostToGeometry,
  expectOutputsAsDeclared,
  expectSpendIsTheBill,
  runJson,
} from "./conformance.js";

/*
 * The end-to-end pipeline against every emulator profile: each reproduces one way the real service
 * answers that Google does not promise to avoid (other pixel tables, a 1K image for a 2K request,
 * two images in one answer, PNG, a judge that thinks past its cap). Whatever came back, the run
 * ends with every output at its declared format and size, pays for nothing it throws away without
 * saying so, reports the service's bill to the cent, and leaves a lockfile true to the files.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const done of cleanups.splice(0)) await done();
});

/** A few flaws so screening has work, the same for every profile. */
const FLAWS = { ...NO_FLAWS, darkRate: 0.1, flatRate: 0.05 };

async function service(profile: ProfileName, shape?: AnswerShape): Promise<{ emulator: RunningEmulator; proxy: RecordingProxy; url: string }> {
  const emulator = await startEmulator({ ...FLAWS, latencyMs: 10, randomSeed: 7, profile, ...(shape ? { shape } : {}) });
  const proxy = new RecordingProxy(emulator.url);
  const url = await proxy.start();
  cleanups.push(async () => {
    await proxy.close();
    await emulator.close();
  });
  return { emulator, proxy, url };
}

async function repo(): Promise<string> {
  const dir = await tempRepo(THREE_ASSETS);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const ANSWER_PROFILES = PROFILE_NAMES.filter((p) => p !== "per-day-quota");

describe.each(ANSWER_PROFILES)("against the %s profile", (profile) => {
  it("run: exit 0, every output as declared, exactly the finals it needs, the bill to the cent", async () => {
    const { emulator, proxy, url } = await service(profile);
    const dir = await repo();
    const ran = await runJson(dir, url, ["run"]);
    expect(ran.code, ran.stderr).toBe(0);
    const lock = await readLock(dir);
    await expectOutputsAsDeclared(dir, lock);
    await expectLockfileTrue(dir, lock);
    expectNoImageLostToGeometry(lock, proxy);
    // Every answer here can make its output, so not one final is re-rendered: one final call per two-tier output.
    const finals = proxy.requests.filter((r) => r.model === "gemini-nano-banana-2.1" && r.withReference).length;
    expect(finals).toBe(DECLARED.canyon!.count + DECLARED.badge!.count);
    expectSpendIsTheBill([ran.report], emulator);
    if (profile === "undersized") {
      // 1K answers for the 2K canyon finals still make 1200×800: kept, and said so in the lockfile and the report.
      expect(lock.assets.canyon!.outputs.every((o) => o.undersized === true && o.answered === "1264x848" && o.asked === "2528x1696")).toBe(true);
      expect(ran.report.assets.find((a) => a.id === "canyon")!.notes?.some((n) => /undersized/.test(n))).toBe(true);
    }
    if (profile === "two-images") {
      expect(lock.assets.canyon!.seeds.some((s) => (s.reasons ?? []).some((r) => /held 2 images; kept the last/.test(r)))).toBe(true);
    }
    if (profile === "overthinking-judge") {
      // thinkingConfig keeps the judge inside its cap: scores come back, and no draft is rejected for want of one.
      expect(lock.assets.badge!.seeds.some((s) => s.judgeScore !== undefined)).toBe(true);
    }
  });

  it("preview then render: the render calls only the final model for the previewed seeds", async () => {
    const { emulator, proxy, url } = await service(profile);
    const dir = await repo();
    const preview = await runJson(dir, url, ["preview"]);
    expect(preview.code, preview.stderr).toBe(0);
    const before = proxy.requests.length;
    const render = await runJson(dir, url, ["render"]);
    expect(render.code, render.stderr).toBe(0);
    const renderCalls = proxy.requests.slice(before);
    expect(renderCalls.every((r) => r.model === "gemini-nano-banana-2.1" && r.withReference)).toBe(true);
    const lock = await readLock(dir);
    await expectOutputsAsDeclared(dir, lock);
    await expectLockfileTrue(dir, lock);
    expectNoImageLostToGeometry(lock, proxy);
    expectSpendIsTheBill([preview.report, render.report], emulator);
  });

  it("resume after a stop: the rerun finishes, pays only for what is missing, and the bill still matches", async () => {
    const { emulator, proxy, url } = await service(profile);
    const dir = await repo();
    const child = spawnCli(dir, url, ["run", "--json"]);
    let stdout = "";
    child.stdout!.on("data", (d) => (stdout += d));
    // Stopped as soon as the first final is asked for, with drafts and judge calls still under way.
    const stop = proxy.onRequest((r) => {
      if (r.model === "gemini-nano-banana-2.1" && r.withReference) child.kill("SIGTERM");
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    stop();
    const first = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as RunReport;
    const rerun = await runJson(dir, url, ["run"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const lock = await readLock(dir);
    await expectOutputsAsDeclared(dir, lock);
    await expectLockfileTrue(dir, lock);
    expectNoImageLostToGeometry(lock, proxy);
    // A stop keeps every answer received, so the two runs together report exactly what was billed.
    expect(code).toBe(130);
    expectSpendIsTheBill([first, rerun.report], emulator);
  });
});

describe("a tight ceiling at concurrency 8", () => {
  it.each(["two-images", "overthinking-judge"] as const)("holds against the %s profile: the service's bill never passes it", async (profile) => {
    const { emulator, url } = await service(profile);
    const dir = await repo();
    const ran = await runJson(dir, url, ["run", "--max-budget-usd", "0.3", "--concurrency", "8"]);
    expect(ran.code).toBe(3);
    expect(emulator.stats.billedUsd).toBeLessThanOrEqual(0.3);
    expectSpendIsTheBill([ran.report], emulator);
    await expectLockfileTrue(dir, await readLock(dir));
  });
});

describe("against the per-day-quota profile", () => {
  it("ends the run with exit 5, keeps everything it paid for, and the next day's run finishes it", async () => {
    const { emulator, proxy, url } = await service("per-day-quota", { perDayQuota: { after: 6, retryDelay: "0.2s" } });
    const dir = await repo();
    const stopped = await runJson(dir, url, ["run"]);
    expect(stopped.code).toBe(5);
    expect(stopped.stderr).toMatch(/quota|limit|unavailable/i);
    const lock = await readLock(dir);
    await expectLockfileTrue(dir, lock);
    expectSpendIsTheBill([stopped.report], emulator);
    // The quota resets: a fresh service (same pictures), and the rerun pays only for what is missing.
    const next = await service("gemini-3");
    const rerun = await runJson(dir, next.url, ["run"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const done = await readLock(dir);
    await expectOutputsAsDeclared(dir, done);
    await expectLockfileTrue(dir, done);
    const paidBefore = new Set(proxy.requests.filter((r) => r.status === 200 && !r.withReference).map((r) => `${r.model}|${r.prompt}|${r.seed}`));
    for (const r of next.proxy.requests.filter((r) => !r.withReference && r.seed !== undefined)) expect(paidBefore.has(`${r.model}|${r.prompt}|${r.seed}`)).toBe(false);
    expect(Object.keys(DECLARED).every((id) => done.assets[id]!.outputs.length === DECLARED[id]!.count)).toBe(true);
  });
});
