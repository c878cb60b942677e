/** The lockfile `assets.lock.yaml`: machine-written, stable key order, one entry per asset id. */

export type SeedStatus = "accepted" | "rejected" | "rendered" | "failed";

export interface SeedRecord {
  seed: number;
  /** Model that produced the draft (or the final, for final-only assets). */
  model: string;
  status: SeedStatus;
  /** Why it was rejected: e.g. `too-dark (mean luma 12 < 20)`, `duplicate of seed 41 (distance 3)`, `IMAGE_SAFETY`. */
  reasons?: string[];
  /** 64-bit perceptual hash as 16 hex digits, for duplicate checks on later runs. */
  phash?: string;
  /** Saved accepted draft, relative to the repository root, used as the render reference. */
  draft?: string;
  judgeScore?: number;
  /** Times this seed was called again because its bytes did not decode (each one is paid for). */
  regenerated?: number;
  costUsd: number;
}

export interface OutputRecord {
  path: string;
  sha256: string;
  seed: number;
  model: string;
  width: number;
  height: number;
  bytes: number;
  /** The model answered smaller than asked (`answered` < `asked`, both `WxH`), and the image still made the output. */
  undersized?: boolean;
  answered?: string;
  asked?: string;
}

export interface AssetLock {
  inputHash: string;
  prompt: string;
  models: { draft: string; final: string; judge?: string };
  seeds: SeedRecord[];
  outputs: OutputRecord[];
  spentUsd: number;
  /** For `tier: auto`: the tier the first run of these inputs chose, and why; later runs keep it. */
  tier?: { chosen: "two-tier" | "final-only"; reason: string };
  /** Accepted drafts beyond the count once it was reached: paid for, kept for a later run, not needed. */
  surplus?: number;
}

/** Measured rates kept across runs so the next estimate uses them. */
export interface LockStats {
  drafts: number;
  accepted: number;
  rejected: number;
  /** Drafts regenerated because their bytes did not decode. */
  regenerated: number;
  rendered: number;
  spentUsd: number;
}

/** Which call a batch request stands for: a draft to screen, or the render of an accepted seed. */
export type BatchStage = "draft" | "final";

/** One request inside a batch job, and what was reserved for it. */
export interface BatchRequestRecord {
  /** `<asset>/<stage>/<seed>`: how the request is found in the job's answers. */
  key: string;
  asset: string;
  seed: number;
  stage: BatchStage;
  /** The asset's inputs when it was submitted: an answer to older inputs is not used. */
  inputHash: string;
  reservedUsd: number;
}

/**
 * A batch job, recorded before it is submitted (under its display name) and given its name once
 * the service answers: a run killed in between finds it again by that display name.
 */
export interface BatchJobRecord {
  /** `batches/…`, once the service has answered the submission. */
  name?: string;
  model: string;
  stage: BatchStage;
  /** ISO time of the submission. */
  submittedAt: string;
  /** What the whole job may cost at the batch price; counted against every run's ceiling until collected. */
  reservedUsd: number;
  requests: BatchRequestRecord[];
}

export interface Lockfile {
  version: 1;
  stats: LockStats;
  assets: Record<string, AssetLock>;
  /** Batch jobs submitted and not yet collected, by display name. */
  batches?: Record<string, BatchJobRecord>;
}

export function emptyLockfile(): Lockfile {
  return {
    version: 1,
    stats: { drafts: 0, accepted: 0, rejected: 0, regenerated: 0, rendered: 0, spentUsd: 0 },
    assets: {},
  };
}
