import { dirname, join } from "node:path";
import sharp from "sharp";
import { draftPath, mimeTypeOf, SEEDLOCK_FOLDER, writeSeedlockIgnore } from "../disk/folders.js";
import type { RepositoryFolder } from "../disk/repository-path.js";
import { ExitCode, SeedlockError } from "../errors.js";
import type { SeedRecord } from "../lock/types.js";
import type { AssetSpec, Manifest } from "../manifest/spec.js";
import type { ImageModel, ImageSize } from "../models/catalog.js";
import type { ImageProvider, ImageResult, InlineImage } from "../provider/provider.js";
import { writing } from "../disk/refused-write.js";

const ignoreWritten = new Set<string>();

/** Once per manifest and process: the accepted draft just written is one git can see. */
async function keepDraftsInGit(manifest: Manifest, repository: RepositoryFolder): Promise<void> {
  const dir = join(dirname(manifest.file), SEEDLOCK_FOLDER);
  if (ignoreWritten.has(dir)) return;
  ignoreWritten.add(dir);
  await writeSeedlockIgnore(repository, dir).catch(() => {});
}

/** A small JPEG of a draft for its contact sheet, so the run does not hold every full draft in memory. */
export async function tileOf(image: Buffer, side = 256): Promise<Buffer | undefined> {
  try {
    return await sharp(image).resize(side, side, { fit: "inside" }).jpeg({ quality: 70 }).toBuffer();
  } catch {
    return undefined;
  }
}

export interface DraftingSetup {
  spec: AssetSpec;
  manifest: Manifest;
  provider: ImageProvider;
  /** The draft model and size: the final's for final-only. */
  model: ImageModel;
  size: ImageSize;
  /** Every draft file is read and written through it: inside the repository, after symlinks. */
  repository: RepositoryFolder;
}

/** The draft stage of one asset: drawing a seed, keeping an accepted draft's file, reading it back. */
export class Drafting {
  constructor(private readonly setup: DraftingSetup) {}

  /** One draft call for `seed` (a first draw, a regeneration, a redraw): paid for once answered. */
  draw(seed: number): Promise<ImageResult> {
    const { spec, provider, model, size } = this.setup;
    return provider.generate({ model: model.id, prompt: spec.prompt, seed, aspectRatio: spec.aspectRatio, imageSize: size });
  }

  /** Writes an accepted draft's file, where the render and later runs read it; its path, for the lockfile. */
  async keep(seed: number, image: InlineImage): Promise<string> {
    const { manifest, spec, repository } = this.setup;
    const draft = draftPath(manifest, spec.id, seed, image.mimeType);
    const file = join(manifest.root, draft);
    await writing(file, () => repository.writeFile(file, image.data));
    await keepDraftsInGit(manifest, repository);
    return draft;
  }
}

/** The accepted draft of a seed, read back from the file its record names. */
export async function readKeptDraft(assetId: string, seed: number, record: SeedRecord | undefined, repository: RepositoryFolder): Promise<InlineImage> {
  if (!record?.draft) throw new SeedlockError(`${assetId}: seed ${seed} has no saved draft to render from`, ExitCode.fault);
  return { mimeType: mimeTypeOf(record.draft), data: await repository.readFile(record.draft) };
}
