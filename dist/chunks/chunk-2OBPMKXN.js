import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  isKnobProblem,
  parseBatchMode,
  parseMaxBudgetUsd,
  parseShard,
  parseShardCount,
  parseWaitMinutes
} from "./chunk-KTQQCZLI.js";
import {
  InputError
} from "./chunk-BYMAINSJ.js";

// src/cli/settings.ts
import { resolve } from "node:path";
var GENERATE_OPTIONS = {
  concurrency: { type: "string", value: "N", help: "calls in flight at once (default: the manifest's concurrency, else 16, the ceiling the controller adapts under)" },
  rpm: { type: "string", value: "N", help: "requests per minute to stay under (default: the manifest's rpm, else learnt from the service)" },
  "report-dir": { type: "string", value: "DIR", help: "where report.html, its images and the contact sheets go (default .seedlock/report beside the manifest)" },
  shard: { type: "string", value: "I/N", help: "work on the I-th of N cost-balanced slices of the assets and of the ceiling, e.g. 2/4 in a matrix job" },
  "allow-lower-prices": { type: "boolean", help: "trust the manifest's pricing: even below the built-in prices" },
  "overwrite-untracked": { type: "string", multiple: true, value: "PATH", help: "let the run replace PATH, a file (or folder of files) seedlock did not write; may be given more than once" },
  batch: { type: "string", value: "MODE", help: "off | drafts | finals | all: send those stages through the Batch API at half the price (overrides the manifest's batch:)" },
  wait: { type: "string", value: "MINUTES", help: "with batch jobs out, poll and collect them in this process for up to MINUTES" }
};
function settingsFromCli(command, ctx) {
  const v = ctx.values;
  const text = (name) => typeof v[name] === "string" ? v[name] : void 0;
  const settings = {
    command,
    manifestPath: resolve(ctx.cwd, text("manifest") ?? "assets.yaml")
  };
  const maxBudgetUsd = parseMaxBudgetUsd(text("max-budget-usd"));
  if (maxBudgetUsd !== void 0) settings.maxBudgetUsd = maxBudgetUsd;
  const baseUrl = text("base-url") ?? nonEmpty(ctx.env.GOOGLE_GEMINI_BASE_URL);
  if (baseUrl !== void 0) settings.baseUrl = checkUrl(baseUrl, text("base-url") !== void 0 ? "--base-url" : "GOOGLE_GEMINI_BASE_URL");
  const apiKey = nonEmpty(ctx.env.GEMINI_API_KEY);
  if (apiKey !== void 0) settings.apiKey = apiKey;
  const concurrency = positiveInteger(text("concurrency"), "--concurrency", "8", 64);
  if (concurrency !== void 0) settings.concurrency = concurrency;
  const rpm = positiveInteger(text("rpm"), "--rpm", "60", 1e5);
  if (rpm !== void 0) settings.rpm = rpm;
  const reportDir = text("report-dir");
  if (reportDir !== void 0) settings.reportDir = resolve(ctx.cwd, reportDir);
  if (v["allow-lower-prices"] === true) settings.allowLowerPrices = true;
  const overwrite = ctx.values["overwrite-untracked"];
  if (Array.isArray(overwrite) && overwrite.length) settings.overwriteUntracked = overwrite.map((p) => resolve(ctx.cwd, p));
  const shard = text("shard");
  if (shard !== void 0) settings.shard = shardFromCli(shard);
  const batch = parseBatchMode(text("batch"), "--batch");
  if (batch !== void 0) settings.batch = batch;
  const waitMinutes = parseWaitMinutes(text("wait"), "--wait");
  if (waitMinutes !== void 0) settings.waitMinutes = waitMinutes;
  return settings;
}
function nonEmpty(value) {
  return value === void 0 || value.trim() === "" ? void 0 : value.trim();
}
function checkUrl(raw, name) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    url = void 0;
  }
  if (!url || url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InputError([{ message: `${name} must be an http(s) URL, not ${JSON.stringify(raw)}`, fix: `for example ${name === "--base-url" ? "--base-url " : `${name}=`}http://127.0.0.1:8080 for a local emulator` }]);
  }
  return raw.replace(/\/+$/, "");
}
function positiveInteger(raw, name, example, max) {
  if (raw === void 0) return void 0;
  const value = raw.trim() === "" ? NaN : Number(raw.trim());
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError([{ message: `${name} must be a whole number \u2265 1, not ${JSON.stringify(raw)}`, fix: `for example ${name} ${example}` }]);
  }
  if (value > max) {
    throw new InputError([{ message: `${name} must be at most ${max}, not ${value}; more calls at once only earn refusals from the service`, fix: `for example ${name} ${example}` }]);
  }
  return value;
}
function shardFromCli(raw) {
  const shard = parseShard(raw);
  if (isKnobProblem(shard)) throw new InputError([{ path: "--shard", message: shard.problem, fix: shard.fix }]);
  return shard;
}
function shardCountFromCli(raw) {
  if (raw === void 0) return void 0;
  const count = parseShardCount(raw);
  if (isKnobProblem(count)) throw new InputError([{ path: "--shards", message: count.problem, fix: count.fix }]);
  return count;
}

export {
  GENERATE_OPTIONS,
  settingsFromCli,
  shardCountFromCli
};
