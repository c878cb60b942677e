import { createHash } from "node:crypto";
import sharp from "sharp";
import type { OutputSpec } from "../manifest/spec.js";
import type { RepositoryFolder } from "../disk/repository-path.js";

/**
 * The last step of every image: post-process with sharp into the manifest's output (format,
 * quality, width/height/fit), write it atomically, and hash what was written for the lockfile.
 */

export interface WrittenOutput {
  sha256: string;
  width: number;
  height: number;
  bytes: number;
}

export async function postProcess(image: Buffer, output: OutputSpec): Promise<{ data: Buffer; width: number; height: number }> {
  let pipeline = sharp(image, { failOn: "truncated" }).rotate();
  if (output.width !== undefined || output.height !== undefined) {
    pipeline = pipeline.resize({ width: output.width, height: output.height, fit: output.fit ?? "cover" });
  }
  switch (output.format) {
    case "webp":
      pipeline = pipeline.webp({ quality: output.quality });
      break;
    case "jpeg":
      pipeline = pipeline.jpeg({ quality: output.quality, mozjpeg: true });
      break;
    case "avif":
      pipeline = pipeline.avif({ quality: output.quality });
      break;
    case "png":
      // PNG is lossless: quality has no meaning for it, so it is not turned into palette quantisation.
      pipeline = pipeline.png({ compressionLevel: 9 });
      break;
  }
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Post-processes `image` and writes it to `file` (absolute, inside `within` after symlinks),
 * replacing any old file in one rename.
 */
export async function writeOutput(image: Buffer, output: OutputSpec, file: string, within: RepositoryFolder): Promise<WrittenOutput> {
  const { data, width, height } = await postProcess(image, output);
  await within.writeFile(file, data);
  return { sha256: sha256(data), width, height, bytes: data.length };
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
