import { createHash } from "node:crypto";
import { MICROS_PER_USD } from "../money.js";
import type { Plan } from "./plan.js";

/** One job of a matrix: `index` counts from 0, as the core uses it; users write it from 1. */
export interface Shard {
  index: number;
  count: number;
}

/** GitHub Actions runs at most this many jobs from one matrix. */
export const MAX_MATRIX_JOBS = 256;

/** How a shard is written by a user and in the matrix: 1-based. */
export function shardLabel(shard: Shard): string {
  return `${shard.index + 1}/${shard.count}`;
}

/** One job of the matrix: what it runs, what that is estimated to cost, and what it may spend. */
export interface ShardSlice {
  /** As `--shard` and the Action's `shard` input take it, e.g. "2/4". */
  shard: string;
  assets: string[];
  estimatedUsd: number;
  /** This shard's share of the ceiling; the slices add up to at most the ceiling. */
  ceilingUsd: number;
}

export interface ShardMatrix {
  count: number;
  /** The ceiling the slices are cut from (the whole matrix may spend no more). */
  ceilingUsd: number;
  estimatedUsd: number;
  /** Sum of the slices: the ceiling less what rounding down to whole micro-dollars left over. */
  allocatedUsd: number;
  /** Largest shard's estimate ÷ the mean shard estimate (1 is perfect; 0 when there is no work). */
  balance: number;
  /** Digest of the packing and the slices: shards that started from the same commit and ceiling agree on it. */
  fingerprint: string;
  shards: ShardSlice[];
  /** How `--shards auto` chose the count, in words. */
  rule?: string;
}

/** An asset with work to do and its estimate, as the packing sees it. */
export interface PackedWork {
  id: string;
  estimatedUsd: number;
}

/** What the packing distributes: every asset the plan has work for (unchanged ones run nowhere). */
export function workOf(plan: Plan): PackedWork[] {
  return plan.assets.filter((a) => a.state !== "unchanged").map((a) => ({ id: a.id, estimatedUsd: a.estimatedUsd }));
}

/**
 * Packs assets into `count` shards by estimated cost, and cuts the ceiling into one slice per shard.
 * Longest processing time first: the most expensive asset goes first (ties by id), each to the
 * shard with the smallest estimate so far (ties: fewer assets, then the lowest index). Slices are
 * proportional to each shard's estimate and rounded down to whole micro-dollars, so they never add
 * up to more than the ceiling; a shard with nothing estimated gets nothing. Pure: the same work,
 * count and ceiling always give the same matrix.
 */
export function packShards(work: PackedWork[], count: number, ceilingUsd: number): ShardMatrix {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a matrix needs at least one shard, got ${count}`);
  const items = work.map((w) => ({ id: w.id, micros: toMicros(w.estimatedUsd) }));
  items.sort((a, b) => b.micros - a.micros || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const bins = Array.from({ length: count }, () => ({ micros: 0, ids: [] as string[] }));
  for (const item of items) {
    let best = 0;
    for (let i = 1; i < count; i++) {
      const b = bins[i]!;
      const current = bins[best]!;
      if (b.micros < current.micros || (b.micros === current.micros && b.ids.length < current.ids.length)) best = i;
    }
    bins[best]!.micros += item.micros;
    bins[best]!.ids.push(item.id);
  }

  const ceilingMicros = ceilingToMicros(ceilingUsd);
  const totalMicros = bins.reduce((sum, b) => sum + b.micros, 0);
  const slices = bins.map((b) => (totalMicros === 0 ? 0 : Number((BigInt(ceilingMicros) * BigInt(b.micros)) / BigInt(totalMicros))));
  const shards: ShardSlice[] = bins.map((b, index) => ({
    shard: shardLabel({ index, count }),
    assets: b.ids,
    estimatedUsd: b.micros / MICROS_PER_USD,
    ceilingUsd: slices[index]! / MICROS_PER_USD,
  }));
  const largest = Math.max(...bins.map((b) => b.micros));
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([count, ceilingMicros, bins.map((b, i) => [b.ids, b.micros, slices[i]])]))
    .digest("hex")
    .slice(0, 16);
  return {
    count,
    ceilingUsd: ceilingMicros / MICROS_PER_USD,
    estimatedUsd: totalMicros / MICROS_PER_USD,
    allocatedUsd: slices.reduce((sum, s) => sum + s, 0) / MICROS_PER_USD,
    balance: totalMicros === 0 ? 0 : Math.round((largest / (totalMicros / count)) * 1000) / 1000,
    fingerprint,
    shards,
  };
}

/** The slice one shard runs: what every shard computes for itself from the same plan and ceiling. */
export function sliceFor(matrix: ShardMatrix, shard: Shard): ShardSlice {
  return matrix.shards[shard.index]!;
}

/**
 * `--shards auto`. Typical seconds per call (DESIGN.md: Lite under 2 s, Flash and 2.1 commonly
 * 10–40 s, judges a few seconds), taken on the slow side so that a job is not cut by GitHub's 6 h limit.
 */
export const TYPICAL_CALL_SECONDS = { draft: 10, final: 30, judge: 5 } as const;
/** Wall time one shard job is sized for. */
export const JOB_TARGET_MINUTES = 60;

/**
 * How many shards the plan needs: its calls × typical latency ÷ the manifest's concurrency, in
 * jobs of JOB_TARGET_MINUTES, rounded up; at least 1, at most one per asset with work and at most
 * GitHub's 256 jobs per matrix. A declared per-project limit is shared by every shard, so it
 * bounds the whole matrix's wall time whatever the count: the rule says so when it binds.
 */
export function autoShardCount(plan: Plan, options: { concurrency: number; rpm?: number }): { count: number; rule: string } {
  const calls = plan.drafts + plan.finals + plan.judgeCalls;
  const seconds = plan.drafts * TYPICAL_CALL_SECONDS.draft + plan.finals * TYPICAL_CALL_SECONDS.final + plan.judgeCalls * TYPICAL_CALL_SECONDS.judge;
  const minutes = seconds / options.concurrency / 60;
  const withWork = plan.assets.filter((a) => a.state !== "unchanged").length;
  const wanted = Math.ceil(minutes / JOB_TARGET_MINUTES - 1e-9);
  const count = Math.max(1, Math.min(wanted, withWork, MAX_MATRIX_JOBS));
  let rule =
    `${plan.drafts} drafts × ${TYPICAL_CALL_SECONDS.draft} s + ${plan.finals} finals × ${TYPICAL_CALL_SECONDS.final} s + ${plan.judgeCalls} judge calls × ${TYPICAL_CALL_SECONDS.judge} s ` +
    `÷ concurrency ${options.concurrency} = ${Math.round(minutes)} min of calls; jobs of ${JOB_TARGET_MINUTES} min → ${count} shard${count === 1 ? "" : "s"}` +
    (wanted > MAX_MATRIX_JOBS ? ` (GitHub runs at most ${MAX_MATRIX_JOBS} jobs per matrix)` : wanted > withWork ? ` (one per asset with work)` : "");
  if (options.rpm) {
    const bound = calls / options.rpm;
    if (bound > JOB_TARGET_MINUTES) rule += `; the project limit of ${options.rpm} requests per minute alone takes ${Math.round(bound)} min for ${calls} calls, whatever the count`;
  }
  return { count, rule };
}

/** A shard's share of a declared per-project rate: every shard starts from the limit ÷ the shard count. */
export function shardRpm(rpm: number | undefined, shard: Shard | undefined): number | undefined {
  return rpm === undefined || !shard ? rpm : rpm / shard.count;
}

function toMicros(usd: number): number {
  return Math.max(0, Math.round(usd * MICROS_PER_USD));
}

/** The ceiling in whole micro-dollars, rounded down unless it is one already (up to float noise). */
function ceilingToMicros(usd: number): number {
  const exact = usd * MICROS_PER_USD;
  const nearest = Math.round(exact);
  return Math.abs(exact - nearest) < 1e-6 ? nearest : Math.floor(exact);
}

/** `plan --shards N|auto`: the matrix for a workflow, from the plan and the ceiling every shard will be given. */
export function planMatrix(plan: Plan, ceilingUsd: number, shards: number | "auto", options: { concurrency: number; rpm?: number }): ShardMatrix {
  if (shards !== "auto") return packShards(workOf(plan), shards, ceilingUsd);
  const auto = autoShardCount(plan, options);
  return { ...packShards(workOf(plan), auto.count, ceilingUsd), rule: auto.rule };
}
