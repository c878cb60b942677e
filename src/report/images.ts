/**
 * The report's pictures, written as the run goes: a small preview and the full image of every
 * draft and output, under the run's own folder of the report, so report.html links files instead of
 * inlining them and a kill mid-run leaves every picture made so far.
 */
import { RepositoryFolder } from "../disk/repository-path.js";
import { dirname, join, posix } from "node:path";
import sharp from "sharp";

export interface ReportPicture {
  /** The preview, relative to the run's folder. */
  thumbnail: string;
  /** The full image, relative to the run's folder. */
  full: string;
}

/** What the pipeline hands the report while it works; null-able so runs without a report skip it. */
export interface ReportPictures {
  draft(assetId: string, seed: number, preview: Buffer, full: { data: Buffer; mimeType: string }): Promise<ReportPicture>;
  output(assetId: string, slot: number, preview: Buffer, full: { data: Buffer; extension: string }): Promise<ReportPicture>;
}

/** Side of the previews the screen makes for the report. */
export const PREVIEW_SIDE = 320;

/** A preview made from a file, for pictures the screen did not see (an output reframed by `output:`). */
export async function previewOf(image: Buffer): Promise<Buffer> {
  return sharp(image).resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: "inside", withoutEnlargement: true }).webp({ quality: 74 }).toBuffer();
}

export class RunPictures implements ReportPictures {
  /** `runFolder` is where this run's page lives, e.g. `.seedlock/report/runs/2026-12-01T09-30-00Z-run`. */
  /** `within`: the folder every picture must stay inside after symlinks (the repository, when the report is in one). */
  constructor(
    readonly runFolder: string,
    private readonly within?: RepositoryFolder,
  ) {}

  async draft(assetId: string, seed: number, preview: Buffer, full: { data: Buffer; mimeType: string }): Promise<ReportPicture> {
    const base = posix.join("images", safe(assetId), `draft-${seed}`);
    return this.write(base, preview, full.data, full.mimeType === "image/png" ? "png" : full.mimeType === "image/webp" ? "webp" : "jpg");
  }

  async output(assetId: string, slot: number, preview: Buffer, full: { data: Buffer; extension: string }): Promise<ReportPicture> {
    const base = posix.join("images", safe(assetId), `output-${slot}`);
    return this.write(base, preview, full.data, full.extension.replace(/^\./, "") || "img");
  }

  private async write(base: string, preview: Buffer, full: Buffer, extension: string): Promise<ReportPicture> {
    const picture = { thumbnail: `${base}.thumb.webp`, full: `${base}.${extension}` };
    const write = (path: string, data: Buffer) => (this.within ?? new RepositoryFolder(dirname(path))).writeFile(path, data);
    await Promise.all([write(join(this.runFolder, picture.thumbnail), preview), write(join(this.runFolder, picture.full), full)]);
    return picture;
  }
}

/** Asset ids are [a-z0-9-] already; anything else (a hand-made report) is made safe for a file name. */
function safe(id: string): string {
  return id.replace(/[^a-z0-9-]/gi, "_");
}
