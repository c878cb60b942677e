import { dirname, join, posix, relative, sep } from "node:path";
import sharp from "sharp";
import type { Manifest } from "../manifest/spec.js";

/**
 * Accepted drafts are kept as files under `.seedlock/drafts/<asset id>/<seed>.<ext>` beside the
 * manifest: the render sends them to the final model as the reference, and a resumed run or a
 * later `seedlock render` reads them from there instead of paying for the draft again. The folder
 * is a cache, not an output: commit it (or cache it in CI) to render later on another machine;
 * when a draft is missing, its seed is drafted once more.
 */
export const DRAFTS_FOLDER = join(".seedlock", "drafts");

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
