import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { Lockfile } from "../../src/lock/types.js";
import type { RunReport } from "../../src/run-report.js";
import { STACK_LINE } from "../support/cli.js";
import { cli, readLock, RecordingProxy, tempRepo } from "./harness.js";

const CEILING = 0.6;

const assets = ["amber", "birch", "cedar", "dune", "ember", "fjord"]
  .map((id) => `  - id: ${id}\n    prompt: A ${id} landscape study, muted colours, no text\n    count: 3\n    out: img/${id}-{n}.webp`)
  .join("\n");
const MANIFEST = `version: 1
budget:
  maxUsd: 10
limits:
  concurrency: 8
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
assets:
${assets}
`;


let emulator: RunningEmulator;
let proxy: RecordingProxy;
let url: string;
let dir: string;
let report: RunReport;
let stderr: string;
let code: number | null;
let lockAfterBudget: Lockfile;

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 20, randomSeed: 5, corruptRate: 0 });
  proxy = new RecordingProxy(emulator.url);
  url = await proxy.start();
  dir = await tempRepo(MANIFEST);
  const ran = await cli(dir, url, ["run", "--json", "--max-budget-usd", String(CEILING), "--concurrency", "8"]);
  code = ran.code;
  stderr = ran.stderr;
  report = JSON.parse(ran.stdout) as RunReport;
  lockAfterBudget = await readLock(dir);
});

afterAll(async () => {
  await proxy.close();
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a run never spends past the ceiling, at concurrency 8", () => {
  it("stops with exit 3 and says which ceiling, what it left for later and how to raise it", () => {
    expect(code).toBe(3);
    expect(stderr).toMatch(/the estimate is above the ceiling \$0\.60 \(--max-budget-usd\): .* left for the next run, unpaid/);
    expect(stderr).toMatch(/raise --max-budget-usd/);
    expect(stderr).not.toMatch(STACK_LINE);
  });

  it("spends at most the ceiling, by its own count and by the service's", () => {
    expect(report.spentUsd).toBeLessThanOrEqual(CEILING);
    // The service bills every token of every answer (input, text, thinking, images); seedlock reports the same bill.
    expect(emulator.stats.billedUsd).toBeLessThanOrEqual(CEILING);
    expect(Math.abs(report.spentUsd - emulator.stats.billedUsd)).toBeLessThan(0.005);
  });

  it("spends on whole assets, one at a time: every asset paid for is finished, the ones left had nothing spent", () => {
    const paid = report.assets.filter((a) => a.spentUsd > 0);
    expect(paid.length).toBeGreaterThan(0);
    for (const a of paid) expect(a, a.id).toMatchObject({ status: "done", rendered: 3 });
    for (const a of report.assets.filter((a) => a.status === "budget")) expect(a, a.id).toMatchObject({ spentUsd: 0, drafts: 0 });
    expect(report.rendered).toBe(3 * paid.length);
    // What is left is less than the next asset's estimate: starting it could have left money spent on nothing.
    expect(CEILING - report.spentUsd).toBeGreaterThan(0);
    expect(CEILING - report.spentUsd).toBeLessThan(report.estimatedUsd / report.assets.length);
  });

  it("marks the unfinished assets as stopped by the budget and keeps what they accepted", () => {
    expect(report.assets.filter((a) => a.status === "budget").length).toBeGreaterThan(0);
    const accepted = Object.values(lockAfterBudget.assets).flatMap((a) => a.seeds.filter((s) => s.status !== "rejected"));
    expect(accepted.length).toBeGreaterThan(0);
    expect(lockAfterBudget.stats.spentUsd).toBeCloseTo(report.spentUsd, 6);
  });
});

describe("a rerun with more budget finishes without paying twice", () => {
  it("finishes every asset and drafts no seed the first run recorded", async () => {
    const seen = proxy.requests.length;
    const ran = await cli(dir, url, ["run", "--json", "--concurrency", "8"]);
    expect(ran.code).toBe(0);
    const rerun = proxy.requests.slice(seen);
    for (const r of rerun.filter((r) => !r.withReference)) {
      const id = /A (\w+) landscape/.exec(r.prompt)![1]!;
      expect(lockAfterBudget.assets[id]?.seeds.map((s) => s.seed) ?? []).not.toContain(r.seed);
    }
    const rendered = new Set(Object.values(lockAfterBudget.assets).flatMap((a) => a.outputs.map((o) => `${o.seed}`)));
    for (const r of rerun.filter((r) => r.withReference)) expect(rendered.has(String(r.seed))).toBe(false);
    const final = JSON.parse(ran.stdout) as RunReport;
    expect(final.assets.every((a) => a.status === "done" || a.status === "unchanged")).toBe(true);
  });
});

describe("a ceiling below the estimate of any one asset", () => {
  it("refuses with exit 3 before any call: nothing sent, nothing spent", async () => {
    const repo = await tempRepo(MANIFEST);
    const seen = proxy.requests.length;
    try {
      const ran = await cli(repo, url, ["run", "--json", "--max-budget-usd", "0.05"]);
      expect(ran.code).toBe(3);
      expect(ran.stderr).toMatch(/not even one asset fits, so nothing is sent and nothing spent/);
      expect(proxy.requests.length).toBe(seen);
      const refused = JSON.parse(ran.stdout) as RunReport;
      expect(refused.spentUsd).toBe(0);
      expect(refused.assets.every((a) => a.status === "budget")).toBe(true);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});

describe("a ceiling of 0 spends nothing", () => {
  const ONE = MANIFEST.replace(/assets:\n[\s\S]*$/, `assets:\n  - id: amber\n    prompt: An amber landscape study, muted colours, no text\n    count: 1\n    out: img/amber-{n}.webp\n`);

  it("stops a run with work before any call (exit 3), and passes one with nothing left to pay for (exit 0)", async () => {
    const repo = await tempRepo(ONE);
    try {
      const seen = proxy.requests.length;
      const refused = await cli(repo, url, ["run", "--json", "--max-budget-usd", "0"]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/not even one asset fits, so nothing is sent and nothing spent/);
      expect(proxy.requests.length).toBe(seen);
      expect(await cli(repo, url, ["plan", "--max-budget-usd", "0"])).toMatchObject({ code: 3 });

      expect((await cli(repo, url, ["run", "--json"])).code).toBe(0);
      const after = proxy.requests.length;
      const locked = await cli(repo, url, ["run", "--json", "--max-budget-usd", "0"]);
      expect(locked.code).toBe(0);
      expect(JSON.parse(locked.stdout)).toMatchObject({ spentUsd: 0, ceilingUsd: 0 });
      expect(await cli(repo, url, ["plan", "--max-budget-usd", "0"])).toMatchObject({ code: 0 });
      expect(proxy.requests.length).toBe(after);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});
