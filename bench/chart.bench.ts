// Cost per accepted image against accept rate, two-tier against final-only, measured: the same
// manifest run by the CLI against the emulator while its reject rates (too dark, flat) are swept so
// that the accept rate moves from about 25 % to about 90 %. Writes docs/cost-vs-accept-rate.svg
// with the measured curves and DESIGN.md's formula beside them.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_MODELS, findModel, imagePriceUsd, supportedSizes, type ImageModel, type ImageSize } from "../src/models/catalog.js";
import { formatUsd } from "../src/money.js";
import { NO_FLAWS, startEmulator } from "../src/emulator/emulator.js";
import { expectExit, repoRoot, round, runSeedlock, scratchRepo, loadNote } from "./cli-process.js";
import { lineChartSvg } from "./cost-chart.js";
import type { Bench, Figure } from "./types.js";

/** Share of pictures the emulator spoils (half too dark, half flat) at each point. */
const SPOILED = [0.75, 0.6, 0.45, 0.3, 0.1];
const ASSETS = 4;
const COUNT = 3;
// The default models, named in the manifest too, so the formula prices what the runs are billed for.
const DRAFT = DEFAULT_MODELS.draft;
const FINAL = DEFAULT_MODELS.final;
/**
 * 2K finals: at 1K a Lite draft costs as much as a Nano Banana 2.1 final, so two-tier never wins by
 * the formula and there is no crossover to see; at 2K the draft is two thirds of a final.
 */
const FINAL_SIZE: ImageSize = "2K";

type Tier = "two-tier" | "final-only";

function manifest(tier: Tier): string {
  const lines = [
    "version: 1",
    `models: { draft: ${DRAFT}, final: ${FINAL} }`,
    "budget: { maxUsd: 50 }",
    "limits: { concurrency: 4 }",
    "defaults:",
    '  aspectRatio: "1:1"',
    `  finalSize: "${FINAL_SIZE}"`,
    `  tier: ${tier}`,
    "  maxAttempts: 200",
    "  output: { format: webp, quality: 75, width: 128, height: 128 }",
    "assets:",
  ];
  for (let i = 0; i < ASSETS; i++) {
    lines.push(`  - id: view-${i}`, `    prompt: Accept-rate sweep ${i}, a coastline at noon, no text`, `    count: ${COUNT}`, `    out: img/view-${i}-{n}.webp`);
  }
  return `${lines.join("\n")}\n`;
}

interface Point {
  tier: Tier;
  spoiled: number;
  acceptRate: number;
  regenRate: number;
  costPerAccepted: number;
  drafts: number;
  accepted: number;
  rendered: number;
}

async function measure(tier: Tier, spoiled: number): Promise<Point> {
  const emulator = await startEmulator({ ...NO_FLAWS, darkRate: spoiled / 2, flatRate: spoiled / 2, latencyMs: 0, randomSeed: 5 });
  const repo = scratchRepo(manifest(tier));
  try {
    const { report } = expectExit(await runSeedlock(repo.dir, emulator.url, ["run"]), [0], `${tier} at ${spoiled} spoiled`);
    return {
      tier,
      spoiled,
      acceptRate: report!.acceptRate ?? 0,
      regenRate: report!.regenRate ?? 0,
      costPerAccepted: report!.costPerImageUsd ?? NaN,
      drafts: report!.drafts,
      accepted: report!.accepted,
      rendered: report!.rendered,
    };
  } finally {
    repo.remove();
    await emulator.close();
  }
}

/** DESIGN.md: per-call cost × (1 + regen rate) ÷ accept rate, plus the final for two-tier. */
function predicted(tier: Tier, accept: number, draftUsd: number, finalUsd: number, regen = 0): number {
  return tier === "two-tier" ? (draftUsd * (1 + regen)) / accept + finalUsd : (finalUsd * (1 + regen)) / accept;
}

/** Where two-tier and final-only cost the same by the formula, for finals of each size the final model has. */
function crossovers(draftUsd: number): string {
  const model = findModel(FINAL) as ImageModel;
  const at = supportedSizes(model).map((size) => {
    const finalUsd = imagePriceUsd(model, size);
    const crossover = Math.max(0, (finalUsd - draftUsd) / finalUsd);
    const unconfirmed = model.unconfirmed?.includes(`usdBySize.${size}`) ? ", unconfirmed" : "";
    return `${size} ${formatUsd(finalUsd, { places: 4 })}${unconfirmed}: ${crossover === 0 ? "never (final-only is never dearer)" : `${Math.round(crossover * 100)} %`}`;
  });
  return `Lite draft ${formatUsd(draftUsd, { places: 4 })}; crossover accept rate for ${FINAL} finals at ${at.join("; ")}.`;
}

const bench: Bench = async () => {
  const draftUsd = imagePriceUsd(findModel(DRAFT) as ImageModel, "1K");
  const finalUsd = imagePriceUsd(findModel(FINAL) as ImageModel, FINAL_SIZE);
  const points: Point[] = [];
  for (const spoiled of SPOILED) {
    for (const tier of ["two-tier", "final-only"] as Tier[]) points.push(await measure(tier, spoiled));
  }
  const byTier = (tier: Tier) => points.filter((p) => p.tier === tier).sort((a, b) => a.acceptRate - b.acceptRate);
  const curve = (tier: Tier) => byTier(tier).map((p) => ({ x: p.acceptRate, y: p.costPerAccepted }));
  const formula = (tier: Tier) => Array.from({ length: 17 }, (_, i) => 0.2 + (i * 0.8) / 16).map((a) => ({ x: a, y: predicted(tier, a, draftUsd, finalUsd) }));

  const svg = lineChartSvg(
    [
      { label: "two-tier, measured", colour: "#1f6fd1", points: curve("two-tier") },
      { label: "final-only, measured", colour: "#e0731b", points: curve("final-only") },
      { label: "two-tier, DESIGN.md formula", colour: "#1f6fd1", dashed: true, points: formula("two-tier") },
      { label: "final-only, DESIGN.md formula", colour: "#e0731b", dashed: true, points: formula("final-only") },
    ],
    {
      title: "Cost per accepted image against accept rate",
      subtitle: `Measured on the emulator: Lite drafts at 1K ($${draftUsd.toFixed(4)}), finals on ${FINAL} at ${FINAL_SIZE} ($${finalUsd.toFixed(3)})`,
      xLabel: "accept rate (accepted ÷ drafts, measured)",
      yLabel: "USD per accepted image",
      xDomain: [0.2, 1],
      xTicks: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      formatX: (x) => `${Math.round(x * 100)} %`,
      formatY: (y) => `$${y.toFixed(2)}`,
    },
  );
  mkdirSync(join(repoRoot, "docs"), { recursive: true });
  writeFileSync(join(repoRoot, "docs", "cost-vs-accept-rate.svg"), svg);

  const figures: Figure[] = [];
  for (const spoiled of SPOILED) {
    const two = points.find((p) => p.tier === "two-tier" && p.spoiled === spoiled)!;
    const one = points.find((p) => p.tier === "final-only" && p.spoiled === spoiled)!;
    figures.push({
      name: `two-tier ÷ final-only cost per accepted image at ${Math.round(two.acceptRate * 100)} % / ${Math.round(one.acceptRate * 100)} % accept`,
      value: round(two.costPerAccepted / one.costPerAccepted, 3),
      unit: "×",
    });
  }
  const usd = (v: number) => `$${v.toFixed(4)}`;
  return {
    title: "Cost per accepted image against accept rate: two-tier and final-only",
    description:
      `\`seedlock run\` as a child process on ${ASSETS} assets × ${COUNT} images, once with \`tier: two-tier\` and once with \`tier: final-only\`, ` +
      `against the emulator with ${SPOILED.map((s) => `${Math.round(s * 100)} %`).join(", ")} of its pictures spoiled (half too dark, half flat; nothing else), ` +
      `so that the measured accept rate sweeps from about 25 % to about 90 %. Cost per accepted image is the run's spend ÷ images rendered, ` +
      `charged from the emulator's usageMetadata. The chart is written by the bench itself.`,
    figures,
    notes: [
      loadNote(),
      "",
      "![Cost per accepted image against accept rate](cost-vs-accept-rate.svg)",
      "",
      "| spoiled | tier | drafts | accepted | rendered | accept rate | regen rate | cost per accepted | DESIGN formula at that accept rate |",
      "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
      ...points.map(
        (p) =>
          `| ${Math.round(p.spoiled * 100)} % | ${p.tier} | ${p.drafts} | ${p.accepted} | ${p.rendered} | ${(p.acceptRate * 100).toFixed(1)} % | ${(p.regenRate * 100).toFixed(1)} % | ${usd(p.costPerAccepted)} | ${usd(predicted(p.tier, p.acceptRate, draftUsd, finalUsd, p.regenRate))} |`,
      ),
      "",
      `${
        points.every((p) => p.costPerAccepted >= predicted(p.tier, p.acceptRate, draftUsd, finalUsd, p.regenRate) - 1e-9)
          ? "Measured costs sit at or above the formula"
          : "Measured costs mostly sit at or above the formula"
      } because runs accept more than they keep: ${points.reduce((n, p) => n + p.accepted - p.rendered, 0)} accepted drafts ` +
        `beyond the ${ASSETS * COUNT} images wanted across the ${points.length} runs (an asset keeps at most one spare in flight, so at most one surplus each; the runs report them as \`surplus\`), ` +
        "and the formula divides by accepted drafts where the measured cost divides by images kept. " +
        "For two-tier a spare costs a Lite draft; for final-only it costs a whole final. The two tiers of one row meet different accept rates " +
        "(a final-only run screens its finals, a two-tier run its drafts), so compare each curve with its own formula, or the curves at one accept rate.",
      "",
      `${crossovers(draftUsd)} By the formula two-tier is cheaper below the crossover and final-only above it: the two-tier win grows as the accept rate falls and as the final gets dearer.`,
    ],
  };
};
export default bench;
