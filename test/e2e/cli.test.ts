import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import { seedlock, STACK_LINE } from "../support/cli.js";
import { tempRepo, TEST_KEY } from "./harness.js";

const MANIFEST = `version: 1
budget: { maxUsd: 2 }
defaults: { screen: { minWidth: 256, minHeight: 256 } }
assets:
  - id: dune
    prompt: A single dune ridge, minimal, no text
    tier: draft-only
    out: img/dune.webp
`;

let emulator: RunningEmulator;
let dir: string;
const base = { PATH: process.env.PATH, HOME: process.env.HOME };

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 0, randomSeed: 2 });
  dir = await tempRepo(MANIFEST);
});

afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe("flags and environment a user gets wrong are answered with exit 2 and the fix", () => {
  const cases: [string, string[], RegExp][] = [
    ["a concurrency below 1", ["--concurrency", "0"], /--concurrency must be a whole number ≥ 1, not "0" \(for example --concurrency 8\)/],
    ["a requests-per-minute that is not a number", ["--rpm", "fast"], /--rpm must be a whole number ≥ 1/],
    ["a base URL that is not http(s)", ["--base-url", "ftp://example.invalid"], /--base-url must be an http\(s\) URL/],
    ["a shard outside 1..n", ["--shard", "3/2"], /--shard is "3\/2": i is above n \(write it as i\/n with 1 ≤ i ≤ n/],
    ["a shard counted from 0", ["--shard", "0/4"], /--shard is "0\/4": shards count from 1/],
    ["a budget with a dollar sign", ["--max-budget-usd", "$5"], /--max-budget-usd must be a plain number of US dollars, not "\$5" \(write it without the dollar sign: --max-budget-usd 5\)/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}`, async () => {
      const ran = await seedlock(["run", ...args], { cwd: dir, env: { ...base, GEMINI_API_KEY: TEST_KEY } });
      expect(ran.code).toBe(2);
      expect(ran.stderr).toMatch(message);
      expect(ran.stderr).not.toMatch(STACK_LINE);
      expect(emulator.stats.requests).toBe(0);
    });
  }

  it("no API key when there is work to do", async () => {
    const ran = await seedlock(["run", "--base-url", emulator.url], { cwd: dir, env: base });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/no API key: GEMINI_API_KEY is not set/);
    expect(emulator.stats.requests).toBe(0);
  });
});

describe("GOOGLE_GEMINI_BASE_URL points the run at another endpoint, as --base-url does", () => {
  it("runs against the emulator named in the environment and prints one JSON object", async () => {
    const ran = await seedlock(["run", "--json"], { cwd: dir, env: { ...base, GEMINI_API_KEY: TEST_KEY, GOOGLE_GEMINI_BASE_URL: emulator.url } });
    expect(ran.code).toBe(0);
    expect(emulator.stats.requests).toBeGreaterThan(0);
    const report = JSON.parse(ran.stdout) as RunReport;
    for (const key of ["spentUsd", "estimatedUsd", "drafts", "accepted", "rendered"] as const) expect(typeof report[key]).toBe("number");
    expect(ran.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("an unchanged manifest needs no key at all", async () => {
    const ran = await seedlock(["run"], { cwd: dir, env: base });
    expect(ran.code).toBe(0);
  });
});
