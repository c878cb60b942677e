import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  COMMENT_MARKER,
  GitCli,
  Input,
  Output,
  PREVIEWS_BRANCH,
  PushRefusedError,
  State,
  debug,
  endGroup,
  error,
  getInput,
  headCommit,
  info,
  land,
  landCommit,
  notice,
  saveState,
  setFailed,
  setOutput,
  setSecret,
  startGroup,
  summary,
  topLevel,
  warning
} from "./chunks/chunk-UNR4N5D3.js";
import "./chunks/chunk-GEXTQ4V7.js";
import {
  execute,
  plainLine
} from "./chunks/chunk-DIG3EUTH.js";
import "./chunks/chunk-QEITITXB.js";
import "./chunks/chunk-EMGX7NSF.js";
import {
  lockPathFor
} from "./chunks/chunk-RN5VCRI4.js";
import "./chunks/chunk-B26JENO5.js";
import {
  ExitCode,
  InputError,
  NullLogger,
  SeedlockError,
  formatDiagnostic
} from "./chunks/chunk-RUZPBMFR.js";
import "./chunks/chunk-4RHKQ3D4.js";

// src/action/run.ts
import { relative as relative3, sep } from "node:path";

// src/action/markdown.ts
function usd(value) {
  const cents = Math.abs(value * 100 - Math.round(value * 100)) < 1e-9;
  return `$${value.toFixed(Math.abs(value) >= 1 || cents ? 2 : 4)}`;
}
function percent(rate) {
  return rate === null ? "\u2013" : `${Math.round(rate * 100)} %`;
}
var STATUS = {
  unchanged: "unchanged",
  done: "\u2705 done",
  capped: "\u26D4 attempt cap",
  budget: "\u{1F4B8} stopped by budget",
  unavailable: "\u26A0\uFE0F API unavailable",
  interrupted: "\u23F9 interrupted",
  incomplete: "\u25FB\uFE0F incomplete",
  planned: "\u{1F4DD} planned"
};
function statusText(status) {
  return STATUS[status] ?? status;
}
function rejectedText(rejected) {
  const parts = Object.entries(rejected).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([reason, n]) => `${reason} ${n}`);
  return parts.length ? parts.join(", ") : "\u2013";
}
function cell(text) {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
function table(header, rows, textColumns = 2) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map((_, i) => i < textColumns ? "---" : "---:")), ...rows.map(line)].join("\n");
}
function assetTable(report) {
  const withEstimate = report.command === "plan";
  const header = ["Asset", "Status", "Drafts", "Accepted", "Rejected", "Rendered", "Spent", ...withEstimate ? ["Estimate"] : []];
  const row = (a) => [
    `\`${cell(a.id)}\``,
    statusText(a.status),
    String(a.drafts),
    String(a.accepted),
    cell(rejectedText(a.rejected)),
    String(a.rendered),
    usd(a.spentUsd),
    ...withEstimate ? [usd(a.estimatedUsd)] : []
  ];
  const rejected = report.assets.reduce((n, a) => n + Object.values(a.rejected).reduce((m, k) => m + k, 0), 0);
  const totals = [
    `**${report.assets.length} assets**`,
    "",
    `**${report.drafts}**`,
    `**${report.accepted}**`,
    `**${rejected}**`,
    `**${report.rendered}**`,
    `**${usd(report.spentUsd)}**`,
    ...withEstimate ? [`**${usd(report.estimatedUsd)}**`] : []
  ];
  return table(header, [...report.assets.map(row), totals]);
}
function effectiveCostLine(report) {
  const rates = `accept rate ${percent(report.acceptRate)}, regen rate ${percent(report.regenRate)}`;
  if (report.costPerAcceptedUsd === null) return `Effective cost per accepted image: \u2013 (nothing accepted in this run; ${rates}).`;
  return `Effective cost per accepted image: **${usd(report.costPerAcceptedUsd)}** (measured on this run: ${rates}, ${report.accepted} accepted of ${report.drafts} drafts).`;
}

// src/action/comment.ts
function commentMarker(manifest) {
  return manifest === "assets.yaml" ? COMMENT_MARKER : `<!-- seedlock:preview ${manifest} -->`;
}
function commentBody(report, facts) {
  const out = [commentMarker(facts.manifest), `### seedlock ${report.command} \xB7 \`${facts.manifest}\``, ""];
  if (facts.fallback) out.push(`> [!NOTE]
> ${facts.fallback}`, "");
  const after = new Map((facts.merge?.assets ?? []).map((a) => [a.id, a.estimatedUsd]));
  const mergeUsd = facts.merge?.estimatedUsd ?? report.estimatedUsd;
  const ceiling = `within a **${usd(report.ceilingUsd)}** ceiling`;
  out.push(
    report.command === "preview" ? `Merging this pull request would cost about **${usd(mergeUsd)}** more, ${ceiling}: the run after the merge renders the accepted drafts and drafts only what is still missing. This preview spent ${usd(report.spentUsd)} on ${report.drafts} drafts (accept rate ${percent(report.acceptRate)}).` : `Merging this pull request would cost about **${usd(mergeUsd)}**, ${ceiling}.`,
    ""
  );
  if (report.assets.length) {
    out.push(
      table(
        ["Asset", "Verdict", "Drafts", "Accepted", "Rejected", "Cost to merge"],
        report.assets.map((a) => [
          `\`${cell(a.id)}\``,
          statusText(a.status),
          String(a.drafts),
          String(a.accepted),
          cell(rejectedText(a.rejected)),
          usd(after.get(a.id) ?? a.estimatedUsd)
        ])
      ),
      ""
    );
  }
  const sheets = report.assets.filter((a) => facts.images.has(a.id));
  if (sheets.length) {
    out.push("<details open><summary>Contact sheets</summary>", "");
    for (const a of sheets) out.push(`**\`${a.id}\`**`, "", `![contact sheet of ${a.id}](${facts.images.get(a.id)})`, "");
    out.push("</details>", "");
  } else if (facts.imagesNote) {
    out.push(`_${facts.imagesNote}_`, "");
  }
  if (facts.lockfile) out.push(facts.lockfile, "");
  const run = facts.runUrl ? ` \xB7 [workflow run](${facts.runUrl})` : "";
  out.push(`<sub>For ${facts.headSha.slice(0, 7)}${run} \xB7 updated in place on every push</sub>`);
  return out.join("\n");
}
async function upsertComment(octokit, target, marker, body) {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issue,
    per_page: 100
  });
  const mine = comments.find((c) => c.body?.includes(marker));
  if (mine) {
    const { data: data2 } = await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: Number(mine.id), body });
    return { id: Number(data2.id), url: data2.html_url, action: "updated" };
  }
  const { data } = await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issue, body });
  return { id: Number(data.id), url: data.html_url, action: "created" };
}

// src/action/failure.ts
function ids(list) {
  if (list.length <= 4) return list.join(", ");
  return `${list.slice(0, 3).join(", ")} and ${list.length - 3} more`;
}
function failureSentence(report, workflowCeilingUsd) {
  if (report.exitCode === ExitCode.ok) return void 0;
  const left = report.assets.filter((a) => a.status !== "done" && a.status !== "unchanged" && a.status !== "planned").map((a) => a.id);
  switch (report.exitCode) {
    case ExitCode.budgetExceeded: {
      const which = workflowCeilingUsd !== void 0 && workflowCeilingUsd <= report.ceilingUsd + 1e-9 ? `the workflow's max-budget-usd (${usd(report.ceilingUsd)})` : `the manifest's budget.maxUsd (${usd(report.ceilingUsd)})`;
      if (report.command === "plan" || report.spentUsd === 0) {
        return `The estimate of ${usd(report.estimatedUsd)} exceeds ${which}, so nothing was generated; raise max-budget-usd or budget.maxUsd, or lower counts.`;
      }
      const undone = left.length ? ` with ${ids(left)} left undone` : "";
      return `seedlock stopped at ${which} after spending ${usd(report.spentUsd)}${undone} (accepted work is kept); raise max-budget-usd or budget.maxUsd, or lower counts.`;
    }
    case ExitCode.attemptCap: {
      const capped = report.assets.filter((a) => a.status === "capped");
      const detail = ids(capped.map((a) => `${a.id} (${a.accepted} accepted in ${a.drafts} drafts)`));
      const verb = capped.length === 1 ? "hit its attempt cap" : "hit their attempt caps";
      return `${detail} ${verb} (maxAttempts) short of the count; raise maxAttempts or oversample, loosen the screen rules, or reword the prompt.`;
    }
    case ExitCode.providerUnavailable:
      return `The Gemini API stayed unavailable (retries exhausted or the circuit opened)${left.length ? `, leaving ${ids(left)} undone` : ""}; accepted work is kept, so rerun the job later.`;
    case ExitCode.interrupted:
      return `The run was interrupted${left.length ? ` before ${ids(left)} finished` : ""}; accepted work is kept, so rerun the job to finish it.`;
    default:
      return report.message ?? `seedlock ${report.command} failed with exit code ${report.exitCode}.`;
  }
}
function errorSentence(err, manifest) {
  if (err instanceof InputError) {
    const [first, ...rest] = err.diagnostics;
    if (!first) return err.message;
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length === 1 ? "" : "s"}, annotated at their lines)` : "";
    return `${manifest} cannot be used as it is: ${formatDiagnostic(first)}${more}.`.replace(/\.\.$/, ".");
  }
  if (err instanceof SeedlockError) return err.message;
  return `seedlock failed unexpectedly: ${err?.message ?? String(err)}`;
}

// src/action/logger.ts
import { isAbsolute, relative } from "node:path";
var ActionsLogger = class {
  /** `workspace` turns absolute paths into the repository-relative ones annotations need. */
  constructor(workspace) {
    this.workspace = workspace;
  }
  workspace;
  depth = 0;
  debug(message) {
    debug(message);
  }
  info(message) {
    info(message);
  }
  warn(message, location) {
    warning(message, this.annotation(location));
  }
  error(message, location) {
    error(message, this.annotation(location));
  }
  async group(name, fn) {
    if (this.depth > 0) {
      info(`\u2500\u2500 ${name}`);
      return fn();
    }
    this.depth++;
    startGroup(name);
    try {
      return await fn();
    } finally {
      endGroup();
      this.depth--;
    }
  }
  annotation(location) {
    if (!location) return {};
    const file = isAbsolute(location.file) ? relative(this.workspace, location.file) : location.file;
    return { file: file.split("\\").join("/"), startLine: location.line, startColumn: location.col };
  }
};

// src/action/outputs.ts
function number(value, places) {
  return String(Number(value.toFixed(places)));
}
function outputsOf(report) {
  return {
    [Output.spentUsd]: number(report.spentUsd, 6),
    [Output.estimatedUsd]: number(report.estimatedUsd, 6),
    [Output.drafts]: String(report.drafts),
    [Output.accepted]: String(report.accepted),
    [Output.rendered]: String(report.rendered),
    [Output.acceptRate]: report.acceptRate === null ? "" : number(report.acceptRate, 4),
    [Output.costPerAcceptedUsd]: report.costPerAcceptedUsd === null ? "" : number(report.costPerAcceptedUsd, 6),
    [Output.changedAssets]: report.changedAssets.join(","),
    [Output.report]: report.reportDir ?? ""
  };
}
function setOutputs(report) {
  for (const [name, value] of Object.entries(outputsOf(report))) setOutput(name, value);
}

// src/action/previews.ts
import { extname, join } from "node:path";
async function pushContactSheets(git, report, target) {
  const images = /* @__PURE__ */ new Map();
  if (!report.reportDir) return images;
  const folder = `pr-${target.pullRequest}`;
  const sheets = report.assets.filter((a) => a.contactSheet).map((a) => ({ id: a.id, path: `${folder}/${a.id}${extname(a.contactSheet) || ".png"}`, source: join(report.reportDir, a.contactSheet) }));
  if (!sheets.length) return images;
  const landed = await landCommit(git, {
    branch: PREVIEWS_BRANCH,
    startedFrom: null,
    message: `seedlock previews for #${target.pullRequest} at ${target.headSha.slice(0, 7)}`,
    files: sheets.map((s) => ({ path: s.path, source: s.source })),
    replaceFolder: folder
  });
  const commit = landed.commit ?? landed.tip;
  if (!commit) return images;
  for (const s of sheets) images.set(s.id, `${target.serverUrl}/${target.owner}/${target.repo}/raw/${commit}/${s.path}`);
  return images;
}

// src/action/settings.ts
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute as isAbsolute2, join as join2, relative as relative2, resolve } from "node:path";
var COMMANDS = ["run", "preview", "plan", "render", "verify"];
var PULL_REQUEST_EVENTS = /* @__PURE__ */ new Set(["pull_request", "pull_request_review", "pull_request_review_comment", "pull_request_target"]);
var NEEDS_KEY = /* @__PURE__ */ new Set(["run", "preview", "render"]);
function readActionSettings(env = process.env) {
  const apiKey = getInput(Input.apiKey);
  if (apiKey) setSecret(apiKey);
  const token = getInput(Input.githubToken);
  if (token) setSecret(token);
  return buildActionSettings((name) => getInput(name), env, readEvent(env));
}
function readEvent(env) {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  if (!existsSync(path)) {
    throw new InputError([{ message: `GITHUB_EVENT_PATH names ${path}, which does not exist`, fix: "run seedlock as a workflow step, or unset GITHUB_EVENT_PATH for a local run" }]);
  }
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InputError([{ message: `the event payload ${path} is not JSON: ${err.message}` }]);
  }
}
function buildActionSettings(input, env, payload) {
  const problems = [];
  const problem = (name, message, fix) => problems.push({ path: `input "${name}"`, message, fix });
  const text = (name) => input(name).trim();
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const event = eventFacts(env, payload);
  const pullRequest = event.pullRequest;
  const commandText = text(Input.command) || "run";
  const requestedCommand = COMMANDS.find((c) => c === commandText);
  if (!requestedCommand) problem(Input.command, `is "${commandText}"`, `use one of: ${COMMANDS.join(", ")}`);
  const manifestText = text(Input.manifest) || "assets.yaml";
  const manifestPath = resolve(workspace, manifestText);
  const inside = relative2(workspace, manifestPath);
  if (inside.startsWith("..") || isAbsolute2(inside)) {
    problem(Input.manifest, `"${manifestText}" is outside the repository (${workspace})`, "give a path relative to the repository root");
  }
  let maxBudgetUsd;
  const budgetText = text(Input.maxBudgetUsd);
  if (budgetText) {
    const n = Number(budgetText);
    if (!Number.isFinite(n) || n < 0) problem(Input.maxBudgetUsd, `is "${budgetText}"`, "give a number of US dollars \u2265 0, e.g. 5 or 0.50");
    else maxBudgetUsd = n;
  }
  const baseUrl = text(Input.baseUrl).replace(/\/+$/, "") || void 0;
  if (baseUrl && !/^https?:\/\/[^/\s]+/.test(baseUrl)) problem(Input.baseUrl, `is "${baseUrl}"`, "give an http(s) URL, e.g. http://127.0.0.1:8089");
  const commitChoice = booleanInput(text(Input.commit), Input.commit, problem);
  const commentChoice = booleanInput(text(Input.comment), Input.comment, problem);
  const allowTarget = booleanInput(text(Input.allowPullRequestTarget), Input.allowPullRequestTarget, problem) ?? false;
  let shard;
  const shardText = text(Input.shard);
  if (shardText) {
    const m = /^(\d+)\s*\/\s*(\d+)$/.exec(shardText);
    const i = m ? Number(m[1]) : NaN;
    const n = m ? Number(m[2]) : NaN;
    if (!m || n < 1 || i < 1 || i > n) problem(Input.shard, `is "${shardText}"`, "write it as i/n with 1 \u2264 i \u2264 n, e.g. 2/3");
    else shard = { index: i - 1, count: n };
  }
  if (event.name === "pull_request_target" && !allowTarget) {
    problem(
      Input.allowPullRequestTarget,
      "is not true, and this is a pull_request_target event, which runs with this repository's secrets for pull requests from forks",
      "use the pull_request event, or set allow-pull-request-target: true if you accept that risk"
    );
  }
  const repository = repositoryOf(env, payload);
  if (!repository) problems.push({ message: "GITHUB_REPOSITORY is not set", fix: "run inside GitHub Actions, or set it to owner/name" });
  if (problems.length || !requestedCommand || !repository) throw new InputError(problems, problems.map(formatProblem).join("; "));
  const apiKey = input(Input.apiKey).trim() || void 0;
  let command = requestedCommand;
  let fallback;
  if (NEEDS_KEY.has(command) && pullRequest?.fork && event.name !== "pull_request_target") {
    fallback = `this pull request comes from the fork ${pullRequest.headRepo}, whose runs get no secrets, so seedlock plans only (no model call)`;
    command = "plan";
  } else if (NEEDS_KEY.has(command) && !apiKey) {
    fallback = `no api-key was given, so seedlock plans only (no model call); pass api-key: \${{ secrets.GEMINI_API_KEY }} to ${command}`;
    command = "plan";
  }
  const commitDefault = command === "run" || command === "render" || command === "preview" && pullRequest !== void 0;
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
      // The runner's temp folder keeps the checkout clean; the `report` output points at it.
      reportDir: runnerTemp ? join2(runnerTemp, "seedlock", "report") : void 0
    },
    requestedCommand,
    fallback,
    commit: commitChoice ?? commitDefault,
    commitTarget: commitTargetOf(event, repository),
    commitMessage: input(Input.commitMessage).trim() || void 0,
    comment: (commentChoice ?? true) && pullRequest !== void 0,
    token: input(Input.githubToken).trim() || void 0,
    workspace,
    repository,
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    runUrl: env.GITHUB_RUN_ID ? `${serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${env.GITHUB_RUN_ID}` : void 0,
    event
  };
}
function formatProblem(d) {
  return `${d.path ? `${d.path} ` : ""}${d.message}${d.fix ? ` (${d.fix})` : ""}`;
}
function booleanInput(value, name, problem) {
  if (value === "") return void 0;
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  problem(name, `is "${value}"`, "use true or false");
  return void 0;
}
function eventFacts(env, payload) {
  const name = env.GITHUB_EVENT_NAME ?? "";
  const facts = { name, sha: env.GITHUB_SHA ?? "", ref: env.GITHUB_REF ?? "" };
  const pr = payload.pull_request;
  if (PULL_REQUEST_EVENTS.has(name) && pr && typeof pr.number === "number") {
    const baseRepo = pr.base?.repo?.full_name ?? env.GITHUB_REPOSITORY ?? "";
    const headRepo = pr.head?.repo?.full_name ?? "";
    facts.pullRequest = {
      number: pr.number,
      headRef: pr.head?.ref ?? "",
      headSha: pr.head?.sha ?? "",
      headRepo,
      baseRepo,
      fork: headRepo.toLowerCase() !== baseRepo.toLowerCase()
    };
  }
  return facts;
}
function repositoryOf(env, payload) {
  const full = env.GITHUB_REPOSITORY || payload.repository?.full_name;
  const [owner, repo] = (full ?? "").split("/");
  return owner && repo ? { owner, repo } : void 0;
}
function commitTargetOf(event, repository) {
  const pr = event.pullRequest;
  if (pr) {
    if (pr.fork) return { skip: `the pull request's branch lives in the fork ${pr.headRepo || "(deleted)"}, which this token cannot push to` };
    if (!pr.headRef) return { skip: "the event payload names no pull-request branch" };
    return { branch: pr.headRef, kind: "pull-request" };
  }
  if (event.ref.startsWith("refs/heads/")) return { branch: event.ref.slice("refs/heads/".length), kind: "push" };
  return { skip: `${event.ref || "this event"} is not a branch of ${repository.owner}/${repository.repo}, so there is nowhere to push` };
}

// src/action/summary.ts
var TITLES = {
  run: "seedlock run",
  preview: "seedlock preview",
  plan: "seedlock plan",
  render: "seedlock render",
  verify: "seedlock verify"
};
function summaryMarkdown(report, facts) {
  const out = [`## ${report ? TITLES[report.command] : "seedlock"} \xB7 \`${facts.manifest}\``, ""];
  if (facts.failure) out.push(`> [!CAUTION]
> ${facts.failure}`, "");
  if (facts.fallback) out.push(`> [!NOTE]
> ${facts.fallback}`, "");
  if (report) {
    const spend = `Spent **${usd(report.spentUsd)}** of a **${usd(report.ceilingUsd)}** ceiling`;
    const estimate = report.command === "plan" ? `; estimated **${usd(report.estimatedUsd)}** for the work to do` : report.command === "preview" && facts.mergeEstimateUsd !== void 0 ? `; the run after merging would cost about **${usd(facts.mergeEstimateUsd)}** more` : "";
    out.push(`${spend}${estimate}.`, "");
    if (report.assets.length) out.push(assetTable(report), "");
    else out.push("No asset in this manifest (or in this shard).", "");
    if (report.command !== "plan" && report.command !== "verify") out.push(effectiveCostLine(report), "");
    if (report.reportDir) {
      const where = facts.runUrl ? ` \u2014 keep it with actions/upload-artifact; [this run's artifacts](${facts.runUrl}#artifacts)` : "";
      out.push(`Report: \`${report.reportDir}\` (report.html and contact sheets)${where}.`, "");
    }
  }
  if (facts.commit) out.push(`Commit: ${facts.commit}`, "");
  if (facts.comment) out.push(`Comment: ${facts.comment}`, "");
  return out.join("\n");
}
async function writeSummary(markdown) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await summary.addRaw(markdown, true).write();
}

// src/action/run.ts
var PROGRESS_EVERY_MS = 1e4;
var LANDS = /* @__PURE__ */ new Set(["run", "render", "preview"]);
async function runMain() {
  let settings;
  try {
    settings = readActionSettings();
  } catch (err) {
    setFailed(err instanceof SeedlockError ? err.message : `seedlock could not read its inputs: ${err.message}`);
    return;
  }
  const logger = new ActionsLogger(settings.workspace);
  const manifest = relative3(settings.workspace, settings.core.manifestPath).split(sep).join("/");
  if (settings.fallback) notice(settings.fallback);
  const git = new GitCli(settings.workspace);
  const plan = await landingPlan(git, settings);
  if (plan) saveState(State.landing, JSON.stringify(plan));
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let report;
  let thrown;
  let failure;
  let lastProgress = 0;
  try {
    const stage = { run: "draft \u2192 screen \u2192 render", preview: "draft \u2192 screen", render: "render", plan: "plan", verify: "verify" }[settings.core.command];
    report = await logger.group(`seedlock ${settings.core.command} ${manifest}: ${stage}`, () => execute(settings.core, {
      logger,
      signal: controller.signal,
      progress: (snapshot) => {
        if (snapshot.elapsedMs - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = snapshot.elapsedMs;
        info(plainLine(snapshot));
      }
    }));
    failure = failureSentence(report, settings.core.maxBudgetUsd);
  } catch (err) {
    thrown = err;
    if (err instanceof InputError) {
      for (const d of err.diagnostics) logger.error(formatDiagnostic({ ...d, location: void 0 }), d.location);
    } else if (!(err instanceof SeedlockError)) {
      debug(err?.stack ?? String(err));
    }
    failure = errorSentence(err, manifest);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const facts = { manifest, fallback: settings.fallback, runUrl: settings.runUrl };
  if (report) setOutputs(report);
  const ran = report !== void 0 || thrown !== void 0 && !(thrown instanceof InputError);
  if (ran && settings.commit && !settings.fallback && LANDS.has(settings.core.command)) {
    if ("skip" in settings.commitTarget) facts.commit = `not committed: ${settings.commitTarget.skip}.`;
    else if (plan) {
      const outcome = await logger.group("Commit", () => commitBack(git, plan, report, settings));
      facts.commit = outcome.line;
      if (outcome.failure) failure ??= outcome.failure;
    }
  }
  const merge = report?.command === "preview" ? await mergePlan(settings) : void 0;
  facts.mergeEstimateUsd = merge?.estimatedUsd;
  if (report && settings.comment) {
    facts.comment = await logger.group("Pull-request comment", () => comment(git, settings, report, manifest, merge, facts.commit));
  }
  facts.failure = failure;
  await writeSummary(summaryMarkdown(report, facts));
  saveState(State.finished, "true");
  if (failure) setFailed(failure);
}
async function landingPlan(git, settings) {
  if (!settings.commit || settings.fallback || !LANDS.has(settings.core.command) || "skip" in settings.commitTarget) return void 0;
  let top;
  try {
    top = await topLevel(git);
  } catch {
    warning(`${settings.workspace} is not a git repository, so nothing will be committed; check it out with actions/checkout first`);
    return void 0;
  }
  return {
    top,
    lockfile: relative3(top, lockPathFor(settings.core.manifestPath)),
    branch: settings.commitTarget.branch,
    kind: settings.commitTarget.kind,
    startedFrom: await headCommit(git),
    command: settings.core.command,
    subject: settings.commitMessage
  };
}
async function commitBack(git, plan, report, settings) {
  try {
    const landed = await land(
      git,
      plan,
      report,
      (attempt, reason) => info(`push ${attempt} to ${plan.branch} was rejected (${reason}); fetching and trying again`)
    );
    if (!landed || !landed.commit) {
      info(`nothing to commit: ${plan.branch} already holds these outputs and this lockfile`);
      return { line: "nothing changed, so nothing was committed." };
    }
    const url = `${settings.serverUrl}/${settings.repository.owner}/${settings.repository.repo}/commit/${landed.commit}`;
    const merged = landed.merged ? " (the branch had moved: lockfile merged per asset)" : "";
    info(`pushed ${landed.commit} to ${plan.branch}${merged}`);
    return { line: `pushed [${landed.commit.slice(0, 7)}](${url}) to \`${plan.branch}\`${merged}.` };
  } catch (err) {
    const reason = err instanceof PushRefusedError ? err.message : `committing failed: ${err.message}`;
    if (plan.kind === "pull-request") {
      warning(`${reason}; the accepted seeds were not recorded on the pull request's branch`);
      return { line: `not recorded on \`${plan.branch}\`: ${reason}.` };
    }
    return {
      line: `failed: ${reason}.`,
      failure: `${reason[0].toUpperCase()}${reason.slice(1)}; give the job permissions: contents: write (and keep actions/checkout's credentials), or set commit: false.`
    };
  }
}
async function comment(git, settings, report, manifest, merge, commitLine) {
  const pr = settings.event.pullRequest;
  if (pr.fork && settings.event.name !== "pull_request_target") {
    info("no comment: a pull request from a fork gets a read-only token; the job summary has the plan");
    return "skipped: the token of a fork's pull request may not write comments.";
  }
  if (!settings.token) {
    warning("no github-token, so no pull-request comment");
    return "skipped: no github-token.";
  }
  const { owner, repo } = settings.repository;
  let images = /* @__PURE__ */ new Map();
  let imagesNote;
  if (report.assets.some((a) => a.contactSheet)) {
    try {
      images = await pushContactSheets(git, report, { pullRequest: pr.number, headSha: pr.headSha, serverUrl: settings.serverUrl, owner, repo });
    } catch (err) {
      imagesNote = `Contact sheets could not be pushed to seedlock-previews (${err.message}); they are in the report artifact.`;
      warning(imagesNote);
    }
  }
  const body = commentBody(report, {
    manifest,
    merge,
    headSha: pr.headSha || settings.event.sha,
    fallback: settings.fallback,
    images,
    imagesNote,
    lockfile: commitLine && report.command === "preview" ? `Accepted seeds, lockfile: ${commitLine}` : void 0,
    runUrl: settings.runUrl
  });
  try {
    const github = await import("./chunks/github-L4AFULLZ.js");
    const octokit = github.getOctokit(settings.token, { baseUrl: settings.apiUrl });
    const done = await upsertComment(octokit, { owner, repo, issue: pr.number }, commentMarker(manifest), body);
    info(`${done.action} comment ${done.url}`);
    return `[${done.action}](${done.url}).`;
  } catch (err) {
    const status = err.status;
    const hint = status === 403 || status === 401 ? "; give the job permissions: pull-requests: write" : "";
    warning(`the pull-request comment could not be written: ${err.message}${hint}`);
    return `not written: ${err.message}${hint}.`;
  }
}
async function mergePlan(settings) {
  try {
    return await execute({ ...settings.core, command: "plan" }, { logger: new NullLogger() });
  } catch (err) {
    debug(`the plan after the preview failed: ${err.message}`);
    return void 0;
  }
}

// src/action/main.ts
await runMain().catch((err) => setFailed(`seedlock failed unexpectedly: ${err?.stack ?? String(err)}`));
