import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { expect } from "vitest";
import type { RunningEmulator } from "../../src/emulator/emulator.js";
import type { Lockfile } from "../../src/lock/types.js";
import type { RunReport } from "../../src/run-report.js";
import { sha256OfBytes as sha256 } from "../../src/disk/file-hash.js";
import { cli, readLock, type RecordingProxy } from "../e2e/harness.js";

/**
 * What every run against every emulator profile must hold, whatever the service answered: the
 * outputs at their declared format and size, no paid image dropped for its geometry without the
 * lockfile saying so, the spend reported equal to the service's bill, and a lockfile true to the files.
 */

/** The three assets: a 3:2 webp rendered at 2K, a 1:1 png of 512², a 21:9 final-only jpeg. */
export const THREE_ASSETS = `version: 1
budget: { maxUsd: 5 }
models: { judge: gemini-3.6-flash }
limits: { concurrency: 3 }
defaults:
  oversample: 3
  maxAttempts: 12
  screen: { minWidth: 256, minHeight: 256 }
assets:
  - id: canyon
    prompt: A red rock canyon at noon, wide view, no text
    aspectRatio: "3:2"
    finalSize: 2K
    out: img/canyon-{n}.webp
    count: 2
    output: { format: webp, quality: 80, width: 1200, height: 800 }
  - id: badge
    prompt: A round enamel badge with a pine tree, flat colours, no text
    aspectRatio: "1:1"
    out: img/badge.png
    output: { width: 512, height: 512 }
    screen: { judge: { rubric: "Clear shapes, no text", minScore: 3 } }
  - id: banner
    prompt: A panoramic coastline at dawn, soft light, no text
    aspectRatio: "21:9"
    tier: final-only
    out: img/banner.jpg
    output: { width: 1260, height: 540 }
`;

/** What each asset of THREE_ASSETS must end up as on disk. */
export const DECLARED: Record<string, { format: string; width: number; height: number; count: number; finals: "two-tier" | "final-only" }> = {
  canyon: { format: "webp", width: 1200, height: 800, count: 2, finals: "two-tier" },
  badge: { format: "png", width: 512, height: 512, count: 1, finals: "two-tier" },
  banner: { format: "jpeg", width: 1260, height: 540, count: 1, finals: "final-only" },
};

export async function runJson(dir: string, url: string, args: string[]): Promise<{ code: number | null; report: RunReport; stderr: string }> {
  const ran = await cli(dir, url, [...args, "--json"]);
  let report: RunReport;
  try {
    report = JSON.parse(ran.stdout) as RunReport;
  } catch {
    throw new Error(`seedlock ${args.join(" ")} printed no JSON (exit ${ran.code}):\n${ran.stdout}\n${ran.stderr}`);
  }
  return { code: ran.code, report, stderr: ran.stderr };
}

/** Every output at its declared format and size, as many as the count, each the bytes the lockfile hashed. */
export async function expectOutputsAsDeclared(dir: string, lock: Lockfile): Promise<void> {
  for (const [id, want] of Object.entries(DECLARED)) {
    const entry = lock.assets[id];
    expect(entry?.outputs, id).toHaveLength(want.count);
    for (const output of entry!.outputs) {
      const bytes = await readFile(join(dir, output.path));
      const meta = await sharp(bytes).metadata();
      expect([output.path, meta.format, meta.width, meta.height]).toEqual([output.path, want.format, want.width, want.height]);
      expect(sha256(bytes), output.path).toBe(output.sha256);
      expect([output.width, output.height]).toEqual([want.width, want.height]);
    }
  }
}

/** A lockfile true to the files: outputs hash as recorded, accepted seeds have their draft on disk. */
export async function expectLockfileTrue(dir: string, lock: Lockfile): Promise<void> {
  for (const [id, entry] of Object.entries(lock.assets)) {
    for (const output of entry.outputs) expect(sha256(await readFile(join(dir, output.path))), `${id} ${output.path}`).toBe(output.sha256);
    for (const seed of entry.seeds.filter((s) => s.status === "accepted")) {
      expect(seed.draft, `${id} seed ${seed.seed}`).toBeDefined();
      expect(existsSync(join(dir, seed.draft!)), `${id} ${seed.draft}`).toBe(true);
    }
  }
}

/**
 * No paid image thrown away for its geometry alone without the lockfile saying so: no draft or
 * final rejected as the wrong aspect or too small, and every final call beyond the outputs it made
 * is a re-render the lockfile records.
 */
export function expectNoImageLostToGeometry(lock: Lockfile, proxy: RecordingProxy): void {
  const geometry = /wrong-aspect|too-small|wrong-size/;
  for (const [id, entry] of Object.entries(lock.assets)) {
    for (const seed of entry.seeds) {
      for (const reason of seed.reasons ?? []) {
        if (geometry.test(reason)) expect(reason, `${id} seed ${seed.seed}`).toMatch(/re-rendered/);
      }
    }
  }
  // Answers that reached seedlock: a stop aborts a request still unanswered, and the rerun asks it again.
  const finalCalls = proxy.requests.filter((r) => r.model === "gemini-nano-banana-2.1" && r.withReference && r.status === 200 && r.answered).length;
  const rerenders = Object.values(lock.assets).flatMap((a) => a.seeds.flatMap((s) => (s.reasons ?? []).filter((r) => /re-rendered/.test(r)))).length;
  const twoTierOutputs = Object.entries(DECLARED)
    .filter(([, want]) => want.finals === "two-tier")
    .reduce((n, [id]) => n + (lock.assets[id]?.outputs.length ?? 0), 0);
  // Exactly the finals it needs: one per two-tier output, plus the re-renders the lockfile names.
  expect(finalCalls).toBe(twoTierOutputs + rerenders);
}

/** The spend seedlock reported over its runs equals what the service billed, to the cent. */
export function expectSpendIsTheBill(reports: RunReport[], emulator: RunningEmulator): void {
  const reported = reports.reduce((sum, r) => sum + r.spentUsd, 0);
  expect(emulator.stats.billedUsd).toBeGreaterThan(0);
  expect(Math.abs(reported - emulator.stats.billedUsd), `reported ${reported}, billed ${emulator.stats.billedUsd}`).toBeLessThan(0.005);
}

export async function lockOf(dir: string): Promise<Lockfile> {
  return readLock(dir);
}
