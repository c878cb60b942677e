// Scale-out: 1,000 assets on 1, 4 and 16 shards started together against ONE emulator whose
// per-project limit they share, as ratios to the rate-limit bound; and the balance of the packing
// (largest shard's estimate ÷ the mean) on a manifest of very uneven assets, against what
// splitting by position (every n-th asset) would give.
import { cp, rm } from "node:fs/promises";
import { NO_FLAWS, startEmulator } from "../src/emulator/emulator.js";
import type { PlanReport } from "../src/plan/report.js";
import { expectExit, loadNote, round, runSeedlock, scratchRepo, type CliRun } from "./cli-process.js";
import type { Bench, Figure } from "./types.js";

/** SHARDS_BENCH_ASSETS shrinks the run to check the bench works; the figures are measured at 1,000. */
const ASSETS = Number(process.env.SHARDS_BENCH_ASSETS ?? 1000);
const SHARD_COUNTS = [1, 4, 16];
const LATENCY_MS = 300;
const CONCURRENCY = 8;
/** The project's limit: declared in the manifest and enforced by the emulator (per model, sliding minute). */
const RPM = 600;
const UNEVEN_ASSETS = 1000;
const UNEVEN_SHARDS = 16;

/** ASSETS one-image assets, drafted and screened (`preview`): one call each, so calls = ASSETS. */
function manifest(n: number): string {
  const lines = [
    "version: 1",
    `budget: { maxUsd: ${Math.ceil(n * 0.1)} }`,
    `limits: { concurrency: ${CONCURRENCY}, requestsPerMinute: ${RPM} }`,
    "defaults:",
    '  aspectRatio: "1:1"',
    "  oversample: 1",
    "  screen: { maxDuplicateDistance: 0 }",
    "assets:",
  ];
  for (let i = 0; i < n; i++) lines.push(`  - id: a-${i}`, `    prompt: Scale-out study ${i}, a quiet landscape, no text`, "    count: 1", `    out: img/a-${i}-{n}.webp`);
  return `${lines.join("\n")}\n`;
}

/** Counts from a heavy tail (most assets 1 image, a few up to 40) and some 4K finals: very uneven estimates. */
function unevenManifest(n: number): string {
  const lines = ["version: 1", "budget: { maxUsd: 100000 }", "defaults:", '  aspectRatio: "1:1"', "  maxAttempts: 400", "assets:"];
  let state = 7;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < n; i++) {
    const count = Math.min(40, Math.max(1, Math.floor(0.6 / Math.max(0.015, random() ** 2))));
    const size = random() < 0.05 ? "4K" : "1K";
    lines.push(`  - id: u-${i}`, `    prompt: Uneven study ${i}, no text`, `    count: ${count}`, `    finalSize: "${size}"`, `    out: img/u-${i}-{n}.webp`);
  }
  return `${lines.join("\n")}\n`;
}

interface Case {
  shards: number;
  wallMs: number;
  boundMs: number;
  drafts: number;
  throttled: number;
  requests: number;
  exits: (number | null)[];
}

async function measure(shards: number): Promise<Case> {
  const emulator = await startEmulator({ ...NO_FLAWS, latencyMs: LATENCY_MS, rpm: RPM, randomSeed: 5 });
  const base = scratchRepo(manifest(ASSETS));
  const dirs: string[] = [];
  try {
    // Every shard starts from its own copy of the same checkout.
    for (let i = 0; i < shards; i++) {
      const dir = `${base.dir}-${i + 1}`;
      await cp(base.dir, dir, { recursive: true });
      dirs.push(dir);
    }
    const started = performance.now();
    const runs: CliRun[] = await Promise.all(dirs.map((dir, i) => runSeedlock(dir, emulator.url, ["preview", "--shard", `${i + 1}/${shards}`])));
    const wallMs = performance.now() - started;
    runs.forEach((r, i) => expectExit(r, [0], `shard ${i + 1}/${shards}`));
    const drafts = runs.reduce((n, r) => n + r.report!.drafts, 0);
    // One limit for the whole project: more shards cannot beat it; latency is spread over shards × concurrency.
    const boundMs = Math.max((drafts / RPM) * 60_000, (drafts * LATENCY_MS) / (CONCURRENCY * shards));
    return { shards, wallMs, boundMs, drafts, throttled: emulator.stats.throttled, requests: emulator.stats.requests, exits: runs.map((r) => r.code) };
  } finally {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    base.remove();
    await emulator.close();
  }
}

/** The packing's balance from `seedlock plan --shards`, and what every n-th asset by position would give. */
async function balance(): Promise<{ packed: number; byPosition: number; largestAssetShare: number }> {
  const repo = scratchRepo(unevenManifest(UNEVEN_ASSETS));
  try {
    const run = expectExit(await runSeedlock(repo.dir, "http://127.0.0.1:9", ["plan", "--shards", String(UNEVEN_SHARDS)]), [0], "plan --shards");
    const plan = run.report as PlanReport;
    const estimates = plan.assets.map((a) => a.estimatedUsd);
    const total = estimates.reduce((n, e) => n + e, 0);
    const byPosition = Array.from({ length: UNEVEN_SHARDS }, (_, s) => estimates.filter((_, i) => i % UNEVEN_SHARDS === s).reduce((n, e) => n + e, 0));
    return {
      packed: plan.matrix!.balance,
      byPosition: Math.max(...byPosition) / (total / UNEVEN_SHARDS),
      largestAssetShare: Math.max(...estimates) / (total / UNEVEN_SHARDS),
    };
  } finally {
    repo.remove();
  }
}

const bench: Bench = async () => {
  const cases: Case[] = [];
  for (const n of SHARD_COUNTS) cases.push(await measure(n));
  const packing = await balance();
  const figures: Figure[] = cases.map((c) => ({ name: `${ASSETS} assets on ${c.shards} shard${c.shards === 1 ? "" : "s"}: wall time ÷ rate-limit bound`, value: round(c.wallMs / c.boundMs, 3), unit: "×", goal: "≤ 1.1 × bound (declared limit)", pass: c.wallMs / c.boundMs <= 1.1 }));
  figures.push({ name: `packing of ${UNEVEN_ASSETS} very uneven assets into ${UNEVEN_SHARDS} shards: largest shard's estimate ÷ mean`, value: round(packing.packed, 3), unit: "×" });
  figures.push({ name: `the same split by position (every ${UNEVEN_SHARDS}th asset), for comparison`, value: round(packing.byPosition, 3), unit: "×" });
  return {
    title: "Scale-out: shards sharing one project limit",
    description:
      `${ASSETS} one-image assets drafted and screened (\`seedlock preview --shard i/n\`, every draft passes, so calls = assets), run as 1, 4 and 16 CLI processes started ` +
      `together, each on its own copy of the same checkout, against ONE emulator with ${LATENCY_MS} ms latency and a limit of ${RPM} images per minute ` +
      `(sliding minute, 429 with RetryInfo beyond it), declared in the manifest as limits.requestsPerMinute, so each shard starts from ${RPM} ÷ n. Wall time is the first ` +
      `spawn to the last exit. Bound = max(N ÷ rate, N × latency ÷ (concurrency ${CONCURRENCY} × shards)): the project's limit is shared, so more shards cannot beat N ÷ rate. ` +
      `Balance: \`seedlock plan --shards ${UNEVEN_SHARDS}\` on ${UNEVEN_ASSETS} assets with heavy-tailed counts (1–40) and 5 % 4K finals.`,
    figures,
    notes: [
      loadNote(),
      "",
      "| shards | drafts | requests | 429s | bound | wall time | ÷ bound |",
      "|---:|---:|---:|---:|---:|---:|---:|",
      ...cases.map((c) => `| ${c.shards} | ${c.drafts} | ${c.requests} | ${c.throttled} | ${(c.boundMs / 1000).toFixed(1)} s | ${(c.wallMs / 1000).toFixed(1)} s | ${(c.wallMs / c.boundMs).toFixed(2)} |`),
      "",
      "Each shard is a Node process that starts, reads the manifest, plans and writes its report: on a small N that start-up, not the limit, is most of the wall time, " +
        "and 16 processes on a 2-core machine start one after another.",
      "",
      `The largest single asset of the uneven manifest is ${packing.largestAssetShare.toFixed(2)} × the mean shard: no packing can do better than that when it is above 1.`,
    ],
  };
};
export default bench;
