import type { RepositoryFolder } from "./repository-path.js";
import { dirname, join, posix, relative, sep } from "node:path";

/**
 * seedlock's own files, all in `.seedlock/` beside the manifest: accepted drafts and the answers
 * waiting for a verdict, the report, the run lock and the output-hash cache. Every module that
 * reads or writes one of them takes its name from here.
 */

export const SEEDLOCK_FOLDER = ".seedlock";

/**
 * Accepted drafts are kept as files under `.seedlock/drafts/<asset id>/<seed>.<ext>` beside the
 * manifest: the render sends them to the final model as the reference, and a resumed run or a
 * later `seedlock render` reads them from there instead of paying for the draft again. The folder
 * is not only a cache: a seed is not a recipe, so the accepted bytes are what a later render must
 * start from. Its `.gitignore` therefore lets git see the accepted drafts (and nothing else of
 * `.seedlock/`); when a draft is missing all the same, its seed is drafted and screened again.
 */
export const DRAFTS_FOLDER = join(SEEDLOCK_FOLDER, "drafts");

/** report.html, its pictures and the contact sheets, unless --report-dir says otherwise. */
export const REPORT_FOLDER = join(SEEDLOCK_FOLDER, "report");

/** One run that spends or writes per manifest folder at a time (pipeline/run-lock.ts). */
export const RUN_LOCK = join(SEEDLOCK_FOLDER, "run.lock");

/** Output hashes kept by their files' stat, so a second `plan` hashes only what changed (plan/output-hashes.ts). */
export const OUTPUT_HASHES = join(SEEDLOCK_FOLDER, "output-hashes.json");

/** Where a manifest is: its file and the repository root it sits in (absolute). */
export interface ManifestPlace {
  file: string;
  root: string;
}

/** Where an asset's answers wait for their verdict: `.seedlock/drafts/<id>/incoming` beside the manifest. */
export function journalFolder(manifest: Pick<ManifestPlace, "file">, assetId: string): string {
  return join(dirname(manifest.file), DRAFTS_FOLDER, assetId, "incoming");
}

/** Where the accepted draft of `seed` is kept, relative to the repository root, with forward slashes. */
export function draftPath(manifest: ManifestPlace, assetId: string, seed: number, mimeType: string): string {
  const absolute = join(dirname(manifest.file), DRAFTS_FOLDER, assetId, `${seed}.${extensionFor(mimeType)}`);
  return relative(manifest.root, absolute).split(sep).join(posix.sep);
}

export function extensionFor(mimeType: string): string {
  if (mimeType === "image/jpeg" || mimeType === "image/jpg") return "jpg";
  if (mimeType === "image/webp") return "webp";
  return "png";
}

export function mimeTypeOf(path: string): string {
  return path.endsWith(".jpg") ? "image/jpeg" : path.endsWith(".webp") ? "image/webp" : "image/png";
}

/** What `.seedlock/.gitignore` said before accepted drafts were kept in git: replaced when found as is. */
const OLD_IGNORE = "# seedlock's scratch space: caches and reports, never committed\n*\n";

export const SEEDLOCK_IGNORE = [
  "# seedlock's scratch space. Caches, reports and answers waiting for a verdict stay out of git;",
  "# accepted drafts (drafts/<asset>/<seed>.<ext>, named in the lockfile) are kept, so a fresh clone",
  "# renders from the bytes that were screened instead of drawing its seed again.",
  "*",
  "!.gitignore",
  "!drafts/",
  "!drafts/*/",
  "!drafts/*/*.jpg",
  "!drafts/*/*.png",
  "!drafts/*/*.webp",
  "drafts/*/incoming/",
  "",
].join("\n");

/**
 * Writes `.seedlock/.gitignore` beside the manifest when missing (or still the old ignore-everything
 * one), through `within`: a checkout may hold it as a symlink leading out, which is replaced, not
 * followed or read.
 */
export async function writeSeedlockIgnore(within: RepositoryFolder, seedlockDir: string): Promise<void> {
  const file = join(seedlockDir, ".gitignore");
  const now = await within.readFile(file).then((data) => data.toString("utf8"), () => undefined);
  if (now !== undefined && now !== OLD_IGNORE) return;
  await within.writeFile(file, SEEDLOCK_IGNORE).catch(() => {});
}
