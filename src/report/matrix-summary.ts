import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ExitCode, InputError } from "../errors.js";
import type { AssetReport, RunReport } from "../run-report.js";
import { runFigures } from "./figures.js";
import { roundUsd } from "../money.js";

/** One shard's line in the matrix's summary. */
export interface ShardLine {
  shard: string;
  exitCode: number;
  assets: number;
  spentUsd: number;
  sliceUsd: number;
  unspentUsd: number;
}

/** What every shard of one matrix did, added up: the one result of the whole matrix. */
export interface MatrixSummary {
  /** Shards in the matrix (the n of i/n). */
  count: number;
  /** The ceiling of the whole matrix; the sum of the shards' spend stays within it. */
  ceilingUsd: number;
  /** Sum of the reported shards' slices. */
  allocatedUsd: number;
  spentUsd: number;
  /** What the shards left of their slices; no shard may spend another's. */
  unspentUsd: number;
  shards: ShardLine[];
  /** Shards of 1..n that left no report (their job failed before writing one, or was not run). */
  missing: string[];
  /** Shards with more than one report (a re-run job): only the last file, by name, is counted. */
  duplicates: string[];
  /** Distinct packings the shards reported: more than one means they started from different commits or ceilings. */
  fingerprints: string[];
  /** The shards' reports as one, asset by asset: totals, rates and the worst exit code. */
  report: RunReport;
}

/** Worst first: a fault, then an interrupt, the provider, invalid input, the budget, attempt caps. */
const SEVERITY: readonly number[] = [ExitCode.fault, ExitCode.interrupted, ExitCode.providerUnavailable, ExitCode.invalidInput, ExitCode.budgetExceeded, ExitCode.attemptCap];

/**
 * Reads the `--json` reports shards wrote (files, or folders searched for `*.json`, as
 * actions/download-artifact lays them out). A file that is not a shard's report is invalid input.
 */
export async function readShardReports(paths: string[]): Promise<{ file: string; report: RunReport }[]> {
  const files: string[] = [];
  for (const path of paths) files.push(...(await jsonFiles(path)));
  if (!files.length) {
    throw new InputError([{ message: `no shard report (*.json) in ${paths.join(", ") || "(nothing given)"}`, fix: "pass the files (or the folder) the shard jobs wrote with --json, e.g. the downloaded artifacts" }]);
  }
  const out: { file: string; report: RunReport }[] = [];
  for (const file of files.sort()) {
    let report: RunReport;
    try {
      report = JSON.parse(await readFile(file, "utf8")) as RunReport;
    } catch (error) {
      throw new InputError([{ path: file, message: `is not JSON: ${(error as Error).message}`, fix: "give the files `seedlock run --shard i/n --json` printed" }]);
    }
    if (!report || typeof report !== "object" || !report.shard || typeof report.shard.shard !== "string" || !Array.isArray(report.assets)) {
      throw new InputError([{ path: file, message: "is not the report of one shard (it has no shard)", fix: "give the --json output of a run started with --shard i/n" }]);
    }
    out.push({ file, report });
  }
  return out;
}

async function jsonFiles(path: string): Promise<string[]> {
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

/** Adds the shards' reports up. Two reports of one shard (a re-run job) keep the last file's, by name. */
export function combineShardReports(reports: { file: string; report: RunReport }[]): MatrixSummary {
  const byShard = new Map<string, RunReport>();
  const duplicates = new Set<string>();
  for (const { report } of [...reports].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    if (byShard.has(report.shard!.shard)) duplicates.add(report.shard!.shard);
    byShard.set(report.shard!.shard, report);
  }
  const ordered = [...byShard.values()].sort((a, b) => shardIndex(a) - shardIndex(b));
  const count = Math.max(...ordered.map((r) => Number(r.shard!.shard.split("/")[1])));
  const seen = new Set(ordered.map((r) => r.shard!.shard));
  const missing = Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter((label) => !seen.has(label));
  const fingerprints = [...new Set(ordered.map((r) => r.shard!.fingerprint))];

  const assets: AssetReport[] = ordered.flatMap((r) => r.assets);
  const sum = (pick: (r: RunReport) => number) => roundUsd(ordered.reduce((n, r) => n + pick(r), 0));
  const drafts = sum((r) => r.drafts);
  const accepted = sum((r) => r.accepted);
  const rendered = sum((r) => r.rendered);
  const regenerated = roundUsd(ordered.reduce((n, r) => n + (r.regenRate ?? 0) * r.drafts, 0));
  const spentUsd = sum((r) => r.spentUsd);
  const codes = [...ordered.map((r) => r.exitCode), ...(missing.length ? [ExitCode.fault] : [])].filter((c) => c !== ExitCode.ok);
  const exitCode = codes.length ? (SEVERITY.find((c) => codes.includes(c)) ?? codes[0]!) : ExitCode.ok;
  const ceilingUsd = Math.max(...ordered.map((r) => r.shard!.matrixCeilingUsd));
  const first = ordered[0]!;

  const report: RunReport = {
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
    ...(exitCode !== ExitCode.ok ? { message: matrixMessage(ordered, missing) } : {}),
  };
  return {
    count,
    ceilingUsd,
    allocatedUsd: sum((r) => r.shard!.sliceUsd),
    spentUsd,
    unspentUsd: sum((r) => r.shard!.unspentUsd),
    shards: ordered.map((r) => ({
      shard: r.shard!.shard,
      exitCode: r.exitCode,
      assets: r.shard!.assets.length,
      spentUsd: r.spentUsd,
      sliceUsd: r.shard!.sliceUsd,
      unspentUsd: r.shard!.unspentUsd,
      ...(r.message ? { message: r.message } : {}),
    })),
    missing,
    duplicates: [...duplicates],
    fingerprints,
    report,
  };
}

function matrixMessage(ordered: RunReport[], missing: string[]): string {
  const failed = ordered.filter((r) => r.exitCode !== ExitCode.ok).map((r) => `shard ${r.shard!.shard} exited ${r.exitCode}${r.message ? ` (${r.message})` : ""}`);
  const gone = missing.length ? [`no report from shard${missing.length === 1 ? "" : "s"} ${missing.join(", ")}: its job failed before writing one, and its spend is not counted here (it was held to its slice)`] : [];
  return [...failed, ...gone].join("; ");
}

function shardIndex(report: RunReport): number {
  return Number(report.shard!.shard.split("/")[0]);
}
