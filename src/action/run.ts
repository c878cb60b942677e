import * as core from "@actions/core";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { InputError, SeedlockError, formatDiagnostic } from "../errors.js";
import { NullLogger } from "../logger.js";
import { lockPathFor } from "../lock/file.js";
import { execute } from "../pipeline/execute.js";
import type { RunReport } from "../run-report.js";
import { plainLine } from "../report/progress.js";
import { loadManifest } from "../manifest/load.js";
import { pullRequestCeiling, readBaseBudget, type PullRequestCeiling } from "./base-ceiling.js";
import { commentBody, commentMarker, upsertComment } from "./comment.js";
import { Output, State } from "./constants.js";
import { errorSentence, failureSentence } from "./failure.js";
import { GitCli, PushRefusedError, headCommit, topLevel, type Git } from "./git.js";
import { land, type LandingPlan } from "./landing.js";
import { ActionsLogger } from "./logger.js";
import { setOutputs } from "./outputs.js";
import { pushContactSheets } from "./previews.js";
import { adoptFinalsBranch, finalsBody, upsertFinalsPullRequest } from "./finals-pr.js";
import { adoptBeforeRun, closePullRequest, retireReviews, previewComment, runReview } from "./review-run.js";
import { combineShardReports, readShardReports } from "../report/matrix-summary.js";
import { buildSummarySettings, isSummaryCommand, readActionSettings, type ActionSettings } from "./settings.js";
import { matrixSummaryMarkdown, summaryMarkdown, writeSummary, type SummaryFacts } from "./summary.js";

const PROGRESS_EVERY_MS = 10_000;
const LANDS: ReadonlySet<string> = new Set(["run", "render", "preview"]);

/** The main step: settings, the core, then outputs, commit, comment, summary and the verdict. */
export async function runMain(): Promise<void> {
  if (isSummaryCommand()) return runMatrixSummary();
  let settings: ActionSettings;
  try {
    settings = readActionSettings();
  } catch (err) {
    core.setFailed(err instanceof SeedlockError ? err.message : `seedlock could not read its inputs: ${(err as Error).message}`);
    return;
  }
  const logger = new ActionsLogger(settings.workspace);
  const manifest = relative(settings.workspace, settings.core.manifestPath).split(sep).join("/");
  const git = new GitCli(settings.workspace);
  const trusted = await trustedCeiling(git, settings);
  settings = trusted.settings;
  if (settings.fallback) core.notice(settings.fallback);
  else if (trusted.note) core.notice(trusted.note);
  if (settings.review) {
    try {
      return await logger.group("Review", () => runReview(git, settings, manifest, logger));
    } catch (err) {
      return core.setFailed(err instanceof SeedlockError ? err.message : `the review failed: ${(err as Error).message}`);
    }
  }
  if (settings.event.pullRequest && settings.event.action === "closed") return closePullRequest(git, settings);
  const adoption = settings.fallback ? undefined : await adoptBeforeRun(git, settings, manifest);
  const plan = await landingPlan(git, settings);
  if (plan?.finals) {
    const carried = await adoptFinalsBranch(git, settings.core.manifestPath, plan.top, plan.branch).catch((err: Error) => {
      core.warning(`the finals already proposed on ${plan.branch} could not be read (${err.message}); rendering without them`);
      return [];
    });
    if (carried.length) core.info(`carried over the finals of ${carried.join(", ")} already proposed on ${plan.branch}`);
  }
  // Saved before any call, so a cancelled job's post step can still commit what was accepted.
  if (plan) core.saveState(State.landing, JSON.stringify(plan));

  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  // Not `once`: a second signal during the stop would kill the step before it books what arrived.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let report: RunReport | undefined;
  let thrown: unknown;
  let failure: string | undefined;
  let lastProgress = 0;
  try {
    const stage = { run: "draft → screen → render", preview: "draft → screen", render: "render", plan: "plan", verify: "verify" }[settings.core.command];
    report = await logger.group(`seedlock ${settings.core.command} ${manifest}: ${stage}`, () => execute(settings.core, {
      logger,
      signal: controller.signal,
      progress: (snapshot) => {
        if (snapshot.elapsedMs - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = snapshot.elapsedMs;
        core.info(plainLine(snapshot));
      },
    }));
    failure = failureSentence(report, settings.core.maxBudgetUsd, trusted.ceilingName);
    // Batch jobs out: the step succeeded, and says when its work will be collected.
    if (report.exitCode === 0 && report.message) core.notice(report.message);
  } catch (err) {
    thrown = err;
    if (err instanceof InputError) {
      // The annotation carries the file and line; its text need not repeat them.
      for (const d of err.diagnostics) logger.error(formatDiagnostic({ ...d, location: undefined }), d.location);
    } else if (!(err instanceof SeedlockError)) {
      core.debug((err as Error)?.stack ?? String(err));
    }
    failure = errorSentence(err, manifest);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }

  const facts: SummaryFacts = { manifest, fallback: settings.fallback, runUrl: settings.runUrl };
  if (report) {
    setOutputs(report);
    await keepReportJson(report, settings);
  }
  // A run that started keeps what it accepted, even when it then failed; invalid input did nothing.
  const ran = report !== undefined || (thrown !== undefined && !(thrown instanceof InputError));
  if (ran && settings.commit && !settings.fallback && LANDS.has(settings.core.command)) {
    if ("skip" in settings.commitTarget) facts.commit = `not committed: ${settings.commitTarget.skip}.`;
    else if (plan) {
      const outcome = await logger.group("Commit", () => commitBack(git, plan, report, settings));
      facts.commit = outcome.line;
      if (outcome.failure) failure ??= outcome.failure;
      else if (plan.kind === "push" && !plan.finals && report?.exitCode === 0 && adoption) await retireReviews(git, settings, manifest);
    }
  }
  const merge = report?.command === "preview" ? await mergePlan(settings) : undefined;
  facts.mergeEstimateUsd = merge?.estimatedUsd;
  if (report && settings.comment) {
    facts.comment = await logger.group("Pull-request comment", () =>
      report!.command === "preview" && !settings.event.pullRequest?.fork
        ? previewComment(git, settings, report!, manifest, merge, adoption, facts.commit, trusted.note)
        : comment(git, settings, report!, manifest, merge, facts.commit, trusted.note),
    );
  }
  facts.failure = failure;
  await writeSummary(summaryMarkdown(report, facts));
  core.saveState(State.finished, "true");
  if (failure) core.setFailed(failure);
}

/**
 * On a pull request the manifest is untrusted: the ceiling comes from the workflow and the base
 * branch (base-ceiling.ts). Elsewhere the settings stand as they are.
 */
async function trustedCeiling(git: Git, settings: ActionSettings): Promise<PullRequestCeiling> {
  const pr = settings.event.pullRequest;
  if (!pr) return { settings };
  const base = await readBaseBudget(git, settings.core.manifestPath, pr.baseSha, pr.baseRef);
  if (base.kind === "unreadable" && settings.core.maxBudgetUsd !== undefined) {
    core.warning(`the base branch's ${base.where} could not be read (${base.why}); the workflow's max-budget-usd alone caps this pull request`);
  }
  const head = await loadManifest(settings.core.manifestPath, { logger: new NullLogger() }).then(
    (m) => m.budget.maxUsd,
    () => undefined,
  );
  return pullRequestCeiling(settings, base, head);
}

/** Where and from what this run's work would be committed, or undefined when it will not be. */
async function landingPlan(git: Git, settings: ActionSettings): Promise<LandingPlan | undefined> {
  if (!settings.commit || settings.fallback || !LANDS.has(settings.core.command) || "skip" in settings.commitTarget) return undefined;
  let top: string;
  try {
    top = await topLevel(git);
  } catch {
    core.warning(`${settings.workspace} is not a git repository, so nothing will be committed; check it out with actions/checkout first`);
    return undefined;
  }
  return {
    top,
    lockfile: relative(top, lockPathFor(settings.core.manifestPath)),
    branch: settings.finalsPullRequest ? `seedlock/finals/${settings.commitTarget.branch}` : settings.commitTarget.branch,
    kind: settings.commitTarget.kind,
    ...(settings.finalsPullRequest && settings.commitTarget.kind === "push" ? { finals: { base: settings.commitTarget.branch } } : {}),
    startedFrom: await headCommit(git),
    command: settings.core.command,
    subject: settings.commitMessage,
    ...(settings.core.shard ? { racers: settings.core.shard.count } : {}),
  };
}

async function commitBack(git: Git, plan: LandingPlan, report: RunReport | undefined, settings: ActionSettings): Promise<{ line: string; failure?: string }> {
  try {
    const landed = await land(git, plan, report, (attempt, reason) =>
      core.info(`push ${attempt} to ${plan.branch} was rejected (${reason}); fetching and trying again`),
    );
    if (!landed || !landed.commit) {
      core.info(`nothing to commit: ${plan.branch} already holds these outputs and this lockfile`);
      return { line: "nothing changed, so nothing was committed." };
    }
    const url = `${settings.serverUrl}/${settings.repository.owner}/${settings.repository.repo}/commit/${landed.commit}`;
    const merged = landed.merged ? " (the branch had moved: lockfile merged per asset)" : "";
    core.info(`pushed ${landed.commit} to ${plan.branch}${merged}`);
    if (plan.finals) return await proposeFinals(git, plan, report, settings, landed.commit);
    return { line: `pushed [${landed.commit.slice(0, 7)}](${url}) to \`${plan.branch}\`${merged}.` };
  } catch (err) {
    const reason = err instanceof PushRefusedError ? err.message : `committing failed: ${(err as Error).message}`;
    // A pull request's branch may be closed to this token; the preview itself still stands.
    if (plan.kind === "pull-request") {
      core.warning(`${reason}; the accepted seeds were not recorded on the pull request's branch`);
      return { line: `not recorded on \`${plan.branch}\`: ${reason}.` };
    }
    return {
      line: `failed: ${reason}.`,
      failure: `${reason[0]!.toUpperCase()}${reason.slice(1)}; give the job permissions: contents: write (and keep actions/checkout's credentials), or set commit: false.`,
    };
  }
}

async function comment(git: Git, settings: ActionSettings, report: RunReport, manifest: string, merge: RunReport | undefined, commitLine?: string, ceilingNote?: string): Promise<string> {
  const pr = settings.event.pullRequest!;
  if (pr.fork && settings.event.name !== "pull_request_target") {
    core.info("no comment: a pull request from a fork gets a read-only token; the job summary has the plan");
    return "skipped: the token of a fork's pull request may not write comments.";
  }
  if (!settings.token) {
    core.warning("no github-token, so no pull-request comment");
    return "skipped: no github-token.";
  }
  const { owner, repo } = settings.repository;
  let images = new Map<string, string>();
  let imagesNote: string | undefined;
  if (report.assets.some((a) => a.contactSheet)) {
    try {
      images = await pushContactSheets(git, report, { pullRequest: pr.number, headSha: pr.headSha, serverUrl: settings.serverUrl, owner, repo });
    } catch (err) {
      imagesNote = `Contact sheets could not be pushed to seedlock-previews (${(err as Error).message}); they are in the report artifact.`;
      core.warning(imagesNote);
    }
  }
  const body = commentBody(report, {
    manifest,
    merge,
    headSha: pr.headSha || settings.event.sha,
    fallback: settings.fallback,
    ...(ceilingNote && ceilingNote !== settings.fallback ? { ceilingNote } : {}),
    images,
    imagesNote,
    lockfile: commitLine && report.command === "preview" ? `Accepted seeds, lockfile: ${commitLine}` : undefined,
    runUrl: settings.runUrl,
  });
  try {
    // Loaded here, not at the top: @actions/github parses the event file when it loads, which must
    // not happen before settings.ts has checked that file and can say what is wrong with it.
    const github = await import("@actions/github");
    const octokit = github.getOctokit(settings.token, { baseUrl: settings.apiUrl });
    const done = await upsertComment(octokit, { owner, repo, issue: pr.number }, commentMarker(manifest), body);
    core.info(`${done.action} comment ${done.url}`);
    if (done.ignored.length) {
      const who = [...new Set(done.ignored.map((a) => a.login))].join(", ");
      core.warning(`left alone ${done.ignored.length} comment(s) by ${who} that carry seedlock's marker: the bot edits only comments its own identity wrote`);
    }
    return `[${done.action}](${done.url}).`;
  } catch (err) {
    const status = (err as { status?: number }).status;
    const hint = status === 403 || status === 401 ? "; give the job permissions: pull-requests: write" : "";
    core.warning(`the pull-request comment could not be written: ${(err as Error).message}${hint}`);
    return `not written: ${(err as Error).message}${hint}.`;
  }
}

/** `commit: pull-request`: one pull request from the finals branch into the base, with before/after images. */
async function proposeFinals(git: Git, plan: LandingPlan, report: RunReport | undefined, settings: ActionSettings, commit: string): Promise<{ line: string; failure?: string }> {
  if (!settings.token) return { line: `pushed to \`${plan.branch}\`; no github-token, so no pull request.`, failure: "commit: pull-request needs github-token to open the pull request" };
  const { owner, repo } = settings.repository;
  const target = { owner, repo, serverUrl: settings.serverUrl, branch: plan.branch, base: plan.finals!.base, before: plan.startedFrom ?? commit, after: commit, manifest: relative(plan.top, settings.core.manifestPath).split(sep).join("/") };
  try {
    const github = await import("@actions/github");
    const octokit = github.getOctokit(settings.token, { baseUrl: settings.apiUrl });
    const pr = await upsertFinalsPullRequest(octokit, target, await finalsBody(git, report, target));
    core.info(`${pr.action} pull request #${pr.number} ${pr.url}`);
    return { line: `pushed to \`${plan.branch}\` and ${pr.action} [#${pr.number}](${pr.url}) into \`${target.base}\`.` };
  } catch (err) {
    const status = (err as { status?: number }).status;
    const hint = status === 403 || status === 401 ? "; give the job permissions: pull-requests: write (and allow Actions to create pull requests in the repository's settings)" : "";
    return { line: `pushed to \`${plan.branch}\`; the pull request could not be opened: ${(err as Error).message}.`, failure: `The finals pull request could not be opened: ${(err as Error).message}${hint}` };
  }
}

/** What `run` would cost once this pull request is merged: a plan over the lockfile the preview left. */
async function mergePlan(settings: ActionSettings): Promise<RunReport | undefined> {
  try {
    // Quiet: the preview already said everything this plan could warn about.
    return await execute({ ...settings.core, command: "plan" }, { logger: new NullLogger() });
  } catch (err) {
    core.debug(`the plan after the preview failed: ${(err as Error).message}`);
    return undefined;
  }
}

/** Writes the step's report as JSON beside report.html, for the matrix's summary job to add up. */
async function keepReportJson(report: RunReport, settings: ActionSettings): Promise<void> {
  if (!settings.core.reportDir) return;
  const file = join(settings.core.reportDir, "report.json");
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(report)}\n`);
    core.setOutput(Output.reportJson, file);
  } catch (err) {
    core.warning(`could not write ${file}: ${(err as Error).message}`);
  }
}

/** `command: summary`: the final job of a matrix adds up the shards' report.json files into one summary. */
async function runMatrixSummary(): Promise<void> {
  try {
    const settings = buildSummarySettings((name) => core.getInput(name), process.env);
    const summary = combineShardReports(await readShardReports([settings.reports]));
    setOutputs(summary.report);
    const failure = summary.report.message ? `${summary.report.message[0]!.toUpperCase()}${summary.report.message.slice(1)}.` : undefined;
    if (summary.fingerprints.length > 1) core.warning(`the shards computed ${summary.fingerprints.length} different packings: start every shard from the same commit with the same max-budget-usd`);
    await writeSummary(matrixSummaryMarkdown(summary, { runUrl: settings.runUrl, failure }));
    core.info(`matrix of ${summary.count} shards: spent ${summary.spentUsd} of the ${summary.ceilingUsd} ceiling; ${summary.unspentUsd} left unspent in the slices`);
    if (failure) core.setFailed(failure);
  } catch (err) {
    core.setFailed(err instanceof SeedlockError ? err.message : `seedlock summary failed: ${(err as Error).message}`);
  }
}
