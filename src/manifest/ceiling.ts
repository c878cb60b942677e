import { InputError } from "../errors.js";
import type { Manifest } from "./spec.js";

/** The run's spending ceiling: the lower of `budget.maxUsd` and the caller's flag or input. */
export function ceilingUsd(manifest: Manifest, flagMaxUsd?: number): number {
  return flagMaxUsd === undefined ? manifest.budget.maxUsd : Math.min(manifest.budget.maxUsd, flagMaxUsd);
}

/**
 * Reads `--max-budget-usd` (or the Action's `max-budget-usd` input): absent stays absent, anything
 * else must be a positive number of US dollars.
 */
export function parseMaxBudgetUsd(raw: string | undefined, name = "--max-budget-usd"): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim().replace(/^\$/, "");
  const value = text === "" ? NaN : Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError([
      {
        message: `${name} must be a positive number of US dollars, not ${JSON.stringify(raw)}`,
        fix: `for example ${name} 5`,
      },
    ]);
  }
  return value;
}
