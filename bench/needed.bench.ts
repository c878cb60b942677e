// Needed: paid calls against the calls a run needed, at accept rates of 30 %, 70 % and 100 %, for
// two-tier, final-only and tier: auto, and what a kept image cost on each. Every run first measures
// the accept rate on a calibration asset (so the lockfile holds a measured rate, as a project's
// second run has), then runs the measured assets; the service's side is counted by a proxy.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { NO_FLAWS, startEmulator } from "../src/emulator/emulator.js";
import { readLockfile } from "../src/lock/file.js";
import { DEFAULT_MODELS } from "../src/models/catalog.js";
import { RecordingProxy } from "../test/e2e/harness.js";
import { expectExit, loadNote, round, runSeedlock, scratchRepo } from "./cli-process.js";
import type { Bench, Figure } from "./types.js";

const ACCEPT_RATES = [0.3, 0.7, 1];
const TIERS = ["two-tier", "final-only", "auto"] as const;
type Tier = (typeof TIERS)[number];
const ASSETS = 6;
const COUNT = 3;
const LATENCY_MS = 20;
/** Final size of the measured assets: where the two tiers' costs cross depends on it. */
const FINAL_SIZE = "2K";

function manifest(tier: Tier | undefined): string {
  const lines = [
    "version: 1",
    `models: { draft: ${DEFAULT_MODELS.draft}, final: ${DEFAULT_MODELS.final} }`,
    "budget: { maxUsd: 100 }",
    "defaults:",
    '  aspectRatio: "1:1"',
    `  finalSize: "${FINAL_SIZE}"`,
    "  maxAttempts: 200",
    "  output: { format: webp, quality: 60, width: 96, height: 96 }",
    "assets:",
    "  - id: calibrate",
    "    prompt: Calibration, an open plain under cloud, no text",
    "    count: 8",
    "    out: img/calibrate-{n}.webp",
  ];
  if (tier) {
    for (let i = 0; i < ASSETS; i++) {
      lines.push(`  - id: m${i}`, `    prompt: Measured ${i}, a river bend at dusk, no text`, `    tier: ${tier}`, `    count: ${COUNT}`, `    out: img/m${i}-{n}.webp`);
    }
  }
  return `${lines.join("\n")}\n`;
}

interface Measured {
  accept: number;
  tier: Tier;
  /** The tier each measured asset ran (auto's choice). */
  ran: string[];
  paid: number;
  needed: number;
  /** Mean over assets of paid ÷ needed. */
  ratio: number;
  surplus: number;
  spentUsd: number;
  rendered: number;
  measuredAccept: number | null;
}

async function measure(accept: number, tier: Tier): Promise<Measured> {
  const spoiled = 1 - accept;
  const emulator = await startEmulator({ ...NO_FLAWS, darkRate: spoiled / 2, flatRate: spoiled / 2, latencyMs: LATENCY_MS, randomSeed: 17 });
  const proxy = new RecordingProxy(emulator.url);
  const url = await proxy.start();
  const repo = scratchRepo(manifest(undefined));
  try {
    expectExit(await runSeedlock(repo.dir, url, ["run"]), [0], "calibration run");
    const before = proxy.requests.length;
    writeFileSync(join(repo.dir, "assets.yaml"), manifest(tier));
    const run = expectExit(await runSeedlock(repo.dir, url, ["run"]), [0], `${tier} at ${accept * 100} %`);
    const calls = proxy.requests.slice(before);
    const lock = await readLockfile(join(repo.dir, "assets.lock.yaml"));
    let paid = 0;
    let needed = 0;
    let ratios = 0;
    const ran: string[] = [];
    for (let i = 0; i < ASSETS; i++) {
      const entry = lock.assets[`m${i}`]!;
      const effective = entry.tier?.chosen ?? tier;
      ran.push(effective);
      const seeds = [...entry.seeds].sort((a, b) => a.seed - b.seed);
      // In seed order, the drafts up to the one that gave the last wanted image, and one final per image on two-tier.
      let kept = 0;
      let upTo = seeds.length;
      for (let s = 0; s < seeds.length; s++) {
        if (seeds[s]!.status === "rendered" && ++kept === COUNT) {
          upTo = s + 1;
          break;
        }
      }
      const need = upTo + (effective === "two-tier" ? COUNT : 0);
      const pay = calls.filter((c) => c.prompt.startsWith(`Measured ${i},`)).length;
      paid += pay;
      needed += need;
      ratios += pay / need;
    }
    return {
      accept,
      tier,
      ran,
      paid,
      needed,
      ratio: ratios / ASSETS,
      surplus: run.report!.surplus ?? 0,
      spentUsd: run.report!.spentUsd,
      rendered: run.report!.rendered,
      measuredAccept: run.report!.acceptRate,
    };
  } finally {
    repo.remove();
    await proxy.close();
    await emulator.close();
  }
}

/** `rates` and `tiers` narrow it for a short check: SEEDLOCK_BENCH_NEEDED=0.7 runs one accept rate. */
export async function neededResults(rates = ACCEPT_RATES, tiers: readonly Tier[] = TIERS): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const accept of rates) for (const tier of tiers) out.push(await measure(accept, tier));
  return out;
}

const bench: Bench = async () => {
  const rates = process.env.SEEDLOCK_BENCH_NEEDED?.split(",").map(Number) ?? ACCEPT_RATES;
  const results = await neededResults(rates);
  const goal = 1 + 1 / COUNT;
  const figures: Figure[] = [];
  for (const r of results.filter((m) => m.tier !== "auto")) {
    figures.push({
      name: `${r.tier} at ${Math.round(r.accept * 100)} % accept: paid calls ÷ calls needed, mean per asset (${r.paid} ÷ ${r.needed} in all)`,
      value: round(r.ratio, 3),
      unit: "×",
      goal: `≤ 1 + 1 ÷ count = ${goal.toFixed(3)}`,
      pass: r.ratio <= goal + 1e-9,
    });
  }
  const perImage = (m: Measured) => m.spentUsd / m.rendered;
  for (const accept of rates) {
    const at = results.filter((m) => m.accept === accept);
    const auto = at.find((m) => m.tier === "auto")!;
    const cheapest = Math.min(...at.filter((m) => m.tier !== "auto").map(perImage));
    figures.push({
      name: `tier: auto ÷ the cheaper fixed tier, cost per kept image at ${Math.round(accept * 100)} % accept (auto ran ${[...new Set(auto.ran)].join(", ")})`,
      value: round(perImage(auto) / cheapest, 3),
      unit: "×",
      goal: "≈ 1 (≤ 1.1)",
      pass: perImage(auto) / cheapest <= 1.1,
    });
  }
  const usd = (v: number) => `$${v.toFixed(4)}`;
  return {
    title: "Needed: paid calls against calls needed, and tier: auto against the fixed tiers",
    description:
      `\`seedlock run\` as a child process on ${ASSETS} assets × ${COUNT} images (drafts on ${DEFAULT_MODELS.draft} at 1K, finals on ${DEFAULT_MODELS.final} at ${FINAL_SIZE}) ` +
      `against the emulator with ${LATENCY_MS} ms latency and a share of its pictures spoiled (half too dark, half flat) so that ${rates.map((a) => `${Math.round(a * 100)} %`).join(", ")} pass. ` +
      "Each run follows a calibration run of one 8-image asset, so the lockfile holds a measured accept rate as a project's later runs have. " +
      `"Needed" counts, per asset in seed order, the drafts up to the one that gave its last wanted image, plus one final per image on two-tier; "paid" counts every request the service answered for that asset (regenerations and failed finals included).`,
    figures,
    notes: [
      loadNote(),
      "",
      "| accept (emulator) | tier | ran as | paid | needed | mean paid ÷ needed | surplus accepted | accept measured | cost per kept image |",
      "|---:|---|---|---:|---:|---:|---:|---:|---:|",
      ...results.map(
        (r) =>
          `| ${Math.round(r.accept * 100)} % | ${r.tier} | ${[...new Set(r.ran)].join(", ")} | ${r.paid} | ${r.needed} | ${r.ratio.toFixed(3)} | ${r.surplus} | ${r.measuredAccept === null ? "—" : `${(r.measuredAccept * 100).toFixed(0)} %`} | ${usd(perImage(r))} |`,
      ),
      "",
      "An asset keeps in flight what its remaining count needs plus at most one spare, sent only when it is more likely needed than wasted " +
        "(three times in four when the spare is a whole final), so at most one accepted draft per asset is surplus; surplus drafts are kept in the lockfile and counted apart.",
    ],
  };
};
export default bench;
