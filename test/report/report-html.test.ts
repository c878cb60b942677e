import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/run-report.js";
import { thumbnail, writeReportHtml, type GalleryData } from "../../src/report/gallery.js";
import { sceneJpeg } from "../screen/scenes.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "seedlock-report-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOSTILE = `"><script>alert(1)</script><img src=x onerror=alert(2)><style>body{display:none}</style>`;

const report: RunReport = {
  command: "preview",
  spentUsd: 0.1008,
  estimatedUsd: 0.4,
  ceilingUsd: 1,
  drafts: 3,
  accepted: 1,
  rendered: 0,
  acceptRate: 1 / 3,
  regenRate: 0,
  costPerAcceptedDraftUsd: null, rejectedDrafts: 0, costPerImageUsd: 0.1008,
  changedAssets: ["poster"],
  assets: [{ id: "poster", status: "done", drafts: 3, accepted: 1, rejectedDrafts: 2, rejected: { "too-dark": 1, duplicate: 1 }, regenerated: 0, rendered: 0, spentUsd: 0.1008, estimatedUsd: 0.1, outputs: [] }],
  exitCode: 0,
};

async function data(): Promise<GalleryData> {
  const thumb = await thumbnail(await sceneJpeg({ width: 640, height: 640, seed: 2 }), 128);
  return {
    report,
    subtitle: `manifest ${HOSTILE}`,
    assets: [
      {
        id: "poster",
        prompt: `A poster ${HOSTILE} & more`,
        contactSheet: "javascript:alert(3)",
        outputs: [{ path: `out/${HOSTILE}.webp`, thumbnail: thumb, seed: 7, width: 1024, height: 1024 }],
        drafts: [
          { seed: 7, thumbnail: thumb, accepted: true, reasons: [], judgeScore: 8.25 },
          { seed: 8, thumbnail: thumb, accepted: false, reasons: ["too-dark: mean luma 12 < 20", `judge: ${HOSTILE}`] },
        ],
      },
    ],
  };
}

describe("report.html is one self-contained page", () => {
  it("is written to report.html in the report folder, with no temporary file left", async () => {
    const path = await writeReportHtml(dir, await data());
    expect(path).toBe(join(dir, "report.html"));
    expect(await readdir(dir)).toEqual(["report.html"]);
  });

  it("given pictures as bytes, embeds them as data and references nothing outside the file", async () => {
    const html = await readFile(await writeReportHtml(dir, await data()), "utf8");
    const sources = [...html.matchAll(/\ssrc="([^"]*)"/g)].map((m) => m[1]!);
    // Each draft once in the grid and once in its full view; the output beside its draft, and in its full view.
    expect(sources).toHaveLength(7);
    for (const src of sources) expect(src).toMatch(/^data:image\/webp;base64,[A-Za-z0-9+/]+=*$/);
    expect(html).not.toMatch(/\shref="(?!#)/);
    expect(html).not.toMatch(/<link\b|<script\b|@import|url\(/i);
    expect(html).toContain(`content="default-src 'none'; img-src 'self' data: file:; style-src 'unsafe-inline'"`);
    const first = Buffer.from(sources[0]!.split(",")[1]!, "base64");
    expect((await sharp(first).metadata()).width).toBe(128);
  });

  it("shows the run summary and each draft's verdict and reasons", async () => {
    const html = await readFile(await writeReportHtml(dir, await data()), "utf8");
    for (const text of ["$0.10", "of $1.00 ceiling", "$0.40", "accept rate 33%", "too-dark 1", "✓ accepted", "✗ rejected", "#1", "#2", "judge 8.3/10", "too-dark: mean luma 12 &lt; 20", "seed 7 · 1024×1024"]) {
      expect(html).toContain(text);
    }
  });
});

describe("text from the manifest cannot inject markup into the report", () => {
  it("escapes a hostile prompt, path, subtitle and reason, and drops a javascript: link", async () => {
    const html = await readFile(await writeReportHtml(dir, await data()), "utf8");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toMatch(/<style>body\{display:none/);
    expect(html).not.toContain("javascript:");
    expect(html).toContain("A poster &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(html).toContain("&amp; more");
    // Exactly the tags the page itself writes: one style element, seven images (see above).
    expect(html.match(/<style\b/g)).toHaveLength(1);
    expect(html.match(/<img\b/g)).toHaveLength(7);
  });
});
