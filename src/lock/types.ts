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

export interface Lockfile {
  version: 1;
  stats: LockStats;
  assets: Record<string, AssetLock>;
}

export function emptyLockfile(): Lockfile {
  return {
    version: 1,
    stats: { drafts: 0, accepted: 0, rejected: 0, regenerated: 0, rendered: 0, spentUsd: 0 },
    assets: {},
  };
}
