import { join, relative, sep } from "node:path";
import { repositoryPathProblem } from "../disk/repository-path.js";
import { lockPathFor, parseLockfile, readLockfile, writeLockfile } from "../lock/file.js";
import { inputHash } from "../lock/hash.js";
import { lockStats } from "../lock/stats.js";
import { loadManifest } from "../manifest/load.js";
import { formatUsd } from "../money.js";
import type { RunReport } from "../run-report.js";
import type { Octokit } from "./comment.js";
import { fetchTip, show, type Git } from "./git.js";
import { extract } from "./review.js";

/**
 * Before a run whose finals go to a pull request: what the finals branch already rendered for
 * inputs that still match (a proposal not merged yet) comes into the work tree, so a run after the
 * base moved on carries it over instead of paying for it again.
 */
export async function adoptFinalsBranch(git: Git, manifestPath: string, top: string, branch: string): Promise<string[]> {
  const tip = await fetchTip(git, branch);
  if (!tip) return [];
  const spec = await loadManifest(manifestPath);
  const lockRel = relative(top, lockPathFor(spec.file)).split(sep).join("/");
  const text = await show(git, tip, lockRel);
  if (!text) return [];
  const theirs = parseLockfile(text, `${branch}:${lockRel}`);
  const lock = await readLockfile(lockPathFor(spec.file));
  const adopted: string[] = [];
  const files: { from: string; to: string; root: string }[] = [];
  for (const asset of spec.assets) {
    const entry = theirs.assets[asset.id];
    const hash = inputHash(asset, spec);
    if (!entry || entry.inputHash !== hash || lock.assets[asset.id]?.inputHash === hash) continue;
    for (const output of entry.outputs) if (!repositoryPathProblem(output.path)) files.push({ from: output.path, to: join(top, output.path), root: top });
    for (const s of entry.seeds) if (s.status === "accepted" && s.draft && !repositoryPathProblem(s.draft)) files.push({ from: s.draft, to: join(top, s.draft), root: top });
    lock.assets[asset.id] = entry;
    adopted.push(asset.id);
  }
  if (!adopted.length) return adopted;
  const present = new Set((await git.exec(["ls-tree", "-r", "--name-only", "-z", tip])).stdout.split("\0"));
  await extract(git, tip, files.filter((f) => present.has(f.from)));
  lock.stats = lockStats(lock.assets);
  await writeLockfile(lockPathFor(spec.file), lock);
  return adopted;
}

export interface FinalsTarget {
  owner: string;
  repo: string;
  serverUrl: string;
  branch: string;
  base: string;
  /** The commit the run started from (the "before") and the one it landed (the "after"). */
  before: string;
  after: string;
  manifest: string;
}

/** Marks the pull request seedlock keeps for a manifest's finals. */
export function finalsMarker(manifest: string): string {
  return `<!-- seedlock:finals ${manifest} -->`;
}

async function existed(git: Git, rev: string, path: string): Promise<boolean> {
  return (await git.exec(["cat-file", "-e", `${rev}:${path}`], { allowFailure: true })).code === 0;
}

/** The pull request's body: per changed output, the image on the base before and after this run. */
export async function finalsBody(git: Git, report: RunReport | undefined, target: FinalsTarget): Promise<string> {
  const raw = (rev: string, path: string) => `${target.serverUrl}/${target.owner}/${target.repo}/raw/${rev}/${path}`;
  const rows: string[] = [];
  for (const asset of report?.assets ?? []) {
    for (const path of asset.outputs) {
      const changed = (await show(git, target.before, path)) !== (await show(git, target.after, path));
      if (!changed) continue;
      const before = (await existed(git, target.before, path)) ? `<img src="${raw(target.before, path)}" alt="${path} before" width="160">` : "_new_";
      rows.push(`| \`${asset.id}\` | \`${path}\` | ${before} | <img src="${raw(target.after, path)}" alt="${path} after" width="160"> |`);
    }
  }
  const spend = report ? `Spent ${formatUsd(report.spentUsd, { places: 4 })} of a ${formatUsd(report.ceilingUsd, { places: 2 })} ceiling.` : "";
  return [
    finalsMarker(target.manifest),
    `### seedlock finals · \`${target.manifest}\``,
    "",
    `Rendered finals, proposed instead of pushed to \`${target.base}\` (\`commit: pull-request\`). Merge to ship them. ${spend}`,
    "",
    ...(rows.length ? ["| Asset | Output | Before | After |", "| --- | --- | --- | --- |", ...rows] : ["_No output changed in this run._"]),
    "",
    `<sub>Latest run: ${target.after.slice(0, 7)} · updated in place on every run</sub>`,
  ].join("\n");
}

/** Opens the finals pull request, or updates the open one from the same branch: one, however many runs. */
export async function upsertFinalsPullRequest(octokit: Octokit, target: FinalsTarget, body: string): Promise<{ number: number; url: string; action: "opened" | "updated" }> {
  const { data: open } = await octokit.rest.pulls.list({ owner: target.owner, repo: target.repo, state: "open", head: `${target.owner}:${target.branch}`, base: target.base, per_page: 10 });
  const mine = open.find((p) => p.head.ref === target.branch);
  if (mine) {
    const { data } = await octokit.rest.pulls.update({ owner: target.owner, repo: target.repo, pull_number: mine.number, body });
    return { number: data.number, url: data.html_url, action: "updated" };
  }
  const { data } = await octokit.rest.pulls.create({ owner: target.owner, repo: target.repo, head: target.branch, base: target.base, title: `seedlock: finals for ${target.manifest}`, body });
  return { number: data.number, url: data.html_url, action: "opened" };
}
