import { formatPercent, formatUsd, MARKDOWN } from "../money.js";
import { cell, rejectedText, statusText, table } from "./markdown.js";
import type { ReviewState } from "./review.js";
import { COMMAND_HELP } from "./verdicts.js";

/** GitHub refuses a comment body over 65,536 characters; the rest is folded into the report link. */
export const COMMENT_LIMIT = 65_536;

export interface ReviewCommentFacts {
  marker: string;
  manifest: string;
  /** Where raw files of the previews branch are served: `<server>/<owner>/<repo>/raw/<tip>/`. */
  rawBase: string;
  headSha: string;
  runUrl?: string;
  /** Lines said once above the sections: ignored commands, verdicts applied, changed prompts. */
  notes: string[];
  /** One line on a lockfile pushed to the pull request's branch (preview-push: true). */
  lockfile?: string;
}

function sectionMarker(state: ReviewState, end = false): string {
  return `<!-- ${end ? "/" : ""}seedlock:section ${state.part} -->`;
}

function draftLines(state: ReviewState, facts: ReviewCommentFacts, images: boolean): string[] {
  const out: string[] = [];
  for (const [id, asset] of Object.entries(state.assets).sort(([a], [b]) => a.localeCompare(b))) {
    if (!asset.drafts.length) continue;
    const approved = asset.drafts.filter((d) => d.verdict === "approved").length;
    out.push(`**\`${id}\`** · ${approved} approved of ${asset.count} to ship`, "");
    for (const d of asset.drafts) {
      const who = d.by ? ` by @${d.by}` : " by the screen";
      const label = d.verdict === "approved" ? `**${d.n}** · seed ${d.seed} · approved${who}` : `~~**${d.n}**~~ · seed ${d.seed} · ${d.why ?? "rejected"}${who}`;
      const image = images ? ` <img src="${facts.rawBase}${d.file}" alt="${id} draft ${d.n}" width="96">` : "";
      out.push(`- [${d.verdict === "approved" ? "x" : " "}] ${label}${image}`);
    }
    out.push("");
  }
  return out;
}

function section(state: ReviewState, facts: ReviewCommentFacts, images: boolean): string {
  const s = state.section;
  const out = [sectionMarker(state)];
  if (state.shard) out.push(`#### Shard ${state.shard}`, "");
  if (s.rows.length) {
    out.push(
      table(
        ["Asset", "Verdict", "Drafts", "Accepted", "Rejected", "Cost to merge"],
        s.rows.map((r) => [`\`${cell(r.id)}\``, statusText({ status: r.status as never, drafts: r.drafts, accepted: r.accepted, rendered: 0 }), String(r.drafts), String(r.accepted), cell(rejectedText({ rejectedDrafts: r.rejectedDrafts ?? 0, rejected: r.rejected })), formatUsd(r.mergeUsd, MARKDOWN)]),
      ),
      "",
    );
  }
  for (const id of s.changedSinceReview) out.push(`_\`${id}\` changed after its drafts were reviewed, so it was drafted again; the earlier verdicts no longer apply._`, "");
  out.push(...draftLines(state, facts, images));
  if (images) for (const [id, path] of Object.entries(s.sheets)) out.push(`<details><summary>Contact sheet of <code>${id}</code></summary>\n\n![contact sheet of ${id}](${facts.rawBase}${path})\n\n</details>`, "");
  out.push(sectionMarker(state, true));
  return out.join("\n");
}

/**
 * The sticky comment of a pull request's review, written from every part on the previews branch:
 * totals are the sum of the sections that reported, one section per shard, a checkbox per draft.
 */
export function reviewCommentBody(states: ReviewState[], facts: ReviewCommentFacts, limit = COMMENT_LIMIT): string {
  const parts = [...states].sort((a, b) => a.part.localeCompare(b.part, undefined, { numeric: true }));
  const sum = (f: (s: ReviewState) => number) => parts.reduce((n, s) => n + f(s), 0);
  const spent = sum((s) => s.section.spentUsd);
  const drafts = sum((s) => s.section.drafts);
  const accepted = sum((s) => s.section.accepted);
  const merge = sum((s) => s.section.mergeUsd);
  const ceiling = parts[0]?.shard ? sum((s) => s.section.ceilingUsd) : (parts[0]?.section.ceilingUsd ?? 0);
  const shards = parts.filter((s) => s.shard);
  const total = shards.length ? Number(shards[0]!.shard!.split("/")[1]) : 0;
  const reported = shards.length ? ` (${shards.length} of ${total} shards reported)` : "";
  const head = [
    facts.marker,
    `### seedlock preview · \`${facts.manifest}\``,
    "",
    `Merging this pull request would cost about **${formatUsd(merge, MARKDOWN)}** more, within a **${formatUsd(ceiling, MARKDOWN)}** ceiling: the run after the merge renders the approved drafts and drafts only what is still missing. This preview spent ${formatUsd(spent, MARKDOWN)} on ${drafts} drafts (accept rate ${formatPercent(drafts ? accepted / drafts : null, MARKDOWN)})${reported}.`,
    "",
  ];
  if (facts.notes.length) head.push(...facts.notes.map((n, i) => `${i === 0 ? "> [!NOTE]\n" : ""}> ${n}`), "");
  const tail = [
    "",
    `**Review:** ticked drafts ship. ${COMMAND_HELP}, in a comment of its own; only people with write access to the repository are heard. The preview pushes nothing to this branch.`,
    "",
    ...(facts.lockfile ? [facts.lockfile, ""] : []),
    `<sub>For ${facts.headSha.slice(0, 7)}${facts.runUrl ? ` · [workflow run](${facts.runUrl})` : ""} · updated in place</sub>`,
  ];
  const build = (images: boolean, upTo = parts.length) => {
    const folded = parts.length - upTo;
    const more = folded ? [`_…and ${folded} more section${folded === 1 ? "" : "s"}: see the ${facts.runUrl ? `[report](${facts.runUrl})` : "report artifact"}._`] : [];
    return [...head, ...parts.slice(0, upTo).map((p) => section(p, facts, images)), ...more, ...tail].join("\n");
  };
  let body = build(true);
  if (body.length <= limit) return body;
  body = build(false);
  for (let upTo = parts.length; body.length > limit && upTo > 0; ) body = build(false, --upTo);
  return body.length <= limit ? body : body.slice(0, limit - 200) + `\n\n_…folded: see the report._`;
}
