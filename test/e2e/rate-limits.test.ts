import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import { STACK_LINE } from "../support/cli.js";
import { cli, tempRepo } from "./harness.js";

/* The real CLI against the emulator's limits: a 429 slows the run down; a per-day quota ends it. */

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function manifest(count: number): string {
  return `version: 1
budget: { maxUsd: 5 }
limits: { concurrency: 16 }
defaults:
  screen: { minWidth: 256, minHeight: 256, maxDuplicateDistance: 0 }
assets:
  - id: harbour
    prompt: A small harbour at dusk, no text
    count: ${count}
    maxAttempts: 60
    out: img/harbour-{n}.webp
  - id: orchard
    prompt: An apple orchard in spring, no text
    count: ${count}
    maxAttempts: 60
    out: img/orchard-{n}.webp
`;
}

async function world(options: EmulatorOptions, count: number): Promise<{ emulator: RunningEmulator; dir: string }> {
  const emulator = await startEmulator({ ...NO_FLAWS, ...options });
  const dir = await tempRepo(manifest(count));
  cleanup.push(() => emulator.close(), () => rm(dir, { recursive: true, force: true }));
  return { emulator, dir };
}

describe("a 429 is not an outage", () => {
  it("12 calls in flight refused at once (more than the circuit's 8) slow the run down; it finishes with exit 0", async () => {
    const storm = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [i, { status: 429, retryDelay: "0.3s" }]));
    const { emulator, dir } = await world({ latencyMs: 500, failures: storm, limit: { shape: "token-bucket", perMinute: 600, burst: 10 } }, 12);
    const ran = await cli(dir, emulator.url, ["preview", "--json"]);
    expect(ran.stderr).not.toMatch(/circuit/);
    expect(ran.code).toBe(0);
    expect((JSON.parse(ran.stdout) as RunReport).accepted).toBeGreaterThanOrEqual(24);
    expect(emulator.stats.throttled).toBeGreaterThanOrEqual(12);
  }, 90_000);
});

describe("a per-day quota ends the run with exit 5 and says so", () => {
  it("says the quota for today is used up and when it resets, keeps what it drafted, prints no stack trace", async () => {
    const { emulator, dir } = await world({ perDay: 5 }, 6);
    const ran = await cli(dir, emulator.url, ["preview", "--json"]);
    expect(ran.code).toBe(5);
    expect(ran.stderr).toMatch(/quota for today is used up/);
    expect(ran.stderr).toMatch(/midnight Pacific/);
    expect(ran.stderr).not.toMatch(/lower (the )?rpm|lower your rate/);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    const report = JSON.parse(ran.stdout) as RunReport;
    expect(report.drafts).toBe(5);
    // Stopped at the refusal: it did not sit out the "retry in 38s" nor try again.
    expect(emulator.stats.throttled).toBeLessThanOrEqual(16);
  }, 60_000);
});
