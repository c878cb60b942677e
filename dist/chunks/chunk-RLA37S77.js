import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  lockStats
} from "./chunk-YPSSUEOW.js";
import {
  roundUsd
} from "./chunk-4XIAYHCN.js";

// src/lock/merge.ts
import { isDeepStrictEqual } from "node:util";
function mergeLockfiles(base, ours, theirs) {
  const ids = /* @__PURE__ */ new Set([...Object.keys(base.assets), ...Object.keys(ours.assets), ...Object.keys(theirs.assets)]);
  const assets = {};
  for (const id of [...ids].sort()) {
    const merged = mergeAsset(base.assets[id], ours.assets[id], theirs.assets[id]);
    if (merged) assets[id] = merged;
  }
  const batches = mergeBatches(base.batches ?? {}, ours.batches ?? {}, theirs.batches ?? {});
  return { version: 1, stats: lockStats(assets), assets, ...Object.keys(batches).length ? { batches } : {} };
}
function mergeBatches(base, ours, theirs) {
  const out = {};
  for (const displayName of [.../* @__PURE__ */ new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort()) {
    if (displayName in base && (!(displayName in ours) || !(displayName in theirs))) continue;
    const mine = ours[displayName];
    const other = theirs[displayName];
    out[displayName] = mine?.name || !other ? mine : other;
  }
  return out;
}
function mergeAsset(base, ours, theirs) {
  if (isDeepStrictEqual(ours, theirs)) return ours;
  if (isDeepStrictEqual(base, ours)) return theirs;
  if (isDeepStrictEqual(base, theirs)) return ours;
  if (!ours) return theirs;
  if (!theirs) return ours;
  const oursWins = ours.outputs.length > theirs.outputs.length || ours.outputs.length === theirs.outputs.length && ours.seeds.length >= theirs.seeds.length;
  const [winner, loser] = oursWins ? [ours, theirs] : [theirs, ours];
  if (winner.inputHash !== loser.inputHash) return winner;
  const seeds = /* @__PURE__ */ new Map();
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
    spentUsd: roundUsd(winner.spentUsd + extraSpend)
  };
}

export {
  mergeLockfiles
};
