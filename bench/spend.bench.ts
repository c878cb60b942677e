// Spend: drafts issued against drafts needed, money spent against a tight ceiling at concurrency
// 1, 4 and 16, and seedlock against "the seeds' approach" (sequential drafts at a fixed 3 ×
// oversample, no early stop, then finals for the keepers) on one manifest. seedlock runs as the CLI
// in a child process; the baseline is written here on the same provider, screen and post-processing
// code; both talk to the same emulator through a proxy that counts what the service billed.
import { join } from "node:path";
import { NO_FLAWS, startEmulator, type EmulatorOptions, type RunningEmulator } from "../src/emulator/emulator.js";
import { loadManifest } from "../src/manifest/load.js";
import { outputPath } from "../src/manifest/out.js";
import { readLockfile } from "../src/lock/file.js";
import { pixelSize } from "../src/models/catalog.js";
import { writeOutput } from "../src/pipeline/render.js";
import { analyzeImage, screenDraft } from "../src/pipeline/screen.js";
import { CircuitBreaker } from "../src/provider/circuit.js";
import { createGeminiProvider } from "../src/provider/gemini.js";
import { RecordingProxy } from "../test/e2e/harness.js";
import { expectExit, KEY, round, runSeedlock, scratchRepo, type CliRun, loadNote } from "./cli-process.js";
import type { Bench, Figure } from "./types.js";

const ASSETS = 8;
const COUNT = 3;
const LATENCY_MS = 30;
const CONCURRENCIES = [1, 4, 16];
/** Assets in the run where every draft passes. */
const MANY_ASSETS = 24;
/** The tight ceiling, as a share of seedlock's own estimate for the manifest. */
const TIGHT = 0.5;
const OVERSAMPLE = 3;
const DRAFT_MODEL = "gemini-3.1-flash-lite-image";
/** The emulator's flaws at roughly the accept rate DESIGN.md assumes (about 70 %). */
const EMULATOR = { latencyMs: LATENCY_MS, randomSeed: 11, darkRate: 0.1, flatRate: 0.08, duplicateRate: 0.1, blockRate: 0.04, corruptRate: 0.02 };

const SUBJECTS = ["harbour at dawn", "birch grove", "salt flats", "terraced hills", "glacier lake", "old orchard", "basalt coast", "reed marsh"];

function manifest(assets = ASSETS, count = COUNT): string {
  const lines = [
    "version: 1",
    "budget: { maxUsd: 20 }",
    "defaults:",
    '  aspectRatio: "1:1"',
    '  finalSize: "1K"',
    `  oversample: ${OVERSAMPLE}`,
    "  maxAttempts: 40",
    "  output: { format: webp, quality: 80, width: 256, height: 256 }",
    "assets:",
  ];
  for (let i = 0; i < assets; i++) {
    lines.push(`  - id: a${i}`, `    prompt: A study of a ${SUBJECTS[i % SUBJECTS.length]} (${i}), soft light, no text`, `    count: ${count}`, `    out: img/a${i}-{n}.webp`);
  }
  return `${lines.join("\n")}\n`;
}

interface Served {
  emulator: RunningEmulator;
  proxy: RecordingProxy;
  url: string;
  close(): Promise<void>;
}

async function serve(options: EmulatorOptions = EMULATOR): Promise<Served> {
  const emulator = await startEmulator(options);
  const proxy = new RecordingProxy(emulator.url);
  const url = await proxy.start();
  return { emulator, proxy, url, close: async () => (await proxy.close(), await emulator.close()) };
}

/** What the service billed: every answer's usage (input, text and thinking, images) at its rates. */
function billedUsd(served: Served): number {
  return served.emulator.stats.billedUsd;
}

interface SeedlockRun {
  concurrency: number;
  run: CliRun;
  issued: number;
  needed: number;
  requests: number;
  draftCalls: number;
  finalCalls: number;
  billedUsd: number;
  rendered: number;
}

/** A run with room to finish: drafts issued (answers) against the drafts a run that knew every verdict in advance would need. */
async function ampleRun(concurrency: number, shape: { assets: number; count: number; emulator: EmulatorOptions } = { assets: ASSETS, count: COUNT, emulator: EMULATOR }): Promise<SeedlockRun> {
  const served = await serve(shape.emulator);
  const repo = scratchRepo(manifest(shape.assets, shape.count));
  try {
    const run = expectExit(await runSeedlock(repo.dir, served.url, ["run", "--concurrency", String(concurrency)]), [0], `run at concurrency ${concurrency}`);
    const lock = await readLockfile(join(repo.dir, "assets.lock.yaml"));
    let issued = 0;
    let needed = 0;
    for (const entry of Object.values(lock.assets)) {
      const seeds = [...entry.seeds].sort((a, b) => a.seed - b.seed);
      issued += seeds.length;
      // In seed order, the drafts up to the one that gave the last wanted image.
      let kept = 0;
      let upTo = seeds.length;
      for (let i = 0; i < seeds.length; i++) {
        if (seeds[i]!.status === "rendered" && ++kept === shape.count) {
          upTo = i + 1;
          break;
        }
      }
      needed += upTo;
    }
    const calls = served.proxy.requests;
    return {
      concurrency,
      run,
      issued,
      needed,
      requests: calls.length,
      draftCalls: calls.filter((r) => r.model === DRAFT_MODEL).length,
      finalCalls: calls.filter((r) => r.model !== DRAFT_MODEL).length,
      billedUsd: billedUsd(served),
      rendered: run.report!.rendered,
    };
  } finally {
    repo.remove();
    await served.close();
  }
}

async function tightRun(concurrency: number, ceilingUsd: number): Promise<{ concurrency: number; spentUsd: number; billedUsd: number; code: number | null; rendered: number }> {
  const served = await serve();
  const repo = scratchRepo(manifest());
  try {
    const run = expectExit(
      await runSeedlock(repo.dir, served.url, ["run", "--concurrency", String(concurrency), "--max-budget-usd", ceilingUsd.toFixed(4)]),
      [0, 3],
      `tight run at concurrency ${concurrency}`,
    );
    return { concurrency, spentUsd: run.report!.spentUsd, billedUsd: billedUsd(served), code: run.code, rendered: run.report!.rendered };
  } finally {
    repo.remove();
    await served.close();
  }
}

/**
 * The seeds' approach: for each asset, COUNT × 3 drafts one after another whatever they show,
 * screened with the same rules; then finals for the keepers, the draft as reference, until COUNT succeed.
 */
async function seedsApproach(): Promise<{ wallMs: number; requests: number; billedUsd: number; spentUsd: number; delivered: number; drafts: number; finals: number }> {
  const served = await serve();
  const repo = scratchRepo(manifest());
  try {
    const started = performance.now();
    const spec = await loadManifest(join(repo.dir, "assets.yaml"));
    const provider = createGeminiProvider({ apiKey: KEY, baseUrl: served.url, circuit: new CircuitBreaker() });
    let spentUsd = 0;
    let delivered = 0;
    let drafts = 0;
    let finals = 0;
    for (const asset of spec.assets) {
      const keepers: { seed: number; image: { mimeType: string; data: Buffer } }[] = [];
      const seen: { seed: number; phash: string }[] = [];
      for (let i = 0; i < asset.count * OVERSAMPLE; i++) {
        const seed = asset.seedStart + i;
        const draft = await provider.generate({ model: asset.models.draft, prompt: asset.prompt, seed, aspectRatio: asset.aspectRatio, imageSize: asset.draftSize });
        drafts++;
        spentUsd += draft.costUsd;
        if (draft.kind !== "image") continue;
        const analysis = await analyzeImage(draft.image.data).catch(() => undefined);
        if (!analysis) continue;
        if (!screenDraft(analysis, asset.screen, { aspectRatio: asset.aspectRatio, seen }).accepted) continue;
        seen.push({ seed, phash: analysis.phash });
        keepers.push({ seed, image: draft.image });
      }
      // Finals for the keepers in order; a final that fails gives way to the next keeper.
      let made = 0;
      for (const keeper of keepers) {
        if (made === asset.count) break;
        const final = await provider.generate({
          model: asset.models.final,
          prompt: asset.prompt,
          seed: keeper.seed,
          aspectRatio: asset.aspectRatio,
          imageSize: asset.finalSize,
          reference: keeper.image,
        });
        finals++;
        spentUsd += final.costUsd;
        if (final.kind !== "image") continue;
        const analysis = await analyzeImage(final.image.data).catch(() => undefined);
        const expected = pixelSize(asset.aspectRatio, asset.finalSize);
        if (!analysis || analysis.width !== expected.width || analysis.height !== expected.height) continue;
        delivered++;
        made++;
        await writeOutput(final.image.data, asset.output, join(repo.dir, outputPath(asset, made, keeper.seed)));
      }
    }
    return { wallMs: performance.now() - started, requests: served.proxy.requests.length, billedUsd: billedUsd(served), spentUsd, delivered, drafts, finals };
  } finally {
    repo.remove();
    await served.close();
  }
}

async function estimateUsd(): Promise<number> {
  const served = await serve();
  const repo = scratchRepo(manifest());
  try {
    return expectExit(await runSeedlock(repo.dir, served.url, ["plan"]), [0], "plan").report!.estimatedUsd;
  } finally {
    repo.remove();
    await served.close();
  }
}

const bench: Bench = async () => {
  const estimate = await estimateUsd();
  const ceiling = round(estimate * TIGHT, 4);
  const ample: SeedlockRun[] = [];
  for (const c of CONCURRENCIES) ample.push(await ampleRun(c));
  // Many small assets whose drafts all pass: where speculative drafts for each asset's last image add up.
  const clean = await ampleRun(4, { assets: MANY_ASSETS, count: 2, emulator: { ...NO_FLAWS, latencyMs: LATENCY_MS } });
  const tight = [];
  for (const c of CONCURRENCIES) tight.push(await tightRun(c, ceiling));
  const baseline = await seedsApproach();

  const figures: Figure[] = [];
  for (const a of ample) {
    const extra = a.issued - a.needed;
    figures.push({ name: `concurrency ${a.concurrency}: drafts issued ÷ needed (${a.issued} ÷ ${a.needed})`, value: round(a.issued / a.needed, 3), unit: "×", goal: `issued ≤ needed + ${a.concurrency}`, pass: extra <= a.concurrency });
  }
  figures.push({
    name: `${MANY_ASSETS} assets × 2, every draft passes, concurrency 4: drafts issued ÷ needed (${clean.issued} ÷ ${clean.needed})`,
    value: round(clean.issued / clean.needed, 3),
    unit: "×",
    goal: "issued ≤ needed + 4",
    pass: clean.issued - clean.needed <= 4,
  });
  for (const t of tight) {
    const worst = Math.max(t.spentUsd, t.billedUsd);
    figures.push({ name: `concurrency ${t.concurrency}: spent ÷ ceiling ($${ceiling.toFixed(2)})`, value: round(worst / ceiling, 3), unit: "×", goal: "≤ 1 always", pass: worst <= ceiling + 1e-9 });
  }
  const c1 = ample.find((a) => a.concurrency === 1)!;
  const c4 = ample.find((a) => a.concurrency === 4)!;
  figures.push(
    { name: "seedlock ÷ seeds' approach: calls (concurrency 1)", value: round(c1.requests / baseline.requests, 3), unit: "×" },
    { name: "seedlock ÷ seeds' approach: money (concurrency 1)", value: round(c1.billedUsd / baseline.billedUsd, 3), unit: "×" },
    { name: "seedlock ÷ seeds' approach: wall time (concurrency 4, the default)", value: round(c4.run.wallMs / baseline.wallMs, 3), unit: "×" },
  );

  const usd = (v: number) => `$${v.toFixed(4)}`;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return {
    title: "Spend: drafts issued, the ceiling, and the seeds' approach",
    description:
      `One manifest of ${ASSETS} two-tier assets × ${COUNT} images (Lite drafts at 1K, finals at 512 on gemini-3.1-flash-image) against the emulator ` +
      `with ${LATENCY_MS} ms latency and its flaws at about DESIGN.md's 70 % accept rate (dark 10 %, flat 8 %, near-copies 10 %, blocked 4 %, corrupt 2 %). ` +
      `"Needed" counts, per asset in seed order, the drafts up to the one that gave its last wanted image: what a run that knew every verdict in advance would draft. ` +
      `"Spent" is the larger of seedlock's own ledger and what the service billed (image tokens seen by a proxy at DESIGN.md's rates). ` +
      `The tight ceiling is ${TIGHT * 100} % of seedlock's own estimate (${usd(estimate)}), given as --max-budget-usd.`,
    figures,
    notes: [
      loadNote(),
      "",
      "| concurrency | drafts issued | drafts needed | extra | calls | billed | images | wall time |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|",
      ...ample.map((a) => `| ${a.concurrency} | ${a.issued} | ${a.needed} | ${a.issued - a.needed} | ${a.requests} | ${usd(a.billedUsd)} | ${a.rendered} | ${s(a.run.wallMs)} |`),
      `| 4 (${MANY_ASSETS} assets × 2, no flaws) | ${clean.issued} | ${clean.needed} | ${clean.issued - clean.needed} | ${clean.requests} | ${usd(clean.billedUsd)} | ${clean.rendered} | ${s(clean.run.wallMs)} |`,
      "",
      "Extra drafts come from each asset keeping ceil(remaining ÷ estimated accept rate) drafts in flight; the estimate starts from a prior and never reaches 1, " +
        "so an asset's last image is drafted twice whenever two drafts are open and both pass. The bound \"needed + concurrency\" holds for the run as a whole only " +
        "while that happens on fewer assets than the concurrency.",
      "",
      `Tight ceiling ${usd(ceiling)}:`,
      "",
      "| concurrency | exit | seedlock's ledger | billed by the service | images | ÷ ceiling |",
      "|---:|---:|---:|---:|---:|---:|",
      ...tight.map((t) => `| ${t.concurrency} | ${t.code} | ${usd(t.spentUsd)} | ${usd(t.billedUsd)} | ${t.rendered} | ${(Math.max(t.spentUsd, t.billedUsd) / ceiling).toFixed(3)} |`),
      "",
      `Against the seeds' approach (${COUNT} × ${OVERSAMPLE} = ${COUNT * OVERSAMPLE} sequential drafts per asset, no early stop, then finals for the keepers until ${COUNT} succeed; run in the bench process, so without the CLI's start-up):`,
      "",
      "| approach | draft calls | final calls | all calls | billed | images delivered | wall time |",
      "|---|---:|---:|---:|---:|---:|---:|",
      `| seeds' approach | ${baseline.drafts} | ${baseline.finals} | ${baseline.requests} | ${usd(baseline.billedUsd)} | ${baseline.delivered} of ${ASSETS * COUNT} | ${s(baseline.wallMs)} |`,
      ...[c1, c4].map((a) => `| seedlock, concurrency ${a.concurrency} | ${a.draftCalls} | ${a.finalCalls} | ${a.requests} | ${usd(a.billedUsd)} | ${a.rendered} of ${ASSETS * COUNT} | ${s(a.run.wallMs)} |`),
    ],
  };
};
export default bench;
