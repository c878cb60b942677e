import type { SourceLocation } from "../errors.js";
import type { AspectRatio, ImageSize, PricingOverrides } from "../models/catalog.js";

/**
 * How an asset is produced: draft on Lite then render on the final model, or one tier only;
 * `auto` takes whichever of two-tier and final-only is cheaper per kept image when the run starts.
 */
export type Tier = "two-tier" | "final-only" | "draft-only" | "auto";

/** Which of an asset's calls go through the Batch API: none, the screened drafts, the renders, or both. */
export type BatchMode = "off" | "drafts" | "finals" | "all";

export interface JudgeRule {
  rubric: string;
  /** Score out of 10 at or above which the judge accepts. */
  minScore: number;
}

export interface ScreenRules {
  minWidth: number;
  minHeight: number;
  /** Allowed mean luma, inclusive, 0..255. */
  brightness: [number, number];
  /** Minimum luma standard deviation; flat images fail. */
  minContrast: number;
  /** Perceptual-hash Hamming distance at or below which two images are duplicates. */
  maxDuplicateDistance: number;
  /** Allowed relative difference between an image's aspect and the ratio asked (0.03 = 3 %). */
  aspectTolerance: number;
  judge?: JudgeRule;
}

export type OutputFormat = "webp" | "png" | "jpeg" | "avif";
export type Fit = "cover" | "contain" | "fill" | "inside" | "outside";

export interface OutputSpec {
  format: OutputFormat;
  quality: number;
  width?: number;
  height?: number;
  fit?: Fit;
}

/** One asset with every default resolved: what the pipeline and the hash see. */
export interface AssetSpec {
  id: string;
  /** Position in the manifest's `assets:` list, 0-based. */
  index: number;
  prompt: string;
  count: number;
  /** Template with {n}, {id}, {seed}; relative to the repository root (see outputPath in out.ts). */
  out: string;
  tier: Tier;
  /** Never part of the inputHash: a batch answer is the same image at a lower price. */
  batch: BatchMode;
  models: { draft: string; final: string; judge?: string };
  aspectRatio: AspectRatio;
  oversample: number;
  maxAttempts: number;
  draftSize: ImageSize;
  finalSize: ImageSize;
  reference: boolean;
  /** First seed tried; later drafts use seedStart + 1, + 2, … so a rerun never repeats a seed. */
  seedStart: number;
  screen: ScreenRules;
  output: OutputSpec;
  /** Where the asset is declared, for messages. */
  location?: SourceLocation;
}

export interface Budget {
  maxUsd: number;
  warnUsd?: number;
}

export interface Manifest {
  /** Absolute path of the manifest file. */
  file: string;
  /** The manifest as messages name it (relative to the working directory when inside it). */
  displayFile: string;
  /** Absolute path of the repository root that every `out` path stays inside. */
  root: string;
  version: 1;
  models: { draft: string; final: string; judge?: string };
  pricing: PricingOverrides;
  budget: Budget;
  /** `limits.requestsPerMinute`: what the user declared for their project, if any (adaptive otherwise). */
  rpm?: number;
  /** The most calls in flight at once (`limits.concurrency`, default 16); the rate controller adapts below it. */
  concurrency: number;
  assets: AssetSpec[];
}
