import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { RepositoryFolder, repositoryPathProblem } from "../disk/repository-path.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockPathFor, readLockfile, writeLockfile } from "../lock/file.js";
import { inputHash } from "../lock/hash.js";
import { lockStats } from "../lock/stats.js";
import type { AssetLock, Lockfile } from "../lock/types.js";
import { loadManifest } from "../manifest/load.js";
import { REVIEW_REASON } from "../pipeline/resume.js";
import type { RunReport } from "../run-report.js";
import { PREVIEWS_BRANCH } from "./constants.js";
import { fetchTip, landCommit, show, type FileChange, type Git } from "./git.js";

/*
 * The review of a pull request lives on the previews branch, never on the pull request's branch:
 * `pr-<n>/<part>/review.json` per manifest and shard, with the accepted drafts beside it. Verdicts
 * given in the pull request are recorded there; the run after the merge adopts the approved drafts
 * of every asset whose inputHash still matches, so no draft is paid for twice.
 */

export type Verdict = "approved" | "rejected";

/** One accepted draft as the reviewers see it: `n` is its stable number in the comment. */
export interface ReviewDraft {
  n: number;
  seed: number;
  /** The draft's path on the previews branch. */
  file: string;
  verdict: Verdict;
  /** Who gave the verdict and when; absent for the screen's default. */
  by?: string;
  at?: string;
  why?: string;
}

export interface ReviewAsset {
  inputHash: string;
  prompt: string;
  count: number;
  /** The lockfile entry the preview left, before the verdicts are applied. */
  lock: AssetLock;
  drafts: ReviewDraft[];
}

/** One verdict as given, for the record: who, when, from which comment. */
export interface VerdictRecord {
  at: string;
  by: string;
  command: string;
  comment?: string;
}

/** What the comment shows for a part, so any job can write the whole comment from the branch. */
export interface ReviewSection {
  command: string;
  spentUsd: number;
  drafts: number;
  accepted: number;
  ceilingUsd: number;
  mergeUsd: number;
  rows: { id: string; status: string; drafts: number; accepted: number; rejectedDrafts?: number; rejected: Record<string, number>; mergeUsd: number }[];
  /** Contact sheet path on the previews branch, per asset. */
  sheets: Record<string, string>;
  /** Assets whose prompt or settings changed after their drafts were reviewed. */
  changedSinceReview: string[];
}

export interface ReviewState {
  version: 1;
  pullRequest: number;
  manifest: string;
  /** `all`, or `shard-i-of-n`. */
  part: string;
  shard?: string;
  headSha: string;
  updatedAt: string;
  section: ReviewSection;
  assets: Record<string, ReviewAsset>;
  verdicts: VerdictRecord[];
}

export function prFolder(pullRequest: number): string {
  return `pr-${pullRequest}`;
}

/** The folder of one manifest's shard: shards of one preview never write each other's files. */
export function partFolder(pullRequest: number, manifest: string, shard?: string): string {
  const slug = manifest === "assets.yaml" ? "" : `${manifest.replace(/[^A-Za-z0-9._-]+/g, "_")}-`;
  return `${prFolder(pullRequest)}/${slug}${shard ? `shard-${shard.replace("/", "-of-")}` : "all"}`;
}

/** Every review state on the previews branch at `tip` (optionally one pull request's), with the tip. */
export async function readReviews(git: Git, pullRequest?: number): Promise<{ tip: string | null; states: ReviewState[] }> {
  const tip = await fetchTip(git, PREVIEWS_BRANCH);
  if (!tip) return { tip, states: [] };
  const under = pullRequest === undefined ? [] : ["--", `${prFolder(pullRequest)}/`];
  const names = (await git.exec(["ls-tree", "-r", "--name-only", "-z", tip, ...under])).stdout.split("\0").filter((p) => /^pr-\d+\/[^/]+\/review\.json$/.test(p));
  const states: ReviewState[] = [];
  for (const name of names) {
    try {
      const state = JSON.parse((await show(git, tip, name)) ?? "") as ReviewState;
      if (state.version === 1 && state.assets) states.push(state);
    } catch {
      // A state this version cannot read is left to the pull request's next preview to rewrite.
    }
  }
  return { tip, states };
}

/** The lockfile entry a review leaves: rejected drafts marked rejected, so they are never rendered. */
export function reviewedEntry(asset: ReviewAsset): AssetLock {
  const entry = structuredClone(asset.lock);
  const verdicts = new Map(asset.drafts.map((d) => [d.seed, d]));
  for (const seed of entry.seeds) {
    const d = verdicts.get(seed.seed);
    if (!d) continue;
    if (d.verdict === "rejected") {
      seed.status = "rejected";
      seed.reasons = [`${REVIEW_REASON} ${d.why ?? "rejected"}${d.by ? ` by @${d.by}` : ""}${d.at ? ` at ${d.at}` : ""}`];
    } else if (seed.status === "rejected") {
      seed.status = "accepted";
      delete seed.reasons;
    }
  }
  return entry;
}

export interface Adoption {
  adopted: string[];
  /** Reviewed, but the manifest's inputs for them changed since: they get new drafts. */
  changed: string[];
}

/** The repository's one path rule (src/disk/repository-path.ts): an unacceptable lockfile path is skipped. */
function safeRelative(root: string, path: string): string | undefined {
  return repositoryPathProblem(path) ? undefined : join(root, path);
}

/** The real file behind a lockfile path, read only when it stays inside the repository after symlinks. */
async function safeSource(root: string, path: string): Promise<string | undefined> {
  if (repositoryPathProblem(path)) return undefined;
  return new RepositoryFolder(root).realFile(path).catch(() => undefined);
}

/**
 * Brings reviewed drafts into the work tree and the lockfile: for each asset of the manifest, the
 * newest review whose inputHash matches, unless the lockfile already has that asset finished.
 */
export async function adoptReviews(git: Git, manifestPath: string, manifest: string, states: ReviewState[], tip: string | null): Promise<Adoption> {
  const result: Adoption = { adopted: [], changed: [] };
  const mine = states.filter((s) => s.manifest === manifest).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  if (!mine.length || !tip) return result;
  const spec = await loadManifest(manifestPath);
  const lockPath = lockPathFor(spec.file);
  const lock: Lockfile = await readLockfile(lockPath);
  const files: { from: string; to: string; root: string }[] = [];
  for (const asset of spec.assets) {
    const hash = inputHash(asset, spec);
    const reviews = mine.filter((s) => s.assets[asset.id]);
    if (!reviews.length) continue;
    const review = reviews.find((s) => s.assets[asset.id]!.inputHash === hash);
    if (!review) {
      result.changed.push(asset.id);
      continue;
    }
    const local = lock.assets[asset.id];
    if (local && local.inputHash === hash && local.outputs.length >= asset.count) continue;
    const reviewed = review.assets[asset.id]!;
    const entry = reviewedEntry(reviewed);
    const draftOf = new Map(reviewed.drafts.map((d) => [d.seed, d.file]));
    for (const seed of entry.seeds) {
      if (seed.status !== "accepted" || !seed.draft || !draftOf.has(seed.seed)) continue;
      const to = safeRelative(spec.root, seed.draft);
      if (to) files.push({ from: draftOf.get(seed.seed)!, to, root: spec.root });
    }
    if (local && local.inputHash === hash) entry.outputs = local.outputs;
    lock.assets[asset.id] = entry;
    result.adopted.push(asset.id);
  }
  if (!result.adopted.length) return result;
  await extract(git, tip, files);
  lock.stats = lockStats(lock.assets);
  await writeLockfile(lockPath, lock);
  return result;
}

/** Copies files of commit `tip` out byte for byte, through a scratch index and work tree. */
export async function extract(git: Git, tip: string, files: { from: string; to: string; root: string }[]): Promise<void> {
  if (!files.length) return;
  const scratch = await mkdtemp(join(tmpdir(), "seedlock-review-"));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, "index") };
    await git.exec(["read-tree", tip], { env });
    const tree = join(scratch, "tree");
    await mkdir(tree);
    await git.exec([`--work-tree=${tree}`, "checkout-index", "-f", "-z", "--stdin"], { env, input: files.map((f) => f.from).join("\0") });
    for (const f of files) {
      // Written through the path rule: a symlinked folder in the work tree cannot take a draft outside it.
      await new RepositoryFolder(f.root).writeFile(f.to, await readFile(join(tree, f.from)));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface PreviewFacts {
  pullRequest: number;
  manifest: string;
  manifestPath: string;
  headSha: string;
  shard?: string;
  mergeReport?: RunReport;
  changedSinceReview: string[];
  now: Date;
}

/**
 * The review state a preview leaves for its part: its accepted drafts numbered (keeping the numbers
 * and verdicts already given), the lockfile entries, and the section of the comment.
 */
export async function buildReviewState(report: RunReport, previous: ReviewState | undefined, facts: PreviewFacts): Promise<{ state: ReviewState; files: FileChange[] }> {
  const spec = await loadManifest(facts.manifestPath);
  const lock = await readLockfile(lockPathFor(spec.file));
  const folder = partFolder(facts.pullRequest, facts.manifest, facts.shard);
  const files: FileChange[] = [];
  const assets: Record<string, ReviewAsset> = {};
  const mine = new Set(report.assets.map((a) => a.id));
  for (const asset of spec.assets) {
    const entry = lock.assets[asset.id];
    if (!mine.has(asset.id) || !entry) continue;
    const hash = inputHash(asset, spec);
    if (entry.inputHash !== hash) continue;
    const before = previous?.assets[asset.id];
    const kept = before && before.inputHash === hash ? before.drafts : [];
    const numbered = new Map(kept.map((d) => [d.seed, d]));
    let next = kept.reduce((n, d) => Math.max(n, d.n), 0) + 1;
    const drafts: ReviewDraft[] = [];
    for (const seed of entry.seeds) {
      const old = numbered.get(seed.seed);
      if (!old && seed.status !== "accepted") continue;
      if (!seed.draft) continue;
      const source = await safeSource(spec.root, seed.draft);
      // A rejected draft is not brought into the work tree, but its verdict must stay on record
      // (its picture is already on the previews branch); losing it would let adoption pay for it again.
      if (!source && old?.verdict === "rejected") drafts.push(old);
      if (!source) continue;
      const file = `${folder}/drafts/${asset.id}/${seed.draft.split("/").pop()}`;
      files.push({ path: file, source });
      drafts.push(old ? { ...old, file } : { n: next++, seed: seed.seed, file, verdict: "approved" });
    }
    // The entry as it was before the verdicts: adopting it applies them again, from the record,
    // so only a seed whose verdict the record keeps is turned back; any other stays rejected.
    const recorded = new Map(drafts.map((d) => [d.seed, d]));
    const raw = structuredClone(entry);
    for (const seed of raw.seeds) if (recorded.get(seed.seed)?.verdict === "rejected" && seed.status === "rejected") seed.status = "accepted";
    assets[asset.id] = { inputHash: hash, prompt: asset.prompt, count: asset.count, lock: raw, drafts: drafts.sort((a, b) => a.n - b.n) };
  }
  const after = new Map((facts.mergeReport?.assets ?? []).map((a) => [a.id, a.estimatedUsd]));
  const sheets: Record<string, string> = {};
  for (const a of report.assets) {
    if (!a.contactSheet || !report.reportDir) continue;
    const path = `${folder}/sheets/${a.id}${a.contactSheet.slice(a.contactSheet.lastIndexOf(".")) || ".png"}`;
    files.push({ path, source: join(report.reportDir, a.contactSheet) });
    sheets[a.id] = path;
  }
  const rows = report.assets.map((a) => ({ id: a.id, status: a.status, drafts: a.drafts, accepted: a.accepted, rejectedDrafts: a.rejectedDrafts, rejected: a.rejected, mergeUsd: after.get(a.id) ?? a.estimatedUsd }));
  const state: ReviewState = {
    version: 1,
    pullRequest: facts.pullRequest,
    manifest: facts.manifest,
    part: folder.slice(folder.indexOf("/") + 1),
    ...(facts.shard ? { shard: facts.shard } : {}),
    headSha: facts.headSha,
    updatedAt: facts.now.toISOString(),
    section: {
      command: report.command,
      spentUsd: report.spentUsd,
      drafts: report.drafts,
      accepted: report.accepted,
      ceilingUsd: report.ceilingUsd,
      mergeUsd: rows.reduce((s, r) => s + r.mergeUsd, 0),
      rows,
      sheets,
      changedSinceReview: facts.changedSinceReview.filter((id) => mine.has(id)),
    },
    assets,
    verdicts: previous?.verdicts ?? [],
  };
  return { state, files };
}

/** Pushes review states (and their files) to the previews branch; returns the new tip. */
export async function pushReviews(git: Git, states: { state: ReviewState; files: FileChange[]; replace?: boolean }[], message: string, scratch: string): Promise<string | null> {
  const files: FileChange[] = [];
  for (const { state, files: more } of states) {
    const folder = `${prFolder(state.pullRequest)}/${state.part}`;
    const json = join(scratch, `${state.part}.review.json`);
    await writeFile(json, `${JSON.stringify(state, null, 2)}\n`);
    files.push({ path: `${folder}/review.json`, source: json }, ...more);
  }
  const replace = states.filter((s) => s.replace);
  const landed = await landCommit(git, {
    branch: PREVIEWS_BRANCH,
    startedFrom: null,
    message,
    files,
    ...(replace.length === 1 ? { replaceFolder: `${prFolder(replace[0]!.state.pullRequest)}/${replace[0]!.state.part}` } : {}),
  });
  return landed.commit ?? ("tip" in landed ? landed.tip : null);
}

/** Removes a closed pull request's folder from the previews branch. */
export async function removeReview(git: Git, pullRequest: number): Promise<boolean> {
  const tip = await fetchTip(git, PREVIEWS_BRANCH);
  if (!tip) return false;
  const there = (await git.exec(["ls-tree", "--name-only", tip, "--", prFolder(pullRequest)])).stdout.trim();
  if (!there) return false;
  const landed = await landCommit(git, { branch: PREVIEWS_BRANCH, startedFrom: null, message: `seedlock: remove the previews of #${pullRequest}, now closed`, files: [], replaceFolder: prFolder(pullRequest) });
  return landed.commit !== null;
}
