import type { RepositoryFolder } from "../disk/repository-path.js";
import type { Lockfile } from "../lock/types.js";
import type { AssetSpec } from "../manifest/spec.js";
import type { PlannedAsset } from "../plan/plan.js";
import type { CommandName } from "./settings.js";

/**
 * Which assets a command works on, from the plan: the ones it changes, minus what the ceiling
 * cannot pay for whole. Unchanged assets make no call; `render` leaves alone what was never drafted
 * under these inputs.
 */

/** The commands that send calls (`plan` and `verify` send none). */
export type WorkCommand = Exclude<CommandName, "plan" | "verify">;

export function workListOf(command: WorkCommand, assets: readonly AssetSpec[], planned: ReadonlyMap<string, PlannedAsset>): AssetSpec[] {
  return assets.filter((a) => {
    const state = planned.get(a.id)!.state;
    if (state === "unchanged") return false;
    return command !== "render" || state === "incomplete";
  });
}

/** What an asset is expected to cost for this command: a preview drafts and judges, it renders nothing. */
function affordabilityUsd(asset: PlannedAsset | undefined, command: WorkCommand): number {
  if (!asset) return 0;
  return command === "preview" ? asset.draftUsd + asset.judgeUsd : asset.estimatedUsd;
}

export interface AffordableWork {
  workList: AssetSpec[];
  /** Assets left, unpaid, for a run with more budget. */
  deferred: Set<string>;
}

/**
 * Over the ceiling, money spread over every asset can end with none finished (observed: $0.24
 * spent, 0 outputs). So whole assets are taken, in manifest order, while their estimates fit.
 */
export function affordableWork(workList: AssetSpec[], planned: ReadonlyMap<string, PlannedAsset>, command: WorkCommand, ceilingUsd: number): AffordableWork {
  const deferred = new Set<string>();
  if (workList.reduce((sum, spec) => sum + affordabilityUsd(planned.get(spec.id), command), 0) <= ceilingUsd) return { workList, deferred };
  let room = ceilingUsd;
  for (const spec of workList) {
    const cost = affordabilityUsd(planned.get(spec.id), command);
    if (cost <= room) room -= cost;
    else deferred.add(spec.id);
  }
  return { workList: workList.filter((spec) => !deferred.has(spec.id)), deferred };
}

/**
 * Whether an asset's missing outputs can all be made from accepted drafts kept on disk, with no
 * call: a draft-only or final-only asset whose output was deleted. Anything else needs the key.
 */
export function finishesFromKeptDrafts(spec: AssetSpec, lock: Lockfile, planned: PlannedAsset, repository: RepositoryFolder): boolean {
  const entry = lock.assets[spec.id];
  if (spec.tier === "two-tier" || !entry || entry.inputHash !== planned.inputHash) return false;
  const kept = entry.seeds.filter((s) => (s.status === "accepted" || s.status === "rendered") && s.draft && repository.holdsRegularFile(s.draft));
  return kept.length - planned.have >= planned.missing;
}
