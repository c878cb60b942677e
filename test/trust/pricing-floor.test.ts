// Hole 2 of issue 9: a manifest's `pricing:` is untrusted input, so a price below the built-in
// catalog must not make calls cheaper to the ledger than the service bills them.
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import { STACK_LINE } from "../support/cli.js";
import { cli, RecordingProxy, tempRepo } from "../e2e/harness.js";

/** USD per million output image tokens, as the service bills them. */
const PER_MILLION: Record<string, number> = { "gemini-3.1-flash-lite-image": 30, "gemini-3.1-flash-image": 60 };
/** Enough for one asset's estimate: over the ceiling, seedlock works on whole assets only (README, "Over the ceiling"). */
const CEILING = 0.35;

const assets = ["amber", "birch", "cedar", "dune"]
  .map((id) => `  - id: ${id}\n    prompt: A ${id} landscape study, muted colours, no text\n    count: 2\n    out: img/${id}-{n}.webp`)
  .join("\n");
const manifest = (pricing: string) => `version: 1
models:
  draft: gemini-3.1-flash-lite-image
  final: gemini-3.1-flash-image
pricing:
${pricing}
budget:
  maxUsd: 10
defaults:
  finalSize: "512"
  oversample: 2
  output: { format: webp, quality: 80, width: 64, height: 64 }
assets:
${assets}
`;
const FREE = manifest(`  gemini-3.1-flash-lite-image: { "1K": 0 }\n  gemini-3.1-flash-image: { "512": 0.000001 }`);

/** The image tokens the service billed, at its rates: the spend seen from outside. */
function billedUsd(proxy: RecordingProxy): number {
  return proxy.requests.reduce((sum, r) => sum + (r.imageTokens * PER_MILLION[r.model]!) / 1e6, 0);
}

let emulator: RunningEmulator;
let proxy: RecordingProxy;
let url: string;
const dirs: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ ...NO_FLAWS });
  proxy = new RecordingProxy(emulator.url);
  url = await proxy.start();
});
afterAll(async () => {
  await proxy.close();
  await emulator.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function repoWith(text: string): Promise<string> {
  const dir = await tempRepo(text);
  dirs.push(dir);
  return dir;
}

describe("a manifest that prices every call at zero cannot switch the ceiling off", () => {
  let code: number | null;
  let stderr: string;
  let report: RunReport;
  beforeAll(async () => {
    const ran = await cli(await repoWith(FREE), url, ["run", "--json", "--max-budget-usd", String(CEILING)]);
    code = ran.code;
    stderr = ran.stderr;
    report = JSON.parse(ran.stdout) as RunReport;
  });

  it("stops at the ceiling with exit 3, having spent no more than it by the service's bill", () => {
    expect(code, stderr).toBe(3);
    expect(billedUsd(proxy)).toBeGreaterThan(0);
    expect(billedUsd(proxy)).toBeLessThanOrEqual(CEILING);
    expect(report.spentUsd).toBeLessThanOrEqual(CEILING);
  });

  it("reports the spend the service billed, not the manifest's prices", () => {
    // seedlock also counts prompt tokens, so its count is the higher one, by little.
    expect(report.spentUsd).toBeGreaterThanOrEqual(billedUsd(proxy) - 1e-9);
    expect(report.spentUsd - billedUsd(proxy)).toBeLessThan(0.005);
  });

  it("says that the lower prices were set aside and which flag trusts them", () => {
    expect(stderr).toMatch(/pricing: sets gemini-3\.1-flash-lite-image 1K \$0 \(built-in \$0\.0336\).*below the built-in price/);
    expect(stderr).toMatch(/--allow-lower-prices/);
    expect(stderr).not.toMatch(STACK_LINE);
  });
});

describe("prices in the estimate", () => {
  const estimate = async (text: string, extra: string[] = []) => {
    const ran = await cli(await repoWith(text), url, ["plan", "--json", ...extra]);
    expect(ran.code, ran.stderr).toBe(0);
    return (JSON.parse(ran.stdout) as RunReport).estimatedUsd;
  };

  it("a manifest may raise a price, and the estimate follows it", async () => {
    const listed = await estimate(manifest("  {}"));
    const raised = await estimate(manifest(`  gemini-3.1-flash-image: { "512": 0.09 }`));
    expect(raised).toBeGreaterThan(listed);
  });

  it("a lower price counts only when the caller passes --allow-lower-prices", async () => {
    const lower = manifest(`  gemini-3.1-flash-lite-image: { "1K": 0.01 }`);
    const listed = await estimate(manifest("  {}"));
    expect(await estimate(lower)).toBeCloseTo(listed, 9);
    expect(await estimate(lower, ["--allow-lower-prices"])).toBeLessThan(listed);
  });
});
