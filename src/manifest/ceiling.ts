import type { Manifest } from "./spec.js";

/** The run's spending ceiling and where it came from, for the user who wants to change it. */
export interface Ceiling {
  usd: number;
  source: "budget.maxUsd" | "--max-budget-usd";
  warnUsd?: number;
  /** For one shard of a matrix: its label ("2/4"); `usd` is then its slice of `matrixUsd`. */
  shard?: string;
  matrixUsd?: number;
}

/** The lower of `budget.maxUsd` and the caller's flag or input, with the manifest's warning threshold. */
export function ceilingOf(manifest: Manifest, flagMaxUsd: number | undefined): Ceiling {
  const lowered = flagMaxUsd !== undefined && flagMaxUsd < manifest.budget.maxUsd;
  return {
    usd: lowered ? flagMaxUsd : manifest.budget.maxUsd,
    source: lowered ? "--max-budget-usd" : "budget.maxUsd",
    ...(manifest.budget.warnUsd !== undefined ? { warnUsd: manifest.budget.warnUsd } : {}),
  };
}
