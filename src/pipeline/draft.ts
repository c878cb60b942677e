import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, posix, relative, sep } from "node:path";
import sharp from "sharp";
import type { RepositoryFolder } from "../disk/repository-path.js";
import { ExitCode, SeedlockError } from "../errors.js";
import type { SeedRecord } from "../lock/types.js";
import type { AssetSpec, Manifest } from "../manifest/spec.js";
import type { ImageModel, ImageSize } from "../models/catalog.js";
import type { ImageProvider, ImageResult, InlineImage } from "../provider/provider.js";
import { writing } from "./disk.js";

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
    await keepDraftsInGit(manifest);
    return draft;
  }
}

/** The accepted draft of a seed, read back from the file its record names. */
export async function readKeptDraft(assetId: string, seed: number, record: SeedRecord | undefined, repository: RepositoryFolder): Promise<InlineImage> {
  if (!record?.draft) throw new SeedlockError(`${assetId}: seed ${seed} has no saved draft to render from`, ExitCode.fault);
  return { mimeType: mimeTypeOf(record.draft), data: await repository.readFile(record.draft) };
}
