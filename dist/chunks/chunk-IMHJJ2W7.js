import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  parseBaseUrl,
  parseBatchMode,
  parseMaxBudgetUsd,
  parseShard,
  parseShardCount,
  parseWaitMinutes,
  refused,
  written
} from "./chunk-5PNXC5KU.js";

// src/cli/settings.ts
import { normalize, resolve } from "node:path";

// src/settings/scheduling.ts
var MAX_CONCURRENCY = 64;
var MAX_RPM = 1e5;
function parseConcurrency(raw, name) {
  return wholeNumber(raw, name, "8", MAX_CONCURRENCY);
}
function parseRpm(raw, name) {
  return wholeNumber(raw, name, "60", MAX_RPM);
}
function wholeNumber(raw, name, example, max) {
  const text = raw.trim();
  const value = text === "" ? NaN : Number(text);
  const fix = `for example ${written(name, example)}`;
  if (!Number.isInteger(value) || value < 1) throw refused(name, `must be a whole number \u2265 1, not ${JSON.stringify(raw)}`, fix);
  if (value > max) throw refused(name, `must be at most ${max}, not ${value}; more calls at once only earn refusals from the service`, fix);
  return value;
}

// src/cli/settings.ts
var GENERATE_OPTIONS = {
  concurrency: { type: "string", value: "N", help: "calls in flight at once (default: the manifest's concurrency, else 16, the ceiling the controller adapts under)" },
  rpm: { type: "string", value: "N", help: "requests per minute to stay under (default: the manifest's rpm, else learnt from the service)" },
  "report-dir": { type: "string", value: "DIR", help: "where report.html, its images and the contact sheets go (default .seedlock/report beside the manifest)" },
  shard: { type: "string", value: "I/N", help: "work on the I-th of N cost-balanced slices of the assets and of the ceiling, e.g. 2/4 in a matrix job" },
  "allow-lower-prices": { type: "boolean", help: "trust the manifest's pricing: even below the built-in prices" },
  "overwrite-untracked": { type: "string", multiple: true, value: "PATH", help: "let the run replace PATH, a file (or folder of files) seedlock did not write; may be given more than once" },
  batch: { type: "string", value: "MODE", help: "off | drafts | finals | all: send those stages through the Batch API at half the price (overrides the manifest's batch:)" },
  wait: { type: "string", value: "MINUTES", help: "with batch jobs out, poll and collect them in this process for up to MINUTES (above 0, at most 1440)" }
};
function settingsFromCli(command, ctx) {
  const v = ctx.values;
  const text = (name) => typeof v[name] === "string" ? v[name] : void 0;
  const typed = text("manifest") ?? "assets.yaml";
  const settings = {
    command,
    manifestPath: resolve(ctx.cwd, typed),
    // Messages name the manifest and its lockfile the way the user typed them.
    manifestDisplayPath: normalize(typed)
  };
  const flag = (name, parse) => {
    const raw = text(name);
    return raw === void 0 ? void 0 : parse(raw, `--${name}`);
  };
  const maxBudgetUsd = flag("max-budget-usd", parseMaxBudgetUsd);
  if (maxBudgetUsd !== void 0) settings.maxBudgetUsd = maxBudgetUsd;
  const baseUrl = flag("base-url", parseBaseUrl) ?? environment(ctx.env, "GOOGLE_GEMINI_BASE_URL", parseBaseUrl);
  if (baseUrl !== void 0) settings.baseUrl = baseUrl;
  const apiKey = nonEmpty(ctx.env.GEMINI_API_KEY);
  if (apiKey !== void 0) settings.apiKey = apiKey;
  const concurrency = flag("concurrency", parseConcurrency);
  if (concurrency !== void 0) settings.concurrency = concurrency;
  const rpm = flag("rpm", parseRpm);
  if (rpm !== void 0) settings.rpm = rpm;
  const reportDir = text("report-dir");
  if (reportDir !== void 0) settings.reportDir = resolve(ctx.cwd, reportDir);
  if (v["allow-lower-prices"] === true) settings.allowLowerPrices = true;
  const overwrite = ctx.values["overwrite-untracked"];
  if (Array.isArray(overwrite) && overwrite.length) settings.overwriteUntracked = overwrite.map((p) => resolve(ctx.cwd, p));
  const shard = flag("shard", parseShard);
  if (shard !== void 0) settings.shard = shard;
  const shards = flag("shards", parseShardCount);
  if (shards !== void 0) settings.shards = shards;
  const batch = flag("batch", parseBatchMode);
  if (batch !== void 0) settings.batch = batch;
  const waitMinutes = flag("wait", parseWaitMinutes);
  if (waitMinutes !== void 0) settings.waitMinutes = waitMinutes;
  return settings;
}
function environment(env, name, parse) {
  const raw = nonEmpty(env[name]);
  return raw === void 0 ? void 0 : parse(raw, name);
}
function nonEmpty(value) {
  return value === void 0 || value.trim() === "" ? void 0 : value.trim();
}

export {
  GENERATE_OPTIONS,
  settingsFromCli
};
