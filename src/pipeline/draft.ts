import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, posix, relative, sep } from "node:path";
import sharp from "sharp";
import type { Manifest } from "../manifest/spec.js";

/**
 * Accepted drafts are kept as files under `.seedlock/drafts/<asset id>/<seed>.<ext>` beside the
 * manifest: the render sends them to the final model as the reference, and a resumed run or a
 * later `seedlock render` reads them from there instead of paying for the draft again. The folder
 * is not only a cache: a seed is not a recipe, so the accepted bytes are what a later render must
 * start from. Its `.gitignore` therefore lets git see the accepted drafts (and nothing else of
 * `.seedlock/`); when a draft is missing all the same, its seed is drafted and screened again.
 */
export const DRAFTS_FOLDER = join(".seedlock", "drafts");

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

/** Writes `.seedlock/.gitignore` beside the manifest when missing (or still the old ignore-everything one). */
export async function writeSeedlockIgnore(seedlockDir: string): Promise<void> {
  const file = join(seedlockDir, ".gitignore");
  const now = await readFile(file, "utf8").catch(() => undefined);
  if (now !== undefined && now !== OLD_IGNORE) return;
  await mkdir(seedlockDir, { recursive: true });
  await writeFile(file, SEEDLOCK_IGNORE).catch(() => {});
}

const ignoreWritten = new Set<string>();

/** Once per manifest and process: the accepted draft just written is one git can see. */
export async function keepDraftsInGit(manifest: Manifest): Promise<void> {
  const dir = join(dirname(manifest.file), ".seedlock");
  if (ignoreWritten.has(dir)) return;
  ignoreWritten.add(dir);
  await writeSeedlockIgnore(dir).catch(() => {});
}

export function extensionFor(mimeType: string): string {
  if (mimeType === "image/jpeg" || mimeType === "image/jpg") return "jpg";
  if (mimeType === "image/webp") return "webp";
  return "png";
}

/** Where the accepted draft of `seed` is kept, relative to the repository root, with forward slashes. */
export function draftPath(manifest: Manifest, assetId: string, seed: number, mimeType: string): string {
  const absolute = join(dirname(manifest.file), DRAFTS_FOLDER, assetId, `${seed}.${extensionFor(mimeType)}`);
  return relative(manifest.root, absolute).split(sep).join(posix.sep);
}

export function mimeTypeOf(path: string): string {
  return path.endsWith(".jpg") ? "image/jpeg" : path.endsWith(".webp") ? "image/webp" : "image/png";
}

/** A small JPEG of a draft for its contact sheet, so the run does not hold every full draft in memory. */
export async function tileOf(image: Buffer, side = 256): Promise<Buffer | undefined> {
  try {
    return await sharp(image).resize(side, side, { fit: "inside" }).jpeg({ quality: 70 }).toBuffer();
  } catch {
    return undefined;
  }
}
