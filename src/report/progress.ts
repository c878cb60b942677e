/**
 * Progress while a command runs: on a terminal, one bar redrawn in place; in a CI log, a plain line
 * every few seconds, because a log cannot redraw and a line per event would drown it.
 */
import type { ProgressSnapshot } from "../run-report.js";
import { count, duration } from "./figures.js";
import { formatUsd } from "../money.js";

export interface ProgressOptions {
  /** Least time between two plain lines when the stream is not a terminal (default 5000 ms). */
  intervalMs?: number;
  /** Least time between two redraws of the bar on a terminal (default 100 ms). */
  redrawMs?: number;
  now?: () => number;
}

export interface Progress {
  update(snapshot: ProgressSnapshot): void;
  /** Shows the last snapshot if it was held back, and ends the bar's line. */
  done(): void;
}

type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export function createProgress(stream: ProgressStream, options: ProgressOptions = {}): Progress {
  const now = options.now ?? Date.now;
  const live = stream.isTTY === true;
  const gap = live ? (options.redrawMs ?? 100) : (options.intervalMs ?? 5000);
  let lastShown: number | undefined;
  let pending: ProgressSnapshot | undefined;
  let finished = false;

  const show = (snapshot: ProgressSnapshot) => {
    lastShown = now();
    pending = undefined;
    if (live) {
      stream.write(`\r${barLine(snapshot, Math.max(20, (stream.columns ?? 100) - 1))}\u001b[K`);
    } else {
      stream.write(`${plainLine(snapshot)}\n`);
    }
  };

  return {
    update(snapshot) {
      if (finished) return;
      if (lastShown === undefined || now() - lastShown >= gap) show(snapshot);
      else pending = snapshot;
    },
    done() {
      if (finished) return;
      finished = true;
      if (pending) show(pending);
      if (live && lastShown !== undefined) stream.write("\n");
    },
  };
}

/** `progress: 3/10 assets · 24 drafts · 9 accepted · …` — one self-contained line for a log. */
export function plainLine(s: ProgressSnapshot): string {
  return `progress: ${counts(s)}`;
}

/**
 * `[██████░░░░░░░░░░] 3/10 assets · …` for a terminal, at most `width` columns: when the line is too
 * long the least telling counts go first and the bar shrinks, so spend and time always show.
 */
export function barLine(s: ProgressSnapshot, width = Infinity): string {
  const share = s.assetsTotal > 0 ? Math.min(1, s.assetsDone / s.assetsTotal) : 0;
  const bar = (cells: number) => {
    const full = Math.round(share * cells);
    return `[${"█".repeat(full)}${"░".repeat(cells - full)}] `;
  };
  const fields = fieldsOf(s);
  // Dropped in this order when the terminal is narrow: in flight, rejected, accepted, drafts, rendered.
  const dropOrder = ["inFlight", "rejected", "accepted", "drafts", "rendered"];
  for (let dropped = 0; dropped <= dropOrder.length; dropped++) {
    const kept = fields.filter((f) => !dropOrder.slice(0, dropped).includes(f.key)).map((f) => f.text).join(" · ");
    for (const cells of [16, 8]) if ([...bar(cells)].length + [...kept].length <= width) return bar(cells) + kept;
    if (dropped === dropOrder.length) return [...kept].length <= width ? kept : [...kept].slice(0, width).join("");
  }
  return fields.map((f) => f.text).join(" · ");
}

function counts(s: ProgressSnapshot): string {
  return fieldsOf(s)
    .map((f) => f.text)
    .join(" · ");
}

function fieldsOf(s: ProgressSnapshot): { key: string; text: string }[] {
  const ceiling = Number.isFinite(s.ceilingUsd) ? ` / ${formatUsd(s.ceilingUsd)}` : "";
  return [
    { key: "assets", text: `${s.assetsDone}/${count(s.assetsTotal, "asset")}` },
    { key: "drafts", text: count(s.drafts, "draft") },
    { key: "accepted", text: `${s.accepted} accepted` },
    { key: "rejected", text: `${s.rejected} rejected` },
    { key: "rendered", text: `${s.rendered} rendered` },
    { key: "inFlight", text: `${s.inFlight} in flight` },
    { key: "spend", text: `${formatUsd(s.spentUsd)}${ceiling}` },
    { key: "time", text: duration(s.elapsedMs) },
  ];
}
