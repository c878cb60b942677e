import * as core from "@actions/core";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { InputError, type Diagnostic } from "../errors.js";
import type { CommandName, Settings } from "../pipeline/settings.js";
import { parseBaseUrl } from "../settings/base-url.js";
import { parseBatchMode, parseWaitMinutes } from "../settings/batch.js";
import { parseMaxBudgetUsd } from "../settings/budget.js";
import { parseShard, parseShardCount } from "../settings/shard.js";
import { Input } from "./constants.js";

/** The pull request a run is about, from the event payload. */
export interface PullRequestFacts {
  number: number;
  /** Branch of the pull request in its head repository. */
  headRef: string;
  headSha: string;
  /** `owner/name` of the repository the branch lives in; differs from baseRepo for a fork. */
  headRepo: string;
  baseRepo: string;
  /** The base branch and the commit the pull request is compared with: the trusted side. */
  baseRef: string;
  baseSha: string;
  fork: boolean;
}

/** A comment on a pull request, from an `issue_comment` event: where `/seedlock` verdicts come from. */
export interface CommentFacts {
  /** The pull request (an issue number) it was written on. */
  issue: number;
  isPullRequest: boolean;
  id: number;
  url: string;
  body: string;
  /** Who wrote it, and who created or edited it now (the one whose access counts). */
  author: string;
  sender: string;
  senderIsBot: boolean;
  authorIsBot: boolean;
  at: string;
}

/** What the runner says about the event, read once. */
export interface EventFacts {
  name: string;
  sha: string;
  ref: string;
  /** The payload's `action`, e.g. `closed`, `created`, `edited`. */
  action?: string;
  pullRequest?: PullRequestFacts & { merged?: boolean };
  comment?: CommentFacts;
}

/** Where a commit goes, or why none can be made. */
export type CommitTarget =
  | { branch: string; kind: "push" | "pull-request" }
  | { skip: string };

/** Everything the Action does, decided from inputs and the event in one place and validated once. */
export interface ActionSettings {
  /** What the core is asked to do; `command` may be `plan` when the requested one cannot run. */
  core: Settings;
  requestedCommand: CommandName;
  /** Why the requested command became `plan` (a fork's pull request, no key); said, not failed. */
  fallback?: string;
  commit: boolean;
  commitTarget: CommitTarget;
  /** `commit: pull-request` on a branch: open or update one pull request with the finals instead. */
  finalsPullRequest: boolean;
  /** Subject template; `{assets}` becomes the changed ids. */
  commitMessage?: string;
  comment: boolean;
  /** Apply `/seedlock` verdicts from a pull-request comment (an issue_comment event, or command: review). */
  review: boolean;
  /** A preview also pushes the lockfile and accepted drafts to the pull request's branch. */
  previewPush: boolean;
  token?: string;
  workspace: string;
  repository: { owner: string; repo: string };
  serverUrl: string;
  apiUrl: string;
  /** Link to this workflow run, where its artifacts are listed. */
  runUrl?: string;
  event: EventFacts;
}

const COMMANDS: readonly CommandName[] = ["run", "preview", "plan", "render", "verify"];
const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_review", "pull_request_review_comment", "pull_request_target"]);
const NEEDS_KEY = new Set<CommandName>(["run", "preview", "render"]);

/**
 * Reads every input (and the key first masked) into one ActionSettings; nothing else in the
 * Action reads inputs. Throws InputError naming each input that is wrong.
 */
export function readActionSettings(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const apiKey = core.getInput(Input.apiKey);
  if (apiKey) core.setSecret(apiKey);
  const token = core.getInput(Input.githubToken);
  if (token) core.setSecret(token);
  return buildActionSettings((name) => core.getInput(name), env, readEvent(env));
}

/** The event payload the runner wrote, or an empty one when none is named (a local run). */
export function readEvent(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  if (!existsSync(path)) {
    // Without the payload a pull_request run cannot tell a fork from a branch: refuse rather than guess.
    throw new InputError([{ message: `GITHUB_EVENT_PATH names ${path}, which does not exist`, fix: "run seedlock as a workflow step, or unset GITHUB_EVENT_PATH for a local run" }]);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InputError([{ message: `the event payload ${path} is not JSON: ${(err as Error).message}` }]);
  }
  // Every event GitHub sends is one JSON object; anything else cannot say which pull request this is.
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new InputError([{ message: `the event payload ${path} is ${Array.isArray(payload) ? "an array" : JSON.stringify(payload)}, not a JSON object`, fix: "let the runner write GITHUB_EVENT_PATH, or unset it for a local run" }]);
  }
  return payload as Record<string, unknown>;
}

/** Pure: inputs + environment + event payload → settings, or an InputError listing every problem. */
export function buildActionSettings(
  input: (name: string) => string,
  env: NodeJS.ProcessEnv,
  payload: Record<string, unknown>,
): ActionSettings {
  const problems: Diagnostic[] = [];
  const problem = (name: string, message: string, fix: string) => problems.push({ path: `input "${name}"`, message, fix });
  const text = (name: string) => input(name).trim();

  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const event = eventFacts(env, payload);
  const pullRequest = event.pullRequest;

  const commandText = text(Input.command) || "run";
  // A review applies verdicts and draws again where asked, which is a preview's work.
  const review = commandText === "review" || event.name === "issue_comment";
  const requestedCommand = review ? "preview" : COMMANDS.find((c) => c === commandText);
  if (!requestedCommand) problem(Input.command, `is "${commandText}"`, `use one of: ${COMMANDS.join(", ")}, summary`);

  const manifestText = text(Input.manifest) || "assets.yaml";
  const manifestPath = resolve(workspace, manifestText);
  const inside = relative(workspace, manifestPath);
  if (inside.startsWith("..") || isAbsolute(inside)) {
    problem(Input.manifest, `"${manifestText}" is outside the repository (${workspace})`, "give a path relative to the repository root");
  }

  // Each knob is read by the parser the CLI's flag uses; an empty input is one not given.
  const knob = <T>(name: string, parse: (raw: string, knob: string) => T): T | undefined => {
    const raw = text(name);
    if (raw === "") return undefined;
    try {
      return parse(raw, name);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.diagnostics);
      return undefined;
    }
  };
  const maxBudgetUsd = knob(Input.maxBudgetUsd, parseMaxBudgetUsd);
  const baseUrl = knob(Input.baseUrl, parseBaseUrl);

  // `pull-request`: the finals go to seedlock's own branch and a pull request, not to the branch itself.
  const finalsPullRequest = text(Input.commit) === "pull-request";
  const commitChoice = finalsPullRequest ? true : booleanInput(text(Input.commit), Input.commit, problem);
  const commentChoice = booleanInput(text(Input.comment), Input.comment, problem);
  const previewPush = booleanInput(text(Input.previewPush), Input.previewPush, problem) ?? false;
  const allowTarget = booleanInput(text(Input.allowPullRequestTarget), Input.allowPullRequestTarget, problem) ?? false;
  const allowLowerPrices = booleanInput(text(Input.allowLowerPrices), Input.allowLowerPrices, problem) ?? false;
  const overwriteUntracked: string[] = [];
  for (const entry of input(Input.overwriteUntracked).split(/[\n,]/).map((p) => p.trim()).filter(Boolean)) {
    const file = resolve(workspace, entry);
    const rel = relative(workspace, file);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) problem(Input.overwriteUntracked, `names "${entry}", which is outside the repository (${workspace})`, "give paths relative to the repository root");
    else overwriteUntracked.push(file);
  }

  const shard = knob(Input.shard, parseShard);
  let shards = knob(Input.shards, parseShardCount);
  if (shards !== undefined && requestedCommand && requestedCommand !== "plan") {
    problem(Input.shards, `is set, but only command: plan packs a matrix (this is ${requestedCommand})`, "give each job of the matrix shard: i/n instead");
    shards = undefined;
  }
  const batch = knob(Input.batch, parseBatchMode);
  const waitMinutes = knob(Input.wait, parseWaitMinutes);

  if (event.name === "pull_request_target" && !allowTarget) {
    problem(
      Input.allowPullRequestTarget,
      "is not true, and this is a pull_request_target event, which runs with this repository's secrets for pull requests from forks",
      "use the pull_request event, or set allow-pull-request-target: true if you accept that risk",
    );
  }

  const repository = repositoryOf(env, payload);
  if (!repository) problems.push({ message: "GITHUB_REPOSITORY is not set", fix: "run inside GitHub Actions, or set it to owner/name" });

  if (problems.length || !requestedCommand || !repository) throw new InputError(problems, problems.map(formatProblem).join("; "));

  const apiKey = input(Input.apiKey).trim() || undefined;
  let command: CommandName = requestedCommand;
  let fallback: string | undefined;
  if (NEEDS_KEY.has(command) && pullRequest?.fork && event.name !== "pull_request_target") {
    fallback = `this pull request comes from the fork ${pullRequest.headRepo}, whose runs get no secrets, so seedlock plans only (no model call)`;
    command = "plan";
  } else if (NEEDS_KEY.has(command) && !apiKey) {
    fallback = `no api-key was given, so seedlock plans only (no model call); pass api-key: \${{ secrets.GEMINI_API_KEY }} to ${command}`;
    command = "plan";
  }

  const commitDefault = command === "run" || command === "render" || (command === "preview" && pullRequest !== undefined && previewPush);
  const serverUrl = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  const runnerTemp = env.RUNNER_TEMP;

  return {
    core: {
      command,
      manifestPath,
      maxBudgetUsd,
      baseUrl,
      apiKey,
      shard,
      shards,
      ...(allowLowerPrices ? { allowLowerPrices } : {}),
      ...(overwriteUntracked.length ? { overwriteUntracked } : {}),
      ...(batch ? { batch } : {}),
      ...(waitMinutes ? { waitMinutes } : {}),
      // The runner's temp folder keeps the checkout clean; the `report` output points at it.
      reportDir: runnerTemp ? join(runnerTemp, "seedlock", "report") : undefined,
    },
    requestedCommand,
    fallback,
    commit: commitChoice ?? commitDefault,
    commitTarget: commitTargetOf(event, repository),
    finalsPullRequest: finalsPullRequest && !pullRequest,
    commitMessage: input(Input.commitMessage).trim() || undefined,
    comment: (commentChoice ?? true) && (pullRequest !== undefined || review),
    review,
    previewPush,
    token: input(Input.githubToken).trim() || undefined,
    workspace,
    repository,
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    runUrl: env.GITHUB_RUN_ID ? `${serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    event,
  };
}

/** `command: summary`: the final job of a matrix, adding up the shards' reports. */
export interface SummarySettings {
  /** Absolute path of the folder (or file) holding the shards' report.json files. */
  reports: string;
  workspace: string;
  runUrl?: string;
}

export function isSummaryCommand(): boolean {
  return core.getInput(Input.command).trim() === "summary";
}

/** Reads the inputs `command: summary` takes; throws InputError naming each one that is wrong. */
export function buildSummarySettings(input: (name: string) => string, env: NodeJS.ProcessEnv): SummarySettings {
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const reportsText = input(Input.reports).trim();
  if (!reportsText) {
    throw new InputError([
      { path: `input "${Input.reports}"`, message: "is empty, and command: summary needs the shards' reports", fix: "download the shard jobs' artifacts (actions/download-artifact) and name their folder, e.g. reports: seedlock-reports" },
    ]);
  }
  const serverUrl = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  return {
    reports: resolve(workspace, reportsText),
    workspace,
    runUrl: env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY ? `${serverUrl}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
  };
}

function formatProblem(d: Diagnostic): string {
  return `${d.path ? `${d.path} ` : ""}${d.message}${d.fix ? ` (${d.fix})` : ""}`;
}

/** The YAML 1.2 core booleans, as the runner's own getBooleanInput accepts them; "" means unset. */
function booleanInput(value: string, name: string, problem: (name: string, message: string, fix: string) => void): boolean | undefined {
  if (value === "") return undefined;
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  problem(name, `is "${value}"`, "use true or false");
  return undefined;
}

function eventFacts(env: NodeJS.ProcessEnv, payload: Record<string, unknown>): EventFacts {
  const name = env.GITHUB_EVENT_NAME ?? "";
  const facts: EventFacts = { name, sha: env.GITHUB_SHA ?? "", ref: env.GITHUB_REF ?? "" };
  const pr = payload.pull_request as
    | { number?: number; head?: { ref?: string; sha?: string; repo?: { full_name?: string } | null }; base?: { ref?: string; sha?: string; repo?: { full_name?: string } } }
    | undefined;
  if (PULL_REQUEST_EVENTS.has(name) && pr && typeof pr.number === "number") {
    const baseRepo = pr.base?.repo?.full_name ?? env.GITHUB_REPOSITORY ?? "";
    // A deleted fork has no head repository at all; treat it as a fork.
    const headRepo = pr.head?.repo?.full_name ?? "";
    facts.pullRequest = {
      number: pr.number,
      headRef: pr.head?.ref ?? "",
      headSha: pr.head?.sha ?? "",
      headRepo,
      baseRepo,
      baseRef: pr.base?.ref ?? "",
      baseSha: pr.base?.sha ?? "",
      fork: headRepo.toLowerCase() !== baseRepo.toLowerCase(),
      ...((pr as { merged?: unknown }).merged === true ? { merged: true } : {}),
    };
  }
  if (typeof payload.action === "string") facts.action = payload.action;
  const comment = payload.comment as { id?: number; html_url?: string; body?: string; user?: { login?: string; type?: string }; created_at?: string; updated_at?: string } | undefined;
  const issue = payload.issue as { number?: number; pull_request?: unknown } | undefined;
  const sender = payload.sender as { login?: string; type?: string } | undefined;
  if (name === "issue_comment" && comment && typeof comment.id === "number" && issue && typeof issue.number === "number") {
    facts.comment = {
      issue: issue.number,
      isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
      id: comment.id,
      url: comment.html_url ?? "",
      body: typeof comment.body === "string" ? comment.body : "",
      author: comment.user?.login ?? "",
      sender: sender?.login ?? comment.user?.login ?? "",
      senderIsBot: sender?.type === "Bot",
      authorIsBot: comment.user?.type === "Bot",
      at: (facts.action === "edited" ? comment.updated_at : comment.created_at) ?? new Date().toISOString(),
    };
  }
  return facts;
}

function repositoryOf(env: NodeJS.ProcessEnv, payload: Record<string, unknown>): { owner: string; repo: string } | undefined {
  const full = env.GITHUB_REPOSITORY || (payload.repository as { full_name?: string } | undefined)?.full_name;
  const [owner, repo] = (full ?? "").split("/");
  return owner && repo ? { owner, repo } : undefined;
}

function commitTargetOf(event: EventFacts, repository: { owner: string; repo: string }): CommitTarget {
  const pr = event.pullRequest;
  if (pr) {
    if (pr.fork) return { skip: `the pull request's branch lives in the fork ${pr.headRepo || "(deleted)"}, which this token cannot push to` };
    if (!pr.headRef) return { skip: "the event payload names no pull-request branch" };
    return { branch: pr.headRef, kind: "pull-request" };
  }
  if (event.ref.startsWith("refs/heads/")) return { branch: event.ref.slice("refs/heads/".length), kind: "push" };
  return { skip: `${event.ref || "this event"} is not a branch of ${repository.owner}/${repository.repo}, so there is nowhere to push` };
}
