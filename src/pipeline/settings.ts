import type { Logger } from "../logger.js";
import type { ImageProvider } from "../provider/provider.js";
import type { ProgressSnapshot } from "./result.js";

export type CommandName = "plan" | "preview" | "run" | "render" | "verify";

/**
 * One typed settings object per invocation, built in one place by the CLI (flags + env) or the
 * Action (inputs), validated once. The core reads nothing else.
 */
export interface Settings {
  command: CommandName;
  /** Absolute path of assets.yaml. */
  manifestPath: string;
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
  /** Run only this shard of the work list: assets whose index % count === index. */
  shard?: { index: number; count: number };
  /** Where report.html and contact sheets go; default `.seedlock/report` beside the manifest. */
  reportDir?: string;
  /** Overrides of the manifest's scheduling knobs. */
  concurrency?: number;
  rpm?: number;
}

/** Side effects the core takes from its caller, so CLI, Action and tests wire their own. */
export interface Dependencies {
  logger: Logger;
  /** When absent the core builds the Gemini provider from settings.apiKey / baseUrl. */
  provider?: ImageProvider;
  progress?: (snapshot: ProgressSnapshot) => void;
  signal?: AbortSignal;
  now?: () => number;
}
