import { extname } from "node:path";
import type { RepositoryFolder } from "../disk/repository-path.js";
import type { AssetSpec } from "../manifest/spec.js";
import { previewOf, type ReportPicture, type ReportPictures } from "../report/images.js";
import { tileOf } from "./draft.js";

/**
 * One asset's pictures for its contact sheet and report.html, gathered as answers arrive: a tile per
 * draft, a picture per output. Each is made after the verdict or output is on disk, so a kill
 * meanwhile loses a picture, never an answer; and a picture that cannot be made costs only itself.
 */

export interface DraftTile {
  seed: number;
  accepted: boolean;
  reasons: string[];
  image?: Buffer;
  /** The preview and full image written for the report, when the run writes one. */
  picture?: ReportPicture;
}

/** An output as the report shows it: its preview and full image beside the draft it came from. */
export interface OutputPicture {
  seed: number;
  path: string;
  picture: ReportPicture;
}

/** A draft's answer as the tile is made from it. */
export interface TileSource {
  bytes?: Buffer;
  mimeType?: string;
  /** The screen's preview of it. */
  preview?: Buffer;
}

/** Drafts shown per asset on its contact sheet and in report.html. */
const MAX_TILES = 60;

export class AssetPictures {
  readonly tiles: DraftTile[] = [];
  readonly outputs: OutputPicture[] = [];

  constructor(
    private readonly spec: AssetSpec,
    private readonly repository: RepositoryFolder,
    /** Where the report's pictures go; absent, tiles are kept in memory. */
    private readonly pictures: ReportPictures | undefined,
  ) {}

  /** Whether the screen should make previews for the report from its decode. */
  get wantsPreviews(): boolean {
    return this.pictures !== undefined;
  }

  /** A tile for the contact sheet; past the cap only accepted drafts are kept, so memory stays flat. */
  async addTile(tile: DraftTile, source: TileSource): Promise<void> {
    if (this.tiles.length >= MAX_TILES) {
      if (!tile.accepted) return;
      const rejected = this.tiles.findIndex((t) => !t.accepted);
      if (rejected < 0) return;
      this.tiles.splice(rejected, 1);
    }
    const { bytes, preview } = source;
    // With a report folder, the screen's preview goes to a file now; nothing is decoded again later.
    if (this.pictures && bytes && preview) {
      const picture = await this.pictures.draft(this.spec.id, tile.seed, preview, { data: bytes, mimeType: source.mimeType ?? "image/jpeg" }).catch(() => undefined);
      this.tiles.push({ ...tile, ...(picture ? { picture } : {}) });
      return;
    }
    this.tiles.push({ ...tile, ...(bytes ? { image: await tileOf(bytes) } : {}) });
  }

  /** The output's picture: the screen's preview when the output keeps the final's frame, else one made from the output. */
  async addOutput(seed: number, slot: number, path: string, preview: Buffer | undefined): Promise<void> {
    if (!this.pictures) return;
    try {
      const data = await this.repository.readFile(path);
      const reframed = this.spec.output.width !== undefined || this.spec.output.height !== undefined;
      const shown = preview && !reframed ? preview : await previewOf(data);
      const picture = await this.pictures.output(this.spec.id, slot, shown, { data, extension: extname(path) });
      this.outputs.push({ seed, path, picture });
    } catch {
      // A missing preview costs the report one picture, never the run.
    }
  }
}
