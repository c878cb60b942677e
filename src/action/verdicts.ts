import type { ReviewState } from "./review.js";

/** One `/seedlock` line of a pull-request comment. */
export type ReviewCommand =
  | { verb: "approve" | "reject"; asset: string; drafts: number[]; text: string }
  | { verb: "reroll"; asset: string; text: string };

export const COMMAND_HELP = "`/seedlock approve <asset> <n…>` ships exactly those drafts · `/seedlock reject <asset> <n…>` · `/seedlock reroll <asset>` draws new drafts";

/** Reads every `/seedlock` line; lines that are not well-formed come back as problems in words. */
export function parseCommands(body: string): { commands: ReviewCommand[]; problems: string[] } {
  const commands: ReviewCommand[] = [];
  const problems: string[] = [];
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

export interface Applied {
  /** Parts whose state changed. */
  changed: Set<ReviewState>;
  /** Assets to draw new drafts for. */
  rerolls: string[];
  problems: string[];
  done: string[];
}

/**
 * Applies commands to the review states of one pull request, recording who gave each and when.
 * `approve` ships exactly the drafts named (the asset's other drafts are set aside), `reject` sets
 * the named drafts aside, `reroll` sets aside every draft of the asset and asks for new ones.
 */
export function applyCommands(states: ReviewState[], commands: ReviewCommand[], by: string, at: string, comment?: string): Applied {
  const result: Applied = { changed: new Set(), rerolls: [], problems: [], done: [] };
  for (const command of commands) {
    const state = states.find((s) => s.assets[command.asset]);
    const asset = state?.assets[command.asset];
    if (!state || !asset) {
      const known = [...new Set(states.flatMap((s) => Object.keys(s.assets)))].sort();
      result.problems.push(`\`${command.text}\`: this pull request's preview has no drafts of \`${command.asset}\`${known.length ? ` (it has ${known.map((k) => `\`${k}\``).join(", ")})` : ""}`);
      continue;
    }
    const set = (d: (typeof asset.drafts)[number], verdict: "approved" | "rejected", why?: string) => {
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
    state.verdicts.push({ at, by, command: command.text, ...(comment ? { comment } : {}) });
    result.changed.add(state);
    result.done.push(command.text);
  }
  return result;
}

/** Ticks of the bot's own comment as someone left them: per asset, draft number → ticked. */
export function readTicks(body: string): Map<string, Map<number, boolean>> {
  const ticks = new Map<string, Map<number, boolean>>();
  let asset: string | undefined;
  for (const line of body.split(/\r?\n/)) {
    const heading = /^\*\*`([^`]+)`\*\* · /.exec(line);
    if (heading) {
      asset = heading[1]!;
      continue;
    }
    const box = /^- \[( |x|X)\] (?:~~)?\*\*(\d+)\*\*/.exec(line);
    if (box && asset) {
      if (!ticks.has(asset)) ticks.set(asset, new Map());
      ticks.get(asset)!.set(Number(box[2]), box[1] !== " ");
    }
  }
  return ticks;
}

/** A checkbox someone ticked approves its draft, one they cleared sets it aside; each is recorded. */
export function applyTicks(states: ReviewState[], ticks: Map<string, Map<number, boolean>>, by: string, at: string, comment?: string): Applied {
  const result: Applied = { changed: new Set(), rerolls: [], problems: [], done: [] };
  for (const state of states) {
    for (const [id, asset] of Object.entries(state.assets)) {
      for (const d of asset.drafts) {
        const ticked = ticks.get(id)?.get(d.n);
        if (ticked === undefined || ticked === (d.verdict === "approved")) continue;
        d.verdict = ticked ? "approved" : "rejected";
        d.by = by;
        d.at = at;
        delete d.why;
        const text = `${ticked ? "ticked" : "cleared"} ${id} ${d.n}`;
        state.verdicts.push({ at, by, command: text, ...(comment ? { comment } : {}) });
        result.changed.add(state);
        result.done.push(text);
      }
    }
  }
  return result;
}
