import { resolve } from "node:path";
import { InputError } from "../errors.js";
import { parseMaxBudgetUsd } from "../manifest/ceiling.js";
import { parseBatchMode, parseWaitMinutes } from "../manifest/batch-mode.js";
import { isKnobProblem, parseShard, parseShardCount, type Shard } from "../plan/shard-knobs.js";
import type { CommandName, Settings } from "../pipeline/settings.js";
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
  wait: { type: "string", value: "MINUTES", help: "with batch jobs out, poll and collect them in this process for up to MINUTES" },
};

/**
 * The one place where flags and environment become Settings. Flags win over the environment;
 * the manifest is read later by the core, which lets it lower the budget but never raise it.
 */
export function settingsFromCli(command: CommandName, ctx: CliContext): Settings {
  const v = ctx.values;
  const text = (name: string) => (typeof v[name] === "string" ? (v[name] as string) : undefined);
  const settings: Settings = {
    command,
    manifestPath: resolve(ctx.cwd, text("manifest") ?? "assets.yaml"),
  };
  const maxBudgetUsd = parseMaxBudgetUsd(text("max-budget-usd"));
  if (maxBudgetUsd !== undefined) settings.maxBudgetUsd = maxBudgetUsd;
  const baseUrl = text("base-url") ?? nonEmpty(ctx.env.GOOGLE_GEMINI_BASE_URL);
  if (baseUrl !== undefined) settings.baseUrl = checkUrl(baseUrl, text("base-url") !== undefined ? "--base-url" : "GOOGLE_GEMINI_BASE_URL");
  const apiKey = nonEmpty(ctx.env.GEMINI_API_KEY);
  if (apiKey !== undefined) settings.apiKey = apiKey;
  // The same bounds as the manifest's limits: (schema/manifest.v1.json).
  const concurrency = positiveInteger(text("concurrency"), "--concurrency", "8", 64);
  if (concurrency !== undefined) settings.concurrency = concurrency;
  const rpm = positiveInteger(text("rpm"), "--rpm", "60", 100_000);
  if (rpm !== undefined) settings.rpm = rpm;
  const reportDir = text("report-dir");
  if (reportDir !== undefined) settings.reportDir = resolve(ctx.cwd, reportDir);
  if (v["allow-lower-prices"] === true) settings.allowLowerPrices = true;
  // Paths as the user typed them, from where they stand; the core compares them with what it would write.
  const overwrite = ctx.values["overwrite-untracked"] as unknown;
  if (Array.isArray(overwrite) && overwrite.length) settings.overwriteUntracked = overwrite.map((p: string) => resolve(ctx.cwd, p));
  const shard = text("shard");
  if (shard !== undefined) settings.shard = shardFromCli(shard);
  const batch = parseBatchMode(text("batch"), "--batch");
  if (batch !== undefined) settings.batch = batch;
  const waitMinutes = parseWaitMinutes(text("wait"), "--wait");
  if (waitMinutes !== undefined) settings.waitMinutes = waitMinutes;
  return settings;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function checkUrl(raw: string, name: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new InputError([{ message: `${name} must be an http(s) URL, not ${JSON.stringify(raw)}`, fix: `for example ${name === "--base-url" ? "--base-url " : `${name}=`}http://127.0.0.1:8080 for a local emulator` }]);
  }
  return raw.replace(/\/+$/, "");
}

function positiveInteger(raw: string | undefined, name: string, example: string, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim() === "" ? NaN : Number(raw.trim());
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError([{ message: `${name} must be a whole number ≥ 1, not ${JSON.stringify(raw)}`, fix: `for example ${name} ${example}` }]);
  }
  if (value > max) {
    throw new InputError([{ message: `${name} must be at most ${max}, not ${value}; more calls at once only earn refusals from the service`, fix: `for example ${name} ${example}` }]);
  }
  return value;
}

/** `--shard 2/4`: the second of four shards, so `index` is 1. */
function shardFromCli(raw: string): Shard {
  const shard = parseShard(raw);
  if (isKnobProblem(shard)) throw new InputError([{ path: "--shard", message: shard.problem, fix: shard.fix }]);
  return shard;
}

/** `plan --shards N|auto`; absent stays absent. */
export function shardCountFromCli(raw: string | undefined): number | "auto" | undefined {
  if (raw === undefined) return undefined;
  const count = parseShardCount(raw);
  if (isKnobProblem(count)) throw new InputError([{ path: "--shards", message: count.problem, fix: count.fix }]);
  return count;
}
