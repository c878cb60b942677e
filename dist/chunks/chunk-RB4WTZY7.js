import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  runFigures
} from "./chunk-7IEQLHW7.js";
import {
  roundUsd
} from "./chunk-4XIAYHCN.js";
import {
  ExitCode,
  InputError
} from "./chunk-CBOTSRC4.js";

// src/report/matrix-summary.ts
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
var SEVERITY = [ExitCode.fault, ExitCode.interrupted, ExitCode.providerUnavailable, ExitCode.invalidInput, ExitCode.budgetExceeded, ExitCode.attemptCap];
async function readShardReports(paths) {
  const files = [];
  for (const path of paths) files.push(...await jsonFiles(path));
  if (!files.length) {
    throw new InputError([{ message: `no shard report (*.json) in ${paths.join(", ") || "(nothing given)"}`, fix: "pass the files (or the folder) the shard jobs wrote with --json, e.g. the downloaded artifacts" }]);
  }
  const out = [];
  for (const file of files.sort()) {
    let report;
    try {
      report = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new InputError([{ path: file, message: `is not JSON: ${error.message}`, fix: "give the files `seedlock run --shard i/n --json` printed" }]);
    }
    if (!report || typeof report !== "object" || !report.shard || typeof report.shard.shard !== "string" || !Array.isArray(report.assets)) {
      throw new InputError([{ path: file, message: "is not the report of one shard (it has no shard)", fix: "give the --json output of a run started with --shard i/n" }]);
    }
    out.push({ file, report });
  }
  return out;
}
async function jsonFiles(path) {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError([{ path, message: "does not exist", fix: "give the files (or the folder) holding the shards' reports" }]);
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".json")).map((e) => join(e.parentPath, e.name));
}
function combineShardReports(reports) {
  const byShard = /* @__PURE__ */ new Map();
  const duplicates = /* @__PURE__ */ new Set();
  for (const { report: report2 } of [...reports].sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) {
    if (byShard.has(report2.shard.shard)) duplicates.add(report2.shard.shard);
    byShard.set(report2.shard.shard, report2);
  }
  const ordered = [...byShard.values()].sort((a, b) => shardIndex(a) - shardIndex(b));
  const count = Math.max(...ordered.map((r) => Number(r.shard.shard.split("/")[1])));
  const seen = new Set(ordered.map((r) => r.shard.shard));
  const missing = Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter((label) => !seen.has(label));
  const fingerprints = [...new Set(ordered.map((r) => r.shard.fingerprint))];
  const assets = ordered.flatMap((r) => r.assets);
  const sum = (pick) => roundUsd(ordered.reduce((n, r) => n + pick(r), 0));
  const drafts = sum((r) => r.drafts);
  const accepted = sum((r) => r.accepted);
  const rendered = sum((r) => r.rendered);
  const regenerated = roundUsd(ordered.reduce((n, r) => n + (r.regenRate ?? 0) * r.drafts, 0));
  const spentUsd = sum((r) => r.spentUsd);
  const codes = [...ordered.map((r) => r.exitCode), ...missing.length ? [ExitCode.fault] : []].filter((c) => c !== ExitCode.ok);
  const exitCode = codes.length ? SEVERITY.find((c) => codes.includes(c)) ?? codes[0] : ExitCode.ok;
  const ceilingUsd = Math.max(...ordered.map((r) => r.shard.matrixCeilingUsd));
  const first = ordered[0];
  const report = {
    command: first.command,
    spentUsd,
    estimatedUsd: sum((r) => r.estimatedUsd),
    ceilingUsd,
    drafts,
    accepted,
    rendered,
    // Shards from before rejectedDrafts existed count as 0 rather than guessing from reasons.
    rejectedDrafts: sum((r) => r.rejectedDrafts ?? 0),
    ...runFigures({ spentUsd, drafts, rendered, accepted, regenerated, assets }),
    changedAssets: ordered.flatMap((r) => r.changedAssets),
    assets,
    exitCode,
    ...exitCode !== ExitCode.ok ? { message: matrixMessage(ordered, missing) } : {}
  };
  return {
    count,
    ceilingUsd,
    allocatedUsd: sum((r) => r.shard.sliceUsd),
    spentUsd,
    unspentUsd: sum((r) => r.shard.unspentUsd),
    shards: ordered.map((r) => ({
      shard: r.shard.shard,
      exitCode: r.exitCode,
      assets: r.shard.assets.length,
      spentUsd: r.spentUsd,
      sliceUsd: r.shard.sliceUsd,
      unspentUsd: r.shard.unspentUsd,
      ...r.message ? { message: r.message } : {}
    })),
    missing,
    duplicates: [...duplicates],
    fingerprints,
    report
  };
}
function matrixMessage(ordered, missing) {
  const failed = ordered.filter((r) => r.exitCode !== ExitCode.ok).map((r) => `shard ${r.shard.shard} exited ${r.exitCode}${r.message ? ` (${r.message})` : ""}`);
  const gone = missing.length ? [`no report from shard${missing.length === 1 ? "" : "s"} ${missing.join(", ")}: its job failed before writing one, and its spend is not counted here (it was held to its slice)`] : [];
  return [...failed, ...gone].join("; ");
}
function shardIndex(report) {
  return Number(report.shard.shard.split("/")[0]);
}

export {
  readShardReports,
  combineShardReports
};
