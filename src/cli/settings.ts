import { normalize, resolve } from "node:path";
import type { CommandName, Settings } from "../pipeline/settings.js";
import { parseBaseUrl } from "../settings/base-url.js";
import { parseBatchMode, parseWaitMinutes } from "../settings/batch.js";
import { parseMaxBudgetUsd } from "../settings/budget.js";
import { parseConcurrency, parseRpm } from "../settings/scheduling.js";
import { parseShard, parseShardCount } from "../settings/shard.js";
import type { CliContext, FlagTable } from "./command.js";

/** Flags the generating commands take beside the global ones. */
export const GENERATE_OPTIONS: FlagTable = {
  concurrency: { type: "string", value: "N", help: "calls in flight at once (default: the manifest's concurrency, else 16, the ceiling the controller adapts under)" },
  rpm: { type: "string", value: "N", help: "requests per minute to stay under (default: the manifest's rpm, else learnt from the service)" },
  "report-dir": { type: "string", value: "DIR", help: "where report.html, its images and the contact sheets go (default .seedlock/report beside the manifest)" },
  shard: { type: "string", value: "I/N", help: "work on the I-th of N cost-balanced slices of the assets and of the ceiling, e.g. 2/4 in a matrix job" },
  "allow-lower-prices": { type: "boolean", help: "trust the manifest's pricing: even below the built-in prices" },
  "overwrite-untracked": { type: "string", multiple: true, value: "PATH", help: "let the run replace PATH, a file (or folder of files) seedlock did not write; may be given more than once" },
  batch: { type: "string", value: "MODE", help: "off | drafts | finals | all: send those stages through the Batch API at half the price (overrides the manifest's batch:)" },
  wait: { type: "string", value: "MINUTES", help: "with batch jobs out, poll and collect them in this process for up to MINUTES (above 0, at most 1440)" },
};

/**
 * The one place where flags and environment become Settings, each knob read by its parser in
 * src/settings/ (the Action's inputs are read by the same ones). Flags win over the environment;
 * the manifest is read later by the core, which lets it lower the budget but never raise it.
 * A flag given with an empty value is refused like any other bad value; an empty variable is unset.
 */
export function settingsFromCli(command: CommandName, ctx: CliContext): Settings {
  const v = ctx.values;
  const text = (name: string) => (typeof v[name] === "string" ? (v[name] as string) : undefined);
  const typed = text("manifest") ?? "assets.yaml";
  const settings: Settings = {
    command,
    manifestPath: resolve(ctx.cwd, typed),
    // Messages name the manifest and its lockfile the way the user typed them.
    manifestDisplayPath: normalize(typed),
  };
  const flag = <T>(name: string, parse: (raw: string, knob: string) => T): T | undefined => {
    const raw = text(name);
    return raw === undefined ? undefined : parse(raw, `--${name}`);
  };
  const maxBudgetUsd = flag("max-budget-usd", parseMaxBudgetUsd);
  if (maxBudgetUsd !== undefined) settings.maxBudgetUsd = maxBudgetUsd;
  const baseUrl = flag("base-url", parseBaseUrl) ?? environment(ctx.env, "GOOGLE_GEMINI_BASE_URL", parseBaseUrl);
  if (baseUrl !== undefined) settings.baseUrl = baseUrl;
  const apiKey = nonEmpty(ctx.env.GEMINI_API_KEY);
  if (apiKey !== undefined) settings.apiKey = apiKey;
  const concurrency = flag("concurrency", parseConcurrency);
  if (concurrency !== undefined) settings.concurrency = concurrency;
  const rpm = flag("rpm", parseRpm);
  if (rpm !== undefined) settings.rpm = rpm;
  const reportDir = text("report-dir");
  if (reportDir !== undefined) settings.reportDir = resolve(ctx.cwd, reportDir);
  if (v["allow-lower-prices"] === true) settings.allowLowerPrices = true;
  // Paths as the user typed them, from where they stand; the core compares them with what it would write.
  const overwrite = ctx.values["overwrite-untracked"] as unknown;
  if (Array.isArray(overwrite) && overwrite.length) settings.overwriteUntracked = overwrite.map((p: string) => resolve(ctx.cwd, p));
  const shard = flag("shard", parseShard);
  if (shard !== undefined) settings.shard = shard;
  const shards = flag("shards", parseShardCount);
  if (shards !== undefined) settings.shards = shards;
  const batch = flag("batch", parseBatchMode);
  if (batch !== undefined) settings.batch = batch;
  const waitMinutes = flag("wait", parseWaitMinutes);
  if (waitMinutes !== undefined) settings.waitMinutes = waitMinutes;
  return settings;
}

function environment<T>(env: NodeJS.ProcessEnv, name: string, parse: (raw: string, knob: string) => T): T | undefined {
  const raw = nonEmpty(env[name]);
  return raw === undefined ? undefined : parse(raw, name);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
