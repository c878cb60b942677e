import type { AssetSpec, BatchMode, Manifest } from "./spec.js";

/** Whether this asset sends `stage` calls through the Batch API; the run's `--batch` wins over `batch:`. */
export function batches(spec: AssetSpec, stage: "draft" | "final", override?: BatchMode): boolean {
  const mode = override ?? spec.batch;
  return mode === "all" || (stage === "draft" ? mode === "drafts" : mode === "finals");
}

/** The manifest with `--batch` applied to every asset (the flag wins over `batch:`). */
export function withBatchMode(manifest: Manifest, mode: BatchMode | undefined): Manifest {
  return mode ? { ...manifest, assets: manifest.assets.map((a) => ({ ...a, batch: mode })) } : manifest;
}
