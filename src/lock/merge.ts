import { isDeepStrictEqual } from "node:util";
import { lockStats } from "./stats.js";
import type { AssetLock, BatchJobRecord, Lockfile, SeedRecord } from "./types.js";
import { roundUsd } from "../money.js";

/**
 * Three-way merge of lockfiles from two runs that pushed at once, asset by asset. An asset that
 * changed on one side only takes that side. Changed on both: the side with more outputs wins,
 * and when both worked from the same inputs it also keeps the other side's seed records (so no
 * seed is paid for twice). Statistics are recomputed from the merged assets.
 */
export function mergeLockfiles(base: Lockfile, ours: Lockfile, theirs: Lockfile): Lockfile {
  const ids = new Set([...Object.keys(base.assets), ...Object.keys(ours.assets), ...Object.keys(theirs.assets)]);
  const assets: Record<string, AssetLock> = {};
  for (const id of [...ids].sort()) {
    const merged = mergeAsset(base.assets[id], ours.assets[id], theirs.assets[id]);
    if (merged) assets[id] = merged;
  }
  const batches = mergeBatches(base.batches ?? {}, ours.batches ?? {}, theirs.batches ?? {});
  return { version: 1, stats: lockStats(assets), assets, ...(Object.keys(batches).length ? { batches } : {}) };
}

/** Batch jobs by display name: a job either side collected (gone from it since the base) stays gone; a new one on either side is kept. */
function mergeBatches(base: Record<string, BatchJobRecord>, ours: Record<string, BatchJobRecord>, theirs: Record<string, BatchJobRecord>): Record<string, BatchJobRecord> {
  const out: Record<string, BatchJobRecord> = {};
  for (const displayName of [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort()) {
    if (displayName in base && (!(displayName in ours) || !(displayName in theirs))) continue;
    const mine = ours[displayName];
    const other = theirs[displayName];
    out[displayName] = mine?.name || !other ? mine! : other;
  }
  return out;
}

function mergeAsset(base: AssetLock | undefined, ours: AssetLock | undefined, theirs: AssetLock | undefined): AssetLock | undefined {
  if (isDeepStrictEqual(ours, theirs)) return ours;
  if (isDeepStrictEqual(base, ours)) return theirs;
  if (isDeepStrictEqual(base, theirs)) return ours;
  // Changed on both sides. A side that dropped the entry loses to a side that worked on it.
  if (!ours) return theirs;
  if (!theirs) return ours;
  const oursWins = ours.outputs.length > theirs.outputs.length || (ours.outputs.length === theirs.outputs.length && ours.seeds.length >= theirs.seeds.length);
  const [winner, loser] = oursWins ? [ours, theirs] : [theirs, ours];
  if (winner.inputHash !== loser.inputHash) return winner;
  const seeds = new Map<number, SeedRecord>();
  for (const record of winner.seeds) seeds.set(record.seed, record);
  let extraSpend = 0;
  for (const record of loser.seeds) {
    if (seeds.has(record.seed)) continue;
    seeds.set(record.seed, record);
    extraSpend += record.costUsd;
  }
  return {
    ...winner,
    seeds: [...seeds.values()].sort((a, b) => a.seed - b.seed),
    spentUsd: roundUsd(winner.spentUsd + extraSpend),
  };
}
