import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  mergeLockfiles
} from "./chunk-RLA37S77.js";
import {
  BOT
} from "./chunk-DXY4RWES.js";
import {
  PathRefusedError,
  RepositoryFolder,
  emptyLockfile,
  formatLockfile,
  parseLockfile,
  readLockfile,
  repositoryPathProblem
} from "./chunk-YPSSUEOW.js";
import {
  formatUsd
} from "./chunk-4XIAYHCN.js";
import {
  sleep
} from "./chunk-P5UZNSPX.js";

// src/action/git.ts
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
var GitError = class extends Error {
  constructor(args, result) {
    super(`git ${args[0]} failed (exit ${result.code}): ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
    this.args = args;
    this.result = result;
    this.name = "GitError";
  }
  args;
  result;
};
var PushRefusedError = class extends Error {
  constructor(branch, reason) {
    super(`pushing to ${branch} was refused: ${reason}`);
    this.branch = branch;
    this.reason = reason;
    this.name = "PushRefusedError";
  }
  branch;
  reason;
};
var GitCli = class {
  constructor(cwd) {
    this.cwd = cwd;
  }
  cwd;
  exec(args, call = {}) {
    return new Promise((resolve, reject) => {
      const child = execFile(
        "git",
        args,
        {
          cwd: this.cwd,
          env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...call.env },
          maxBuffer: 64 * 1024 * 1024,
          encoding: "utf8"
        },
        (err, stdout, stderr) => {
          const code = err ? typeof err.code === "number" ? err.code : 1 : 0;
          if (err && typeof err.code === "string") return reject(err);
          const result = { code, stdout, stderr };
          if (code !== 0 && !call.allowFailure) return reject(new GitError(args, result));
          resolve(result);
        }
      );
      if (call.input !== void 0) child.stdin?.end(call.input);
      else child.stdin?.end();
    });
  }
};
var EMPTY_BLOB_MODE = "0 0000000000000000000000000000000000000000";
async function landCommit(git, request, options = {}) {
  const maxAttempts = options.maxAttempts ?? 5;
  const pause = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  for (const file of [...request.files.map((f) => f.path), ...request.lockfile ? [request.lockfile.path] : []]) {
    const problem = repositoryPathProblem(file);
    if (problem) throw new PathRefusedError(`refusing to commit ${JSON.stringify(file)}: it ${problem}`, file);
  }
  const blobs = await hashFiles(git, request.files);
  const lockPath = request.lockfile?.path;
  const ours = lockPath ? await lockfileSource(request.files, lockPath) : null;
  const base = lockPath && request.startedFrom ? await show(git, request.startedFrom, lockPath) : null;
  const scratch = await mkdtemp(join(tmpdir(), "seedlock-index-"));
  try {
    for (let attempt = 1; ; attempt++) {
      const tip = await fetchTip(git, request.branch);
      const env = { GIT_INDEX_FILE: join(scratch, `index-${attempt}`) };
      await git.exec(tip ? ["read-tree", tip] : ["read-tree", "--empty"], { env });
      if (request.replaceFolder) {
        await git.exec(["rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--", request.replaceFolder], { env });
      }
      const lines = request.files.map((f) => {
        const blob = blobs.get(f.path);
        return blob ? `100644 ${blob}	${f.path}` : `${EMPTY_BLOB_MODE}	${f.path}`;
      });
      let merged = false;
      if (lockPath && ours !== null && tip && tip !== request.startedFrom) {
        const theirs = await show(git, tip, lockPath);
        if (theirs !== null && theirs !== base && theirs !== ours) {
          const text = await request.lockfile.merge(base, ours, theirs);
          const blob = (await git.exec(["hash-object", "-w", "--stdin"], { input: text })).stdout.trim();
          lines.push(`100644 ${blob}	${lockPath}`);
          merged = true;
        }
      }
      if (lines.length) await git.exec(["update-index", "-z", "--index-info"], { env, input: lines.map((line) => `${line}\0`).join("") });
      const tree = (await git.exec(["write-tree"], { env })).stdout.trim();
      if (tip && tree === (await git.exec(["rev-parse", `${tip}^{tree}`])).stdout.trim()) return { commit: null, attempts: attempt, tip };
      const commit = (await git.exec(["commit-tree", tree, ...tip ? ["-p", tip] : [], "-F", "-"], {
        input: request.message,
        env: {
          GIT_AUTHOR_NAME: BOT.name,
          GIT_AUTHOR_EMAIL: BOT.email,
          GIT_COMMITTER_NAME: BOT.name,
          GIT_COMMITTER_EMAIL: BOT.email
        }
      })).stdout.trim();
      const pushed = await push(git, commit, request.branch);
      if (pushed === "ok") return { commit, attempts: attempt, merged };
      if (attempt >= maxAttempts) {
        throw new PushRefusedError(request.branch, `the branch moved on ${attempt} times while seedlock tried to push; rerun the job`);
      }
      options.onRetry?.(attempt, pushed);
      await pause(Math.min(4e3, 250 * 2 ** (attempt - 1)) * (0.5 + random()));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
async function syncWorkTree(git, from, commit, branch) {
  const changed = (await git.exec(["diff", "--name-only", "-z", from, commit])).stdout.split("\0").filter(Boolean);
  await git.exec(["reset", "--quiet", commit]);
  if (changed.length) {
    const present = (await git.exec(["ls-tree", "-r", "--name-only", "-z", commit, "--", ...changed])).stdout.split("\0").filter(Boolean);
    if (present.length) await git.exec(["checkout", commit, "--", ...present]);
  }
  await git.exec(["update-ref", `refs/remotes/origin/${branch}`, commit]);
}
async function headCommit(git) {
  const r = await git.exec(["rev-parse", "--verify", "-q", "HEAD"], { allowFailure: true });
  return r.code === 0 ? r.stdout.trim() : null;
}
async function topLevel(git) {
  return (await git.exec(["rev-parse", "--show-toplevel"])).stdout.trim();
}
async function show(git, rev, path) {
  const r = await git.exec(["show", `${rev}:${path}`], { allowFailure: true });
  return r.code === 0 ? r.stdout : null;
}
async function fetchTip(git, branch) {
  const r = await git.exec(["fetch", "--quiet", "--no-tags", "origin", `refs/heads/${branch}`], { allowFailure: true });
  if (r.code !== 0) {
    if (/couldn't find remote ref/i.test(r.stderr)) return null;
    throw new GitError(["fetch", "origin", branch], r);
  }
  return (await git.exec(["rev-parse", "FETCH_HEAD"])).stdout.trim();
}
async function push(git, commit, branch) {
  const r = await git.exec(["push", "--porcelain", "--no-verify", "origin", `${commit}:refs/heads/${branch}`], { allowFailure: true });
  if (r.code === 0) return "ok";
  const line = r.stdout.split("\n").find((l) => l.startsWith("!")) ?? "";
  if (/\[rejected\]/.test(line)) return line.split("	").pop() ?? "rejected";
  const reason = /\[remote rejected\]\s*\((.*)\)\s*$/.exec(line)?.[1] ?? lastLine(r.stderr);
  if (/failed to update ref|cannot lock ref|failed to lock|incorrect old value|unable to update local ref/i.test(reason)) return `[remote rejected] (${reason})`;
  throw new PushRefusedError(branch, reason);
}
function lastLine(text) {
  const lines = text.trim().split("\n").filter((l) => !/^(To |hint:)/.test(l));
  return lines.slice(-2).join(" ").replace(/^(fatal|error):\s*/i, "") || "unknown reason";
}
async function hashFiles(git, files) {
  const present = files.filter((f) => f.source !== null && existsSync(f.source));
  const map = /* @__PURE__ */ new Map();
  if (!present.length) return map;
  const out = (await git.exec(["hash-object", "-w", "--no-filters", "--", ...present.map((f) => f.source)])).stdout.trim().split("\n");
  present.forEach((f, i) => map.set(f.path, out[i]));
  return map;
}
async function lockfileSource(files, path) {
  const source = files.find((f) => f.path === path)?.source;
  if (!source) return null;
  try {
    return await readFile(source, "utf8");
  } catch {
    return null;
  }
}

// src/action/landing.ts
import { existsSync as existsSync2 } from "node:fs";
import { isAbsolute, join as join2, relative, sep } from "node:path";
function pushAttempts(racers = 1) {
  return Math.max(5, racers + 4);
}
function posixPath(path) {
  return path.split(sep).join("/");
}
function lockfileFrom(text, display) {
  return text === null || !text.trim() ? emptyLockfile() : parseLockfile(text, display);
}
var mergeLockfileText = async (base, ours, theirs) => formatLockfile(
  mergeLockfiles(lockfileFrom(base, "assets.lock.yaml (base)"), lockfileFrom(ours, "assets.lock.yaml (this run)"), lockfileFrom(theirs, "assets.lock.yaml (branch)"))
);
function pathsIn(lock, keepDrafts = () => true) {
  const outputs = /* @__PURE__ */ new Set();
  const drafts = /* @__PURE__ */ new Set();
  for (const [id, entry] of Object.entries(lock.assets)) {
    for (const output of entry.outputs) outputs.add(output.path);
    if (keepDrafts(id)) {
      for (const s of entry.seeds) if (s.status === "accepted" && s.draft) drafts.add(s.draft);
    }
  }
  return { outputs, drafts };
}
function draftsWanted(report) {
  if (!report || report.command === "preview") return () => true;
  const finished = new Set(report.assets.filter((a) => a.status === "done" || a.status === "unchanged").map((a) => a.id));
  return (id) => !finished.has(id);
}
function inside(top, path) {
  const rel = relative(top, join2(top, path));
  return !!rel && !rel.startsWith("..") && !isAbsolute(rel);
}
async function landingFiles(git, plan, keepDrafts) {
  const lockAbs = join2(plan.top, plan.lockfile);
  if (!existsSync2(lockAbs)) return [];
  const repository = new RepositoryFolder(plan.top);
  const now = pathsIn(await readLockfile(lockAbs, { within: repository }), keepDrafts);
  const before = pathsIn(lockfileFrom(plan.startedFrom ? await show(git, plan.startedFrom, plan.lockfile) : null, `${plan.lockfile} (before)`));
  const files = [{ path: posixPath(plan.lockfile), source: lockAbs }];
  const seen = /* @__PURE__ */ new Set([files[0].path]);
  const add = (path, keep) => {
    if (seen.has(path) || !inside(plan.top, path) || repositoryPathProblem(path) !== void 0) return;
    seen.add(path);
    const abs = join2(plan.top, path);
    if (keep && repository.holdsRegularFile(abs)) files.push({ path, source: abs });
    else if (!keep) files.push({ path, source: null });
  };
  for (const p of [...now.outputs].sort()) add(p, true);
  for (const p of [...now.drafts].sort()) add(p, true);
  for (const p of [...before.outputs].sort()) if (!now.outputs.has(p) && !existsSync2(join2(plan.top, p))) add(p, false);
  for (const p of [...before.drafts].sort()) if (!now.drafts.has(p)) add(p, false);
  return files;
}
var VERBS = { run: "regenerate", render: "render", preview: "record accepted drafts for" };
function commitMessage(plan, report, unfinished) {
  const worked = new Set((report?.assets ?? []).filter((a) => a.drafts > 0 || a.rendered > 0 || a.accepted > 0).map((a) => a.id));
  const changed = (report?.changedAssets ?? []).filter((id) => worked.has(id));
  const list = changed.length > 6 ? `${changed.slice(0, 5).join(", ")} and ${changed.length - 5} more` : changed.join(", ");
  const fallback = unfinished ? `seedlock: keep accepted work from an unfinished ${plan.command}` : `seedlock: ${VERBS[plan.command] ?? plan.command} ${list || "assets"}`;
  const subject = plan.subject ? plan.subject.replaceAll("{assets}", list || "assets") : fallback;
  const body = (report?.assets ?? []).filter((a) => changed.includes(a.id)).map((a) => `- ${a.id}: ${a.rendered} rendered, ${a.accepted} accepted of ${a.drafts} drafts, ${formatUsd(a.spentUsd, { places: 4 })}`);
  const cents = (usd) => formatUsd(usd, { places: 2 });
  const ceiling = (r) => r.shard ? `shard ${r.shard.shard}'s ${cents(r.ceilingUsd)} slice of a ${cents(r.shard.matrixCeilingUsd)} ceiling` : `a ${cents(r.ceilingUsd)} ceiling`;
  const spend = report ? [`Spent ${formatUsd(report.spentUsd, { places: 4 })} of ${ceiling(report)}.`] : [];
  return [subject, "", ...body, ...body.length ? [""] : [], ...spend].join("\n").trimEnd() + "\n";
}
async function land(git, plan, report, onRetry) {
  const files = await landingFiles(git, plan, draftsWanted(report));
  const message = commitMessage(plan, report, report === void 0);
  if (!files.length) return void 0;
  if (plan.finals && plan.startedFrom) await startFinalsBranch(git, plan.branch, plan.startedFrom);
  const landed = await landCommit(
    git,
    { branch: plan.branch, startedFrom: plan.startedFrom, message, files, lockfile: { path: posixPath(plan.lockfile), merge: mergeLockfileText } },
    { onRetry, maxAttempts: pushAttempts(plan.racers) }
  );
  if (landed.commit && plan.kind === "push" && plan.startedFrom && !plan.finals) {
    const head = (await git.exec(["rev-parse", "HEAD"], { allowFailure: true })).stdout.trim();
    if (head === plan.startedFrom) await syncWorkTree(git, plan.startedFrom, landed.commit, plan.branch);
  }
  return landed;
}
async function startFinalsBranch(git, branch, from) {
  const r = await git.exec(["fetch", "--quiet", "--no-tags", "origin", `refs/heads/${branch}`], { allowFailure: true });
  if (r.code === 0) {
    const tip = (await git.exec(["rev-parse", "FETCH_HEAD"])).stdout.trim();
    if ((await git.exec(["merge-base", "--is-ancestor", from, tip], { allowFailure: true })).code === 0) return;
  }
  await git.exec(["push", "--quiet", "--force", "--no-verify", "origin", `${from}:refs/heads/${branch}`]);
}

export {
  PushRefusedError,
  GitCli,
  landCommit,
  headCommit,
  topLevel,
  show,
  fetchTip,
  land
};
