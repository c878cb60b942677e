import { InputError } from "../errors.js";
import type { AssetSpec, BatchMode, Manifest } from "./spec.js";

export const BATCH_MODES: readonly BatchMode[] = ["off", "drafts", "finals", "all"];

/** Whether this asset sends `stage` calls through the Batch API; the run's `--batch` wins over `batch:`. */
export function batches(spec: AssetSpec, stage: "draft" | "final", override?: BatchMode): boolean {
  const mode = override ?? spec.batch;
  return mode === "all" || (stage === "draft" ? mode === "drafts" : mode === "finals");
}

/** `--batch` and the Action's `batch` input: one parser for both; empty means the manifest decides. */
export function parseBatchMode(raw: string | undefined, name: string): BatchMode | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = raw.trim().toLowerCase();
  if ((BATCH_MODES as readonly string[]).includes(value)) return value as BatchMode;
  throw new InputError([{ message: `${name} must be one of ${BATCH_MODES.join(", ")}, not ${JSON.stringify(raw)}`, fix: `for example ${name === "--batch" ? "--batch all" : "batch: all"} to send drafts and renders through the Batch API at half the price` }]);
}

/** `--wait MINUTES`: a number of minutes > 0, at most a day (the Batch API's target). */
export function parseWaitMinutes(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw.trim());
  if (!Number.isFinite(value) || value <= 0 || value > 24 * 60) {
    throw new InputError([{ message: `${name} must be a number of minutes above 0 and at most 1440, not ${JSON.stringify(raw)}`, fix: `for example ${name} 30` }]);
  }
  return value;
}

/** The manifest with `--batch` applied to every asset (the flag wins over `batch:`). */
export function withBatchMode(manifest: Manifest, mode: BatchMode | undefined): Manifest {
  return mode ? { ...manifest, assets: manifest.assets.map((a) => ({ ...a, batch: mode })) } : manifest;
}
