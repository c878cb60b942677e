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

/**
 * One flag, described once: parseArgs reads its type, short name and default, and `seedlock help`
 * prints its value placeholder and help text. Adding a flag is adding one of these.
 */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  default?: string | boolean;
  /** May be given more than once; the values come as a list. */
  multiple?: boolean;
  /** Placeholder for the value in help, e.g. `N`, `PATH`, `URL`. */
  value?: string;
  /** One sentence for `--help`: what it does, its range, its default when that is not obvious. */
  help: string;
}

export type FlagTable = Record<string, FlagSpec>;

export interface Command {
  summary: string;
  /** Positional arguments after the command, for the usage line, e.g. `BASE OURS THEIRS`. */
  usage?: string;
  /** Further paragraphs for `seedlock help <command>`. */
  details?: string[];
  /** Flags this command takes in addition to the global ones. */
  options: FlagTable;
  /** Whether it takes bare arguments (summary's report files); every other command refuses them. */
  takesArguments?: boolean;
  /** Resolves to the exit code; throws SeedlockError for user-facing failures. */
  run(ctx: CliContext): Promise<number>;
}

/** Flags every command understands (DESIGN.md, "CLI"). */
export const GLOBAL_OPTIONS: FlagTable = {
  manifest: { type: "string", default: "assets.yaml", value: "PATH", help: "the asset manifest; its lockfile is the .lock.yaml beside it" },
  "max-budget-usd": { type: "string", value: "N", help: "a ceiling in USD for this run, a plain number ≥ 0 such as 5 or 0.50 (0 spends nothing: any command with work to pay for exits 3 before its first call); lowers the manifest's budget.maxUsd, never raises it" },
  "base-url": { type: "string", value: "URL", help: "the Gemini API's base URL, an http(s) URL (default: GOOGLE_GEMINI_BASE_URL, else Google's), e.g. a local `seedlock emulate`" },
  json: { type: "boolean", default: false, help: "print one JSON object on stdout (schema/run-result.v1.json) instead of the table" },
  verbose: { type: "boolean", short: "v", default: false, help: "log every call and retry on stderr" },
  help: { type: "boolean", short: "h", default: false, help: "show this help and exit" },
  version: { type: "boolean", default: false, help: "print seedlock's version and exit" },
};

/** The parseArgs view of flag tables: what it needs, without the help text. */
export function parseArgsOptions(...tables: FlagTable[]): ParseArgsOptionsConfig {
  const options: ParseArgsOptionsConfig = {};
  for (const table of tables) {
    for (const [name, flag] of Object.entries(table)) {
      options[name] = {
        type: flag.type,
        ...(flag.short ? { short: flag.short } : {}),
        ...(flag.multiple ? { multiple: true } : {}),
        ...(flag.default !== undefined ? { default: flag.default } : {}),
      } as ParseArgsOptionsConfig[string];
    }
  }
  return options;
}
