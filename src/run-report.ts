/** What one command did, for the table, `--json`, the job summary and the Action outputs. */

export type AssetStatus =
  | "unchanged" // inputs and outputs match the lockfile: no call made
  | "done" // has its count of outputs
  | "previewed" // preview: has its count of accepted drafts, nothing rendered
  | "capped" // used maxAttempts drafts short of its count
  | "budget" // work left undone because the next call would cross the ceiling
  | "unavailable" // stopped because the provider stayed unavailable
  | "interrupted"
  | "batch" // its next calls are in a Batch API job: a later run collects them
  | "planned"; // plan only: nothing was called

export interface AssetReport {
  id: string;
  status: AssetStatus;
  drafts: number;
  accepted: number;
  /** Drafts rejected by screening, each counted once however many reasons it had. */
  rejectedDrafts: number;
  /** How many rejected drafts (or finals, keyed `final …`) had each reason, e.g. {"too-dark": 2, "IMAGE_SAFETY": 1}; a draft may have several. */
  rejected: Record<string, number>;
  regenerated: number;
  rendered: number;
  spentUsd: number;
  estimatedUsd: number;
  outputs: string[];
  /** What happened to paid images beyond their verdict: undersized finals, re-renders, several images in one answer. */
  notes?: string[];
  /** Accepted drafts beyond the count (paid for, kept in the lockfile for later), not counted as needed. */
  surplus?: number;
  /** Contact sheet written for this asset, relative to the report folder. */
  contactSheet?: string;
  /** Catalog prices of its calls (the manifest's `pricing:` applied), on two-tier assets only: what `twoTier` is priced from. */
  prices?: CallPrices;
}

/** An asset's report before this run has drawn or paid anything for it. */
export function untouchedAsset(id: string, status: AssetStatus, outputs: string[] = []): AssetReport {
  return { id, status, drafts: 0, accepted: 0, rejectedDrafts: 0, rejected: {}, regenerated: 0, rendered: 0, spentUsd: 0, estimatedUsd: 0, outputs };
}

/** What one call of each kind costs an asset at the catalog's interactive prices. */
export interface CallPrices {
  draftUsd: number;
  finalUsd: number;
  /** One judge call, estimated; 0 when the asset has no judge. */
  judgeUsd: number;
}

/**
 * The images two-tier assets rendered, priced twice at the catalog's prices and each asset's measured
 * accept rate: as drafted then rendered, and as if every candidate had been drawn on the final model.
 */
export interface TwoTierComparison {
  /** Outputs compared: those rendered by two-tier assets that accepted a draft this run. */
  images: number;
  /** Accepted ÷ drafted over those assets. */
  acceptRate: number;
  /** Those images as made: per image, (draft + judge) × drafts ÷ accepted, plus its render. */
  twoTierUsd: number;
  /** The same images on the final model alone: per image, (final + judge) × drafts ÷ accepted. */
  finalOnlyUsd: number;
}

export interface RunReport {
  /** Version of this shape in `--json` (schema/run-result.v1.json). */
  schemaVersion?: 1;
  command: "plan" | "preview" | "run" | "render" | "verify";
  spentUsd: number;
  estimatedUsd: number;
  ceilingUsd: number;
  drafts: number;
  accepted: number;
  rendered: number;
  /** Drafts rejected by screening, each counted once. */
  rejectedDrafts: number;
  /** Accepted drafts beyond what the run's counts needed, summed over assets (see AssetReport.surplus). */
  surplus?: number;
  acceptRate: number | null;
  regenRate: number | null;
  /** spentUsd ÷ rendered (report/figures.ts); null when nothing was rendered. The Action's `cost-per-accepted-usd`. */
  costPerImageUsd: number | null;
  /** spentUsd ÷ accepted drafts; null when none was accepted. */
  costPerAcceptedDraftUsd: number | null;
  /** Two-tier against final-only for what was rendered (report/figures.ts); absent when there is nothing to compare. */
  twoTier?: TwoTierComparison;
  changedAssets: string[];
  assets: AssetReport[];
  /** Folder holding report.html and the contact sheets, when the command wrote one. */
  reportDir?: string;
  exitCode: number;
  /** One sentence on why the exit code is not 0, or what to do next (collect batch jobs). */
  message?: string;
  /** Batch jobs submitted, collected and still out, when the run used the Batch API. */
  batch?: BatchReport;
  /** Set when the command ran one shard of a matrix (`--shard i/n`); ceilingUsd is then its slice. */
  shard?: ShardRun;
}

/** One shard's part of a matrix, as the matrix's summary adds them up. */
export interface ShardRun {
  /** As the user wrote it, e.g. "2/4". */
  shard: string;
  /** The ceiling of the whole matrix, which the slices are cut from. */
  matrixCeilingUsd: number;
  /** What this shard may spend: its slice of the matrix's ceiling. */
  sliceUsd: number;
  /** The slice less what was spent: left unspent, since no other shard can use it. */
  unspentUsd: number;
  /** Digest of the packing and slices; every shard of one matrix must report the same. */
  fingerprint: string;
  /** The assets the packing gave this shard (those with work to do). */
  assets: string[];
}

/** What a progress bar or a periodic log line shows while a command runs. */
export interface ProgressSnapshot {
  assetsTotal: number;
  assetsDone: number;
  drafts: number;
  accepted: number;
  rejected: number;
  rendered: number;
  inFlight: number;
  spentUsd: number;
  ceilingUsd: number;
  elapsedMs: number;
}

/** A batch job as reports show it. */
export interface BatchJobSummary {
  displayName: string;
  name?: string;
  stage: "draft" | "final";
  model: string;
  requests: number;
  reservedUsd: number;
  submittedAt: string;
}

export interface BatchReport {
  /** Jobs this run submitted. */
  submitted: BatchJobSummary[];
  /** Jobs still waiting for the service after this run, these included. */
  pending: BatchJobSummary[];
  /** Jobs collected this run, and how many of their requests were answered. */
  collected: { jobs: number; answers: number; failedRequests: number };
  /** Jobs that failed, expired or were cancelled: their requests went back to the work list. */
  returned: { displayName: string; state: string; requests: number }[];
}
