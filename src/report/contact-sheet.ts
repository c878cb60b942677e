/**
 * A contact sheet: an asset's drafts side by side, each labelled with its seed and verdict, so a
 * reviewer sees at a glance what was kept (framed green) and what was thrown away (dimmed, in red).
 */
import sharp, { type OverlayOptions } from "sharp";
import { extname } from "node:path";
import type { RepositoryFolder } from "../disk/repository-path.js";
import { writeFileAtomic } from "./atomic-write.js";
import { escapeXml } from "./escape.js";

export interface ContactSheetItem {
  seed: number;
  image: Buffer;
  accepted: boolean;
  /** Verdict details, e.g. `too-dark: mean luma 12 < 20`; the tile shows the first one, shortened. */
  reasons: string[];
}

export interface ContactSheetOptions {
  /** Side of one square tile in pixels (default 256). */
  tile?: number;
  /** Tiles per row (default: up to 5). */
  columns?: number;
  /** The folder the sheet must stay inside after symlinks (the repository, when it is in one). */
  within?: RepositoryFolder;
}

const BACKGROUND = "#161616";
const ACCEPTED = "#34c759";
const REJECTED = "#ff5c5c";

/** The sheet is exactly columns × tile wide and rows × tile high; it is written atomically. */
export async function writeContactSheet(items: ContactSheetItem[], outPath: string, options: ContactSheetOptions = {}): Promise<void> {
  const format = formatFor(outPath);
  const tile = Math.max(64, Math.round(options.tile ?? 256));
  const columns = Math.max(1, Math.round(options.columns ?? Math.min(5, Math.max(1, items.length))));
  const rows = Math.max(1, Math.ceil(items.length / columns));
  const width = columns * tile;
  const height = rows * tile;
  const inset = Math.max(4, Math.round(tile * 0.03));
  const labelHeight = Math.max(18, Math.round(tile * 0.11));
  const frame = Math.max(3, Math.round(tile / 64));
  const imageBox = { width: tile - 2 * inset, height: tile - 2 * inset - labelHeight };

  const layers: OverlayOptions[] = [];
  const svg: string[] = [];
  const fontSize = Math.round(labelHeight * 0.6);
  await Promise.all(
    items.map(async (item, index) => {
      const left = (index % columns) * tile;
      const top = Math.floor(index / columns) * tile;
      const box = { left: left + inset, top: top + inset };
      const picture = await fitInto(item.image, imageBox).catch(() => undefined);
      if (picture) {
        layers.push({
          input: picture.data,
          raw: { width: picture.width, height: picture.height, channels: 3 },
          left: box.left + Math.floor((imageBox.width - picture.width) / 2),
          top: box.top + Math.floor((imageBox.height - picture.height) / 2),
        });
      } else {
        svg.push(`<text x="${box.left + imageBox.width / 2}" y="${box.top + imageBox.height / 2}" text-anchor="middle" fill="#888" font-size="${fontSize}">no picture</text>`);
      }
      if (!item.accepted) svg.push(`<rect x="${box.left}" y="${box.top}" width="${imageBox.width}" height="${imageBox.height}" fill="#000" fill-opacity="0.55"/>`);
      const labelTop = box.top + imageBox.height;
      svg.push(`<rect x="${box.left}" y="${labelTop}" width="${imageBox.width}" height="${labelHeight}" fill="${item.accepted ? "#0f2a17" : "#2a1212"}"/>`);
      const maxChars = Math.floor((imageBox.width - fontSize) / (fontSize * 0.62));
      svg.push(
        `<text x="${box.left + fontSize / 2}" y="${labelTop + labelHeight / 2}" dominant-baseline="central" font-size="${fontSize}" fill="${item.accepted ? ACCEPTED : REJECTED}">${escapeXml(clip(label(item), maxChars))}</text>`,
      );
      if (item.accepted) {
        const half = frame / 2;
        svg.push(`<rect x="${box.left - half}" y="${box.top - half}" width="${imageBox.width + frame}" height="${imageBox.height + labelHeight + frame}" fill="none" stroke="${ACCEPTED}" stroke-width="${frame}"/>`);
      }
    }),
  );
  const overlay = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-weight="600">${svg.join("")}</svg>`;
  layers.push({ input: Buffer.from(overlay), left: 0, top: 0 });
  // Composite first, then encode without the alpha channel the SVG overlay brings along.
  const flat = await sharp({ create: { width, height, channels: 3, background: BACKGROUND } }).composite(layers).raw().toBuffer({ resolveWithObject: true });
  const sheet = sharp(flat.data, { raw: { width, height, channels: flat.info.channels } }).removeAlpha();
  const bytes = await (format === "webp" ? sheet.webp({ quality: 82 }) : format === "png" ? sheet.png() : sheet.jpeg({ quality: 85 })).toBuffer();
  await writeFileAtomic(outPath, bytes, options.within);
}

/** `#41 ✓` or `#41 ✗ too-dark +1`: the seed, the verdict and the first reason in a word or two. */
export function label(item: Pick<ContactSheetItem, "seed" | "accepted" | "reasons">): string {
  if (item.accepted) return `#${item.seed} ✓`;
  const first = item.reasons[0];
  const short = first ? (first.split(/[:(]| of /)[0] ?? first).trim() : "rejected";
  const more = item.reasons.length > 1 ? ` +${item.reasons.length - 1}` : "";
  return `#${item.seed} ✗ ${short}${more}`;
}

function clip(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, Math.max(1, maxChars - 1)).join("")}…`;
}

async function fitInto(image: Buffer, box: { width: number; height: number }): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image)
    .resize(box.width, box.height, { fit: "inside" })
    .flatten({ background: BACKGROUND })
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function formatFor(path: string): "webp" | "png" | "jpeg" {
  const ext = extname(path).toLowerCase();
  if (ext === ".webp") return "webp";
  if (ext === ".png") return "png";
  if (ext === ".jpg" || ext === ".jpeg") return "jpeg";
  throw new RangeError(`contact sheet ${path}: use a .webp, .png or .jpg file name`);
}
