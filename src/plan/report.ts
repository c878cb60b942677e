import type { Ceiling } from "../manifest/ceiling.js";
import type { AssetReport, RunReport } from "../run-report.js";
import { formatPercent, formatUsd } from "../money.js";
import { renderTable } from "../text-table.js";
import type { Plan, PlannedAsset, PlanRates, PlanState, Rate } from "./plan.js";
import type { ShardMatrix } from "./shards.js";

export type PlannedAssetReport = AssetReport & Omit<PlannedAsset, "inputHash"> & { state: PlanState };

/** `seedlock plan --json`: a RunReport (what run and the Action also print) plus the plan's detail. */
export interface PlanReport extends RunReport {
  command: "plan";
  manifest: string;
  ceilingSource: Ceiling["source"];
  warnUsd?: number;
  finals: number;
  judgeCalls: number;
  assets: PlannedAssetReport[];
  orphans: string[];
  rates: { accept: Rate; regen: Rate };
  /** With `--shards`: one entry per job of the matrix, each with its assets, estimate and slice. */
  matrix?: ShardMatrix;
}

export function planReport(plan: Plan, ceiling: Ceiling, manifestFile: string, matrix?: ShardMatrix): PlanReport {
  const over = plan.estimatedUsd > ceiling.usd;
  return {
    command: "plan",
    manifest: manifestFile,
    spentUsd: 0,
    estimatedUsd: plan.estimatedUsd,
    ceilingUsd: ceiling.usd,
    ceilingSource: ceiling.source,
    ...(ceiling.warnUsd !== undefined ? { warnUsd: ceiling.warnUsd } : {}),
    drafts: plan.drafts,
    accepted: 0,
    rendered: 0,
    rejectedDrafts: 0,
    finals: plan.finals,
    judgeCalls: plan.judgeCalls,
    acceptRate: plan.rates.accept.value,
    regenRate: plan.rates.regen.value,
    costPerImageUsd: null,
    costPerAcceptedDraftUsd: null,
    changedAssets: plan.assets.filter((a) => a.state !== "unchanged").map((a) => a.id),
    assets: plan.assets.map(({ inputHash: _hash, ...a }) => ({
      ...a,
      status: a.state === "unchanged" ? "unchanged" : "planned",
      accepted: 0,
      rejectedDrafts: 0,
      rejected: {},
      regenerated: 0,
      rendered: 0,
      spentUsd: 0,
      outputs: [],
    })),
    orphans: plan.orphans,
    rates: { accept: plan.rates.accept, regen: plan.rates.regen },
    exitCode: over ? 3 : 0,
    ...(over ? { message: overBudgetMessage(plan, ceiling) } : {}),
    ...(matrix ? { matrix } : {}),
  };
}

/** Why the plan cannot run within the ceiling, and what to change. */
export function overBudgetMessage(plan: Plan, ceiling: Ceiling): string {
  const lever =
    ceiling.source === "--max-budget-usd"
      ? "raise --max-budget-usd (up to budget.maxUsd)"
      : "raise budget.maxUsd in the manifest";
  return `the estimate ${formatUsd(plan.estimatedUsd)} is above the ceiling ${formatUsd(ceiling.usd)} (${ceiling.source}); ${lever}, or lower count, oversample or sizes of the assets that cost most`;
}

/** What the plan's table reads: a Plan, or the PlanReport made from one (as `seedlock plan` gets it from the core). */
export type ShownPlan = Pick<Plan, "orphans" | "drafts" | "finals" | "judgeCalls" | "estimatedUsd"> & {
  assets: Omit<PlannedAsset, "inputHash">[];
  rates: Pick<PlanRates, "accept" | "regen">;
};

/** The plan as a person reads it: one row per asset, then totals, ceiling, rates and orphans. */
export function renderPlan(plan: ShownPlan, ceiling: Ceiling, manifestFile: string): string {
  const counts = new Map<PlanState, number>();
  for (const a of plan.assets) counts.set(a.state, (counts.get(a.state) ?? 0) + 1);
  const summary = (["new", "changed", "incomplete", "unchanged"] as const)
    .filter((s) => counts.get(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(", ");
  const rows: (string | number)[][] = plan.assets.map((a) => [
    a.id,
    a.state,
    `${a.have}/${a.count}`,
    a.drafts + (a.capped ? "*" : ""),
    a.finals,
    formatUsd(a.estimatedUsd),
    a.tierReason ? `auto: ${a.tier}` : a.tier,
    a.tiers ? formatUsd(a.tiers.twoTierUsd, { places: 4 }) : "",
    a.tiers ? formatUsd(a.tiers.finalOnlyUsd, { places: 4 }) : "",
    note(a),
  ]);
  rows.push(["total", "", "", plan.drafts, plan.finals, formatUsd(plan.estimatedUsd), "", "", "", plan.judgeCalls ? `incl. ${plan.judgeCalls} judge calls` : ""]);
  const table = renderTable(["asset", "state", "have", "drafts", "finals", "estimate", "tier", "two-tier/img", "final-only/img", "note"], rows, {
    align: ["left", "left", "right", "right", "right", "right", "left", "right", "right", "left"],
  });
  const lines = [`${manifestFile}: ${plan.assets.length} asset${plan.assets.length === 1 ? "" : "s"} (${summary})`, "", table, ""];
  const over = plan.estimatedUsd > ceiling.usd;
  lines.push(`ceiling      ${formatUsd(ceiling.usd)} (${ceiling.source})${over ? "  ← the estimate is above it" : ""}`);
  if (ceiling.warnUsd !== undefined) lines.push(`warn at      ${formatUsd(ceiling.warnUsd)} (budget.warnUsd)`);
  const assumed = new Set(plan.assets.map((a) => a.acceptRate));
  const acceptShown =
    plan.rates.accept.value !== null ? formatPercent(plan.rates.accept.value) : assumed.size === 1 ? formatPercent([...assumed][0]!) : "per asset";
  lines.push(`accept rate  ${acceptShown} (${plan.rates.accept.source})`);
  lines.push(`regen rate   ${formatPercent(plan.rates.regen.value ?? 0)} (${plan.rates.regen.source})`);
  if (plan.assets.some((a) => a.capped)) lines.push("* capped by the asset's maxAttempts: it may end short of its count");
  if (plan.assets.some((a) => a.tiers)) {
    lines.push("two-tier/img and final-only/img: estimated cost per kept image on each tier at these rates and the catalog's prices");
  }
  for (const a of plan.assets) if (a.tierReason) lines.push(`tier auto   ${a.id}: ${a.tierReason}`);
  if (plan.orphans.length) {
    lines.push(`orphaned     ${plan.orphans.join(", ")}: in the lockfile but no longer in the manifest`);
  }
  return lines.join("\n");
}

/** The matrix as a person reads it: one row per shard, with its assets, estimate and slice. */
export function renderMatrix(matrix: ShardMatrix): string {
  const rows: (string | number)[][] = matrix.shards.map((s) => [
    s.shard,
    s.assets.length,
    formatUsd(s.estimatedUsd),
    formatUsd(s.ceilingUsd),
    s.assets.length > 4 ? `${s.assets.slice(0, 3).join(", ")} and ${s.assets.length - 3} more` : s.assets.join(", "),
  ]);
  const table = renderTable(["shard", "assets", "estimate", "slice", "runs"], rows, { align: ["left", "right", "right", "right", "left"] });
  const lines = [`${matrix.count} shard${matrix.count === 1 ? "" : "s"}, packed by estimate (largest ÷ mean ${matrix.balance.toFixed(2)}):`, "", table, ""];
  lines.push(`slices       ${formatUsd(matrix.allocatedUsd)} of the ${formatUsd(matrix.ceilingUsd)} ceiling; each shard stops at its own slice`);
  if (matrix.rule) lines.push(`shards auto  ${matrix.rule}`);
  lines.push(`packing      ${matrix.fingerprint}: every shard must start from this commit with this ceiling`);
  return lines.join("\n");
}

function note(a: Omit<PlannedAsset, "inputHash">): string {
  const parts: string[] = [];
  if (a.tiers && !a.tierReason && a.tier !== a.tiers.cheaper) parts.push(`${a.tiers.cheaper} is cheaper per image`);
  if (a.why && a.state !== "new") parts.push(a.why);
  if (a.pendingRenders) parts.push(`${a.pendingRenders} accepted draft${a.pendingRenders === 1 ? "" : "s"} to render`);
  return parts.join("; ");
}
