/**
 * The runs a report folder remembers: each run's page and pictures stay in runs/<run>/, listed in
 * runs/index.json, so a reviewer can go back to the drafts of the run before; the oldest are
 * removed past a limit so the folder does not grow without end.
 */
import { readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { RepositoryFolder } from "../disk/repository-path.js";

export interface RunEntry {
  id: string;
  command: string;
  /** ISO time the run started. */
  at: string;
  spentUsd: number;
  exitCode: number;
  rendered: number;
  drafts: number;
}

/** Runs kept in a report folder; older ones are deleted with their pictures. */
export const RUNS_KEPT = 20;

/** `2026-12-01T09-30-05-123Z-run`: sortable, a valid folder name everywhere, distinct per command. */
export function runIdOf(startedMs: number, command: string): string {
  return `${new Date(startedMs).toISOString().replace(/:/g, "-").replace(".", "-")}-${command}`;
}

/** Records `run` in the folder's index, prunes the oldest, and returns the earlier runs kept, newest first. */
export async function keepRun(reportDir: string, run: RunEntry, within?: RepositoryFolder): Promise<RunEntry[]> {
  const indexPath = join(reportDir, "runs", "index.json");
  const known = await readFile(indexPath, "utf8")
    .then((text) => JSON.parse(text) as RunEntry[])
    .catch(() => [] as RunEntry[]);
  const runs = [...known.filter((r) => r && typeof r.id === "string" && r.id !== run.id), run].sort((a, b) => b.id.localeCompare(a.id));
  const kept = runs.slice(0, RUNS_KEPT);
  for (const old of runs.slice(RUNS_KEPT)) {
    // Only folders this index named, and only by a plain name: never a path out of runs/.
    if (/^[\w.-]+$/.test(old.id)) await rm(join(reportDir, "runs", old.id), { recursive: true, force: true });
  }
  await (within ?? new RepositoryFolder(dirname(indexPath))).writeFile(indexPath, `${JSON.stringify(kept, null, 2)}\n`);
  return kept.filter((r) => r.id !== run.id);
}
