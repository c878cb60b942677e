// The CLI side of a matrix: plan --shards prints it, run --shard i/n runs one slice of it, and
// summary adds the shards' --json reports into one result.
import { cp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import type { PlanReport } from "../../src/plan/report.js";
import type { MatrixSummary } from "../../src/report/matrix-summary.js";
import { STACK_LINE } from "../support/cli.js";
import { cli, tempRepo } from "./harness.js";

const MANIFEST = `version: 1
models:
  draft: gemini-3.1-flash-lite-image
  final: gemini-3.1-flash-image
budget: { maxUsd: 3, warnUsd: 0.5 }
defaults:
  aspectRatio: "1:1"
  oversample: 1
  finalSize: "512"
  screen: { minWidth: 256, minHeight: 256, maxDuplicateDistance: 0 }
  output: { format: webp, quality: 60, width: 16, height: 16 }
assets:
  - id: big
    prompt: A big mural of a harbour, no text
    count: 4
    out: art/big-{n}.webp
  - id: bird
    prompt: A small bird on a wire, no text
    count: 1
    out: art/bird-{n}.webp
  - id: cup
    prompt: A cup of tea on a table, no text
    count: 1
    out: art/cup-{n}.webp
  - id: door
    prompt: A red door in a white wall, no text
    count: 1
    out: art/door-{n}.webp
  - id: leaf
    prompt: A single green leaf, no text
    count: 1
    out: art/leaf-{n}.webp
`;

let emulator: RunningEmulator;
let dir: string;
const copies: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ ...NO_FLAWS, randomSeed: 2 });
  dir = await tempRepo(MANIFEST);
});

afterAll(async () => {
  await emulator.close();
  for (const d of [dir, ...copies]) await rm(d, { recursive: true, force: true });
});

describe("plan --shards", () => {
  it("packs by estimate, not position: the expensive asset gets a shard of its own, and the slices stay within the ceiling", async () => {
    const ran = await cli(dir, emulator.url, ["plan", "--shards", "2", "--json"]);
    expect(ran.code, ran.stderr).toBe(0);
    const plan = JSON.parse(ran.stdout) as PlanReport;
    const matrix = plan.matrix!;
    expect(matrix.shards.map((s) => s.shard)).toEqual(["1/2", "2/2"]);
    expect(matrix.shards.map((s) => s.assets)).toEqual([["big"], ["bird", "cup", "door", "leaf"]]);
    expect(matrix.shards[0]!.estimatedUsd + matrix.shards[1]!.estimatedUsd).toBeCloseTo(plan.estimatedUsd, 6);
    expect(matrix.shards[0]!.ceilingUsd + matrix.shards[1]!.ceilingUsd).toBeLessThanOrEqual(3);
    expect(matrix.ceilingUsd).toBe(3);
    // The same manifest and lockfile give the same matrix.
    const again = JSON.parse((await cli(dir, emulator.url, ["plan", "--shards", "2", "--json"])).stdout) as PlanReport;
    expect(again.matrix).toEqual(matrix);
    expect(emulator.stats.requests).toBe(0);
  });

  it("prints the matrix for a person, and picks the count itself with auto", async () => {
    const text = await cli(dir, emulator.url, ["plan", "--shards", "3"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/3 shards, packed by estimate/);
    expect(text.stdout).toMatch(/1\/3 +1 +\$[\d.]+ +\$[\d.]+ +big/);
    expect(text.stdout).toMatch(/every shard must start from this commit with this ceiling/);
    const auto = JSON.parse((await cli(dir, emulator.url, ["plan", "--shards", "auto", "--json"])).stdout) as PlanReport;
    expect(auto.matrix!.count).toBe(1);
    expect(auto.matrix!.rule).toMatch(/jobs of 60 min → 1 shard/);
  });

  it("refuses a count outside 1..256 with exit 2 and what to write", async () => {
    for (const bad of ["0", "300", "some"]) {
      const ran = await cli(dir, emulator.url, ["plan", "--shards", bad]);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toContain(`--shards is "${bad}"`);
      expect(ran.stderr).toMatch(/whole number from 1 to 256 .*or auto/);
      expect(ran.stderr).not.toMatch(STACK_LINE);
    }
  });
});

describe("run --shard i/n, then summary", () => {
  const reports: string[] = [];
  const shardReports: RunReport[] = [];
  const stderrs: string[] = [];

  beforeAll(async () => {
    // Three jobs, each on its own copy of the same checkout, with the same ceiling.
    for (let i = 1; i <= 3; i++) {
      const copy = `${dir}-shard-${i}`;
      await cp(dir, copy, { recursive: true });
      copies.push(copy);
      const ran = await cli(copy, emulator.url, ["run", "--shard", `${i}/3`, "--max-budget-usd", "2", "--json"]);
      const file = join(copy, "shard.json");
      await writeFile(file, ran.stdout);
      reports.push(file);
      shardReports.push(JSON.parse(ran.stdout) as RunReport);
      stderrs.push(ran.stderr);
    }
  });

  it("each shard runs its own assets under its slice, and says what it left unspent", () => {
    const ran = shardReports.flatMap((r) => r.assets.map((a) => a.id)).sort();
    expect(ran).toEqual(["big", "bird", "cup", "door", "leaf"]);
    for (const r of shardReports) {
      expect(r.exitCode).toBe(0);
      expect(r.ceilingUsd).toBe(r.shard!.sliceUsd);
      expect(r.spentUsd).toBeLessThanOrEqual(r.shard!.sliceUsd);
      expect(r.shard!.unspentUsd).toBeCloseTo(r.shard!.sliceUsd - r.spentUsd, 6);
    }
    expect(shardReports.reduce((n, r) => n + r.shard!.sliceUsd, 0)).toBeLessThanOrEqual(2);
    expect(new Set(shardReports.map((r) => r.shard!.fingerprint)).size).toBe(1);
  });

  it("each shard warns at its slice's share of budget.warnUsd, as the whole run would at warnUsd", () => {
    shardReports.forEach((r, i) => {
      const share = (0.5 * r.shard!.sliceUsd) / 2;
      if (r.spentUsd > share) expect(stderrs[i]).toMatch(/past this shard's share of budget\.warnUsd \(\$[\d.]+\); its slice is/);
      else expect(stderrs[i]).not.toMatch(/budget\.warnUsd/);
    });
    expect(stderrs.some((e) => /share of budget\.warnUsd/.test(e))).toBe(true);
  });

  it("summary adds them into one result within the one ceiling", async () => {
    const ran = await cli(dir, emulator.url, ["summary", ...reports, "--json"]);
    expect(ran.code, ran.stderr).toBe(0);
    const summary = JSON.parse(ran.stdout) as MatrixSummary;
    expect(summary.count).toBe(3);
    expect(summary.missing).toEqual([]);
    expect(summary.report.rendered).toBe(8);
    expect(summary.spentUsd).toBeCloseTo(shardReports.reduce((n, r) => n + r.spentUsd, 0), 6);
    expect(summary.spentUsd).toBeLessThanOrEqual(summary.ceilingUsd);
    expect(summary.unspentUsd).toBeCloseTo(summary.allocatedUsd - summary.spentUsd, 6);
    const text = await cli(dir, emulator.url, ["summary", ...reports]);
    expect(text.stdout).toMatch(/matrix: 3 shards · spent \$[\d.]+ of the \$2\.00 ceiling/);
  });

  it("summary names a shard that left no report and fails", async () => {
    const ran = await cli(dir, emulator.url, ["summary", reports[0]!, reports[2]!]);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(/2\/3 +no report/);
    expect(ran.stderr).toMatch(/no report from shard 2\/3/);
  });

  it("summary refuses a file that is not a shard's report, naming it", async () => {
    const plain = join(dir, "plain.json");
    await writeFile(plain, JSON.stringify({ spentUsd: 1, assets: [] }));
    const ran = await cli(dir, emulator.url, ["summary", plain]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`${plain} is not the report of one shard`);
    expect(ran.stderr).not.toMatch(STACK_LINE);
  });
});
