// Batch: cost per accepted image with `batch: all` against interactive two-tier and final-only, at
// three accept rates, from the emulator's bill. seedlock runs as the CLI in a child process; the
// interactive bill is the image tokens a proxy saw answered, at the catalog's rates; the batch bill
// is what the emulator's Batch API charged (half the interactive price). `--wait` collects in the
// same process, so one invocation per strategy and rate.
import { startEmulator, type RunningEmulator } from "../src/emulator/emulator.js";
import { readLockfile } from "../src/lock/file.js";
import { RecordingProxy } from "../test/e2e/harness.js";
import { expectExit, round, runSeedlock, scratchRepo } from "./cli-process.js";
import type { Bench, Figure } from "./types.js";

const ASSETS = Number(process.env.SEEDLOCK_BENCH_BATCH_ASSETS ?? 4);
const COUNT = 3;
/** Share of images drawn too dark, so that roughly 1 − share of drafts pass the screen. */
const DARK_SHARES = [0.25, 0.5, 0.75];
/** USD per million output image tokens of the two models the manifest uses (DESIGN.md's table). */
const PER_MILLION: Record<string, number> = { "gemini-3.1-flash-lite-image": 30, "gemini-nano-banana-2.1": 30 };
const STRATEGIES = [
  { name: "interactive two-tier", tier: "two-tier", batch: "off" },
  { name: "interactive final-only", tier: "final-only", batch: "off" },
  { name: "batch: all, two-tier", tier: "two-tier", batch: "all" },
] as const;

const SUBJECTS = ["harbour at dawn", "birch grove", "salt flats", "terraced hills", "glacier lake", "old orchard", "basalt coast", "reed marsh"];

function manifest(tier: string, batch: string): string {
  const lines = [
    "version: 1",
    "models: { draft: gemini-3.1-flash-lite-image, final: gemini-nano-banana-2.1 }",
    "budget: { maxUsd: 50 }",
    "defaults:",
    `  tier: ${tier}`,
    `  batch: ${batch}`,
    '  aspectRatio: "1:1"',
    "  finalSize: 2K",
    "  maxAttempts: 60",
    "  screen: { minWidth: 256, minHeight: 256 }",
    "  output: { format: webp, quality: 80, width: 256, height: 256 }",
    "assets:",
  ];
  for (let i = 0; i < ASSETS; i++) {
    lines.push(`  - id: a${i}`, `    prompt: A study of a ${SUBJECTS[i % SUBJECTS.length]} (${i}), soft light, no text`, `    count: ${COUNT}`, `    out: img/a${i}-{n}.webp`);
  }
  return `${lines.join("\n")}\n`;
}

interface Measured {
  strategy: string;
  darkShare: number;
  billedUsd: number;
  outputs: number;
  acceptRate: number;
}

async function measure(strategy: (typeof STRATEGIES)[number], darkShare: number): Promise<Measured> {
  const emulator: RunningEmulator = await startEmulator({ randomSeed: 17, darkRate: darkShare, flatRate: 0, duplicateRate: 0, blockRate: 0, corruptRate: 0, errorRate: 0 });
  const proxy = new RecordingProxy(emulator.url);
  const url = await proxy.start();
  const repo = scratchRepo(manifest(strategy.tier, strategy.batch));
  try {
    const run = expectExit(await runSeedlock(repo.dir, url, ["run", "--wait", "30"]), [0], strategy.name);
    const interactive = proxy.requests.reduce((sum, r) => sum + (r.imageTokens * (PER_MILLION[r.model] ?? 0)) / 1e6, 0);
    const lock = await readLockfile(`${repo.dir}/assets.lock.yaml`);
    const outputs = Object.values(lock.assets).reduce((n, a) => n + a.outputs.length, 0);
    if (outputs !== ASSETS * COUNT) throw new Error(`${strategy.name}: ${outputs} outputs of ${ASSETS * COUNT}`);
    const drafts = lock.stats.drafts;
    return { strategy: strategy.name, darkShare, billedUsd: interactive + emulator.batches.billedUsd, outputs, acceptRate: drafts ? lock.stats.accepted / drafts : run.report?.acceptRate ?? 0 };
  } finally {
    repo.remove();
    await proxy.close();
    await emulator.close();
  }
}

const bench: Bench = async () => {
  const rows: Measured[] = [];
  for (const dark of DARK_SHARES) for (const strategy of STRATEGIES) rows.push(await measure(strategy, dark));
  const figures: Figure[] = [];
  for (const dark of DARK_SHARES) {
    const at = rows.filter((r) => r.darkShare === dark);
    const rate = at.find((r) => r.strategy === "interactive two-tier")!.acceptRate;
    for (const r of at) figures.push({ name: `cost per accepted image, ${r.strategy}, accept rate ${Math.round(rate * 100)} %`, value: round(r.billedUsd / r.outputs, 5), unit: "USD" });
    const batch = at.find((r) => r.strategy.startsWith("batch"))!;
    const twoTier = at.find((r) => r.strategy === "interactive two-tier")!;
    figures.push({ name: `batch: all ÷ interactive two-tier, accept rate ${Math.round(rate * 100)} %`, value: round(batch.billedUsd / batch.outputs / (twoTier.billedUsd / twoTier.outputs), 3), unit: "×", goal: "≈ 0.5", pass: batch.billedUsd / batch.outputs < 0.6 * (twoTier.billedUsd / twoTier.outputs) });
  }
  return {
    title: "Batch mode: cost per accepted image",
    description:
      `${ASSETS} assets × ${COUNT} images, Lite drafts and Nano Banana 2.1 finals at 2K, screened by brightness with a share of drafts drawn too dark. ` +
      "Each strategy runs as the CLI (`run --wait 30`) against a fresh emulator; the bill is the emulator's: image tokens answered interactively at the catalog's rates plus the Batch API's own charge.",
    figures,
    notes: [
      "| accept rate | strategy | billed | outputs | per accepted image |",
      "|---:|---|---:|---:|---:|",
      ...rows.map((r) => `| ${Math.round((1 - r.darkShare) * 100)} % (screen) | ${r.strategy} | $${r.billedUsd.toFixed(4)} | ${r.outputs} | $${(r.billedUsd / r.outputs).toFixed(4)} |`),
    ],
  };
};

export default bench;
