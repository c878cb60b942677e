import { repositoryPathProblem } from "../disk/repository-path.js";
import { show, type Finding, type PathSegment } from "../yaml/source.js";

/**
 * Everything wrong with a parsed lockfile, in the same words the manifest's schema errors use.
 * Written by hand rather than as a JSON Schema: a lockfile holds tens of thousands of records,
 * and a plan must not spend its time compiling and running a general validator over them.
 * Entries may carry keys a newer seedlock added; they are kept, not reported.
 */
export function lockfileFindings(data: unknown): Finding[] {
  const out: Finding[] = [];
  if (!isMap(data)) {
    out.push({ path: [], message: `the lockfile must be a mapping of version, stats and assets, not ${show(data)}` });
    return out;
  }
  needs(data, [], ["version", "stats", "assets"], out, "the lockfile ");
  for (const key of Object.keys(data)) {
    if (key !== "version" && key !== "stats" && key !== "assets" && key !== "batches") out.push({ path: [key], at: "key", message: "is not a key seedlock writes here" });
  }
  if (data.version !== undefined && data.version !== 1) out.push({ path: ["version"], message: `must be 1, not ${show(data.version)}` });
  if (data.stats !== undefined) {
    if (!isMap(data.stats)) out.push({ path: ["stats"], message: `must be a mapping (key: value lines), not ${show(data.stats)}` });
    else {
      needs(data.stats, ["stats"], ["drafts", "accepted", "rejected", "regenerated", "rendered", "spentUsd"], out);
      for (const k of ["drafts", "accepted", "rejected", "regenerated", "rendered"]) count(data.stats, ["stats"], k, out);
      usd(data.stats, ["stats"], "spentUsd", out);
    }
  }
  if (data.batches !== undefined) checkBatches(data.batches, out);
  if (data.assets === undefined) return out;
  if (!isMap(data.assets)) {
    out.push({ path: ["assets"], message: `must be a mapping of asset ids, not ${show(data.assets)}` });
    return out;
  }
  for (const [id, entry] of Object.entries(data.assets)) {
    const at: PathSegment[] = ["assets", id];
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) out.push({ path: at, at: "key", message: "is not an asset id (lower-case letters, digits and dashes)" });
    if (!isMap(entry)) {
      out.push({ path: at, message: `must be a mapping, not ${show(entry)}` });
      continue;
    }
    checkEntry(entry, at, out);
  }
  return out;
}

function checkBatches(batches: unknown, out: Finding[]): void {
  if (!isMap(batches)) {
    out.push({ path: ["batches"], message: `must be a mapping of batch jobs by display name, not ${show(batches)}` });
    return;
  }
  for (const [displayName, job] of Object.entries(batches)) {
    const at: PathSegment[] = ["batches", displayName];
    if (!isMap(job)) {
      out.push({ path: at, message: `must be a mapping, not ${show(job)}` });
      continue;
    }
    needs(job, at, ["model", "stage", "submittedAt", "reservedUsd", "requests"], out);
    if (job.name !== undefined) text(job, at, "name", out);
    text(job, at, "model", out);
    if (job.stage !== undefined && job.stage !== "draft" && job.stage !== "final") out.push({ path: [...at, "stage"], message: `must be draft or final, not ${show(job.stage)}` });
    usd(job, at, "reservedUsd", out);
    list(job, at, "requests", out, (request, path) => {
      needs(request, path, ["key", "asset", "seed", "stage", "inputHash", "reservedUsd"], out);
      text(request, path, "key", out);
      text(request, path, "asset", out);
      integer(request, path, "seed", out, 0, 2147483647);
      usd(request, path, "reservedUsd", out);
    });
  }
}

function checkEntry(entry: Record<string, unknown>, at: PathSegment[], out: Finding[]): void {
  needs(entry, at, ["inputHash", "prompt", "models", "seeds", "outputs", "spentUsd"], out);
  if (entry.inputHash !== undefined && !(typeof entry.inputHash === "string" && /^sha256:[0-9a-f]{64}$/.test(entry.inputHash))) {
    out.push({ path: [...at, "inputHash"], message: `must be 'sha256:' followed by 64 lower-case hexadecimal digits, not ${show(entry.inputHash)}` });
  }
  text(entry, at, "prompt", out);
  usd(entry, at, "spentUsd", out);
  count(entry, at, "surplus", out);
  if (entry.tier !== undefined) {
    const tier = entry.tier;
    if (!isMap(tier) || (tier.chosen !== "two-tier" && tier.chosen !== "final-only") || !isText(tier.reason)) {
      out.push({ path: [...at, "tier"], message: `must be a mapping of chosen (two-tier or final-only) and reason, not ${show(tier)}` });
    }
  }
  if (entry.models !== undefined) {
    const models = entry.models;
    if (!isMap(models)) out.push({ path: [...at, "models"], message: `must be a mapping of draft, final and judge, not ${show(models)}` });
    else {
      needs(models, [...at, "models"], ["draft", "final"], out);
      for (const role of ["draft", "final", "judge"]) text(models, [...at, "models"], role, out);
    }
  }
  list(entry, at, "seeds", out, (seed, path) => {
    needs(seed, path, SEED_KEYS, out);
    integer(seed, path, "seed", out, 0, 2147483647);
    text(seed, path, "model", out);
    if (seed.status !== undefined && !STATUSES.has(seed.status as string)) {
      out.push({ path: [...path, "status"], message: `must be one of accepted, rejected, rendered, failed, not ${show(seed.status)}` });
    }
    if (seed.reasons !== undefined && !(Array.isArray(seed.reasons) && seed.reasons.every(isText))) {
      out.push({ path: [...path, "reasons"], message: `must be a list of text, not ${show(seed.reasons)}` });
    }
    if (seed.phash !== undefined && !(typeof seed.phash === "string" && /^[0-9a-f]{16}$/.test(seed.phash))) {
      out.push({ path: [...path, "phash"], message: `must be 16 lower-case hexadecimal digits, not ${show(seed.phash)}` });
    }
    if (seed.draft !== undefined) relativePath(seed, path, "draft", out);
    if (seed.judgeScore !== undefined) number(seed, path, "judgeScore", out, 0, 10);
    if (seed.regenerated !== undefined) count(seed, path, "regenerated", out);
    usd(seed, path, "costUsd", out);
  });
  list(entry, at, "outputs", out, (output, path) => {
    needs(output, path, OUTPUT_KEYS, out);
    relativePath(output, path, "path", out);
    if (output.sha256 !== undefined && !(typeof output.sha256 === "string" && /^[0-9a-f]{64}$/.test(output.sha256))) {
      out.push({ path: [...path, "sha256"], message: `must be 64 lower-case hexadecimal digits, not ${show(output.sha256)}` });
    }
    integer(output, path, "seed", out, 0, 2147483647);
    text(output, path, "model", out);
    integer(output, path, "width", out, 1);
    integer(output, path, "height", out, 1);
    count(output, path, "bytes", out);
    if (output.undersized !== undefined && typeof output.undersized !== "boolean") {
      out.push({ path: [...path, "undersized"], message: `must be true or false, not ${show(output.undersized)}` });
    }
    for (const key of ["answered", "asked"] as const) {
      if (output[key] !== undefined && !(typeof output[key] === "string" && /^\d+x\d+$/.test(output[key] as string))) {
        out.push({ path: [...path, key], message: `must be a pixel size like 1376x768, not ${show(output[key])}` });
      }
    }
  });
  // A seed is paid for once; a second record of it means two runs were stitched together badly.
  if (Array.isArray(entry.seeds)) {
    const seen = new Set<unknown>();
    entry.seeds.forEach((record, i) => {
      const seed = isMap(record) ? record.seed : undefined;
      if (typeof seed !== "number") return;
      if (seen.has(seed)) out.push({ path: [...at, "seeds", i, "seed"], message: `records seed ${seed} a second time` });
      seen.add(seed);
    });
  }
}

const SEED_KEYS = ["seed", "model", "status", "costUsd"] as const;
const OUTPUT_KEYS = ["path", "sha256", "seed", "model", "width", "height", "bytes"] as const;
const STATUSES = new Set(["accepted", "rejected", "rendered", "failed"]);

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function needs(map: Record<string, unknown>, path: PathSegment[], keys: readonly string[], out: Finding[], subject = ""): void {
  let complete = true;
  for (const k of keys) if (map[k] === undefined) complete = false;
  if (complete) return;
  const missing = keys.filter((k) => map[k] === undefined);
  const quoted = missing.map((k) => `'${k}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
  out.push({ path, message: `${subject}needs ${list}` });
}

function list(map: Record<string, unknown>, at: PathSegment[], key: string, out: Finding[], each: (item: Record<string, unknown>, path: PathSegment[]) => void): void {
  const value = map[key];
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    out.push({ path: [...at, key], message: `must be a list, not ${show(value)}` });
    return;
  }
  value.forEach((item, i) => {
    if (isMap(item)) each(item, [...at, key, i]);
    else out.push({ path: [...at, key, i], message: `must be a mapping, not ${show(item)}` });
  });
}

function isText(value: unknown): boolean {
  return typeof value === "string";
}

function text(map: Record<string, unknown>, at: PathSegment[], key: string, out: Finding[]): void {
  const value = map[key];
  if (value !== undefined && typeof value !== "string") out.push({ path: [...at, key], message: `must be text, not ${show(value)}` });
}

function number(map: Record<string, unknown>, at: PathSegment[], key: string, out: Finding[], min: number, max = Infinity): void {
  const value = map[key];
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value)) out.push({ path: [...at, key], message: `must be a number, not ${show(value)}` });
  else if (value < min) out.push({ path: [...at, key], message: `must be a number ≥ ${min}, not ${value}` });
  else if (value > max) out.push({ path: [...at, key], message: `must be a number ≤ ${max}, not ${value}` });
}

function integer(map: Record<string, unknown>, at: PathSegment[], key: string, out: Finding[], min: number, max = Infinity): void {
  const value = map[key];
  if (value === undefined) return;
  if (!Number.isInteger(value)) out.push({ path: [...at, key], message: `must be an integer, not ${show(value)}` });
  else if ((value as number) < min) out.push({ path: [...at, key], message: `must be an integer ≥ ${min}, not ${value}` });
  else if ((value as number) > max) out.push({ path: [...at, key], message: `must be an integer ≤ ${max}, not ${value}` });
}

function count(map: Record<string, unknown>, at: PathSegment[], key: string, out: Finding[]): void {
  integer(map, at, key, out, 0);
}

function usd(map: Record<string, unknown>, at: PathSegment[], key: string, out: Finding[]): void {
  number(map, at, key, out, 0);
}

/** A path the lockfile points at must stay inside the repository: it is read (hashed) by plan. */
function relativePath(map: Record<string, unknown>, at: PathSegment[], key: string, out: Finding[]): void {
  const value = map[key];
  if (value === undefined) return;
  if (typeof value !== "string" || value === "") {
    out.push({ path: [...at, key], message: `must be a path relative to the repository, not ${show(value)}` });
    return;
  }
  if (value.startsWith("/") || /^[A-Za-z]:/.test(value) || value.includes("\\") || climbsOut(value)) {
    out.push({ path: [...at, key], message: `is ${JSON.stringify(value)}, outside the repository` });
    return;
  }
  const problem = repositoryPathProblem(value);
  if (problem) out.push({ path: [...at, key], message: `is ${JSON.stringify(value)}, which ${problem}` });
}

function climbsOut(path: string): boolean {
  if (!path.includes("..")) return false;
  let depth = 0;
  for (const part of path.split("/")) {
    if (part === "..") depth--;
    else if (part !== "." && part !== "") depth++;
    if (depth < 0) return true;
  }
  return false;
}
