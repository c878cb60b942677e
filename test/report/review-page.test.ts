import { copyFile, mkdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import { colourful, haveChromium, MISSING, pixelsOf, screenshot } from "../support/chromium.js";
import { repoRoot } from "../support/cli.js";
import { cli, tempRepo } from "../e2e/harness.js";

// SEEDLOCK_UPDATE_SCREENSHOTS=1 copies the screenshots to docs/images/ for the README.
const UPDATE = process.env.SEEDLOCK_UPDATE_SCREENSHOTS === "1";
const DOCS = join(repoRoot, "docs", "images");

const MANIFEST = `version: 1
budget: { maxUsd: 3 }
defaults:
  finalSize: "1K"
  maxAttempts: 12
  screen: { minWidth: 200, minHeight: 200 }
assets:
  - id: poster
    prompt: Tall travel poster of a lighthouse, bold flat colours, no text
    aspectRatio: "9:16"
    count: 2
    out: img/poster-{n}.webp
  - id: banner
    prompt: Wide banner of rolling green hills under a blue sky, no text
    aspectRatio: "16:9"
    count: 2
    out: img/banner-{n}.webp
`;

let emulator: RunningEmulator;
let dir: string;
let report: RunReport;
let preview: RunReport;
let reportDir: string;

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 1, randomSeed: 21, darkRate: 0.3, corruptRate: 0 });
  dir = await tempRepo(MANIFEST);
  // A preview first, as on a pull request, then the run after the merge: two runs in the report's history.
  const previewed = await cli(dir, emulator.url, ["preview", "--json"]);
  expect(previewed.code, previewed.stderr).toBe(0);
  preview = JSON.parse(previewed.stdout) as RunReport;
  const ran = await cli(dir, emulator.url, ["run", "--json"]);
  expect(ran.code, ran.stderr).toBe(0);
  report = JSON.parse(ran.stdout) as RunReport;
  reportDir = report.reportDir!;
  if (UPDATE) await mkdir(DOCS, { recursive: true });
});

afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("report.html links pictures written while the run went", () => {
  it("inlines nothing: every picture is a file in the run's folder, a preview of at most 320 px and the full image", async () => {
    const html = await readFile(join(reportDir, "report.html"), "utf8");
    expect(html).not.toContain("data:image");
    const sources = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => decodeURI(m[1]!));
    expect(sources.length).toBeGreaterThan(0);
    // Every draft this run screened has its preview on the page.
    expect(new Set(sources.filter((s) => /draft-\d+\.thumb\.webp$/.test(s))).size).toBeGreaterThanOrEqual(report.drafts);
    for (const src of new Set(sources)) {
      expect(src).toMatch(/^runs\/[\w-]+-run\/images\/(poster|banner)\/(draft|output)-\d+\.(thumb\.webp|jpg|png|webp)$/);
      const meta = await sharp(join(reportDir, src)).metadata();
      if (src.endsWith(".thumb.webp")) expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(320);
    }
  });

  it("gives each draft a short index in the order drawn, marks outputs beside their drafts, and keeps a page per run that the next one links", async () => {
    const html = await readFile(join(reportDir, "report.html"), "utf8");
    expect(html).toMatch(/<span class="index">#1<\/span><span class="seed">seed \d+<\/span>/);
    expect(html.match(/class="pair"><figure class="draft/g)?.length).toBe(4);
    const [, earlier] = /<section class="history"[^]*?<a href="(runs\/[\w-]+-preview\/report\.html)">[^<]* preview ·/.exec(html) ?? [];
    expect(earlier).toBeDefined();
    expect(await readFile(join(reportDir, earlier!), "utf8")).toContain("seedlock preview");
  });
});

describe("the review page and contact sheets, in a real browser", () => {
  if (!haveChromium) {
    if (process.env.CI) it("opens report.html in headless Chromium", () => expect.fail(`CI must run the screenshot tests, but ${MISSING}`));
    else it.skip(`screenshots — skipped: ${MISSING}`, () => {});
    return;
  }

  it("shows the gallery's pictures, and a page whose pictures are gone fails the same check", async () => {
    const shot = await screenshot(pathToFileURL(join(reportDir, "report.html")).href, join(dir, "gallery.png"));
    const page = await pixelsOf(shot);
    const shown = colourful(page);
    expect(shown).toBeGreaterThan(60_000);
    if (UPDATE) await sharp(shot).resize(1280).png().toFile(join(DOCS, "report-gallery.png"));

    const runs = join(reportDir, "runs");
    await rename(runs, `${runs}.away`);
    try {
      const broken = await pixelsOf(await screenshot(pathToFileURL(join(reportDir, "report.html")).href, join(dir, "broken.png")));
      expect(colourful(broken)).toBeLessThan(shown / 8);
    } finally {
      await rename(`${runs}.away`, runs);
    }
  });

  it("opens a draft full size over the page on click (its #view target)", async () => {
    const html = await readFile(join(reportDir, "report.html"), "utf8");
    // The brightest accepted banner draft, so its picture stands out from the darkened page.
    const views = [...html.matchAll(/<div class="view" id="(v-banner-d\d+)">.*?<img src="([^"]+)"/g)].map((m) => ({ id: m[1]!, src: decodeURI(m[2]!) }));
    expect(views.length).toBeGreaterThan(0);
    const bright = await Promise.all(views.map(async (v) => ({ ...v, mean: (await sharp(join(reportDir, v.src)).stats()).channels.reduce((n, c) => n + c.mean, 0) / 3 })));
    const target = bright.sort((a, b) => b.mean - a.mean)[0]!;
    expect((await sharp(join(reportDir, target.src)).metadata()).width).toBeGreaterThan(320);
    const url = `${pathToFileURL(join(reportDir, "report.html")).href}#${target.id}`;
    const view = await pixelsOf(await screenshot(url, join(dir, "view.png"), { width: 1280, height: 900 }));
    // The overlay darkens the page around the picture...
    const [r, g, b] = view.at(8, 8);
    expect(Math.max(r, g, b)).toBeLessThan(60);
    // ...and the 16:9 draft, loaded, spans most of the width: far wider than its 320 px preview.
    let lit = 0;
    for (let x = 100; x < 1180; x++) if (Math.max(...view.at(x, 430)) > 60) lit++;
    expect(lit).toBeGreaterThan(700);
    if (UPDATE) await copyFile(join(dir, "view.png"), join(DOCS, "report-full-view.png"));
  });

  it("contact sheets keep 9:16 and 16:9 in their own shape: picture pixels reach the cell's edges, no letterbox bars", async () => {
    // The preview drew every draft of both assets; its sheets and its own page are kept in its run folder.
    for (const [id, aspect] of [["poster", 9 / 16], ["banner", 16 / 9]] as const) {
      const asset = preview.assets.find((a) => a.id === id)!;
      const sheetPath = join(reportDir, asset.contactSheet!);
      const runFolder = dirname(sheetPath);
      const shot = await screenshot(pathToFileURL(sheetPath).href, join(dir, `${id}-sheet.png`), { width: 1600, height: 900 });
      const sheet = await pixelsOf(sheetPath);
      // The tiles in the page's order, which is the sheet's: the first kept one is where we look.
      const html = await readFile(join(runFolder, "report.html"), "utf8");
      const section = html.slice(html.indexOf(`<section class="asset" id="asset-${id}">`));
      const grid = section.slice(section.indexOf('<div class="grid drafts">'), section.indexOf("</section>"));
      const kinds = [...grid.matchAll(/<figure class="draft (\w+)"/g)].map((m) => m[1]);
      const firstKept = kinds.findIndex((k) => k !== "rejected");
      expect(firstKept).toBeGreaterThanOrEqual(0);
      const first = (await sharp(join(runFolder, /<img src="([^"]+\.thumb\.webp)"/.exec(grid)![1]!)).metadata());
      const measured = first.width! / first.height!;
      expect(Math.abs(measured / aspect - 1)).toBeLessThan(0.03);
      const tile = 256;
      const picture = { width: Math.round(tile * Math.sqrt(measured)), height: Math.round(tile / Math.sqrt(measured)) };
      const inset = Math.round(tile * 0.03);
      const columns = Math.min(aspect < 1 ? 6 : 5, kinds.length);
      const cellWidth = picture.width + 2 * inset;
      expect(Math.abs(sheet.width - columns * cellWidth)).toBeLessThanOrEqual(columns);
      const left = (firstKept % columns) * cellWidth + inset;
      // Rows just inside each edge of the kept draft's picture hold picture, not the sheet's #161616.
      const background = (x: number, y: number) => sheet.at(x, y).every((v) => Math.abs(v - 0x16) < 10);
      const edges = [
        [left + 2, inset + Math.round(picture.height / 2)],
        [left + picture.width - 3, inset + Math.round(picture.height / 2)],
        [left + Math.round(picture.width / 2), inset + 2],
        [left + Math.round(picture.width / 2), inset + picture.height - 3],
      ];
      for (const [x, y] of edges) expect(background(x!, y!), `${id} at ${x},${y}`).toBe(false);
      expect(colourful(await pixelsOf(shot))).toBeGreaterThan(10_000);
      if (UPDATE) await copyFile(sheetPath, join(DOCS, `contact-sheet-${id === "poster" ? "9x16" : "16x9"}.jpg`));
    }
  });
});
