import { dirname, join } from "node:path";
import sharp from "sharp";
import { SEEDLOCK_FOLDER, writeSeedlockIgnore } from "../disk/folders.js";
import type { Manifest } from "../manifest/spec.js";

const ignoreWritten = new Set<string>();

/** Once per manifest and process: the accepted draft just written is one git can see. */
export async function keepDraftsInGit(manifest: Manifest): Promise<void> {
  const dir = join(dirname(manifest.file), SEEDLOCK_FOLDER);
  if (ignoreWritten.has(dir)) return;
  ignoreWritten.add(dir);
  await writeSeedlockIgnore(dir).catch(() => {});
}

/** A small JPEG of a draft for its contact sheet, so the run does not hold every full draft in memory. */
export async function tileOf(image: Buffer, side = 256): Promise<Buffer | undefined> {
  try {
    return await sharp(image).resize(side, side, { fit: "inside" }).jpeg({ quality: 70 }).toBuffer();
  } catch {
    return undefined;
  }
}
