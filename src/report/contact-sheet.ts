/**
 * A contact sheet: an asset's drafts side by side in the order they were drawn, each in a cell of
 * the asset's own aspect (a 9:16 draft is not letterboxed into a square), labelled with a short
 * index a reviewer can quote (#3), its seed and verdict, and every reason in full, wrapped; kept
 * drafts are framed green, thrown-away ones dimmed with their reasons in red.
 */
import sharp from "sharp";
import { dirname, extname } from "node:path";
import { RepositoryFolder } from "../disk/repository-path.js";
import { escapeXml } from "./escape.js";

export interface ContactSheetItem {
  seed: number;
  image: Buffer;
  accepted: boolean;
  /** Verdict details, e.g. `too-dark: mean luma 12 < 20`; all of them are shown. */
  reasons: string[];
  /** Marked as an accepted draft no output came from. */
  spare?: boolean;
}

export interface ContactSheetOptions {
  /** Cell size: the picture covers about tile × tile pixels, in the asset's aspect (default 256). */
  tile?: number;
  /** Tiles per row (default: up to 5, 6 for tall assets). */
  columns?: number;
  /** width ÷ height of the asset's images; read from the first picture that decodes when absent. */
  aspect?: number;
  /** The folder the sheet must stay inside after symlinks (the repository, when it is in one). */
  within?: RepositoryFolder;
}

const BACKGROUND = "#161616";
/** BACKGROUND's red, green and blue, all alike. */
const BACKGROUND_BYTE = 0x16;
const ACCEPTED = "#34c759";
const SPARE = "#f2b441";
const REJECTED = "#ff5c5c";

/** Written atomically. Tiles are ordered by seed, so the index of a draft is the same on every sheet and in report.html. */
export async function writeContactSheet(items: ContactSheetItem[], outPath: string, options: ContactSheetOptions = {}): Promise<void> {
  const format = formatFor(outPath);
  const ordered = [...items].sort((a, b) => a.seed - b.seed);
  const tile = Math.max(64, Math.round(options.tile ?? 256));
  const aspect = options.aspect ?? (await firstAspect(ordered)) ?? 1;
  const picture = { width: Math.round(tile * Math.sqrt(aspect)), height: Math.round(tile / Math.sqrt(aspect)) };
  const columns = Math.max(1, Math.round(options.columns ?? Math.min(aspect < 1 ? 6 : 5, Math.max(1, ordered.length))));
  const rows = Math.max(1, Math.ceil(ordered.length / columns));
  const inset = Math.max(4, Math.round(tile * 0.03));
  const fontSize = Math.max(11, Math.round(tile * 0.055));
  const lineHeight = Math.round(fontSize * 1.3);
  const frame = Math.max(3, Math.round(tile / 64));
  const maxChars = Math.max(8, Math.floor((picture.width - fontSize) / (fontSize * 0.6)));
  const labels = ordered.map((item, i) => labelLines(item, i + 1, maxChars));
  const labelHeight = Math.max(...labels.map((l) => l.length)) * lineHeight + Math.round(fontSize * 0.6);
  const cell = { width: picture.width + 2 * inset, height: picture.height + labelHeight + 2 * inset };
  const width = columns * cell.width;
  const height = rows * cell.height;

  // The pictures are copied into one canvas row by row: libvips would composite each as a layer over
  // the whole sheet, which costs most of a sheet's time. Tiles are opaque, so the pixels are the same.
  const canvas = Buffer.alloc(width * height * 3, BACKGROUND_BYTE);
  const svg: string[] = [];
  await Promise.all(
    ordered.map(async (item, i) => {
      const left = (i % columns) * cell.width + inset;
      const top = Math.floor(i / columns) * cell.height + inset;
      const colour = !item.accepted ? REJECTED : item.spare ? SPARE : ACCEPTED;
      const fitted = await fitInto(item.image, picture).catch(() => undefined);
      if (fitted) {
        const x = left + Math.floor((picture.width - fitted.width) / 2);
        const y = top + Math.floor((picture.height - fitted.height) / 2);
        const row = fitted.width * 3;
        for (let r = 0; r < fitted.height; r++) fitted.data.copy(canvas, ((y + r) * width + x) * 3, r * row, (r + 1) * row);
      } else {
        svg.push(`<text x="${left + picture.width / 2}" y="${top + picture.height / 2}" text-anchor="middle" fill="#888" font-size="${fontSize}">no picture</text>`);
      }
      if (!item.accepted) svg.push(`<rect x="${left}" y="${top}" width="${picture.width}" height="${picture.height}" fill="#000" fill-opacity="0.55"/>`);
      const labelTop = top + picture.height;
      svg.push(`<rect x="${left}" y="${labelTop}" width="${picture.width}" height="${labelHeight}" fill="${!item.accepted ? "#2a1212" : item.spare ? "#2e2410" : "#0f2a17"}"/>`);
      labels[i]!.forEach((line, n) => {
        const y = labelTop + Math.round(fontSize * 0.3) + (n + 0.5) * lineHeight;
        svg.push(`<text x="${left + fontSize / 2}" y="${y}" dominant-baseline="central" font-size="${fontSize}" font-weight="${n === 0 ? 700 : 500}" fill="${n === 0 ? "#f2f2f2" : colour}">${escapeXml(line)}</text>`);
      });
      if (item.accepted) {
        const half = frame / 2;
        svg.push(`<rect x="${left - half}" y="${top - half}" width="${picture.width + frame}" height="${picture.height + labelHeight + frame}" fill="none" stroke="${colour}" stroke-width="${frame}"${item.spare ? ` stroke-dasharray="${frame * 3} ${frame * 2}"` : ""}/>`);
      }
    }),
  );
  const overlay = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Verdana, Arial, sans-serif">${svg.join("")}</svg>`;
  // Composite first, then encode without the alpha channel the SVG overlay brings along.
  const flat = await sharp(canvas, { raw: { width, height, channels: 3 } }).composite([{ input: Buffer.from(overlay), left: 0, top: 0 }]).raw().toBuffer({ resolveWithObject: true });
  const sheet = sharp(flat.data, { raw: { width, height, channels: flat.info.channels } }).removeAlpha();
  const bytes = await (format === "webp" ? sheet.webp({ quality: 82 }) : format === "png" ? sheet.png() : sheet.jpeg({ quality: 85 })).toBuffer();
  await (options.within ?? new RepositoryFolder(dirname(outPath))).writeFile(outPath, bytes);
}

/** `#3 · seed 42 ✓` and then every reason, whole, wrapped to the cell: what a reviewer quotes and reads. */
export function labelLines(item: Pick<ContactSheetItem, "seed" | "accepted" | "reasons" | "spare">, index: number, maxChars: number): string[] {
  const verdict = !item.accepted ? "✗" : item.spare ? "✓ spare" : "✓";
  const lines = [`#${index} · seed ${item.seed} ${verdict}`];
  const reasons = item.accepted ? [] : item.reasons.length ? item.reasons : ["rejected"];
  for (const reason of reasons) lines.push(...wrapWords(reason, maxChars));
  return lines;
}

function wrapWords(text: string, width: number): string[] {
  // A word longer than the line is cut into pieces rather than clipped.
  const words = text.split(/\s+/).filter(Boolean).flatMap((word) => {
    const chars = [...word];
    const pieces: string[] = [];
    for (let i = 0; i < chars.length; i += width) pieces.push(chars.slice(i, i + width).join(""));
    return pieces;
  });
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line && [...line].length + 1 + [...word].length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

async function firstAspect(items: ContactSheetItem[]): Promise<number | undefined> {
  for (const item of items) {
    // A draft the service blocked has no picture (empty bytes), which sharp refuses outright.
    if (item.image.length === 0) continue;
    const meta = await Promise.resolve()
      .then(() => sharp(item.image).metadata())
      .catch(() => undefined);
    if (meta?.width && meta.height) return meta.width / meta.height;
  }
  return undefined;
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
