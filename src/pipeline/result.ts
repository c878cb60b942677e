/** What one command did, for the table, `--json`, the job summary and the Action outputs. */

export type AssetStatus =
  | "unchanged" // inputs and outputs match the lockfile: no call made
  | "done" // has its count of outputs (or accepted drafts, for preview)
  | "capped" // used maxAttempts drafts short of its count
  | "budget" // work left undone because the next call would cross the ceiling
  | "unavailable" // stopped because the provider stayed unavailable
  | "interrupted"
  | "planned"; // plan only: nothing was called

export interface AssetReport {
  id: string;
  status: AssetStatus;
  drafts: number;
  accepted: number;
  /** Rejections counted by reason key, e.g. {"too-dark": 2, "IMAGE_SAFETY": 1}. */
  rejected: Record<string, number>;
  regenerated: number;
  rendered: number;
  spentUsd: number;
  estimatedUsd: number;
  outputs: string[];
  /** Accepted drafts beyond the count (paid for, kept in the lockfile for later), not counted as needed. */
  surplus?: number;
  /** Contact sheet written for this asset, relative to the report folder. */
  contactSheet?: string;
}

export interface RunReport {
  command: "plan" | "preview" | "run" | "render" | "verify";
  spentUsd: number;
  estimatedUsd: number;
  ceilingUsd: number;
  drafts: number;
  accepted: number;
  rendered: number;
  /** Accepted drafts beyond what the run's counts needed, summed over assets (see AssetReport.surplus). */
  surplus?: number;
  acceptRate: number | null;
  regenRate: number | null;
  costPerAcceptedUsd: number | null;
  changedAssets: string[];
  assets: AssetReport[];
  /** Folder holding report.html and the contact sheets, when the command wrote one. */
  reportDir?: string;
  exitCode: number;
  /** One sentence on why the exit code is not 0. */
  message?: string;
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
