import type * as github from "@actions/github";
import type { RunReport } from "../run-report.js";
import { COMMENT_MARKER } from "./constants.js";
import { formatPercent, formatUsd, MARKDOWN } from "../money.js";
import { cell, rejectedText, statusText, table } from "./markdown.js";

export type Octokit = ReturnType<typeof github.getOctokit>;

export interface CommentTarget {
  owner: string;
  repo: string;
  issue: number;
}

/** One sticky comment per manifest: the default one keeps the bare marker. */
export function commentMarker(manifest: string): string {
  return manifest === "assets.yaml" ? COMMENT_MARKER : `<!-- seedlock:preview ${manifest} -->`;
}

export interface CommentFacts {
  manifest: string;
  /** Head commit the preview was made for. */
  headSha: string;
  fallback?: string;
  /** The pull request raised budget.maxUsd above what it may spend here (base-ceiling.ts). */
  ceilingNote?: string;
  /** Contact sheet URL per asset id. */
  images: Map<string, string>;
  /** Why images are missing, when the previews branch could not be pushed. */
  imagesNote?: string;
  /** A plan made after the preview: what `run` after the merge would cost, per asset. */
  merge?: RunReport;
  /** One line on the lockfile commit to the pull request's branch. */
  lockfile?: string;
  runUrl?: string;
}

/** The pull-request comment: the cost of merging, a verdict per asset, and the contact sheets. */
export function commentBody(report: RunReport, facts: CommentFacts): string {
  const out = [commentMarker(facts.manifest), `### seedlock ${report.command} · \`${facts.manifest}\``, ""];
  if (facts.fallback) out.push(`> [!NOTE]\n> ${facts.fallback}`, "");
  if (facts.ceilingNote) out.push(`> [!WARNING]\n> ${facts.ceilingNote}`, "");
  // The cost of merging is a plan made after this preview: accepted drafts are not paid for again.
  const after = new Map((facts.merge?.assets ?? []).map((a) => [a.id, a.estimatedUsd]));
  const mergeUsd = facts.merge?.estimatedUsd ?? report.estimatedUsd;
  const ceiling = `within a **${formatUsd(report.ceilingUsd, MARKDOWN)}** ceiling`;
  out.push(
    report.command === "preview"
      ? `Merging this pull request would cost about **${formatUsd(mergeUsd, MARKDOWN)}** more, ${ceiling}: the run after the merge renders the accepted drafts and drafts only what is still missing. This preview spent ${formatUsd(report.spentUsd, MARKDOWN)} on ${report.drafts} drafts (accept rate ${formatPercent(report.acceptRate, MARKDOWN)}).`
      : `Merging this pull request would cost about **${formatUsd(mergeUsd, MARKDOWN)}**, ${ceiling}.`,
    "",
  );
  if (report.assets.length) {
    out.push(
      table(
        ["Asset", "Verdict", "Drafts", "Accepted", "Rejected", "Cost to merge"],
        report.assets.map((a) => [
          `\`${cell(a.id)}\``,
          statusText(a),
          String(a.drafts),
          String(a.accepted),
          cell(rejectedText(a)),
          formatUsd(after.get(a.id) ?? a.estimatedUsd, MARKDOWN),
        ]),
      ),
      "",
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
  const run = facts.runUrl ? ` · [workflow run](${facts.runUrl})` : "";
  out.push(`<sub>For ${facts.headSha.slice(0, 7)}${run} · updated in place on every push</sub>`);
  return out.join("\n");
}

/** Who wrote a comment, as GitHub's REST API says it (`user.login`, `user.type`). */
export interface CommentAuthor {
  login: string;
  type: string;
}

/** What GITHUB_TOKEN writes as: GitHub's Actions app. */
export const ACTIONS_BOT: CommentAuthor = { login: "github-actions[bot]", type: "Bot" };

/**
 * The identity the token writes comments as. GET /user answers for a person's token; an
 * installation token (GITHUB_TOKEN) is refused there, and GITHUB_TOKEN writes as the Actions bot.
 */
export async function tokenIdentity(octokit: Octokit): Promise<CommentAuthor> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return { login: data.login, type: data.type };
  } catch {
    return ACTIONS_BOT;
  }
}

/**
 * Updates the comment holding `marker` that this token's own identity wrote, or creates one: one
 * comment however many times it runs. A comment by anyone else is never edited, marker or not, so
 * nobody can plant a comment that the bot then fills with its costs and images.
 */
export async function upsertComment(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
  body: string,
): Promise<{ id: number; url: string; action: "created" | "updated"; ignored: CommentAuthor[] }> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issue,
    per_page: 100,
  });
  const marked = comments.filter((c) => c.body?.includes(marker));
  // Asked only when it matters: most runs find no marked comment and create one.
  const me = marked.length ? await tokenIdentity(octokit) : undefined;
  const writtenByMe = (c: (typeof comments)[number]) => c.user?.login === me?.login && c.user?.type === me?.type;
  const mine = marked.find(writtenByMe);
  const ignored = marked.filter((c) => !writtenByMe(c)).map((c) => ({ login: c.user?.login ?? "(deleted user)", type: c.user?.type ?? "" }));
  if (mine) {
    const { data } = await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: Number(mine.id), body });
    return { id: Number(data.id), url: data.html_url, action: "updated", ignored };
  }
  const { data } = await octokit.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issue, body });
  return { id: Number(data.id), url: data.html_url, action: "created", ignored };
}
