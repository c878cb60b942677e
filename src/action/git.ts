import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PathRefusedError, repositoryPathProblem } from "../disk/repository-path.js";
import { sleep } from "../sleep.js";
import { BOT } from "./constants.js";

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitCall {
  env?: Record<string, string>;
  input?: string;
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean;
}

/** The one way the Action touches a repository, so every step is a real `git` run in one place. */
export interface Git {
  exec(args: string[], call?: GitCall): Promise<GitResult>;
}

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly result: GitResult,
  ) {
    super(`git ${args[0]} failed (exit ${result.code}): ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
    this.name = "GitError";
  }
}

/** A push the server refused for a reason a retry cannot fix: no permission, a protected branch. */
export class PushRefusedError extends Error {
  constructor(
    readonly branch: string,
    readonly reason: string,
  ) {
    super(`pushing to ${branch} was refused: ${reason}`);
    this.name = "PushRefusedError";
  }
}

/** The real `git` binary, run in `cwd` with prompts off so a missing credential fails fast. */
export class GitCli implements Git {
  constructor(readonly cwd: string) {}

  exec(args: string[], call: GitCall = {}): Promise<GitResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        "git",
        args,
        {
          cwd: this.cwd,
          env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...call.env },
          maxBuffer: 64 * 1024 * 1024,
          encoding: "utf8",
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
          if (err && typeof (err as { code?: unknown }).code === "string") return reject(err); // ENOENT: no git at all
          const result = { code, stdout, stderr };
          if (code !== 0 && !call.allowFailure) return reject(new GitError(args, result));
          resolve(result);
        },
      );
      if (call.input !== undefined) child.stdin?.end(call.input);
      else child.stdin?.end();
    });
  }
}

/** One path in the commit: `source` is the file to take it from, or null to remove it. */
export interface FileChange {
  path: string;
  source: string | null;
}

/** Three-way merge of the lockfile's text: base = where this run started, theirs = the branch now. */
export type LockfileMerge = (base: string | null, ours: string, theirs: string | null) => Promise<string>;

export interface LandRequest {
  branch: string;
  /** The commit this run started from; its lockfile is the base of the per-asset merge. */
  startedFrom: string | null;
  message: string;
  files: FileChange[];
  /** Removed from the branch before `files` are added, to replace a whole folder. */
  replaceFolder?: string;
  /** The lockfile among `files`, merged per asset when the branch moved on since `startedFrom`. */
  lockfile?: { path: string; merge: LockfileMerge };
}

/** `commit` is null when the branch already held exactly these files; `tip` is the branch then. */
export type Landed = { commit: string; attempts: number; merged: boolean } | { commit: null; attempts: number; tip: string | null };

export interface LandOptions {
  /** Pushes tried before giving up on a branch that keeps moving. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (attempt: number, reason: string) => void;
}

const EMPTY_BLOB_MODE = "0 0000000000000000000000000000000000000000";

/**
 * Commits `files` on top of the remote branch and pushes, without touching the work tree or the
 * user's index. A push rejected because the branch moved fetches the new tip, merges the lockfile
 * per asset and tries again, a bounded number of times with jittered waits.
 * Resolves `{commit: null}` when the branch already holds exactly these files.
 */
export async function landCommit(git: Git, request: LandRequest, options: LandOptions = {}): Promise<Landed> {
  const maxAttempts = options.maxAttempts ?? 5;
  const pause = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  // The last line of defence: a path git would take for something else never reaches its plumbing.
  for (const file of [...request.files.map((f) => f.path), ...(request.lockfile ? [request.lockfile.path] : [])]) {
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
        return blob ? `100644 ${blob}\t${f.path}` : `${EMPTY_BLOB_MODE}\t${f.path}`;
      });

      let merged = false;
      if (lockPath && ours !== null && tip && tip !== request.startedFrom) {
        const theirs = await show(git, tip, lockPath);
        if (theirs !== null && theirs !== base && theirs !== ours) {
          const text = await request.lockfile!.merge(base, ours, theirs);
          const blob = (await git.exec(["hash-object", "-w", "--stdin"], { input: text })).stdout.trim();
          lines.push(`100644 ${blob}\t${lockPath}`);
          merged = true;
        }
      }
      // NUL-terminated records: no byte of a path can start another index line.
      if (lines.length) await git.exec(["update-index", "-z", "--index-info"], { env, input: lines.map((line) => `${line}\0`).join("") });
      const tree = (await git.exec(["write-tree"], { env })).stdout.trim();
      if (tip && tree === (await git.exec(["rev-parse", `${tip}^{tree}`])).stdout.trim()) return { commit: null, attempts: attempt, tip };

      const commit = (
        await git.exec(["commit-tree", tree, ...(tip ? ["-p", tip] : []), "-F", "-"], {
          input: request.message,
          env: {
            GIT_AUTHOR_NAME: BOT.name,
            GIT_AUTHOR_EMAIL: BOT.email,
            GIT_COMMITTER_NAME: BOT.name,
            GIT_COMMITTER_EMAIL: BOT.email,
          },
        })
      ).stdout.trim();

      const pushed = await push(git, commit, request.branch);
      if (pushed === "ok") return { commit, attempts: attempt, merged };
      if (attempt >= maxAttempts) {
        throw new PushRefusedError(request.branch, `the branch moved on ${attempt} times while seedlock tried to push; rerun the job`);
      }
      options.onRetry?.(attempt, pushed);
      // Jittered, growing waits so that runs racing for one branch fall out of step.
      await pause(Math.min(4000, 250 * 2 ** (attempt - 1)) * (0.5 + random()));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Moves the checked-out branch to `commit` and brings the landed files into the work tree. */
export async function syncWorkTree(git: Git, from: string, commit: string, branch: string): Promise<void> {
  const changed = (await git.exec(["diff", "--name-only", "-z", from, commit])).stdout.split("\0").filter(Boolean);
  await git.exec(["reset", "--quiet", commit]);
  if (changed.length) {
    const present = (await git.exec(["ls-tree", "-r", "--name-only", "-z", commit, "--", ...changed])).stdout.split("\0").filter(Boolean);
    if (present.length) await git.exec(["checkout", commit, "--", ...present]);
  }
  await git.exec(["update-ref", `refs/remotes/origin/${branch}`, commit]);
}

export async function headCommit(git: Git): Promise<string | null> {
  const r = await git.exec(["rev-parse", "--verify", "-q", "HEAD"], { allowFailure: true });
  return r.code === 0 ? r.stdout.trim() : null;
}

export async function topLevel(git: Git): Promise<string> {
  return (await git.exec(["rev-parse", "--show-toplevel"])).stdout.trim();
}

/** The file at `path` in commit `rev`, or null when it is not there. */
export async function show(git: Git, rev: string, path: string): Promise<string | null> {
  const r = await git.exec(["show", `${rev}:${path}`], { allowFailure: true });
  return r.code === 0 ? r.stdout : null;
}


/** The branch's tip on origin, or null when it does not exist there. */
export async function fetchTip(git: Git, branch: string): Promise<string | null> {
  const r = await git.exec(["fetch", "--quiet", "--no-tags", "origin", `refs/heads/${branch}`], { allowFailure: true });
  if (r.code !== 0) {
    if (/couldn't find remote ref/i.test(r.stderr)) return null;
    throw new GitError(["fetch", "origin", branch], r);
  }
  return (await git.exec(["rev-parse", "FETCH_HEAD"])).stdout.trim();
}

async function push(git: Git, commit: string, branch: string): Promise<"ok" | string> {
  const r = await git.exec(["push", "--porcelain", "--no-verify", "origin", `${commit}:refs/heads/${branch}`], { allowFailure: true });
  if (r.code === 0) return "ok";
  const line = r.stdout.split("\n").find((l) => l.startsWith("!")) ?? "";
  // "[rejected] (fetch first)" / "(non-fast-forward)": the branch moved. Losing the server's ref
  // lock to a push landing at the same moment reads "failed to update ref" / "cannot lock ref".
  if (/\[rejected\]/.test(line)) return line.split("\t").pop() ?? "rejected";
  const reason = /\[remote rejected\]\s*\((.*)\)\s*$/.exec(line)?.[1] ?? lastLine(r.stderr);
  if (/failed to update ref|cannot lock ref|failed to lock|incorrect old value|unable to update local ref/i.test(reason)) return `[remote rejected] (${reason})`;
  throw new PushRefusedError(branch, reason);
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n").filter((l) => !/^(To |hint:)/.test(l));
  return lines.slice(-2).join(" ").replace(/^(fatal|error):\s*/i, "") || "unknown reason";
}

/** Writes each present file as a blob; absent sources map to nothing (a removal). */
async function hashFiles(git: Git, files: FileChange[]): Promise<Map<string, string>> {
  const present = files.filter((f) => f.source !== null && existsSync(f.source));
  const map = new Map<string, string>();
  if (!present.length) return map;
  const out = (await git.exec(["hash-object", "-w", "--no-filters", "--", ...present.map((f) => f.source!)])).stdout
    .trim()
    .split("\n");
  present.forEach((f, i) => map.set(f.path, out[i]!));
  return map;
}

async function lockfileSource(files: FileChange[], path: string): Promise<string | null> {
  const source = files.find((f) => f.path === path)?.source;
  if (!source) return null;
  try {
    return await readFile(source, "utf8");
  } catch {
    return null;
  }
}
