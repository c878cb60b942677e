/**
 * Progress while a command runs: on a terminal, one bar redrawn in place; in a CI log, a plain line
 * every few seconds, because a log cannot redraw and a line per event would drown it.
 */
import type { ProgressSnapshot } from "../pipeline/result.js";
import { duration, usd } from "./figures.js";

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
      const width = Math.max(20, (stream.columns ?? 100) - 1);
      stream.write(`\r${barLine(snapshot).slice(0, width)}\u001b[K`);
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

/** `[██████░░░░░░░░░░] 3/10 assets · …` for a terminal. */
export function barLine(s: ProgressSnapshot, cells = 16): string {
  const share = s.assetsTotal > 0 ? Math.min(1, s.assetsDone / s.assetsTotal) : 0;
  const full = Math.round(share * cells);
  return `[${"█".repeat(full)}${"░".repeat(cells - full)}] ${counts(s)}`;
}

function counts(s: ProgressSnapshot): string {
  const ceiling = Number.isFinite(s.ceilingUsd) ? ` / ${usd(s.ceilingUsd)}` : "";
  return [
    `${s.assetsDone}/${s.assetsTotal} assets`,
    `${s.drafts} drafts`,
    `${s.accepted} accepted`,
    `${s.rejected} rejected`,
    `${s.rendered} rendered`,
    `${s.inFlight} in flight`,
    `${usd(s.spentUsd)}${ceiling}`,
    duration(s.elapsedMs),
  ].join(" · ");
}
