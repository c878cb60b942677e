import type { ParseArgsOptionsConfig } from "node:util";
import type { Logger } from "../logger.js";

export type OptionValues = Record<string, string | boolean | undefined>;

/** Everything a command may touch from outside, so tests can run commands in-process. */
export interface CliContext {
  values: OptionValues;
  positionals: string[];
  logger: Logger;
  stdout: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop at the next safe point. */
  signal: AbortSignal;
}

export interface Command {
  summary: string;
  /** Options this command takes in addition to the global ones. */
  options: ParseArgsOptionsConfig;
  /** Whether it takes bare arguments (summary's report files); every other command refuses them. */
  takesArguments?: boolean;
  /** Resolves to the exit code; throws SeedlockError for user-facing failures. */
  run(ctx: CliContext): Promise<number>;
}

/** Flags every command understands (DESIGN.md, "CLI"). */
export const GLOBAL_OPTIONS = {
  manifest: { type: "string", default: "assets.yaml" },
  "max-budget-usd": { type: "string" },
  "base-url": { type: "string" },
  json: { type: "boolean", default: false },
  verbose: { type: "boolean", short: "v", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsOptionsConfig;
