import { join, relative } from "node:path";
import type { RepositoryFolder } from "../disk/repository-path.js";
import type { Manifest } from "../manifest/spec.js";
import { writeContactSheet } from "../report/contact-sheet.js";
import { thumbnail, writeReportHtml, type GalleryAsset, type GalleryOutput } from "../report/gallery.js";
import { keepRun } from "../report/history.js";
import { previewOf, type RunPictures } from "../report/images.js";
import { formatUsd } from "../money.js";
import type { AssetRun } from "./asset-run.js";
import { mimeTypeOf } from "../disk/folders.js";
import type { RunReport } from "../run-report.js";
import { isSpare } from "../report/figures.js";
import { inOrder } from "../in-order.js";

export interface ReportPages {
  /** The report folder: the latest page at its top, each run's own in runs/<run>/. */
  dir: string;
  runId: string;
  started: number;
  report: RunReport;
  works: AssetRun[];
  manifest: Manifest;
  pictures: RunPictures;
  folders: { repository: RepositoryFolder; reportFolder: RepositoryFolder };
}

/**
 * One contact sheet per asset that drafted, and report.html with every output and draft, in this
 * run's folder (runs/<run>/) and as the latest page at the top of the report folder, which links
 * the runs before it. The pictures are already on disk: nothing is decoded again here.
 */
export async function writeReport(pages: ReportPages): Promise<void> {
  const { dir, runId, started, report, works, manifest, folders } = pages;
  // The sheets are sharp's work on the thread pool: one at a time, a 1,000-asset run spent 8.8 s after
  // its last answer with the main thread idle; a few small ones at once keep the pool busy.
  const gallery = await inOrder(works, { most: SHEETS_AT_ONCE, budget: SHEET_TILES_AT_ONCE, weight: (work) => work.tiles.length }, (work) => galleryAssetOf(work, pages));
  const subtitle = relative(process.cwd(), manifest.file) || manifest.file;
  const earlier = await keepRun(dir, { id: runId, command: report.command, at: new Date(started).toISOString(), spentUsd: report.spentUsd, exitCode: report.exitCode, rendered: report.rendered, drafts: report.drafts }, folders.reportFolder);
  const label = (r: (typeof earlier)[number]) => `${r.at.replace("T", " ").slice(0, 19)} UTC · ${r.command} · ${r.drafts} drafts · ${r.rendered} rendered · ${formatUsd(r.spentUsd)} · exit ${r.exitCode}`;
  await writeReportHtml(pages.pictures.runFolder, { report, assets: gallery, subtitle, history: earlier.map((r) => ({ href: `../${r.id}/report.html`, label: label(r) })) }, "report.html", folders.reportFolder);
  await writeReportHtml(dir, { report, assets: gallery, subtitle, base: `runs/${runId}/`, history: earlier.map((r) => ({ href: `runs/${r.id}/report.html`, label: label(r) })) }, "report.html", folders.reportFolder);
}

/**
 * Contact sheets made at once: up to libuv's default thread pool, where sharp does the work, while
 * the sheets under way hold at most SHEET_TILES_AT_ONCE pictures between them (a sheet larger than
 * that goes alone). Four sheets of twenty drafts at once raised a 1,000-draft run's peak from
 * 344 MB to 417 MB; a thousand one-draft sheets one at a time left the pool half idle.
 */
const SHEETS_AT_ONCE = 4;
const SHEET_TILES_AT_ONCE = 32;

/** One asset on the page: its contact sheet, every draft tile, and every output with its picture. */
async function galleryAssetOf(work: AssetRun, pages: ReportPages): Promise<GalleryAsset> {
  const { runId, report, pictures, folders } = pages;
  const runFolder = pictures.runFolder;
  const entry: GalleryAsset = { id: work.id, prompt: work.lockEntry.prompt, drafts: [], outputs: [] };
  const rendered = new Set(work.lockEntry.outputs.map((output) => output.seed));
  const tiles = (
    await Promise.all(
      work.tiles.map(async (t) => ({ ...t, sheetImage: t.picture ? await folders.reportFolder.readFile(join(runFolder, t.picture.thumbnail)).catch(() => undefined) : t.image })),
    )
  );
  // Every tile gets a cell, a picture or not, so a draft's #index is the same on the sheet and the page.
  if (tiles.some((t) => t.sheetImage)) {
    const file = `${work.id}.contact-sheet.jpg`;
    // One sheet that cannot be made costs that sheet, not the page.
    const made = await writeContactSheet(
      tiles.map((t) => ({ seed: t.seed, image: t.sheetImage ?? Buffer.alloc(0), accepted: t.accepted, reasons: t.reasons, spare: isSpare(t, report.command, rendered) })),
      join(runFolder, file),
      { within: folders.reportFolder },
    ).then(
      () => true,
      () => false,
    );
    if (made) {
      entry.contactSheet = file;
      const asset = report.assets.find((a) => a.id === work.id);
      if (asset) asset.contactSheet = `runs/${runId}/${file}`;
    }
  }
  for (const t of work.tiles) {
    entry.drafts.push({ seed: t.seed, accepted: t.accepted, reasons: t.reasons, ...(t.picture ? { thumbnail: t.picture.thumbnail, full: t.picture.full } : t.image ? { thumbnail: await thumbnail(t.image) } : {}) });
  }
  // Outputs rendered from drafts an earlier run accepted (a preview's): their kept draft file stands beside them.
  for (const output of work.lockEntry.outputs) {
    if (entry.drafts.some((d) => d.seed === output.seed)) continue;
    const record = work.lockEntry.seeds.find((r) => r.seed === output.seed);
    const kept = record?.draft ? await folders.repository.readFile(record.draft).catch(() => undefined) : undefined;
    const preview = kept ? await previewOf(kept).catch(() => undefined) : undefined;
    const picture = kept && preview ? await pictures.draft(work.id, output.seed, preview, { data: kept, mimeType: mimeTypeOf(record!.draft!) }).catch(() => undefined) : undefined;
    if (picture) entry.drafts.push({ seed: output.seed, accepted: true, reasons: [], note: "accepted by an earlier run", thumbnail: picture.thumbnail, full: picture.full });
  }
  const pictured = new Map(work.outputPictures.map((output) => [output.path, output.picture]));
  for (const output of work.lockEntry.outputs) {
    const shown: GalleryOutput = { path: output.path, seed: output.seed, width: output.width, height: output.height };
    const picture = pictured.get(output.path);
    if (picture) Object.assign(shown, { thumbnail: picture.thumbnail, full: picture.full });
    else {
      // An output an earlier run made: shown from its file, inlined.
      const image = await folders.repository.readFile(output.path).catch(() => undefined);
      if (image) shown.thumbnail = await thumbnail(image).catch(() => undefined);
    }
    entry.outputs.push(shown);
  }
  return entry;
}
