import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  createProgress,
  execute,
  perAccepted,
  percent,
  rejectedByReason,
  twoTierSaving,
  usd
} from "./chunk-DIG3EUTH.js";
import {
  parseMaxBudgetUsd,
  renderTable
} from "./chunk-EMGX7NSF.js";
import {
  InputError
} from "./chunk-RUZPBMFR.js";

// src/cli/run.ts
import { join, relative } from "node:path";

// src/report/run-table.ts
var HEADERS = ["asset", "status", "drafts", "accepted", "rejected by reason", "rendered", "spend", "per accepted"];
var ALIGN = ["left", "left", "right", "right", "left", "right", "right", "right"];
function formatRunTable(report, options = {}) {
  const paint = painter(options.color ?? false);
  const rows = report.assets.map((a) => [
    a.id,
    a.status,
    a.drafts,
    a.accepted,
    rejectedByReason(a.rejected),
    a.rendered,
    usd(a.spentUsd),
    perAccepted(a.spentUsd, a.accepted)
  ]);
  const [header = "", rule = "", ...body] = renderTable(HEADERS, rows, { align: ALIGN }).split("\n");
  const lines = [paint("bold", header), paint("dim", rule), ...body.map((line, i) => paint(STATUS_COLOUR[report.assets[i].status], line))];
  if (report.assets.length === 0) lines.push("(no assets)");
  lines.push("", ...totals(report, options, paint));
  return lines.join("\n") + "\n";
}
function totals(report, options, paint) {
  const regenerated = report.assets.reduce((n, a) => n + a.regenerated, 0);
  const ceiling = Number.isFinite(report.ceilingUsd) ? ` of ${usd(report.ceilingUsd)} ceiling` : "";
  const first = `total: ${report.drafts} drafts \xB7 ${report.accepted} accepted \xB7 ${report.rendered} rendered` + (regenerated ? ` \xB7 ${regenerated} regenerated` : "") + ` \xB7 spent ${paint("bold", usd(report.spentUsd))}${ceiling} (estimate ${usd(report.estimatedUsd)})`;
  const rates = [`accept rate ${percent(report.acceptRate)}`, `regen rate ${percent(report.regenRate)}`];
  if (report.costPerAcceptedUsd !== null) rates.push(`${usd(report.costPerAcceptedUsd)} per accepted image`);
  const saving = options.prices ? twoTierSaving(options.prices, report.acceptRate, report.regenRate) : null;
  if (saving !== null) rates.push(`two-tier saves ${percent(saving)} vs final-only`);
  return [first, `rates: ${rates.join(" \xB7 ")}`];
}
var ANSI = { bold: [1, 22], dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39] };
var STATUS_COLOUR = {
  done: "green",
  unchanged: "dim",
  capped: "red",
  budget: "red",
  unavailable: "red",
  interrupted: "yellow"
};
function painter(enabled) {
  return (colour, text) => enabled && colour ? `\x1B[${ANSI[colour][0]}m${text}\x1B[${ANSI[colour][1]}m` : text;
}

// src/cli/settings.ts
import { resolve } from "node:path";
var GENERATE_OPTIONS = {
  concurrency: { type: "string" },
  rpm: { type: "string" },
  "report-dir": { type: "string" },
  shard: { type: "string" }
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
  const concurrency = positiveInteger(text("concurrency"), "--concurrency", "8");
  if (concurrency !== void 0) settings.concurrency = concurrency;
  const rpm = positiveInteger(text("rpm"), "--rpm", "60");
  if (rpm !== void 0) settings.rpm = rpm;
  const reportDir = text("report-dir");
  if (reportDir !== void 0) settings.reportDir = resolve(ctx.cwd, reportDir);
  const shard = text("shard");
  if (shard !== void 0) settings.shard = parseShard(shard);
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
function positiveInteger(raw, name, example) {
  if (raw === void 0) return void 0;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError([{ message: `${name} must be a whole number \u2265 1, not ${JSON.stringify(raw)}`, fix: `for example ${name} ${example}` }]);
  }
  return value;
}
function parseShard(raw) {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) {
    throw new InputError([{ message: `--shard must be i/n with 1 \u2264 i \u2264 n, not ${JSON.stringify(raw)}`, fix: "for example --shard 1/4 in the first of four jobs" }]);
  }
  return { index: i - 1, count: n };
}

// src/cli/run.ts
function generatingCommand(name, summary) {
  return {
    summary,
    options: name === "verify" ? {} : GENERATE_OPTIONS,
    async run(ctx) {
      const report = await runAndPrint(name, ctx);
      return report.exitCode;
    }
  };
}
async function runAndPrint(name, ctx, shownFrom = ctx.cwd) {
  const settings = settingsFromCli(name, ctx);
  const json = ctx.values.json === true;
  const progress = json || name === "verify" ? void 0 : createProgress(process.stderr);
  let report;
  try {
    report = await execute(settings, { logger: ctx.logger, signal: ctx.signal, ...progress ? { progress: (s) => progress.update(s) } : {} });
  } finally {
    progress?.done();
  }
  if (json) {
    ctx.stdout.write(`${JSON.stringify(report)}
`);
  } else {
    if (name !== "verify") ctx.stdout.write(formatRunTable(report, { color: ctx.stdout.isTTY === true }));
    for (const line of whereThingsAre(report, shownFrom)) ctx.stdout.write(`${line}
`);
  }
  if (report.exitCode !== 0 && report.message) ctx.logger.error(report.message);
  return report;
}
function whereThingsAre(report, cwd) {
  const lines = [];
  const outputs = report.assets.flatMap((a) => a.status === "unchanged" ? [] : a.outputs);
  if (report.command === "verify") {
    if (report.exitCode === 0) lines.push(`verified: ${report.assets.reduce((n, a) => n + a.outputs.length, 0)} outputs match the lockfile`);
    return lines;
  }
  if (report.rendered) lines.push(`outputs: ${report.rendered} written (${outputs.slice(0, 3).join(", ")}${outputs.length > 3 ? ", \u2026" : ""})`);
  if (report.reportDir) lines.push(`report:  ${relative(cwd, join(report.reportDir, "report.html")) || "report.html"}`);
  return lines;
}
var runCommand = generatingCommand("run", "draft, screen and render the new, changed and incomplete assets; unchanged ones cost nothing");

export {
  generatingCommand,
  runAndPrint,
  runCommand
};
