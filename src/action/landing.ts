import { existsSync } from "node:fs";
import { RepositoryFolder, repositoryPathProblem } from "../disk/repository-path.js";
import { isAbsolute, join, relative, sep } from "node:path";
import { formatLockfile, parseLockfile, readLockfile } from "../lock/file.js";
import { mergeLockfiles } from "../lock/merge.js";
import { emptyLockfile, type Lockfile } from "../lock/types.js";
import { formatUsd } from "../money.js";
import type { RunReport } from "../run-report.js";
import { landCommit, show, syncWorkTree, type FileChange, type Git, type Landed, type LockfileMerge } from "./git.js";

/** Everything the main and the post step need to commit a run's work; saved as state between them. */
export interface LandingPlan {
  /** Absolute top level of the work tree. */
  top: string;
  /** Lockfile path relative to the top level. */
  lockfile: string;
  branch: string;
  kind: "push" | "pull-request";
  /** The commit the run started from: what the lockfile merge takes as base. */
  startedFrom: string | null;
  command: string;
  /** Subject template from the commit-message input. */
  subject?: string;
  /** Jobs that may push to the branch at the same moment (the shards of a matrix). */
  racers?: number;
  /** `commit: pull-request`: the branch is seedlock's own, proposed as a pull request into `base`. */
  finals?: { base: string };
}

/** Pushes tried before giving up: each round of a race lands at least one racer, so n racers need n tries, plus a margin. */
export function pushAttempts(racers = 1): number {
  return Math.max(5, racers + 4);
}

function posixPath(path: string): string {
  return path.split(sep).join("/");
}

/** A committed version of the lockfile; absent or empty is an empty lockfile. */
function lockfileFrom(text: string | null, display: string): Lockfile {
  return text === null || !text.trim() ? emptyLockfile() : parseLockfile(text, display);
}

/** The per-asset three-way merge of the lockfile, on its text as git stores it. */
export const mergeLockfileText: LockfileMerge = async (base, ours, theirs) =>
  formatLockfile(
    mergeLockfiles(lockfileFrom(base, "assets.lock.yaml (base)"), lockfileFrom(ours, "assets.lock.yaml (this run)"), lockfileFrom(theirs, "assets.lock.yaml (branch)")),
  );

/** Repository-relative paths of outputs, and of accepted drafts still waiting for their render. */
function pathsIn(lock: Lockfile, keepDrafts: (assetId: string) => boolean = () => true): { outputs: Set<string>; drafts: Set<string> } {
  const outputs = new Set<string>();
  const drafts = new Set<string>();
  for (const [id, entry] of Object.entries(lock.assets)) {
    for (const output of entry.outputs) outputs.add(output.path);
    if (keepDrafts(id)) for (const s of entry.seeds) if (s.status === "accepted" && s.draft) drafts.add(s.draft);
  }
  return { outputs, drafts };
}

/**
 * Whose accepted drafts a commit carries: all of them for a preview (the run after the merge
 * renders them) or an unfinished run, and otherwise only those of assets still short of their count.
 */
export function draftsWanted(report: RunReport | undefined): (assetId: string) => boolean {
  if (!report || report.command === "preview") return () => true;
  const finished = new Set(report.assets.filter((a) => a.status === "done" || a.status === "unchanged").map((a) => a.id));
  return (id) => !finished.has(id);
}

function inside(top: string, path: string): boolean {
  const rel = relative(top, join(top, path));
  return !!rel && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * What a commit carries: the lockfile, every output it lists, and the accepted drafts that still
 * wait for a render (so the next job, on a fresh checkout, renders them without paying again).
 * Outputs and drafts the run's lockfile no longer lists are removed.
 */
export async function landingFiles(git: Git, plan: LandingPlan, keepDrafts?: (assetId: string) => boolean): Promise<FileChange[]> {
  const lockAbs = join(plan.top, plan.lockfile);
  if (!existsSync(lockAbs)) return [];
  const repository = new RepositoryFolder(plan.top);
  const now = pathsIn(await readLockfile(lockAbs, { within: repository }), keepDrafts);
  const before = pathsIn(lockfileFrom(plan.startedFrom ? await show(git, plan.startedFrom, plan.lockfile) : null, `${plan.lockfile} (before)`));
  const files: FileChange[] = [{ path: posixPath(plan.lockfile), source: lockAbs }];
  const seen = new Set<string>([files[0]!.path]);
  const add = (path: string, keep: boolean) => {
    if (seen.has(path) || !inside(plan.top, path) || repositoryPathProblem(path) !== undefined) return;
    seen.add(path);
    const abs = join(plan.top, path);
    // Only a regular file whose folder is really inside: a symlink would commit what it points at.
    if (keep && repository.holdsRegularFile(abs)) files.push({ path, source: abs });
    else if (!keep) files.push({ path, source: null });
  };
  for (const p of [...now.outputs].sort()) add(p, true);
  for (const p of [...now.drafts].sort()) add(p, true);
  for (const p of [...before.outputs].sort()) if (!now.outputs.has(p) && !existsSync(join(plan.top, p))) add(p, false);
  for (const p of [...before.drafts].sort()) if (!now.drafts.has(p)) add(p, false);
  return files;
}

const VERBS: Record<string, string> = { run: "regenerate", render: "render", preview: "record accepted drafts for" };

/** Subject names the assets (or follows commit-message); the body lists each with what it got. */
export function commitMessage(plan: LandingPlan, report: RunReport | undefined, unfinished: boolean): string {
  // Assets the run did something for; changedAssets also holds those the budget left untouched.
  const worked = new Set((report?.assets ?? []).filter((a) => a.drafts > 0 || a.rendered > 0 || a.accepted > 0).map((a) => a.id));
  const changed = (report?.changedAssets ?? []).filter((id) => worked.has(id));
  const list = changed.length > 6 ? `${changed.slice(0, 5).join(", ")} and ${changed.length - 5} more` : changed.join(", ");
  const fallback = unfinished
    ? `seedlock: keep accepted work from an unfinished ${plan.command}`
    : `seedlock: ${VERBS[plan.command] ?? plan.command} ${list || "assets"}`;
  const subject = plan.subject ? plan.subject.replaceAll("{assets}", list || "assets") : fallback;
  const body = (report?.assets ?? [])
    .filter((a) => changed.includes(a.id))
    .map((a) => `- ${a.id}: ${a.rendered} rendered, ${a.accepted} accepted of ${a.drafts} drafts, ${formatUsd(a.spentUsd, { places: 4 })}`);
  const cents = (usd: number) => formatUsd(usd, { places: 2 });
  const ceiling = (r: RunReport) => (r.shard ? `shard ${r.shard.shard}'s ${cents(r.ceilingUsd)} slice of a ${cents(r.shard.matrixCeilingUsd)} ceiling` : `a ${cents(r.ceilingUsd)} ceiling`);
  const spend = report ? [`Spent ${formatUsd(report.spentUsd, { places: 4 })} of ${ceiling(report)}.`] : [];
  return [subject, "", ...body, ...(body.length ? [""] : []), ...spend].join("\n").trimEnd() + "\n";
}

/** Commits and pushes the run's files to the plan's branch; brings a pushed-to checkout along. */
export async function land(
  git: Git,
  plan: LandingPlan,
  report: RunReport | undefined,
  onRetry?: (attempt: number, reason: string) => void,
): Promise<Landed | undefined> {
  const files = await landingFiles(git, plan, draftsWanted(report));
  const message = commitMessage(plan, report, report === undefined);
  if (!files.length) return undefined;
  if (plan.finals && plan.startedFrom) await startFinalsBranch(git, plan.branch, plan.startedFrom);
  const landed = await landCommit(
    git,
    { branch: plan.branch, startedFrom: plan.startedFrom, message, files, lockfile: { path: posixPath(plan.lockfile), merge: mergeLockfileText } },
    { onRetry, maxAttempts: pushAttempts(plan.racers) },
  );
  if (landed.commit && plan.kind === "push" && plan.startedFrom && !plan.finals) {
    const head = (await git.exec(["rev-parse", "HEAD"], { allowFailure: true })).stdout.trim();
    if (head === plan.startedFrom) await syncWorkTree(git, plan.startedFrom, landed.commit, plan.branch);
  }
  return landed;
}

/**
 * The finals branch starts from the commit the run started from; one that does not contain it (the
 * base moved on, or its pull request was merged) starts again there. Shards and reruns on the same
 * base add to it.
 */
async function startFinalsBranch(git: Git, branch: string, from: string): Promise<void> {
  const r = await git.exec(["fetch", "--quiet", "--no-tags", "origin", `refs/heads/${branch}`], { allowFailure: true });
  if (r.code === 0) {
    const tip = (await git.exec(["rev-parse", "FETCH_HEAD"])).stdout.trim();
    if ((await git.exec(["merge-base", "--is-ancestor", from, tip], { allowFailure: true })).code === 0) return;
  }
  await git.exec(["push", "--quiet", "--force", "--no-verify", "origin", `${from}:refs/heads/${branch}`]);
}
