import type { Manifest } from "./spec.js";

/** The run's spending ceiling: the lower of `budget.maxUsd` and the caller's flag or input. */
export function ceilingUsd(manifest: Manifest, flagMaxUsd?: number): number {
  return flagMaxUsd === undefined ? manifest.budget.maxUsd : Math.min(manifest.budget.maxUsd, flagMaxUsd);
}
