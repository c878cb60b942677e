import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator, type ScriptedAnswer } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import { STACK_LINE } from "../support/cli.js";
import { cli, readLock, RecordingProxy, spawnCli, tempRepo } from "./harness.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function serve(options: Parameters<typeof startEmulator>[0]): Promise<{ emulator: RunningEmulator; proxy: RecordingProxy; url: string }> {
  const emulator = await startEmulator(options);
  const proxy = new RecordingProxy(emulator.url);
  const url = await proxy.start();
  cleanup.push(() => emulator.close(), () => proxy.close());
  return { emulator, proxy, url };
}

async function repo(manifest: string): Promise<string> {
  const dir = await tempRepo(manifest);
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("an asset that hits its attempt cap fails alone (exit 4)", () => {
  const MANIFEST = `version: 1
budget: { maxUsd: 5 }
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
assets:
  - id: glare
    prompt: An overexposed snowfield at noon, no text
    maxAttempts: 3
    screen: { brightness: [250, 255] }
    out: img/glare.webp
  - id: calm
    prompt: A calm harbour at dawn, no text
    count: 2
    out: img/calm-{n}.webp
`;

  it("drafts the capped asset exactly maxAttempts times, finishes the other, and names the cap", async () => {
    const { proxy, url } = await serve({ latencyMs: 5, randomSeed: 3, corruptRate: 0 });
    const dir = await repo(MANIFEST);
    const ran = await cli(dir, url, ["run", "--json"]);
    expect(ran.code).toBe(4);
    expect(ran.stderr).toMatch(/glare .* used every draft maxAttempts allows/);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    const report = JSON.parse(ran.stdout) as RunReport;
    expect(report.assets.find((a) => a.id === "glare")?.status).toBe("capped");
    expect(report.assets.find((a) => a.id === "calm")?.status).toBe("done");
    expect(proxy.requests.filter((r) => r.prompt.startsWith("An overexposed")).length).toBe(3);
    await expect(readFile(join(dir, "img/calm-2.webp"))).resolves.toBeInstanceOf(Buffer);
    const lock = await readLock(dir);
    expect(lock.assets.glare!.seeds.map((s) => s.status)).toEqual(["rejected", "rejected", "rejected"]);
  });

  it("a rerun spends nothing more on the capped asset", async () => {
    const { proxy, url } = await serve({ latencyMs: 5, randomSeed: 3, corruptRate: 0 });
    const dir = await repo(MANIFEST);
    await cli(dir, url, ["run"]);
    const before = proxy.requests.length;
    const ran = await cli(dir, url, ["run"]);
    expect(ran.code).toBe(4);
    expect(proxy.requests.length).toBe(before);
  });
});

describe("when the service stays unavailable the run stops (exit 5) and keeps what it accepted", () => {
  const MANIFEST = `version: 1
budget: { maxUsd: 5 }
limits: { concurrency: 8 }
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
assets:
  - id: moss
    prompt: Moss on old stone steps, macro, no text
    tier: draft-only
    count: 30
    out: img/moss-{n}.webp
`;

  // Count 30 at concurrency 8 keeps eight drafts in flight, so the storm's first wave opens the circuit.
  it("opens the circuit after a storm of 503s, says so, and a rerun pays only for what is missing", async () => {
    // The first six requests are answered; every one after that is a 503 "model is overloaded",
    // held 300 ms so that a wave of failures meets the circuit before any one call runs out of tries.
    const storm: Record<number, ScriptedAnswer> = {};
    for (let i = 6; i < 200; i++) storm[i] = { status: 503, delayMs: 300 };
    const down = await serve({ latencyMs: 5, randomSeed: 9, corruptRate: 0, failures: storm });
    const dir = await repo(MANIFEST);
    const ran = await cli(dir, down.url, ["run", "--json"]);
    expect(ran.code).toBe(5);
    expect(ran.stderr).toMatch(/circuit opened/);
    expect(ran.stderr).toMatch(/every image accepted so far is kept/);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect((JSON.parse(ran.stdout) as RunReport).assets[0]!.status).toBe("unavailable");
    const lock = await readLock(dir);
    const kept = lock.assets.moss!.seeds.filter((s) => s.status !== "rejected");
    expect(kept.length).toBeGreaterThan(0);
    for (const s of kept) await expect(readFile(join(dir, s.draft!))).resolves.toBeInstanceOf(Buffer);
    for (const o of lock.assets.moss!.outputs) await expect(readFile(join(dir, o.path))).resolves.toBeInstanceOf(Buffer);

    const up = await serve({ latencyMs: 5, randomSeed: 9, corruptRate: 0 });
    const rerun = await cli(dir, up.url, ["run"]);
    expect(rerun.code).toBe(0);
    const tried = new Set(lock.assets.moss!.seeds.map((s) => s.seed));
    expect(up.proxy.requests.filter((r) => tried.has(r.seed!))).toEqual([]);
  });
});

describe("Ctrl-C stops issuing, saves the answers in flight and exits 130", () => {
  const MANIFEST = `version: 1
budget: { maxUsd: 20 }
limits: { concurrency: 4 }
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
assets:
  - id: reef
    prompt: Coral reef in clear shallow water, top view, no text
    count: 30
    maxAttempts: 200
    out: img/reef-{n}.webp
`;

  it("keeps a valid lockfile that records every answer that arrived", async () => {
    const { proxy, url } = await serve({ latencyMs: 150, randomSeed: 4, corruptRate: 0 });
    const dir = await repo(MANIFEST);
    const child = spawnCli(dir, url, ["run"]);
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    await new Promise<void>((resolve) => {
      const stop = proxy.onRequest(() => {
        if (proxy.requests.length >= 6) {
          stop();
          child.kill("SIGINT");
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    const lock = await readLock(dir);
    const recorded = new Set(lock.assets.reef!.seeds.map((s) => s.seed));
    const answeredDrafts = proxy.requests.filter((r) => r.answered && !r.withReference);
    // Everything the service answered was saved before the process left.
    for (const r of answeredDrafts) expect(recorded.has(r.seed!)).toBe(true);
    const finals = new Set(lock.assets.reef!.outputs.map((o) => o.seed));
    for (const r of proxy.requests.filter((r) => r.answered && r.withReference)) expect(finals.has(r.seed!)).toBe(true);
    expect(recorded.size).toBeLessThan(30);
  });
});
