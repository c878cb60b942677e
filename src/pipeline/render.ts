import { sha256OfBytes } from "../disk/file-hash.js";
import { dirname, join } from "node:path";
import sharp from "sharp";
import type { OutputRecord } from "../lock/types.js";
import { outputPath } from "../manifest/out.js";
import type { AssetSpec, Manifest, OutputSpec } from "../manifest/spec.js";
import { pixelSize, type ImageModel, type ImageSize } from "../models/catalog.js";
import type { ImageProvider, ImageResult, InlineImage } from "../provider/provider.js";
import type { RepositoryFolder } from "../disk/repository-path.js";
import { checkAnswer, isUndersized, type AnswerCheck, type Size } from "./answer-check.js";
import { writing } from "../disk/refused-write.js";
import { analyzeImage } from "./screen.js";

/**
 * The last step of every image: the final call (two-tier), its check, then post-processing with
 * sharp into the manifest's output (format, quality, width/height/fit), written atomically and
 * hashed for the lockfile.
 */

export interface RenderingSetup {
  spec: AssetSpec;
  manifest: Manifest;
  provider: ImageProvider;
  finalModel: ImageModel;
  /** Every output is written through it: inside the repository, after symlinks. */
  repository: RepositoryFolder;
  /** Also make the report's preview of every final from its check's decode. */
  preview: boolean;
}

/** The size asked and the size answered, and what happened to earlier answers for this output. */
export interface OutputGeometry {
  asked: Size;
  answered: Size;
  notes: string[];
}

export interface WrittenFinal {
  /** Relative to the repository root, as the lockfile has it. */
  path: string;
  record: OutputRecord;
  /** Lines for the report about this output (a note passed along, undersized). */
  lines: string[];
}

/** The render stage of one asset: the final call, its check, and writing the output. */
export class Rendering {
  constructor(private readonly setup: RenderingSetup) {}

  /** Two-tier: the final model gets the prompt, the seed and (by default) the accepted draft. */
  render(seed: number, reference: InlineImage | undefined): Promise<ImageResult> {
    const { spec, provider, finalModel } = this.setup;
    return provider.generate({
      model: finalModel.id,
      prompt: spec.prompt,
      seed,
      aspectRatio: spec.aspectRatio,
      imageSize: spec.finalSize,
      ...(reference ? { reference } : {}),
    });
  }

  /** A final by tolerance: it decodes, its aspect is near the ratio asked, it can make the output without enlarging. */
  check(image: InlineImage): Promise<AnswerCheck> {
    const { spec, preview } = this.setup;
    return checkAnswer(image, { as: "final", aspectTolerance: spec.screen.aspectTolerance, context: { aspectRatio: spec.aspectRatio, output: spec.output } }, { preview });
  }

  /** What was asked of an image drawn at `size` and what it is, when it decodes. */
  geometry(answered: Size, size: ImageSize, notes: string[] = []): OutputGeometry {
    return { asked: pixelSize(this.setup.spec.aspectRatio, size), answered, notes };
  }

  /** The geometry of a kept draft that becomes the output itself; undefined when it does not decode. */
  async geometryOfDraft(image: Buffer, size: ImageSize): Promise<OutputGeometry | undefined> {
    const answered = await analyzeImage(image).catch(() => undefined);
    return answered && this.geometry(answered, size);
  }

  /** Outputs named by their seed land in folders known only now; each must stay inside the repository. */
  checkOutputFolders(seed: number): void {
    const { spec, manifest, repository } = this.setup;
    if (!spec.out.includes("{seed}")) return;
    const folders = new Map<string, string>();
    for (let n = 1; n <= spec.count; n++) {
      const file = join(manifest.root, outputPath(spec, n, seed));
      if (!folders.has(dirname(file))) folders.set(dirname(file), file);
    }
    for (const [folder, file] of folders) repository.checkFolder(folder, file);
  }

  /** Post-processes `image` into output `slot` of `seed`, writes it, and says what the lockfile records of it. */
  async write(seed: number, slot: number, image: Buffer, model: string, geometry: OutputGeometry | undefined): Promise<WrittenFinal> {
    const { spec, manifest, repository } = this.setup;
    const path = outputPath(spec, slot, seed);
    const file = join(manifest.root, path);
    const written = await writing(file, () => writeOutput(image, spec.output, file, repository));
    const undersized = geometry && isUndersized(geometry.answered, geometry.asked);
    const lines = (geometry?.notes ?? []).map((note) => `${path}: ${note}`);
    const sizes = geometry && `${geometry.answered.width}x${geometry.answered.height}`;
    const asked = geometry && `${geometry.asked.width}x${geometry.asked.height}`;
    if (undersized) lines.push(`${path}: undersized: the model answered ${sizes}, asked ${asked}; it still makes the output`);
    const record: OutputRecord = {
      path,
      sha256: written.sha256,
      seed,
      model,
      width: written.width,
      height: written.height,
      bytes: written.bytes,
      ...(undersized ? { undersized: true, answered: sizes!, asked: asked! } : {}),
    };
    return { path, record, lines };
  }
}

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
  return { sha256: sha256OfBytes(data), width, height, bytes: data.length };
}
