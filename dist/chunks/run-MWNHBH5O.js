import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  combineShardReports,
  readShardReports
} from "./chunk-RB4WTZY7.js";
import {
  GitCli,
  PushRefusedError,
  fetchTip,
  headCommit,
  land,
  landCommit,
  show,
  topLevel
} from "./chunk-KFZQRMGH.js";
import "./chunk-RLA37S77.js";
import {
  COMMENT_MARKER,
  Input,
  Output,
  PREVIEWS_BRANCH,
  State,
  debug,
  endGroup,
  error,
  getInput,
  info,
  notice,
  saveState,
  setFailed,
  setOutput,
  setSecret,
  startGroup,
  summary,
  warning
} from "./chunk-DXY4RWES.js";
import "./chunk-GEXTQ4V7.js";
import {
  plainLine
} from "./chunk-KOQOTH7V.js";
import {
  REVIEW_REASON,
  execute,
  inputHash,
  loadManifest,
  parseBaseUrl,
  parseBatchMode,
  parseMaxBudgetUsd,
  parseShard,
  parseShardCount,
  parseWaitMinutes,
  shardLabel
} from "./chunk-5PNXC5KU.js";
import {
  FIGURE_NAME,
  count,
  rejectedText,
  statusText,
  twoTierText
} from "./chunk-7IEQLHW7.js";
import "./chunk-QZFFVMHD.js";
import {
  NullLogger
} from "./chunk-PK654C6K.js";
import {
  RepositoryFolder,
  lockPathFor,
  lockStats,
  parseLockfile,
  readLockfile,
  repositoryPathProblem,
  writeLockfile
} from "./chunk-YPSSUEOW.js";
import {
  MARKDOWN,
  formatPercent,
  formatUsd
} from "./chunk-4XIAYHCN.js";
import "./chunk-P5UZNSPX.js";
import {
  ExitCode,
  InputError,
  SeedlockError,
  formatDiagnostic
} from "./chunk-CBOTSRC4.js";
import "./chunk-4RHKQ3D4.js";

// src/action/run.ts
import { mkdir as mkdir2, writeFile as writeFile3 } from "node:fs/promises";
import { dirname as dirname2, join as join7, relative as relative5, sep as sep3 } from "node:path";

// src/action/base-ceiling.ts
import { mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
var SPENDS = /* @__PURE__ */ new Set(["run", "preview", "render"]);
async function readBaseBudget(git, manifestPath, baseSha, baseRef) {
  let path;
  try {
    const real = await realpath(dirname(manifestPath)).then((dir2) => join(dir2, basename(manifestPath)), () => manifestPath);
    path = relative(await topLevel(git), real).split(sep).join("/");
  } catch {
    return { kind: "unreadable", where: baseRef || baseSha, why: "the workspace is not a git repository" };
  }
  const where = `${baseRef || baseSha.slice(0, 7)}:${path}`;
  if (!/^[0-9a-f]{40,64}$/i.test(baseSha)) return { kind: "unreadable", where, why: "the event payload names no base commit" };
  const present = await git.exec(["cat-file", "-e", `${baseSha}^{commit}`], { allowFailure: true });
  if (present.code !== 0) {
    const fetched = await git.exec(["fetch", "--quiet", "--no-tags", "--depth=1", "origin", baseSha], { allowFailure: true });
    if (fetched.code !== 0) return { kind: "unreadable", where, why: `the base commit ${baseSha.slice(0, 7)} could not be fetched` };
  }
  const text = await show(git, baseSha, path);
  if (text === null) return { kind: "none", where };
  const dir = await mkdtemp(join(tmpdir(), "seedlock-base-"));
  try {
    const file = join(dir, "assets.yaml");
    await writeFile(file, text);
    const manifest = await loadManifest(file, { displayPath: where, logger: new NullLogger() });
    return { kind: "manifest", maxUsd: manifest.budget.maxUsd, where };
  } catch (err) {
    if (!(err instanceof SeedlockError)) throw err;
    return { kind: "unreadable", where, why: `it cannot be used as it is (${err.message.split("\n")[0]})` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
function pullRequestCeiling(settings, base, headMaxUsd) {
  const workflow = settings.core.maxBudgetUsd;
  const baseUsd = base.kind === "manifest" ? base.maxUsd : void 0;
  if (workflow === void 0 && baseUsd === void 0) {
    if (!SPENDS.has(settings.core.command)) return { settings };
    const why = base.kind === "unreadable" ? `${base.where} could not be read: ${base.why}` : `${base.where} does not exist on the base branch`;
    const fallback = `this pull request's manifest sets its own budget, and nothing trusted caps it: the workflow gives no max-budget-usd and ${why}; so seedlock plans only (no model call). Set max-budget-usd in the workflow to preview pull requests`;
    return { settings: { ...settings, core: { ...settings.core, command: "plan" }, fallback }, note: fallback };
  }
  const ceiling = Math.min(workflow ?? Infinity, baseUsd ?? Infinity);
  const ceilingName = baseUsd !== void 0 && baseUsd < (workflow ?? Infinity) ? `the base branch's budget.maxUsd (${formatUsd(ceiling, MARKDOWN)})` : void 0;
  let note;
  const cap = `On a pull request seedlock spends at most ${formatUsd(ceiling, MARKDOWN)}, the lower of the workflow's max-budget-usd and the base branch's budget.maxUsd; the new budget applies once it is merged.`;
  if (headMaxUsd !== void 0 && baseUsd !== void 0 && headMaxUsd > baseUsd + 1e-9) {
    note = `This pull request raises budget.maxUsd from ${formatUsd(baseUsd, MARKDOWN)} (${base.where}) to ${formatUsd(headMaxUsd, MARKDOWN)}. ${cap}`;
  } else if (headMaxUsd !== void 0 && baseUsd === void 0 && headMaxUsd > ceiling + 1e-9) {
    note = `This pull request's manifest sets budget.maxUsd to ${formatUsd(headMaxUsd, MARKDOWN)}, and the base branch has none. ${cap}`;
  }
  return { settings: { ...settings, core: { ...settings.core, maxBudgetUsd: ceiling } }, ...ceilingName ? { ceilingName } : {}, ...note ? { note } : {} };
}

// src/action/markdown.ts
var ICON = {
  done: "\u2705",
  previewed: "\u{1F440}",
  capped: "\u26D4",
  budget: "\u{1F4B8}",
  unavailable: "\u26A0\uFE0F",
  interrupted: "\u23F9",
  incomplete: "\u25FB\uFE0F",
  planned: "\u{1F4DD}",
  batch: "\u23F3"
};
function statusText2(asset) {
  const icon = ICON[asset.status];
  return `${icon ? `${icon} ` : ""}${statusText(asset)}`;
}
function rejectedText2(asset) {
  return rejectedText(asset);
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
    statusText2(a),
    String(a.drafts),
    String(a.accepted),
    cell(rejectedText2(a)),
    String(a.rendered),
    formatUsd(a.spentUsd, MARKDOWN),
    ...withEstimate ? [formatUsd(a.estimatedUsd, MARKDOWN)] : []
  ];
  const totals = [
    `**${report.assets.length} assets**`,
    "",
    `**${report.drafts}**`,
    `**${report.accepted}**`,
    `**${report.rejectedDrafts}**`,
    `**${report.rendered}**`,
    `**${formatUsd(report.spentUsd, MARKDOWN)}**`,
    ...withEstimate ? [`**${formatUsd(report.estimatedUsd, MARKDOWN)}**`] : []
  ];
  return table(header, [...report.assets.map(row), totals]);
}
function effectiveCostLine(report) {
  const rates = `accept rate ${formatPercent(report.acceptRate, MARKDOWN)}, regen rate ${formatPercent(report.regenRate, MARKDOWN)}, ${report.accepted} accepted of ${count(report.drafts, "draft")}`;
  const name = (figure) => figure[0].toUpperCase() + figure.slice(1);
  if (report.costPerImageUsd !== null) {
    return `${name(FIGURE_NAME.costPerImage)}: **${formatUsd(report.costPerImageUsd, MARKDOWN)}** (${formatUsd(report.spentUsd, MARKDOWN)} \xF7 ${count(report.rendered, "image")} rendered; ${rates}).`;
  }
  if (report.costPerAcceptedDraftUsd !== null) {
    return `${name(FIGURE_NAME.costPerAcceptedDraft)}: **${formatUsd(report.costPerAcceptedDraftUsd, MARKDOWN)}** (${formatUsd(report.spentUsd, MARKDOWN)} \xF7 ${report.accepted} accepted; nothing rendered; ${rates}).`;
  }
  return `${name(FIGURE_NAME.costPerImage)}: \u2013 (nothing rendered or accepted in this run; ${rates}).`;
}
function twoTierLines(report) {
  if (!report.twoTier) return [];
  const text = twoTierText(report.twoTier);
  return [`${text[0].toUpperCase()}${text.slice(1)}.`, ""];
}
function batchJobsMarkdown(report) {
  const pending = report.batch?.pending ?? [];
  const reserved = pending.reduce((sum, job) => sum + job.reservedUsd, 0);
  const rows = pending.map((job) => [cell(job.name ?? `${job.displayName} (being submitted)`), job.stage === "draft" ? "drafts" : "renders", cell(job.model), String(job.requests), formatUsd(job.reservedUsd, MARKDOWN), cell(job.submittedAt)]);
  return [
    `**Batch jobs pending: ${pending.length}**, ${formatUsd(reserved, MARKDOWN)} reserved against the ceiling. The next run collects them (the Batch API answers within 24 h).`,
    "",
    table(["job", "stage", "model", "requests", "reserved", "submitted"], rows, 3)
  ].join("\n");
}

// src/action/comment.ts
function commentMarker(manifest) {
  return manifest === "assets.yaml" ? COMMENT_MARKER : `<!-- seedlock:preview ${manifest} -->`;
}
function commentBody(report, facts) {
  const out = [commentMarker(facts.manifest), `### seedlock ${report.command} \xB7 \`${facts.manifest}\``, ""];
  if (facts.fallback) out.push(`> [!NOTE]
> ${facts.fallback}`, "");
  if (facts.ceilingNote) out.push(`> [!WARNING]
> ${facts.ceilingNote}`, "");
  const after = new Map((facts.merge?.assets ?? []).map((a) => [a.id, a.estimatedUsd]));
  const mergeUsd = facts.merge?.estimatedUsd ?? report.estimatedUsd;
  const ceiling = `within a **${formatUsd(report.ceilingUsd, MARKDOWN)}** ceiling`;
  out.push(
    report.command === "preview" ? `Merging this pull request would cost about **${formatUsd(mergeUsd, MARKDOWN)}** more, ${ceiling}: the run after the merge renders the accepted drafts and drafts only what is still missing. This preview spent ${formatUsd(report.spentUsd, MARKDOWN)} on ${report.drafts} drafts (accept rate ${formatPercent(report.acceptRate, MARKDOWN)}).` : `Merging this pull request would cost about **${formatUsd(mergeUsd, MARKDOWN)}**, ${ceiling}.`,
    ""
  );
  if (report.assets.length) {
    out.push(
      table(
        ["Asset", "Verdict", "Drafts", "Accepted", "Rejected", "Cost to merge"],
        report.assets.map((a) => [
          `\`${cell(a.id)}\``,
          statusText2(a),
          String(a.drafts),
          String(a.accepted),
          cell(rejectedText2(a)),
          formatUsd(after.get(a.id) ?? a.estimatedUsd, MARKDOWN)
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
var ACTIONS_BOT = { login: "github-actions[bot]", type: "Bot" };
async function tokenIdentity(octokit) {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return { login: data.login, type: data.type };
  } catch {
    return ACTIONS_BOT;
  }
}
async function upsertComment(octokit, target, marker, body) {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issue,
    per_page: 100
  });
  const marked = comments.filter((c) => c.body?.includes(marker));
  const me = marked.length ? await tokenIdentity(octokit) : void 0;
  const writtenByMe = (c) => c.user?.login === me?.login && c.user?.type === me?.type;
  const mine = marked.find(writtenByMe);
  const ignored = marked.filter((c) => !writtenByMe(c)).map((c) => ({ login: c.user?.login ?? "(deleted user)", type: c.user?.type ?? "" }));
  if (mine) {
    const { data: data2 } = await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: Number(mine.id), body });
    return { id: Number(data2.id), url: data2.html_url, action: "updated", ignored };
  }
  const { data } = await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issue, body });
  return { id: Number(data.id), url: data.html_url, action: "created", ignored };
}

// src/action/failure.ts
function ids(list) {
  if (list.length <= 4) return list.join(", ");
  return `${list.slice(0, 3).join(", ")} and ${list.length - 3} more`;
}
function failureSentence(report, workflowCeilingUsd, trustedCeilingName) {
  if (report.exitCode === ExitCode.ok) return void 0;
  const left = report.assets.filter((a) => a.status !== "done" && a.status !== "previewed" && a.status !== "unchanged" && a.status !== "planned").map((a) => a.id);
  switch (report.exitCode) {
    case ExitCode.budgetExceeded: {
      const whole = report.shard?.matrixCeilingUsd ?? report.ceilingUsd;
      const source = workflowCeilingUsd !== void 0 && workflowCeilingUsd <= whole + 1e-9 ? trustedCeilingName ?? `the workflow's max-budget-usd (${formatUsd(whole, MARKDOWN)})` : `the manifest's budget.maxUsd (${formatUsd(whole, MARKDOWN)})`;
      const which = report.shard ? `shard ${report.shard.shard}'s slice (${formatUsd(report.ceilingUsd, MARKDOWN)}) of ${source}` : source;
      if (report.command === "plan" || report.spentUsd === 0) {
        return `The estimate of ${formatUsd(report.estimatedUsd, MARKDOWN)} exceeds ${which}, so nothing was generated; raise max-budget-usd or budget.maxUsd, or lower counts.`;
      }
      const undone = left.length ? ` with ${ids(left)} left undone` : "";
      return `seedlock stopped at ${which} after spending ${formatUsd(report.spentUsd, MARKDOWN)}${undone} (accepted work is kept); raise max-budget-usd or budget.maxUsd, or lower counts.`;
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
import { isAbsolute, relative as relative2 } from "node:path";
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
    const file = isAbsolute(location.file) ? relative2(this.workspace, location.file) : location.file;
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
    // Kept under its old name: spend ÷ images delivered (report/figures.ts costPerImageUsd).
    [Output.costPerAcceptedUsd]: report.costPerImageUsd === null ? "" : number(report.costPerImageUsd, 6),
    [Output.costPerAcceptedDraftUsd]: report.costPerAcceptedDraftUsd === null ? "" : number(report.costPerAcceptedDraftUsd, 6),
    [Output.changedAssets]: report.changedAssets.join(","),
    [Output.report]: report.reportDir ?? "",
    // `plan` with `shards`: what a workflow's `strategy.matrix` takes, via fromJSON.
    ...isPlanWithMatrix(report) ? { [Output.matrix]: JSON.stringify({ shard: report.matrix.shards.map((s) => s.shard) }) } : {}
  };
}
function isPlanWithMatrix(report) {
  return report.command === "plan" && report.matrix !== void 0;
}
function setOutputs(report) {
  for (const [name, value] of Object.entries(outputsOf(report))) setOutput(name, value);
}

// src/action/previews.ts
import { extname, join as join2 } from "node:path";
async function pushContactSheets(git, report, target) {
  const images = /* @__PURE__ */ new Map();
  if (!report.reportDir) return images;
  const folder = `pr-${target.pullRequest}`;
  const sheets = report.assets.filter((a) => a.contactSheet).map((a) => ({ id: a.id, path: `${folder}/${a.id}${extname(a.contactSheet) || ".png"}`, source: join2(report.reportDir, a.contactSheet) }));
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

// src/action/finals-pr.ts
import { join as join4, relative as relative3, sep as sep2 } from "node:path";

// src/action/review.ts
import { mkdir, mkdtemp as mkdtemp2, readFile, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join3 } from "node:path";
function prFolder(pullRequest) {
  return `pr-${pullRequest}`;
}
function partFolder(pullRequest, manifest, shard) {
  const slug = manifest === "assets.yaml" ? "" : `${manifest.replace(/[^A-Za-z0-9._-]+/g, "_")}-`;
  return `${prFolder(pullRequest)}/${slug}${shard ? `shard-${shard.replace("/", "-of-")}` : "all"}`;
}
async function readReviews(git, pullRequest) {
  const tip = await fetchTip(git, PREVIEWS_BRANCH);
  if (!tip) return { tip, states: [] };
  const under = pullRequest === void 0 ? [] : ["--", `${prFolder(pullRequest)}/`];
  const names = (await git.exec(["ls-tree", "-r", "--name-only", "-z", tip, ...under])).stdout.split("\0").filter((p) => /^pr-\d+\/[^/]+\/review\.json$/.test(p));
  const states = [];
  for (const name of names) {
    try {
      const state = JSON.parse(await show(git, tip, name) ?? "");
      if (state.version === 1 && state.assets) states.push(state);
    } catch {
    }
  }
  return { tip, states };
}
function reviewedEntry(asset) {
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
function safeRelative(root, path) {
  return repositoryPathProblem(path) ? void 0 : join3(root, path);
}
async function safeSource(root, path) {
  if (repositoryPathProblem(path)) return void 0;
  return new RepositoryFolder(root).realFile(path).catch(() => void 0);
}
async function adoptReviews(git, manifestPath, manifest, states, tip) {
  const result = { adopted: [], changed: [] };
  const mine = states.filter((s) => s.manifest === manifest).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  if (!mine.length || !tip) return result;
  const spec = await loadManifest(manifestPath);
  const lockPath = lockPathFor(spec.file);
  const lock = await readLockfile(lockPath);
  const files = [];
  for (const asset of spec.assets) {
    const hash = inputHash(asset, spec);
    const reviews = mine.filter((s) => s.assets[asset.id]);
    if (!reviews.length) continue;
    const review = reviews.find((s) => s.assets[asset.id].inputHash === hash);
    if (!review) {
      result.changed.push(asset.id);
      continue;
    }
    const local = lock.assets[asset.id];
    if (local && local.inputHash === hash && local.outputs.length >= asset.count) continue;
    const reviewed = review.assets[asset.id];
    const entry = reviewedEntry(reviewed);
    const draftOf = new Map(reviewed.drafts.map((d) => [d.seed, d.file]));
    for (const seed of entry.seeds) {
      if (seed.status !== "accepted" || !seed.draft || !draftOf.has(seed.seed)) continue;
      const to = safeRelative(spec.root, seed.draft);
      if (to) files.push({ from: draftOf.get(seed.seed), to, root: spec.root });
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
async function extract(git, tip, files) {
  if (!files.length) return;
  const scratch = await mkdtemp2(join3(tmpdir2(), "seedlock-review-"));
  try {
    const env = { GIT_INDEX_FILE: join3(scratch, "index") };
    await git.exec(["read-tree", tip], { env });
    const tree = join3(scratch, "tree");
    await mkdir(tree);
    await git.exec([`--work-tree=${tree}`, "checkout-index", "-f", "-z", "--stdin"], { env, input: files.map((f) => f.from).join("\0") });
    for (const f of files) {
      await new RepositoryFolder(f.root).writeFile(f.to, await readFile(join3(tree, f.from)));
    }
  } finally {
    await rm2(scratch, { recursive: true, force: true });
  }
}
async function buildReviewState(report, previous, facts) {
  const spec = await loadManifest(facts.manifestPath);
  const lock = await readLockfile(lockPathFor(spec.file));
  const folder = partFolder(facts.pullRequest, facts.manifest, facts.shard);
  const files = [];
  const assets = {};
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
    const drafts = [];
    for (const seed of entry.seeds) {
      const old = numbered.get(seed.seed);
      if (!old && seed.status !== "accepted") continue;
      if (!seed.draft) continue;
      const source = await safeSource(spec.root, seed.draft);
      if (!source && old?.verdict === "rejected") drafts.push(old);
      if (!source) continue;
      const file = `${folder}/drafts/${asset.id}/${seed.draft.split("/").pop()}`;
      files.push({ path: file, source });
      drafts.push(old ? { ...old, file } : { n: next++, seed: seed.seed, file, verdict: "approved" });
    }
    const recorded = new Map(drafts.map((d) => [d.seed, d]));
    const raw = structuredClone(entry);
    for (const seed of raw.seeds) if (recorded.get(seed.seed)?.verdict === "rejected" && seed.status === "rejected") seed.status = "accepted";
    assets[asset.id] = { inputHash: hash, prompt: asset.prompt, count: asset.count, lock: raw, drafts: drafts.sort((a, b) => a.n - b.n) };
  }
  const after = new Map((facts.mergeReport?.assets ?? []).map((a) => [a.id, a.estimatedUsd]));
  const sheets = {};
  for (const a of report.assets) {
    if (!a.contactSheet || !report.reportDir) continue;
    const path = `${folder}/sheets/${a.id}${a.contactSheet.slice(a.contactSheet.lastIndexOf(".")) || ".png"}`;
    files.push({ path, source: join3(report.reportDir, a.contactSheet) });
    sheets[a.id] = path;
  }
  const rows = report.assets.map((a) => ({ id: a.id, status: a.status, drafts: a.drafts, accepted: a.accepted, rejectedDrafts: a.rejectedDrafts, rejected: a.rejected, mergeUsd: after.get(a.id) ?? a.estimatedUsd }));
  const state = {
    version: 1,
    pullRequest: facts.pullRequest,
    manifest: facts.manifest,
    part: folder.slice(folder.indexOf("/") + 1),
    ...facts.shard ? { shard: facts.shard } : {},
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
      changedSinceReview: facts.changedSinceReview.filter((id) => mine.has(id))
    },
    assets,
    verdicts: previous?.verdicts ?? []
  };
  return { state, files };
}
async function pushReviews(git, states, message, scratch) {
  const files = [];
  for (const { state, files: more } of states) {
    const folder = `${prFolder(state.pullRequest)}/${state.part}`;
    const json = join3(scratch, `${state.part}.review.json`);
    await writeFile2(json, `${JSON.stringify(state, null, 2)}
`);
    files.push({ path: `${folder}/review.json`, source: json }, ...more);
  }
  const replace = states.filter((s) => s.replace);
  const landed = await landCommit(git, {
    branch: PREVIEWS_BRANCH,
    startedFrom: null,
    message,
    files,
    ...replace.length === 1 ? { replaceFolder: `${prFolder(replace[0].state.pullRequest)}/${replace[0].state.part}` } : {}
  });
  return landed.commit ?? ("tip" in landed ? landed.tip : null);
}
async function removeReview(git, pullRequest) {
  const tip = await fetchTip(git, PREVIEWS_BRANCH);
  if (!tip) return false;
  const there = (await git.exec(["ls-tree", "--name-only", tip, "--", prFolder(pullRequest)])).stdout.trim();
  if (!there) return false;
  const landed = await landCommit(git, { branch: PREVIEWS_BRANCH, startedFrom: null, message: `seedlock: remove the previews of #${pullRequest}, now closed`, files: [], replaceFolder: prFolder(pullRequest) });
  return landed.commit !== null;
}

// src/action/finals-pr.ts
async function adoptFinalsBranch(git, manifestPath, top, branch) {
  const tip = await fetchTip(git, branch);
  if (!tip) return [];
  const spec = await loadManifest(manifestPath);
  const lockRel = relative3(top, lockPathFor(spec.file)).split(sep2).join("/");
  const text = await show(git, tip, lockRel);
  if (!text) return [];
  const theirs = parseLockfile(text, `${branch}:${lockRel}`);
  const lock = await readLockfile(lockPathFor(spec.file));
  const adopted = [];
  const files = [];
  for (const asset of spec.assets) {
    const entry = theirs.assets[asset.id];
    const hash = inputHash(asset, spec);
    if (!entry || entry.inputHash !== hash || lock.assets[asset.id]?.inputHash === hash) continue;
    for (const output of entry.outputs) if (!repositoryPathProblem(output.path)) files.push({ from: output.path, to: join4(top, output.path), root: top });
    for (const s of entry.seeds) if (s.status === "accepted" && s.draft && !repositoryPathProblem(s.draft)) files.push({ from: s.draft, to: join4(top, s.draft), root: top });
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
function finalsMarker(manifest) {
  return `<!-- seedlock:finals ${manifest} -->`;
}
async function existed(git, rev, path) {
  return (await git.exec(["cat-file", "-e", `${rev}:${path}`], { allowFailure: true })).code === 0;
}
async function finalsBody(git, report, target) {
  const raw = (rev, path) => `${target.serverUrl}/${target.owner}/${target.repo}/raw/${rev}/${path}`;
  const rows = [];
  for (const asset of report?.assets ?? []) {
    for (const path of asset.outputs) {
      const changed = await show(git, target.before, path) !== await show(git, target.after, path);
      if (!changed) continue;
      const before = await existed(git, target.before, path) ? `<img src="${raw(target.before, path)}" alt="${path} before" width="160">` : "_new_";
      rows.push(`| \`${asset.id}\` | \`${path}\` | ${before} | <img src="${raw(target.after, path)}" alt="${path} after" width="160"> |`);
    }
  }
  const spend = report ? `Spent ${formatUsd(report.spentUsd, { places: 4 })} of a ${formatUsd(report.ceilingUsd, { places: 2 })} ceiling.` : "";
  return [
    finalsMarker(target.manifest),
    `### seedlock finals \xB7 \`${target.manifest}\``,
    "",
    `Rendered finals, proposed instead of pushed to \`${target.base}\` (\`commit: pull-request\`). Merge to ship them. ${spend}`,
    "",
    ...rows.length ? ["| Asset | Output | Before | After |", "| --- | --- | --- | --- |", ...rows] : ["_No output changed in this run._"],
    "",
    `<sub>Latest run: ${target.after.slice(0, 7)} \xB7 updated in place on every run</sub>`
  ].join("\n");
}
async function upsertFinalsPullRequest(octokit, target, body) {
  const { data: open } = await octokit.rest.pulls.list({ owner: target.owner, repo: target.repo, state: "open", head: `${target.owner}:${target.branch}`, base: target.base, per_page: 10 });
  const mine = open.find((p) => p.head.ref === target.branch);
  if (mine) {
    const { data: data2 } = await octokit.rest.pulls.update({ owner: target.owner, repo: target.repo, pull_number: mine.number, body });
    return { number: data2.number, url: data2.html_url, action: "updated" };
  }
  const { data } = await octokit.rest.pulls.create({ owner: target.owner, repo: target.repo, head: target.branch, base: target.base, title: `seedlock: finals for ${target.manifest}`, body });
  return { number: data.number, url: data.html_url, action: "opened" };
}

// src/action/review-run.ts
import { mkdtemp as mkdtemp3, rm as rm3 } from "node:fs/promises";
import { tmpdir as tmpdir3 } from "node:os";
import { join as join5 } from "node:path";

// src/action/verdicts.ts
var COMMAND_HELP = "`/seedlock approve <asset> <n\u2026>` ships exactly those drafts \xB7 `/seedlock reject <asset> <n\u2026>` \xB7 `/seedlock reroll <asset>` draws new drafts";
function parseCommands(body) {
  const commands = [];
  const problems = [];
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (!/^\/seedlock(\s|$)/.test(line)) continue;
    const [, verb, asset, ...rest] = line.split(/\s+/);
    const text = line.slice(0, 200);
    if ((verb === "approve" || verb === "reject") && asset && rest.length && rest.every((n) => /^\d{1,6}$/.test(n))) {
      commands.push({ verb, asset, drafts: rest.map(Number), text });
    } else if (verb === "reroll" && asset && !rest.length) {
      commands.push({ verb, asset, text });
    } else {
      problems.push(`\`${text.replace(/`/g, "'")}\` is not a command seedlock knows; use ${COMMAND_HELP}`);
    }
  }
  return { commands, problems };
}
function applyCommands(states, commands, by, at, comment2) {
  const result = { changed: /* @__PURE__ */ new Set(), rerolls: [], problems: [], done: [] };
  for (const command of commands) {
    const state = states.find((s) => s.assets[command.asset]);
    const asset = state?.assets[command.asset];
    if (!state || !asset) {
      const known = [...new Set(states.flatMap((s) => Object.keys(s.assets)))].sort();
      result.problems.push(`\`${command.text}\`: this pull request's preview has no drafts of \`${command.asset}\`${known.length ? ` (it has ${known.map((k) => `\`${k}\``).join(", ")})` : ""}`);
      continue;
    }
    const set = (d, verdict, why) => {
      d.verdict = verdict;
      d.by = by;
      d.at = at;
      if (why) d.why = why;
      else delete d.why;
    };
    if (command.verb === "reroll") {
      for (const d of asset.drafts) if (d.verdict === "approved") set(d, "rejected", "reroll");
      result.rerolls.push(command.asset);
    } else {
      const missing = command.drafts.filter((n) => !asset.drafts.some((d) => d.n === n));
      if (missing.length) {
        result.problems.push(`\`${command.text}\`: \`${command.asset}\` has no draft ${missing.join(", ")} (it has ${asset.drafts.map((d) => d.n).join(", ") || "none"})`);
        continue;
      }
      const named = new Set(command.drafts);
      for (const d of asset.drafts) {
        if (named.has(d.n)) set(d, command.verb === "approve" ? "approved" : "rejected");
        else if (command.verb === "approve" && d.verdict === "approved") set(d, "rejected", "not chosen");
      }
    }
    state.verdicts.push({ at, by, command: command.text, ...comment2 ? { comment: comment2 } : {} });
    result.changed.add(state);
    result.done.push(command.text);
  }
  return result;
}
function readTicks(body) {
  const ticks = /* @__PURE__ */ new Map();
  let asset;
  for (const line of body.split(/\r?\n/)) {
    const heading = /^\*\*`([^`]+)`\*\* · /.exec(line);
    if (heading) {
      asset = heading[1];
      continue;
    }
    const box = /^- \[( |x|X)\] (?:~~)?\*\*(\d+)\*\*/.exec(line);
    if (box && asset) {
      if (!ticks.has(asset)) ticks.set(asset, /* @__PURE__ */ new Map());
      ticks.get(asset).set(Number(box[2]), box[1] !== " ");
    }
  }
  return ticks;
}
function applyTicks(states, ticks, by, at, comment2) {
  const result = { changed: /* @__PURE__ */ new Set(), rerolls: [], problems: [], done: [] };
  for (const state of states) {
    for (const [id, asset] of Object.entries(state.assets)) {
      for (const d of asset.drafts) {
        const ticked = ticks.get(id)?.get(d.n);
        if (ticked === void 0 || ticked === (d.verdict === "approved")) continue;
        d.verdict = ticked ? "approved" : "rejected";
        d.by = by;
        d.at = at;
        delete d.why;
        const text = `${ticked ? "ticked" : "cleared"} ${id} ${d.n}`;
        state.verdicts.push({ at, by, command: text, ...comment2 ? { comment: comment2 } : {} });
        result.changed.add(state);
        result.done.push(text);
      }
    }
  }
  return result;
}

// src/action/review-comment.ts
var COMMENT_LIMIT = 65536;
function sectionMarker(state, end = false) {
  return `<!-- ${end ? "/" : ""}seedlock:section ${state.part} -->`;
}
function draftLines(state, facts, images) {
  const out = [];
  for (const [id, asset] of Object.entries(state.assets).sort(([a], [b]) => a.localeCompare(b))) {
    if (!asset.drafts.length) continue;
    const approved = asset.drafts.filter((d) => d.verdict === "approved").length;
    out.push(`**\`${id}\`** \xB7 ${approved} approved of ${asset.count} to ship`, "");
    for (const d of asset.drafts) {
      const who = d.by ? ` by @${d.by}` : " by the screen";
      const label = d.verdict === "approved" ? `**${d.n}** \xB7 seed ${d.seed} \xB7 approved${who}` : `~~**${d.n}**~~ \xB7 seed ${d.seed} \xB7 ${d.why ?? "rejected"}${who}`;
      const image = images ? ` <img src="${facts.rawBase}${d.file}" alt="${id} draft ${d.n}" width="96">` : "";
      out.push(`- [${d.verdict === "approved" ? "x" : " "}] ${label}${image}`);
    }
    out.push("");
  }
  return out;
}
function section(state, facts, images) {
  const s = state.section;
  const out = [sectionMarker(state)];
  if (state.shard) out.push(`#### Shard ${state.shard}`, "");
  if (s.rows.length) {
    out.push(
      table(
        ["Asset", "Verdict", "Drafts", "Accepted", "Rejected", "Cost to merge"],
        s.rows.map((r) => [`\`${cell(r.id)}\``, statusText2({ status: r.status, drafts: r.drafts, accepted: r.accepted, rendered: 0 }), String(r.drafts), String(r.accepted), cell(rejectedText2({ rejectedDrafts: r.rejectedDrafts ?? 0, rejected: r.rejected })), formatUsd(r.mergeUsd, MARKDOWN)])
      ),
      ""
    );
  }
  for (const id of s.changedSinceReview) out.push(`_\`${id}\` changed after its drafts were reviewed, so it was drafted again; the earlier verdicts no longer apply._`, "");
  out.push(...draftLines(state, facts, images));
  if (images) for (const [id, path] of Object.entries(s.sheets)) out.push(`<details><summary>Contact sheet of <code>${id}</code></summary>

![contact sheet of ${id}](${facts.rawBase}${path})

</details>`, "");
  out.push(sectionMarker(state, true));
  return out.join("\n");
}
function reviewCommentBody(states, facts, limit = COMMENT_LIMIT) {
  const parts = [...states].sort((a, b) => a.part.localeCompare(b.part, void 0, { numeric: true }));
  const sum = (f) => parts.reduce((n, s) => n + f(s), 0);
  const spent = sum((s) => s.section.spentUsd);
  const drafts = sum((s) => s.section.drafts);
  const accepted = sum((s) => s.section.accepted);
  const merge = sum((s) => s.section.mergeUsd);
  const ceiling = parts[0]?.shard ? sum((s) => s.section.ceilingUsd) : parts[0]?.section.ceilingUsd ?? 0;
  const shards = parts.filter((s) => s.shard);
  const total = shards.length ? Number(shards[0].shard.split("/")[1]) : 0;
  const reported = shards.length ? ` (${shards.length} of ${total} shards reported)` : "";
  const head = [
    facts.marker,
    `### seedlock preview \xB7 \`${facts.manifest}\``,
    "",
    `Merging this pull request would cost about **${formatUsd(merge, MARKDOWN)}** more, within a **${formatUsd(ceiling, MARKDOWN)}** ceiling: the run after the merge renders the approved drafts and drafts only what is still missing. This preview spent ${formatUsd(spent, MARKDOWN)} on ${drafts} drafts (accept rate ${formatPercent(drafts ? accepted / drafts : null, MARKDOWN)})${reported}.`,
    ""
  ];
  if (facts.notes.length) head.push(...facts.notes.map((n, i) => `${i === 0 ? "> [!NOTE]\n" : ""}> ${n}`), "");
  const tail = [
    "",
    `**Review:** ticked drafts ship. ${COMMAND_HELP}, in a comment of its own; only people with write access to the repository are heard. The preview pushes nothing to this branch.`,
    "",
    ...facts.lockfile ? [facts.lockfile, ""] : [],
    `<sub>For ${facts.headSha.slice(0, 7)}${facts.runUrl ? ` \xB7 [workflow run](${facts.runUrl})` : ""} \xB7 updated in place</sub>`
  ];
  const build = (images, upTo = parts.length) => {
    const folded = parts.length - upTo;
    const more = folded ? [`_\u2026and ${folded} more section${folded === 1 ? "" : "s"}: see the ${facts.runUrl ? `[report](${facts.runUrl})` : "report artifact"}._`] : [];
    return [...head, ...parts.slice(0, upTo).map((p) => section(p, facts, images)), ...more, ...tail].join("\n");
  };
  let body = build(true);
  if (body.length <= limit) return body;
  body = build(false);
  for (let upTo = parts.length; body.length > limit && upTo > 0; ) body = build(false, --upTo);
  return body.length <= limit ? body : body.slice(0, limit - 200) + `

_\u2026folded: see the report._`;
}

// src/action/review-run.ts
var WRITERS = /* @__PURE__ */ new Set(["admin", "maintain", "write"]);
async function octokitFor(settings) {
  const github = await import("./github-L4AFULLZ.js");
  return github.getOctokit(settings.token, { baseUrl: settings.apiUrl });
}
async function adoptBeforeRun(git, settings, manifest) {
  const command = settings.core.command;
  const pr = settings.event.pullRequest;
  if (command !== "preview" && command !== "run" && command !== "render") return void 0;
  if (command === "preview" && !pr) return void 0;
  try {
    const { tip, states } = await readReviews(git, command === "preview" ? pr.number : void 0);
    const shard = settings.core.shard ? shardLabel(settings.core.shard) : void 0;
    const usable = shard && pr ? states.filter((s) => s.headSha !== pr.headSha || s.shard === shard) : states;
    const adoption = await adoptReviews(git, settings.core.manifestPath, manifest, usable, tip);
    if (adoption.adopted.length) info(`adopted the reviewed drafts of ${adoption.adopted.join(", ")} from ${PREVIEWS_BRANCH}`);
    if (adoption.changed.length) info(`${adoption.changed.join(", ")} changed after review: drafted again`);
    return adoption;
  } catch (err) {
    warning(`the review state on ${PREVIEWS_BRANCH} could not be read (${err.message}); drafting without it`);
    return void 0;
  }
}
async function writeReviewComment(git, octokit, settings, w) {
  const { owner, repo } = settings.repository;
  let done;
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
      lockfile: w.lockfile
    });
    const written = await upsertComment(octokit, { owner, repo, issue: w.pullRequest }, commentMarker(w.manifest), body);
    if (!done && written.ignored.length) {
      const who = [...new Set(written.ignored.map((a) => a.login))].join(", ");
      warning(`left alone ${written.ignored.length} comment(s) by ${who} that carry seedlock's marker: the bot edits only comments its own identity wrote`);
    }
    done = { url: written.url, action: written.action };
    if (await fetchTip(git, PREVIEWS_BRANCH) === tip) break;
  }
  return done;
}
async function previewComment(git, settings, report, manifest, merge, adoption, commitLine, ceilingNote) {
  const pr = settings.event.pullRequest;
  const shard = report.shard?.shard;
  const scratch = await mkdtemp3(join5(tmpdir3(), "seedlock-review-state-"));
  const notes = [];
  try {
    const { states } = await readReviews(git, pr.number);
    const previous = states.find((s) => s.manifest === manifest && (s.shard ?? "") === (shard ?? ""));
    const built = await buildReviewState(report, previous, {
      pullRequest: pr.number,
      manifest,
      manifestPath: settings.core.manifestPath,
      headSha: pr.headSha || settings.event.sha,
      ...shard ? { shard } : {},
      mergeReport: merge,
      changedSinceReview: adoption?.changed ?? [],
      now: /* @__PURE__ */ new Date()
    });
    await pushReviews(git, [{ ...built, replace: true }], `seedlock review state for #${pr.number} at ${(pr.headSha || settings.event.sha).slice(0, 7)}${shard ? ` (shard ${shard})` : ""}`, scratch);
  } catch (err) {
    notes.push(`The review state could not be pushed to ${PREVIEWS_BRANCH} (${err.message}); the drafts are in the report artifact.`);
    warning(notes[0]);
  } finally {
    await rm3(scratch, { recursive: true, force: true });
  }
  if (ceilingNote) notes.unshift(ceilingNote);
  if (settings.fallback) notes.unshift(settings.fallback);
  if (!settings.token) {
    warning("no github-token, so no pull-request comment");
    return "skipped: no github-token.";
  }
  try {
    const done = await writeReviewComment(git, await octokitFor(settings), settings, {
      pullRequest: pr.number,
      manifest,
      headSha: pr.headSha || settings.event.sha,
      notes,
      lockfile: commitLine ? `Lockfile on the pull request's branch (preview-push): ${commitLine}` : void 0
    });
    info(`${done.action} comment ${done.url}`);
    return `[${done.action}](${done.url}).`;
  } catch (err) {
    return commentFailed(err);
  }
}
function commentFailed(err) {
  const status = err.status;
  const hint = status === 403 || status === 401 ? "; give the job permissions: pull-requests: write" : "";
  warning(`the pull-request comment could not be written: ${err.message}${hint}`);
  return `not written: ${err.message}${hint}.`;
}
async function runReview(git, settings, manifest, logger) {
  const c = settings.event.comment;
  if (!c || !c.isPullRequest) return info("not a comment on a pull request: nothing to review");
  if (c.senderIsBot) return info("a bot's comment: no verdicts in it");
  const ticking = c.body.includes(commentMarker(manifest));
  if (ticking && !(c.authorIsBot && settings.event.action === "edited")) return info("a comment carrying seedlock's marker that seedlock did not write: ignored");
  const { commands, problems } = ticking ? { commands: [], problems: [] } : parseCommands(c.body);
  if (!ticking && !commands.length && !problems.length) return info("no /seedlock command in this comment");
  if (!settings.token) return setFailed("a review needs github-token, to check who may give verdicts and to update the comment");
  const octokit = await octokitFor(settings);
  const { owner, repo } = settings.repository;
  const headSha = await headCommit(git) ?? settings.event.sha;
  const { states } = await readReviews(git, c.issue);
  const mine = states.filter((s) => s.manifest === manifest);
  if (!mine.length) return warning(`pull request #${c.issue} has no preview of ${manifest} on ${PREVIEWS_BRANCH} yet: run the preview first`);
  let role = "none";
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: c.sender });
    role = data.role_name || data.permission;
  } catch (err) {
    warning(`the permission of @${c.sender} could not be read (${err.message}); the command is not applied`);
  }
  if (!WRITERS.has(role)) {
    const why = `@${c.sender}'s [command](${c.url}) was not applied: verdicts count only from people with write access to ${owner}/${repo}, and @${c.sender} has ${role} access.`;
    warning(why);
    await writeReviewComment(git, octokit, settings, { pullRequest: c.issue, manifest, headSha, notes: [why] });
    return;
  }
  const applied = ticking ? applyTicks(mine, readTicks(c.body), c.sender, c.at, c.url) : applyCommands(mine, commands, c.sender, c.at, c.url);
  const notes = [...applied.done.map((d) => `@${c.sender} at ${c.at}: \`${d}\``), ...problems, ...applied.problems];
  const scratch = await mkdtemp3(join5(tmpdir3(), "seedlock-review-state-"));
  try {
    const updates = [...applied.changed].map((state) => ({ state, files: [] }));
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
    await rm3(scratch, { recursive: true, force: true });
  }
  const done = await writeReviewComment(git, octokit, settings, { pullRequest: c.issue, manifest, headSha, notes });
  info(`${done.action} comment ${done.url}`);
}
async function redraw(git, settings, manifest, states, rerolls, logger, headSha) {
  const tip = await fetchTip(git, PREVIEWS_BRANCH);
  await adoptReviews(git, settings.core.manifestPath, manifest, states, tip);
  const report = await execute({ ...settings.core, command: "preview", shard: void 0 }, { logger });
  const merge = await execute({ ...settings.core, command: "plan", shard: void 0 }, { logger: new NullLogger() }).catch(() => void 0);
  const updates = [];
  for (const state of states) {
    const ids2 = rerolls.filter((id) => state.assets[id]);
    if (!ids2.length) continue;
    const sub = { ...report, assets: report.assets.filter((a) => ids2.includes(a.id)) };
    const built = await buildReviewState(sub, state, {
      pullRequest: state.pullRequest,
      manifest,
      manifestPath: settings.core.manifestPath,
      headSha,
      ...state.shard ? { shard: state.shard } : {},
      mergeReport: merge,
      changedSinceReview: [],
      now: /* @__PURE__ */ new Date()
    });
    const next = structuredClone(state);
    for (const id of ids2) if (built.state.assets[id]) next.assets[id] = built.state.assets[id];
    const rows = new Map(built.state.section.rows.map((r) => [r.id, r]));
    next.section.rows = next.section.rows.map((r) => rows.get(r.id) ?? r);
    next.section.spentUsd += sub.assets.reduce((s, a) => s + a.spentUsd, 0);
    next.section.drafts += sub.assets.reduce((s, a) => s + a.drafts, 0);
    next.section.accepted += sub.assets.reduce((s, a) => s + a.accepted, 0);
    next.section.mergeUsd = next.section.rows.reduce((s, r) => s + r.mergeUsd, 0);
    next.updatedAt = (/* @__PURE__ */ new Date()).toISOString();
    updates.push({ state: next, files: built.files.filter((f) => f.path.includes("/drafts/")) });
  }
  const drafts = report.assets.filter((a) => rerolls.includes(a.id)).reduce((n, a) => n + a.drafts, 0);
  return { updates, line: `Drew ${drafts} new draft${drafts === 1 ? "" : "s"} for ${rerolls.join(", ")} (${formatUsd(report.spentUsd, { places: 4 })}, within the ${formatUsd(report.ceilingUsd, { places: 2 })} ceiling).` };
}
async function retireReviews(git, settings, manifest) {
  try {
    const { states } = await readReviews(git);
    if (!states.length) return;
    const spec = await loadManifest(settings.core.manifestPath);
    const lock = await readLockfile(lockPathFor(spec.file));
    const byPr = /* @__PURE__ */ new Map();
    for (const s of states) byPr.set(s.pullRequest, [...byPr.get(s.pullRequest) ?? [], s]);
    for (const [pr, parts] of byPr) {
      const done = parts.every(
        (p) => p.manifest === manifest && Object.entries(p.assets).every(([id, a]) => lock.assets[id]?.inputHash === a.inputHash && lock.assets[id].outputs.length >= a.count)
      );
      if (done && await removeReview(git, pr)) info(`the review of #${pr} is rendered on this branch: removed its folder from ${PREVIEWS_BRANCH}`);
    }
  } catch (err) {
    warning(`old reviews could not be removed from ${PREVIEWS_BRANCH}: ${err.message}`);
  }
}
async function closePullRequest(git, settings) {
  const pr = settings.event.pullRequest;
  if (pr.merged) return info(`#${pr.number} was merged: its review stays on ${PREVIEWS_BRANCH} for the run after the merge to adopt`);
  try {
    const removed = await removeReview(git, pr.number);
    info(removed ? `removed the previews of #${pr.number} from ${PREVIEWS_BRANCH}` : `no previews of #${pr.number} on ${PREVIEWS_BRANCH}`);
  } catch (err) {
    warning(`the previews of #${pr.number} could not be removed from ${PREVIEWS_BRANCH}: ${err.message}`);
  }
}

// src/action/settings.ts
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute as isAbsolute2, join as join6, relative as relative4, resolve } from "node:path";
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
  let payload;
  try {
    payload = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InputError([{ message: `the event payload ${path} is not JSON: ${err.message}` }]);
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new InputError([{ message: `the event payload ${path} is ${Array.isArray(payload) ? "an array" : JSON.stringify(payload)}, not a JSON object`, fix: "let the runner write GITHUB_EVENT_PATH, or unset it for a local run" }]);
  }
  return payload;
}
function buildActionSettings(input, env, payload) {
  const problems = [];
  const problem = (name, message, fix) => problems.push({ path: `input "${name}"`, message, fix });
  const text = (name) => input(name).trim();
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const event = eventFacts(env, payload);
  const pullRequest = event.pullRequest;
  const commandText = text(Input.command) || "run";
  const review = commandText === "review" || event.name === "issue_comment";
  const requestedCommand = review ? "preview" : COMMANDS.find((c) => c === commandText);
  if (!requestedCommand) problem(Input.command, `is "${commandText}"`, `use one of: ${COMMANDS.join(", ")}, summary`);
  const manifestText = text(Input.manifest) || "assets.yaml";
  const manifestPath = resolve(workspace, manifestText);
  const inside = relative4(workspace, manifestPath);
  if (inside.startsWith("..") || isAbsolute2(inside)) {
    problem(Input.manifest, `"${manifestText}" is outside the repository (${workspace})`, "give a path relative to the repository root");
  }
  const knob = (name, parse) => {
    const raw = text(name);
    if (raw === "") return void 0;
    try {
      return parse(raw, name);
    } catch (error2) {
      if (!(error2 instanceof InputError)) throw error2;
      problems.push(...error2.diagnostics);
      return void 0;
    }
  };
  const maxBudgetUsd = knob(Input.maxBudgetUsd, parseMaxBudgetUsd);
  const baseUrl = knob(Input.baseUrl, parseBaseUrl);
  const finalsPullRequest = text(Input.commit) === "pull-request";
  const commitChoice = finalsPullRequest ? true : booleanInput(text(Input.commit), Input.commit, problem);
  const commentChoice = booleanInput(text(Input.comment), Input.comment, problem);
  const previewPush = booleanInput(text(Input.previewPush), Input.previewPush, problem) ?? false;
  const allowTarget = booleanInput(text(Input.allowPullRequestTarget), Input.allowPullRequestTarget, problem) ?? false;
  const allowLowerPrices = booleanInput(text(Input.allowLowerPrices), Input.allowLowerPrices, problem) ?? false;
  const overwriteUntracked = [];
  for (const entry of input(Input.overwriteUntracked).split(/[\n,]/).map((p) => p.trim()).filter(Boolean)) {
    const file = resolve(workspace, entry);
    const rel = relative4(workspace, file);
    if (rel === "" || rel.startsWith("..") || isAbsolute2(rel)) problem(Input.overwriteUntracked, `names "${entry}", which is outside the repository (${workspace})`, "give paths relative to the repository root");
    else overwriteUntracked.push(file);
  }
  const shard = knob(Input.shard, parseShard);
  let shards = knob(Input.shards, parseShardCount);
  if (shards !== void 0 && requestedCommand && requestedCommand !== "plan") {
    problem(Input.shards, `is set, but only command: plan packs a matrix (this is ${requestedCommand})`, "give each job of the matrix shard: i/n instead");
    shards = void 0;
  }
  const batch = knob(Input.batch, parseBatchMode);
  const waitMinutes = knob(Input.wait, parseWaitMinutes);
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
  const commitDefault = command === "run" || command === "render" || command === "preview" && pullRequest !== void 0 && previewPush;
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
      ...allowLowerPrices ? { allowLowerPrices } : {},
      ...overwriteUntracked.length ? { overwriteUntracked } : {},
      ...batch ? { batch } : {},
      ...waitMinutes ? { waitMinutes } : {},
      // The runner's temp folder keeps the checkout clean; the `report` output points at it.
      reportDir: runnerTemp ? join6(runnerTemp, "seedlock", "report") : void 0
    },
    requestedCommand,
    fallback,
    commit: commitChoice ?? commitDefault,
    commitTarget: commitTargetOf(event, repository),
    finalsPullRequest: finalsPullRequest && !pullRequest,
    commitMessage: input(Input.commitMessage).trim() || void 0,
    comment: (commentChoice ?? true) && (pullRequest !== void 0 || review),
    review,
    previewPush,
    token: input(Input.githubToken).trim() || void 0,
    workspace,
    repository,
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    runUrl: env.GITHUB_RUN_ID ? `${serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${env.GITHUB_RUN_ID}` : void 0,
    event
  };
}
function isSummaryCommand() {
  return getInput(Input.command).trim() === "summary";
}
function buildSummarySettings(input, env) {
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const reportsText = input(Input.reports).trim();
  if (!reportsText) {
    throw new InputError([
      { path: `input "${Input.reports}"`, message: "is empty, and command: summary needs the shards' reports", fix: "download the shard jobs' artifacts (actions/download-artifact) and name their folder, e.g. reports: seedlock-reports" }
    ]);
  }
  const serverUrl = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  return {
    reports: resolve(workspace, reportsText),
    workspace,
    runUrl: env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY ? `${serverUrl}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : void 0
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
      baseRef: pr.base?.ref ?? "",
      baseSha: pr.base?.sha ?? "",
      fork: headRepo.toLowerCase() !== baseRepo.toLowerCase(),
      ...pr.merged === true ? { merged: true } : {}
    };
  }
  if (typeof payload.action === "string") facts.action = payload.action;
  const comment2 = payload.comment;
  const issue = payload.issue;
  const sender = payload.sender;
  if (name === "issue_comment" && comment2 && typeof comment2.id === "number" && issue && typeof issue.number === "number") {
    facts.comment = {
      issue: issue.number,
      isPullRequest: issue.pull_request !== void 0 && issue.pull_request !== null,
      id: comment2.id,
      url: comment2.html_url ?? "",
      body: typeof comment2.body === "string" ? comment2.body : "",
      author: comment2.user?.login ?? "",
      sender: sender?.login ?? comment2.user?.login ?? "",
      senderIsBot: sender?.type === "Bot",
      authorIsBot: comment2.user?.type === "Bot",
      at: (facts.action === "edited" ? comment2.updated_at : comment2.created_at) ?? (/* @__PURE__ */ new Date()).toISOString()
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
    const spend = report.shard ? `Shard **${report.shard.shard}** spent **${formatUsd(report.spentUsd, MARKDOWN)}** of its **${formatUsd(report.shard.sliceUsd, MARKDOWN)}** slice of the **${formatUsd(report.shard.matrixCeilingUsd, MARKDOWN)}** ceiling; **${formatUsd(report.shard.unspentUsd, MARKDOWN)}** of the slice is left unspent (no other shard may use it)` : `Spent **${formatUsd(report.spentUsd, MARKDOWN)}** of a **${formatUsd(report.ceilingUsd, MARKDOWN)}** ceiling`;
    const estimate = report.command === "plan" ? `; estimated **${formatUsd(report.estimatedUsd, MARKDOWN)}** for the work to do` : report.command === "preview" && facts.mergeEstimateUsd !== void 0 ? `; the run after merging would cost about **${formatUsd(facts.mergeEstimateUsd, MARKDOWN)}** more` : "";
    out.push(`${spend}${estimate}.`, "");
    if (report.assets.length) out.push(assetTable(report), "");
    else out.push("No asset in this manifest (or in this shard).", "");
    if (report.command !== "plan" && report.command !== "verify") out.push(effectiveCostLine(report), "", ...twoTierLines(report));
    const notes = report.assets.flatMap((a) => (a.notes ?? []).map((n) => `- \`${a.id}\`: ${n}`));
    if (notes.length) out.push("Answers that differed from what was asked:", "", ...notes.slice(0, 20), ...notes.length > 20 ? [`- \u2026 and ${notes.length - 20} more in the lockfile`] : [], "");
    const matrix = report.command === "plan" ? report.matrix : void 0;
    if (matrix) {
      out.push(`### Matrix: ${matrix.count} shard${matrix.count === 1 ? "" : "s"}, packed by estimate (largest \xF7 mean ${matrix.balance.toFixed(2)})`, "");
      const rows = matrix.shards.map((s) => [`\`${s.shard}\``, String(s.assets.length), formatUsd(s.estimatedUsd, MARKDOWN), formatUsd(s.ceilingUsd, MARKDOWN)]);
      out.push(table(["Shard", "Assets", "Estimate", "Slice"], rows, 1), "");
      out.push(`The slices add up to ${formatUsd(matrix.allocatedUsd, MARKDOWN)} of the ${formatUsd(matrix.ceilingUsd, MARKDOWN)} ceiling. Packing \`${matrix.fingerprint}\`: every shard must start from this commit with this ceiling.`, "");
      if (matrix.rule) out.push(`Shard count: ${cell(matrix.rule)}.`, "");
    }
    if (report.batch?.pending.length) out.push(batchJobsMarkdown(report), "");
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
function matrixSummaryMarkdown(summary2, facts) {
  const report = summary2.report;
  const out = [`## seedlock ${report.command} \xB7 matrix of ${summary2.count} shard${summary2.count === 1 ? "" : "s"}`, ""];
  if (facts.failure) out.push(`> [!CAUTION]
> ${facts.failure}`, "");
  if (summary2.fingerprints.length > 1) {
    out.push(
      `> [!WARNING]
> The shards computed ${summary2.fingerprints.length} different packings (${summary2.fingerprints.map((f) => `\`${f}\``).join(", ")}): they did not all start from the same commit and ceiling, so an asset may have run in two shards or in none. Start every shard from the same commit with the same max-budget-usd.`,
      ""
    );
  }
  if (summary2.duplicates.length) {
    out.push(`> [!NOTE]
> Shard ${summary2.duplicates.join(", ")} left more than one report (a re-run job?): only the last one, by file name, is counted below.`, "");
  }
  out.push(
    `Spent **${formatUsd(summary2.spentUsd, MARKDOWN)}** of the **${formatUsd(summary2.ceilingUsd, MARKDOWN)}** ceiling across ${summary2.shards.length} shard${summary2.shards.length === 1 ? "" : "s"}; their slices add up to ${formatUsd(summary2.allocatedUsd, MARKDOWN)}, and **${formatUsd(summary2.unspentUsd, MARKDOWN)}** of them was left unspent (a shard never spends another's slice).`,
    ""
  );
  const rows = summary2.shards.map((s) => [`\`${s.shard}\``, s.exitCode === 0 ? "\u2705 0" : `\u274C ${s.exitCode}`, String(s.assets), formatUsd(s.spentUsd, MARKDOWN), formatUsd(s.sliceUsd, MARKDOWN), formatUsd(s.unspentUsd, MARKDOWN)]);
  for (const label of summary2.missing) rows.push([`\`${label}\``, "\u2754 no report", "", "", "", ""]);
  out.push(table(["Shard", "Exit", "Assets", "Spent", "Slice", "Unspent"], rows, 1), "");
  if (report.assets.length) out.push(assetTable(report), "");
  else out.push("No shard had work to do.", "");
  out.push(effectiveCostLine(report), "", ...twoTierLines(report));
  if (facts.runUrl) out.push(`Each shard's report.html is among [this run's artifacts](${facts.runUrl}#artifacts).`, "");
  return out.join("\n");
}

// src/action/run.ts
var PROGRESS_EVERY_MS = 1e4;
var LANDS = /* @__PURE__ */ new Set(["run", "render", "preview"]);
async function runMain() {
  if (isSummaryCommand()) return runMatrixSummary();
  let settings;
  try {
    settings = readActionSettings();
  } catch (err) {
    setFailed(err instanceof SeedlockError ? err.message : `seedlock could not read its inputs: ${err.message}`);
    return;
  }
  const logger = new ActionsLogger(settings.workspace);
  const manifest = relative5(settings.workspace, settings.core.manifestPath).split(sep3).join("/");
  const git = new GitCli(settings.workspace);
  const trusted = await trustedCeiling(git, settings);
  settings = trusted.settings;
  if (settings.fallback) notice(settings.fallback);
  else if (trusted.note) notice(trusted.note);
  if (settings.review) {
    try {
      return await logger.group("Review", () => runReview(git, settings, manifest, logger));
    } catch (err) {
      return setFailed(err instanceof SeedlockError ? err.message : `the review failed: ${err.message}`);
    }
  }
  if (settings.event.pullRequest && settings.event.action === "closed") return closePullRequest(git, settings);
  const adoption = settings.fallback ? void 0 : await adoptBeforeRun(git, settings, manifest);
  const plan = await landingPlan(git, settings);
  if (plan?.finals) {
    const carried = await adoptFinalsBranch(git, settings.core.manifestPath, plan.top, plan.branch).catch((err) => {
      warning(`the finals already proposed on ${plan.branch} could not be read (${err.message}); rendering without them`);
      return [];
    });
    if (carried.length) info(`carried over the finals of ${carried.join(", ")} already proposed on ${plan.branch}`);
  }
  if (plan) saveState(State.landing, JSON.stringify(plan));
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error("interrupted"));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
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
    failure = failureSentence(report, settings.core.maxBudgetUsd, trusted.ceilingName);
    if (report.exitCode === 0 && report.message) notice(report.message);
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
  if (report) {
    setOutputs(report);
    await keepReportJson(report, settings);
  }
  const ran = report !== void 0 || thrown !== void 0 && !(thrown instanceof InputError);
  if (ran && settings.commit && !settings.fallback && LANDS.has(settings.core.command)) {
    if ("skip" in settings.commitTarget) facts.commit = `not committed: ${settings.commitTarget.skip}.`;
    else if (plan) {
      const outcome = await logger.group("Commit", () => commitBack(git, plan, report, settings));
      facts.commit = outcome.line;
      if (outcome.failure) failure ??= outcome.failure;
      else if (plan.kind === "push" && !plan.finals && report?.exitCode === 0 && adoption) await retireReviews(git, settings, manifest);
    }
  }
  const merge = report?.command === "preview" ? await mergePlan(settings) : void 0;
  facts.mergeEstimateUsd = merge?.estimatedUsd;
  if (report && settings.comment) {
    facts.comment = await logger.group(
      "Pull-request comment",
      () => report.command === "preview" && !settings.event.pullRequest?.fork ? previewComment(git, settings, report, manifest, merge, adoption, facts.commit, trusted.note) : comment(git, settings, report, manifest, merge, facts.commit, trusted.note)
    );
  }
  facts.failure = failure;
  await writeSummary(summaryMarkdown(report, facts));
  saveState(State.finished, "true");
  if (failure) setFailed(failure);
}
async function trustedCeiling(git, settings) {
  const pr = settings.event.pullRequest;
  if (!pr) return { settings };
  const base = await readBaseBudget(git, settings.core.manifestPath, pr.baseSha, pr.baseRef);
  if (base.kind === "unreadable" && settings.core.maxBudgetUsd !== void 0) {
    warning(`the base branch's ${base.where} could not be read (${base.why}); the workflow's max-budget-usd alone caps this pull request`);
  }
  const head = await loadManifest(settings.core.manifestPath, { logger: new NullLogger() }).then(
    (m) => m.budget.maxUsd,
    () => void 0
  );
  return pullRequestCeiling(settings, base, head);
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
    lockfile: relative5(top, lockPathFor(settings.core.manifestPath)),
    branch: settings.finalsPullRequest ? `seedlock/finals/${settings.commitTarget.branch}` : settings.commitTarget.branch,
    kind: settings.commitTarget.kind,
    ...settings.finalsPullRequest && settings.commitTarget.kind === "push" ? { finals: { base: settings.commitTarget.branch } } : {},
    startedFrom: await headCommit(git),
    command: settings.core.command,
    subject: settings.commitMessage,
    ...settings.core.shard ? { racers: settings.core.shard.count } : {}
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
    if (plan.finals) return await proposeFinals(git, plan, report, settings, landed.commit);
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
async function comment(git, settings, report, manifest, merge, commitLine, ceilingNote) {
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
    ...ceilingNote && ceilingNote !== settings.fallback ? { ceilingNote } : {},
    images,
    imagesNote,
    lockfile: commitLine && report.command === "preview" ? `Accepted seeds, lockfile: ${commitLine}` : void 0,
    runUrl: settings.runUrl
  });
  try {
    const github = await import("./github-L4AFULLZ.js");
    const octokit = github.getOctokit(settings.token, { baseUrl: settings.apiUrl });
    const done = await upsertComment(octokit, { owner, repo, issue: pr.number }, commentMarker(manifest), body);
    info(`${done.action} comment ${done.url}`);
    if (done.ignored.length) {
      const who = [...new Set(done.ignored.map((a) => a.login))].join(", ");
      warning(`left alone ${done.ignored.length} comment(s) by ${who} that carry seedlock's marker: the bot edits only comments its own identity wrote`);
    }
    return `[${done.action}](${done.url}).`;
  } catch (err) {
    const status = err.status;
    const hint = status === 403 || status === 401 ? "; give the job permissions: pull-requests: write" : "";
    warning(`the pull-request comment could not be written: ${err.message}${hint}`);
    return `not written: ${err.message}${hint}.`;
  }
}
async function proposeFinals(git, plan, report, settings, commit) {
  if (!settings.token) return { line: `pushed to \`${plan.branch}\`; no github-token, so no pull request.`, failure: "commit: pull-request needs github-token to open the pull request" };
  const { owner, repo } = settings.repository;
  const target = { owner, repo, serverUrl: settings.serverUrl, branch: plan.branch, base: plan.finals.base, before: plan.startedFrom ?? commit, after: commit, manifest: relative5(plan.top, settings.core.manifestPath).split(sep3).join("/") };
  try {
    const github = await import("./github-L4AFULLZ.js");
    const octokit = github.getOctokit(settings.token, { baseUrl: settings.apiUrl });
    const pr = await upsertFinalsPullRequest(octokit, target, await finalsBody(git, report, target));
    info(`${pr.action} pull request #${pr.number} ${pr.url}`);
    return { line: `pushed to \`${plan.branch}\` and ${pr.action} [#${pr.number}](${pr.url}) into \`${target.base}\`.` };
  } catch (err) {
    const status = err.status;
    const hint = status === 403 || status === 401 ? "; give the job permissions: pull-requests: write (and allow Actions to create pull requests in the repository's settings)" : "";
    return { line: `pushed to \`${plan.branch}\`; the pull request could not be opened: ${err.message}.`, failure: `The finals pull request could not be opened: ${err.message}${hint}` };
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
async function keepReportJson(report, settings) {
  if (!settings.core.reportDir) return;
  const file = join7(settings.core.reportDir, "report.json");
  try {
    await mkdir2(dirname2(file), { recursive: true });
    await writeFile3(file, `${JSON.stringify(report)}
`);
    setOutput(Output.reportJson, file);
  } catch (err) {
    warning(`could not write ${file}: ${err.message}`);
  }
}
async function runMatrixSummary() {
  try {
    const settings = buildSummarySettings((name) => getInput(name), process.env);
    const summary2 = combineShardReports(await readShardReports([settings.reports]));
    setOutputs(summary2.report);
    const failure = summary2.report.message ? `${summary2.report.message[0].toUpperCase()}${summary2.report.message.slice(1)}.` : void 0;
    if (summary2.fingerprints.length > 1) warning(`the shards computed ${summary2.fingerprints.length} different packings: start every shard from the same commit with the same max-budget-usd`);
    await writeSummary(matrixSummaryMarkdown(summary2, { runUrl: settings.runUrl, failure }));
    info(`matrix of ${summary2.count} shards: spent ${summary2.spentUsd} of the ${summary2.ceilingUsd} ceiling; ${summary2.unspentUsd} left unspent in the slices`);
    if (failure) setFailed(failure);
  } catch (err) {
    setFailed(err instanceof SeedlockError ? err.message : `seedlock summary failed: ${err.message}`);
  }
}
export {
  runMain
};
