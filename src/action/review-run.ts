import * as core from "@actions/core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../logger.js";
import { formatUsd } from "../money.js";
import { NullLogger } from "../logger.js";
import { lockPathFor, readLockfile } from "../lock/file.js";
import { loadManifest } from "../manifest/load.js";
import { execute } from "../pipeline/execute.js";
import type { RunReport } from "../run-report.js";
import { shardLabel } from "../plan/shards.js";
import { commentMarker, upsertComment, type Octokit } from "./comment.js";
import { PREVIEWS_BRANCH } from "./constants.js";
import { fetchTip, headCommit, type Git } from "./git.js";
import { adoptReviews, buildReviewState, pushReviews, readReviews, removeReview, type Adoption, type ReviewState } from "./review.js";
import { reviewCommentBody } from "./review-comment.js";
import type { ActionSettings } from "./settings.js";
import { applyCommands, applyTicks, parseCommands, readTicks } from "./verdicts.js";

/** Roles whose verdicts count: write access or more, as GitHub names them. */
const WRITERS = new Set(["admin", "maintain", "write"]);

async function octokitFor(settings: ActionSettings): Promise<Octokit> {
  // Loaded here: @actions/github parses the event file when it loads, after settings.ts checked it.
  const github = await import("@actions/github");
  return github.getOctokit(settings.token!, { baseUrl: settings.apiUrl });
}

/**
 * Before a preview or a run: the reviewed drafts of the previews branch come into the work tree.
 * A preview takes its own pull request's review; the run after a merge takes every review whose
 * inputHash matches the merged manifest, so it renders what was approved and pays for no draft twice.
 */
export async function adoptBeforeRun(git: Git, settings: ActionSettings, manifest: string): Promise<Adoption | undefined> {
  const command = settings.core.command;
  const pr = settings.event.pullRequest;
  if (command !== "preview" && command !== "run" && command !== "render") return undefined;
  if (command === "preview" && !pr) return undefined;
  try {
    const { tip, states } = await readReviews(git, command === "preview" ? pr!.number : undefined);
    // Shards of one matrix must plan from the same lockfile to pack alike: a sibling's part written
    // for this same head is not adopted, only parts of earlier pushes and this shard's own.
    const shard = settings.core.shard ? shardLabel(settings.core.shard) : undefined;
    const usable = shard && pr ? states.filter((s) => s.headSha !== pr.headSha || s.shard === shard) : states;
    const adoption = await adoptReviews(git, settings.core.manifestPath, manifest, usable, tip);
    if (adoption.adopted.length) core.info(`adopted the reviewed drafts of ${adoption.adopted.join(", ")} from ${PREVIEWS_BRANCH}`);
    if (adoption.changed.length) core.info(`${adoption.changed.join(", ")} changed after review: drafted again`);
    return adoption;
  } catch (err) {
    core.warning(`the review state on ${PREVIEWS_BRANCH} could not be read (${(err as Error).message}); drafting without it`);
    return undefined;
  }
}

export interface CommentWrite {
  pullRequest: number;
  manifest: string;
  headSha: string;
  notes: string[];
  lockfile?: string;
}

/**
 * Writes the sticky comment from every part on the previews branch, and writes it again if another
 * shard pushed its part meanwhile, so the last writer's comment holds every section.
 */
export async function writeReviewComment(git: Git, octokit: Octokit, settings: ActionSettings, w: CommentWrite): Promise<{ url: string; action: string }> {
  const { owner, repo } = settings.repository;
  let done: { url: string; action: string } | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const { tip, states } = await readReviews(git, w.pullRequest);
    const mine = states.filter((s) => s.manifest === w.manifest);
    const body = reviewCommentBody(mine, {
      marker: commentMarker(w.manifest),
      manifest: w.manifest,
      rawBase: `${settings.serverUrl}/${owner}/${repo}/raw/${tip}/`,
      headSha: w.headSha,
      runUrl: settings.runUrl,
      notes: w.notes,
      lockfile: w.lockfile,
    });
    const written = await upsertComment(octokit, { owner, repo, issue: w.pullRequest }, commentMarker(w.manifest), body);
    if (!done && written.ignored.length) {
      const who = [...new Set(written.ignored.map((a) => a.login))].join(", ");
      core.warning(`left alone ${written.ignored.length} comment(s) by ${who} that carry seedlock's marker: the bot edits only comments its own identity wrote`);
    }
    done = { url: written.url, action: written.action };
    if ((await fetchTip(git, PREVIEWS_BRANCH)) === tip) break;
  }
  return done!;
}

/** After a preview on a pull request: its part of the review state, then the comment. */
export async function previewComment(
  git: Git,
  settings: ActionSettings,
  report: RunReport,
  manifest: string,
  merge: RunReport | undefined,
  adoption: Adoption | undefined,
  commitLine?: string,
  ceilingNote?: string,
): Promise<string> {
  const pr = settings.event.pullRequest!;
  const shard = report.shard?.shard;
  const scratch = await mkdtemp(join(tmpdir(), "seedlock-review-state-"));
  const notes: string[] = [];
  try {
    const { states } = await readReviews(git, pr.number);
    const previous = states.find((s) => s.manifest === manifest && (s.shard ?? "") === (shard ?? ""));
    const built = await buildReviewState(report, previous, {
      pullRequest: pr.number,
      manifest,
      manifestPath: settings.core.manifestPath,
      headSha: pr.headSha || settings.event.sha,
      ...(shard ? { shard } : {}),
      mergeReport: merge,
      changedSinceReview: adoption?.changed ?? [],
      now: new Date(),
    });
    await pushReviews(git, [{ ...built, replace: true }], `seedlock review state for #${pr.number} at ${(pr.headSha || settings.event.sha).slice(0, 7)}${shard ? ` (shard ${shard})` : ""}`, scratch);
  } catch (err) {
    notes.push(`The review state could not be pushed to ${PREVIEWS_BRANCH} (${(err as Error).message}); the drafts are in the report artifact.`);
    core.warning(notes[0]!);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  if (ceilingNote) notes.unshift(ceilingNote);
  if (settings.fallback) notes.unshift(settings.fallback);
  if (!settings.token) {
    core.warning("no github-token, so no pull-request comment");
    return "skipped: no github-token.";
  }
  try {
    const done = await writeReviewComment(git, await octokitFor(settings), settings, {
      pullRequest: pr.number,
      manifest,
      headSha: pr.headSha || settings.event.sha,
      notes,
      lockfile: commitLine ? `Lockfile on the pull request's branch (preview-push): ${commitLine}` : undefined,
    });
    core.info(`${done.action} comment ${done.url}`);
    return `[${done.action}](${done.url}).`;
  } catch (err) {
    return commentFailed(err);
  }
}

function commentFailed(err: unknown): string {
  const status = (err as { status?: number }).status;
  const hint = status === 403 || status === 401 ? "; give the job permissions: pull-requests: write" : "";
  core.warning(`the pull-request comment could not be written: ${(err as Error).message}${hint}`);
  return `not written: ${(err as Error).message}${hint}.`;
}

/**
 * An `issue_comment` event: applies the `/seedlock` commands of the comment if its sender has write
 * access (asked of the REST API, never read from the comment), records each verdict with who and
 * when, drafts again where asked within the budget, and updates the sticky comment in place.
 */
export async function runReview(git: Git, settings: ActionSettings, manifest: string, logger: Logger): Promise<void> {
  const c = settings.event.comment;
  if (!c || !c.isPullRequest) return core.info("not a comment on a pull request: nothing to review");
  if (c.senderIsBot) return core.info("a bot's comment: no verdicts in it");
  // Someone ticked or cleared checkboxes of the sticky comment: GitHub sends it as an edit by them.
  const ticking = c.body.includes(commentMarker(manifest));
  if (ticking && !(c.authorIsBot && settings.event.action === "edited")) return core.info("a comment carrying seedlock's marker that seedlock did not write: ignored");
  const { commands, problems } = ticking ? { commands: [], problems: [] } : parseCommands(c.body);
  if (!ticking && !commands.length && !problems.length) return core.info("no /seedlock command in this comment");
  if (!settings.token) return core.setFailed("a review needs github-token, to check who may give verdicts and to update the comment");
  const octokit = await octokitFor(settings);
  const { owner, repo } = settings.repository;
  const headSha = (await headCommit(git)) ?? settings.event.sha;
  const { states } = await readReviews(git, c.issue);
  const mine = states.filter((s) => s.manifest === manifest);
  if (!mine.length) return core.warning(`pull request #${c.issue} has no preview of ${manifest} on ${PREVIEWS_BRANCH} yet: run the preview first`);

  let role = "none";
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: c.sender });
    role = data.role_name || data.permission;
  } catch (err) {
    core.warning(`the permission of @${c.sender} could not be read (${(err as Error).message}); the command is not applied`);
  }
  if (!WRITERS.has(role)) {
    const why = `@${c.sender}'s [command](${c.url}) was not applied: verdicts count only from people with write access to ${owner}/${repo}, and @${c.sender} has ${role} access.`;
    core.warning(why);
    await writeReviewComment(git, octokit, settings, { pullRequest: c.issue, manifest, headSha, notes: [why] });
    return;
  }

  const applied = ticking ? applyTicks(mine, readTicks(c.body), c.sender, c.at, c.url) : applyCommands(mine, commands, c.sender, c.at, c.url);
  const notes = [...applied.done.map((d) => `@${c.sender} at ${c.at}: \`${d}\``), ...problems, ...applied.problems];
  const scratch = await mkdtemp(join(tmpdir(), "seedlock-review-state-"));
  try {
    const updates: { state: ReviewState; files: { path: string; source: string | null }[] }[] = [...applied.changed].map((state) => ({ state, files: [] }));
    if (applied.rerolls.length) {
      if (settings.core.command !== "preview") {
        notes.push(`New drafts of ${applied.rerolls.join(", ")} wait for the next preview: ${settings.fallback ?? "this run cannot draft"}.`);
      } else {
        const redrawn = await redraw(git, settings, manifest, mine, applied.rerolls, logger, headSha);
        for (const u of redrawn.updates) {
          const known = updates.find((x) => x.state.part === u.state.part);
          if (known) {
            known.state = u.state;
            known.files = u.files;
          } else updates.push(u);
        }
        notes.push(redrawn.line);
      }
    }
    if (updates.length) await pushReviews(git, updates, `seedlock verdicts on #${c.issue} by @${c.sender}`, scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const done = await writeReviewComment(git, octokit, settings, { pullRequest: c.issue, manifest, headSha, notes });
  core.info(`${done.action} comment ${done.url}`);
}

/** Draws new drafts for rerolled assets: adopt the verdicts, preview, and refresh their parts. */
async function redraw(git: Git, settings: ActionSettings, manifest: string, states: ReviewState[], rerolls: string[], logger: Logger, headSha: string) {
  const tip = await fetchTip(git, PREVIEWS_BRANCH);
  // The verdicts just given are not on the branch yet: adopt from the states in memory.
  await adoptReviews(git, settings.core.manifestPath, manifest, states, tip);
  const report = await execute({ ...settings.core, command: "preview", shard: undefined }, { logger });
  const merge = await execute({ ...settings.core, command: "plan", shard: undefined }, { logger: new NullLogger() }).catch(() => undefined);
  const updates: { state: ReviewState; files: { path: string; source: string | null }[] }[] = [];
  for (const state of states) {
    const ids = rerolls.filter((id) => state.assets[id]);
    if (!ids.length) continue;
    const sub: RunReport = { ...report, assets: report.assets.filter((a) => ids.includes(a.id)) };
    const built = await buildReviewState(sub, state, {
      pullRequest: state.pullRequest,
      manifest,
      manifestPath: settings.core.manifestPath,
      headSha,
      ...(state.shard ? { shard: state.shard } : {}),
      mergeReport: merge,
      changedSinceReview: [],
      now: new Date(),
    });
    const next = structuredClone(state);
    for (const id of ids) if (built.state.assets[id]) next.assets[id] = built.state.assets[id]!;
    const rows = new Map(built.state.section.rows.map((r) => [r.id, r]));
    next.section.rows = next.section.rows.map((r) => rows.get(r.id) ?? r);
    next.section.spentUsd += sub.assets.reduce((s, a) => s + a.spentUsd, 0);
    next.section.drafts += sub.assets.reduce((s, a) => s + a.drafts, 0);
    next.section.accepted += sub.assets.reduce((s, a) => s + a.accepted, 0);
    next.section.mergeUsd = next.section.rows.reduce((s, r) => s + r.mergeUsd, 0);
    next.updatedAt = new Date().toISOString();
    updates.push({ state: next, files: built.files.filter((f) => f.path.includes("/drafts/")) });
  }
  const drafts = report.assets.filter((a) => rerolls.includes(a.id)).reduce((n, a) => n + a.drafts, 0);
  return { updates, line: `Drew ${drafts} new draft${drafts === 1 ? "" : "s"} for ${rerolls.join(", ")} (${formatUsd(report.spentUsd, { places: 4 })}, within the ${formatUsd(report.ceilingUsd, { places: 2 })} ceiling).` };
}

/**
 * After the run on the default branch landed: a pull request's review whose every asset now has its
 * finals under the reviewed inputs has nothing left to adopt, so its folder goes.
 */
export async function retireReviews(git: Git, settings: ActionSettings, manifest: string): Promise<void> {
  try {
    const { states } = await readReviews(git);
    if (!states.length) return;
    const spec = await loadManifest(settings.core.manifestPath);
    const lock = await readLockfile(lockPathFor(spec.file));
    const byPr = new Map<number, ReviewState[]>();
    for (const s of states) byPr.set(s.pullRequest, [...(byPr.get(s.pullRequest) ?? []), s]);
    for (const [pr, parts] of byPr) {
      const done = parts.every(
        (p) => p.manifest === manifest && Object.entries(p.assets).every(([id, a]) => lock.assets[id]?.inputHash === a.inputHash && lock.assets[id]!.outputs.length >= a.count),
      );
      if (done && (await removeReview(git, pr))) core.info(`the review of #${pr} is rendered on this branch: removed its folder from ${PREVIEWS_BRANCH}`);
    }
  } catch (err) {
    core.warning(`old reviews could not be removed from ${PREVIEWS_BRANCH}: ${(err as Error).message}`);
  }
}

/** A pull request closed without merging: its previews folder goes; a merged one waits for the run after the merge. */
export async function closePullRequest(git: Git, settings: ActionSettings): Promise<void> {
  const pr = settings.event.pullRequest!;
  if (pr.merged) return core.info(`#${pr.number} was merged: its review stays on ${PREVIEWS_BRANCH} for the run after the merge to adopt`);
  try {
    const removed = await removeReview(git, pr.number);
    core.info(removed ? `removed the previews of #${pr.number} from ${PREVIEWS_BRANCH}` : `no previews of #${pr.number} on ${PREVIEWS_BRANCH}`);
  } catch (err) {
    core.warning(`the previews of #${pr.number} could not be removed from ${PREVIEWS_BRANCH}: ${(err as Error).message}`);
  }
}
