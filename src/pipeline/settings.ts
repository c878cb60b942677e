import type { Logger } from "../logger.js";
import type { BatchMode } from "../manifest/spec.js";
import type { BatchClient } from "../provider/batch.js";
import type { ImageProvider } from "../provider/provider.js";
import type { ProgressSnapshot } from "../run-report.js";

export type CommandName = "plan" | "preview" | "run" | "render" | "verify";

/**
 * One typed settings object per invocation, built in one place by the CLI (flags + env) or the
 * Action (inputs), validated once. The core reads nothing else.
 */
export interface Settings {
  command: CommandName;
  /** Absolute path of assets.yaml. */
  manifestPath: string;
  /** How messages name the manifest (and its lockfile): as the user typed it; default relative to the working directory. */
  manifestDisplayPath?: string;
  /**
   * Ceiling from the trusted caller (flag, workflow input, or on a pull request the lower of that
   * and the base branch's budget.maxUsd); the manifest can lower it, never raise it.
   */
  maxBudgetUsd?: number;
  /** The caller trusts the manifest's `pricing:` below the built-in prices (never set by the manifest). */
  allowLowerPrices?: boolean;
  /** Repository paths of files seedlock did not write that the caller lets this run overwrite. */
  overwriteUntracked?: string[];
  /** Gemini endpoint override (emulator, proxy). */
  baseUrl?: string;
  apiKey?: string;
  /**
   * Run only this shard of a matrix (`index` from 0): the assets the cost-balanced packing of the
   * plan gives it, under its slice of the ceiling, at the declared rate ÷ `count`.
   */
  shard?: { index: number; count: number };
  /** `plan` only: also pack the work into this many shards (or as many as the estimate needs). */
  shards?: number | "auto";
  /** Where report.html and contact sheets go; default `.seedlock/report` beside the manifest. */
  reportDir?: string;
  /** Overrides of the manifest's scheduling knobs. */
  concurrency?: number;
  rpm?: number;
  /** `--batch` / the Action's `batch` input: overrides every asset's `batch:`. */
  batch?: BatchMode;
  /** `--wait MINUTES`: poll batch jobs in this process, collecting and submitting the next stage, up to this long. */
  waitMinutes?: number;
}

/** Side effects the core takes from its caller, so CLI, Action and tests wire their own. */
export interface Dependencies {
  logger: Logger;
  /** When absent the core builds the Gemini provider from settings.apiKey / baseUrl. */
  provider?: ImageProvider;
  /** When absent the core builds the Batch API client from settings.apiKey / baseUrl. */
  batchClient?: BatchClient;
  progress?: (snapshot: ProgressSnapshot) => void;
  signal?: AbortSignal;
  now?: () => number;
}
