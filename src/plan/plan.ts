import { batches } from "../manifest/batch-mode.js";
import { join } from "node:path";
import { inputHash } from "../lock/hash.js";
import type { AssetLock, Lockfile, OutputRecord } from "../lock/types.js";
import type { AssetSpec, Manifest } from "../manifest/spec.js";
import { findModel, judgeCallEstimateUsd, routedImagePriceUsd, type ImageModel, type TextModel } from "../models/catalog.js";
import { RepositoryFolder } from "../disk/repository-path.js";
import { HASH_CHUNK } from "../disk/file-hash.js";
import { OutputHashes } from "./output-hashes.js";
import { compareTiers, tierPrices, type FixedTier, type TierComparison } from "./tier.js";
import { roundUsd } from "../money.js";

/** What a run would do with an asset. */
export type PlanState = "new" | "changed" | "unchanged" | "incomplete";

/** A rate used by the estimate and where it came from, in words a user can check. */
export interface Rate {
  /** null when it differs per asset (the default accept rate is 1 ÷ that asset's oversample). */
  value: number | null;
  source: string;
}

export interface PlanRates {
  accept: Rate;
  regen: Rate;
  /** Drafts in the lockfile's statistics; rates are measured from them once there are enough. */
  lockedDrafts: number;
  /** Of those, the drafts that passed the screen. */
  lockedAccepted: number;
}

export interface PlannedAsset {
  id: string;
  state: PlanState;
  /** Why the asset is not unchanged, in a few words. */
  why?: string;
  count: number;
  /** Locked outputs present on disk with the recorded sha256. */
  have: number;
  /** Outputs a run has to produce. */
  missing: number;
  /** New seeds to try: ceil(missing ÷ accept rate), at most the attempts left. */
  seeds: number;
  /** Draft calls estimated, regenerations included (on the final model for final-only assets). */
  drafts: number;
  /** Accepted drafts already in the lockfile, waiting only for their final render. */
  pendingRenders: number;
  finals: number;
  judgeCalls: number;
  acceptRate: number;
  /** The accept rate most likely (tier: auto's and a run's drafts in flight): `acceptRate`, or once some drafts are measured, those weighed with it. */
  expectedAcceptRate: number;
  /** The estimate wanted more drafts than the asset's remaining attempts allow. */
  capped: boolean;
  remainingAttempts: number;
  draftUsd: number;
  finalUsd: number;
  judgeUsd: number;
  estimatedUsd: number;
  /** The tier a run uses: the manifest's, or for `tier: auto` the cheaper one (kept once an entry records it). */
  tier: FixedTier | "draft-only";
  /** Why `tier: auto` came to `tier`: the lockfile's reason once a run chose it (later runs keep that choice). */
  tierReason?: string;
  /** Per kept image on each tier that ends on the final model (not for draft-only assets). */
  tiers?: Omit<TierComparison, "reason">;
  inputHash: string;
}

export interface Plan {
  assets: PlannedAsset[];
  /** Lockfile entries for ids the manifest no longer has. */
  orphans: string[];
  drafts: number;
  finals: number;
  judgeCalls: number;
  estimatedUsd: number;
  rates: PlanRates;
  /**
   * The sha256 of each locked output's file as the plan found it on disk (undefined: missing or
   * unreadable), by path, for entries in step with the manifest: a run resumes from it, not hashing again.
   */
  outputsOnDisk: ReadonlyMap<string, string | undefined>;
}

export interface PlanOptions {
  /** Folder the lockfile's output paths are relative to; default the manifest's repository root. */
  root?: string;
  /**
   * Cache of output hashes keyed by file stat, so a second plan does not re-read unchanged files:
   * a path, or false to hash every file (what `verify` wants). Default: .seedlock/ beside the manifest.
   */
  hashCache?: string | false;
}

/** Drafts the lockfile must have seen before its rates replace the defaults. */
export const MIN_MEASURED_DRAFTS = 10;
/**
 * Before MIN_MEASURED_DRAFTS, the expected accept rate (what `tier: auto` and a run's drafts in flight
 * go by) weighs the drafts measured so far against the 1 ÷ oversample prior counted as this many
 * drafts: eight of eight accepted is evidence enough that final-only is cheaper and that a spare
 * final would be wasted, though not yet enough for the estimate's draft count.
 */
export const TIER_PRIOR_DRAFTS = 4;
/** Share of drafts assumed to need a second call (undecodable bytes) before one is measured. */
export const DEFAULT_REGEN_RATE = 0.02;

/**
 * Compares the manifest with the lockfile and the files on disk, and estimates what a run costs:
 * seeds = ceil(missing ÷ accept), capped by the attempts left; draft calls = seeds × (1 + regen),
 * at the draft price (the final price for final-only assets);
 * one final per missing output at the final price; one judge call per draft when a judge is set.
 * Makes no network call.
 */
export async function planRun(manifest: Manifest, lock: Lockfile, options: PlanOptions = {}): Promise<Plan> {
  const root = options.root ?? manifest.root;
  const rates = planRates(lock);
  const hashes = await OutputHashes.open(options.hashCache === false ? undefined : (options.hashCache ?? OutputHashes.beside(manifest.file)));
  // One read buffer for every output file: thousands of small files then allocate nothing.
  const buffer = Buffer.allocUnsafe(HASH_CHUNK);
  const outputsOnDisk = new Map<string, string | undefined>();
  const assets = manifest.assets.map((asset) => planAsset(asset, manifest, lock.assets[asset.id], rates, { root, hashes, buffer, found: outputsOnDisk }));
  await hashes.save();
  const ids = new Set(manifest.assets.map((a) => a.id));
  const orphans = Object.keys(lock.assets)
    .filter((id) => !ids.has(id))
    .sort();
  let estimatedUsd = 0;
  let drafts = 0;
  let finals = 0;
  let judgeCalls = 0;
  for (const a of assets) {
    estimatedUsd += a.estimatedUsd;
    drafts += a.drafts;
    finals += a.finals;
    judgeCalls += a.judgeCalls;
  }
  return { assets, orphans, drafts, finals, judgeCalls, estimatedUsd: roundUsd(estimatedUsd), rates, outputsOnDisk };
}

/** Measured accept and regen rates when the lockfile has seen enough drafts, else the defaults. */
export function planRates(lock: Lockfile): PlanRates {
  const { drafts, accepted, regenerated } = lock.stats;
  if (drafts >= MIN_MEASURED_DRAFTS) {
    const over = `measured over ${drafts} drafts`;
    return { accept: { value: accepted / drafts, source: over }, regen: { value: regenerated / drafts, source: over }, lockedDrafts: drafts, lockedAccepted: accepted };
  }
  const why = drafts > 0 ? ` (only ${drafts} draft${drafts === 1 ? "" : "s"} measured so far)` : "";
  return {
    accept: { value: null, source: `default: 1 ÷ oversample${why}` },
    regen: { value: DEFAULT_REGEN_RATE, source: `default: ${DEFAULT_REGEN_RATE * 100}%${why}` },
    lockedDrafts: drafts,
    lockedAccepted: accepted,
  };
}

/**
 * The accept rate an asset is most likely to see: measured, the prior, or before enough drafts
 * the two weighed together. The tiers are compared at it and a run's drafts in flight start from
 * it; the estimate keeps the prior until the rate is measured, so it errs on the dear side.
 */
function expectedAccept(rates: PlanRates, asset: AssetSpec): { accept: number; acceptSource: string } {
  if (rates.accept.value !== null) return { accept: rates.accept.value, acceptSource: rates.accept.source };
  const prior = 1 / asset.oversample;
  if (rates.lockedDrafts === 0) return { accept: prior, acceptSource: "assumed: 1 ÷ oversample" };
  return {
    accept: (rates.lockedAccepted + TIER_PRIOR_DRAFTS * prior) / (rates.lockedDrafts + TIER_PRIOR_DRAFTS),
    acceptSource: `${rates.lockedAccepted} of ${rates.lockedDrafts} drafts measured, with 1 ÷ oversample counted as ${TIER_PRIOR_DRAFTS} more`,
  };
}

function planAsset(
  asset: AssetSpec,
  manifest: Manifest,
  entry: AssetLock | undefined,
  rates: PlanRates,
  disk: OutputsMeasure,
): PlannedAsset {
  const hash = inputHash(asset, manifest);
  let state: PlanState;
  let why: string | undefined;
  let have = 0;
  let tried = 0;
  let pendingRenders = 0;
  if (!entry) {
    state = "new";
  } else if (entry.inputHash !== hash) {
    state = "changed";
    why = entry.prompt !== asset.prompt ? "prompt changed" : !sameModels(entry, asset) ? "models changed" : "settings changed";
  } else {
    tried = entry.seeds.length;
    const check = checkOutputs(entry.outputs, disk);
    have = check.valid;
    state = check.problem || have < asset.count ? "incomplete" : "unchanged";
    why = check.problem ?? (have < asset.count ? `${have} of ${asset.count} outputs` : undefined);
    if (asset.tier === "two-tier" || asset.tier === "auto") {
      const rendered = new Set(entry.outputs.map((output) => output.seed));
      pendingRenders = entry.seeds.filter((s) => s.status === "accepted" && !rendered.has(s.seed)).length;
    }
  }

  const missing = state === "unchanged" ? 0 : Math.max(0, asset.count - have);
  const acceptRate = rates.accept.value ?? 1 / asset.oversample;
  const regenRate = rates.regen.value ?? DEFAULT_REGEN_RATE;
  const expected = expectedAccept(rates, asset);
  const comparison = asset.tier === "draft-only" ? undefined : compareTiers(asset, tierPrices(asset, manifest.pricing), { ...expected, regen: regenRate });
  let tier: FixedTier | "draft-only";
  let tierReason: string | undefined;
  if (asset.tier !== "auto") tier = asset.tier;
  else if (entry?.inputHash === hash && entry.tier) [tier, tierReason] = [entry.tier.chosen, entry.tier.reason];
  else [tier, tierReason] = [comparison!.cheaper, comparison!.reason];
  if (tier !== "two-tier") pendingRenders = 0;
  pendingRenders = Math.min(pendingRenders, missing);
  const remainingAttempts = Math.max(0, asset.maxAttempts - tried);
  const toDraft = missing - pendingRenders;
  // The attempt cap counts seeds; a regeneration calls the same seed again, so it costs but does not use an attempt.
  const wanted = toDraft > 0 ? Math.ceil(toDraft / acceptRate - 1e-9) : 0;
  const seeds = Math.min(wanted, remainingAttempts);
  const drafts = seeds > 0 ? Math.ceil(seeds * (1 + regenRate) - 1e-9) : 0;
  const finals = tier === "two-tier" ? missing : 0;
  const judgeCalls = asset.screen.judge ? drafts : 0;

  const draftModel = tier === "final-only" ? asset.models.final : asset.models.draft;
  const draftSize = tier === "final-only" ? asset.finalSize : asset.draftSize;
  // An asset that batches a stage pays the Batch API's price for it.
  const route = (stage: "draft" | "final") => (batches(asset, stage) ? "batch" : "interactive");
  const draftUsd = drafts ? drafts * routedImagePriceUsd(findModel(draftModel) as ImageModel, draftSize, route("draft"), manifest.pricing) : 0;
  const finalUsd = finals ? finals * routedImagePriceUsd(findModel(asset.models.final) as ImageModel, asset.finalSize, route("final"), manifest.pricing) : 0;
  const judge = asset.models.judge ? (findModel(asset.models.judge) as TextModel | undefined) : undefined;
  const judgeUsd = judgeCalls && judge ? judgeCalls * judgeCallEstimateUsd(judge) : 0;

  return {
    id: asset.id,
    state,
    ...(why ? { why } : {}),
    count: asset.count,
    have,
    missing,
    seeds,
    drafts,
    pendingRenders,
    finals,
    judgeCalls,
    acceptRate,
    expectedAcceptRate: expected.accept,
    capped: wanted > remainingAttempts,
    remainingAttempts,
    draftUsd: roundUsd(draftUsd),
    finalUsd: roundUsd(finalUsd),
    judgeUsd: roundUsd(judgeUsd),
    estimatedUsd: roundUsd(draftUsd + finalUsd + judgeUsd),
    tier,
    ...(tierReason ? { tierReason } : {}),
    ...(comparison ? { tiers: { twoTierUsd: comparison.twoTierUsd, finalOnlyUsd: comparison.finalOnlyUsd, cheaper: comparison.cheaper } } : {}),
    inputHash: hash,
  };
}

function sameModels(entry: AssetLock, asset: AssetSpec): boolean {
  return entry.models.draft === asset.models.draft && entry.models.final === asset.models.final && entry.models.judge === asset.models.judge;
}

/** Where locked outputs are measured, with what cache and read buffer, and the map the measures go in. */
interface OutputsMeasure {
  root: string;
  hashes: OutputHashes;
  buffer: Buffer;
  found: Map<string, string | undefined>;
}

/** How many locked outputs are on disk unchanged, and the first problem found, in words. */
function checkOutputs(outputs: OutputRecord[], disk: OutputsMeasure): { valid: number; problem?: string } {
  let valid = 0;
  let problem: string | undefined;
  for (const { output, sha256 } of measureOutputs(outputs, disk.root, disk.hashes, disk.buffer)) {
    disk.found.set(output.path, sha256);
    if (sha256 === output.sha256) valid++;
    else problem ??= sha256 === undefined ? `${output.path} is missing` : `${output.path} differs from the lockfile`;
  }
  return problem ? { valid, problem } : { valid };
}

/** A locked output and the sha256 of its file on disk (undefined: missing, unreadable, or reached by a path leading out). */
export interface OutputOnDisk {
  output: OutputRecord;
  sha256: string | undefined;
}

/** The one measure of locked outputs that plan, the run's resume and verify share. */
export function measureOutputs(outputs: readonly OutputRecord[], root: string, hashes: OutputHashes, buffer: Buffer = Buffer.allocUnsafe(HASH_CHUNK)): OutputOnDisk[] {
  const within = new RepositoryFolder(root);
  return outputs.map((output) => ({ output, sha256: hashes.sha256(join(root, output.path), output.path, buffer, within) }));
}
