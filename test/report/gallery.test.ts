import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/run-report.js";
import { thumbnail, writeReportHtml, type GalleryData } from "../../src/report/gallery.js";
import { solid } from "../screen/scenes.js";

/** Debian's Chromium, or another build named by SEEDLOCK_CHROMIUM. */
const CHROMIUM = process.env.SEEDLOCK_CHROMIUM || "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
const MISSING = `${CHROMIUM} is not installed (run \`npm run setup:chromium\` (scripts/setup-ci.sh))`;

type Rgb = [number, number, number];
/** Colours of the outputs and accepted drafts: each must show up on screen as a sizeable area. */
const SHOWN: Record<string, Rgb> = {
  orange: [240, 140, 20],
  green: [40, 180, 70],
  blue: [40, 90, 220],
  magenta: [200, 50, 200],
  cyan: [30, 200, 210],
};

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true })));
});

async function gallery(): Promise<GalleryData> {
  const tile = async (rgb: Rgb, width = 256, height = 256) => thumbnail(await solid(rgb, { width, height, noise: 6 }));
  const report: RunReport = {
    command: "run",
    spentUsd: 0.4712,
    estimatedUsd: 0.52,
    ceilingUsd: 2,
    drafts: 7,
    accepted: 4,
    rendered: 3,
    acceptRate: 4 / 7,
    regenRate: 0,
    costPerAcceptedDraftUsd: null, rejectedDrafts: 0, costPerImageUsd: 0.1178,
    changedAssets: ["dunes", "hero"],
    assets: [
      { id: "dunes", status: "done", drafts: 4, accepted: 2, rejectedDrafts: 2, rejected: { "too-dark": 1, duplicate: 1 }, regenerated: 0, rendered: 2, spentUsd: 0.2716, estimatedUsd: 0.3, outputs: [], contactSheet: "dunes.webp" },
      { id: "hero", status: "capped", drafts: 3, accepted: 2, rejectedDrafts: 1, rejected: { flat: 1 }, regenerated: 0, rendered: 1, spentUsd: 0.1996, estimatedUsd: 0.22, outputs: [] },
    ],
    exitCode: 4,
    message: "hero used all 3 drafts allowed by maxAttempts and has 1 of its 2 images; raise maxAttempts or loosen its screen rules",
  };
  return {
    report,
    subtitle: "assets.yaml",
    assets: [
      {
        id: "dunes",
        prompt: "Minimal desert dunes at dusk, pastel palette, no text",
        contactSheet: "dunes.webp",
        outputs: [
          { path: "wallpapers/dunes-1.webp", thumbnail: await tile(SHOWN.orange!, 320, 180), seed: 40, width: 1600, height: 900 },
          { path: "wallpapers/dunes-2.webp", thumbnail: await tile(SHOWN.green!, 320, 180), seed: 43, width: 1600, height: 900 },
        ],
        drafts: [
          { seed: 40, thumbnail: await tile(SHOWN.orange!, 320, 180), accepted: true, reasons: [], judgeScore: 8 },
          { seed: 41, thumbnail: await tile([12, 12, 14], 320, 180), accepted: false, reasons: ["too-dark: mean luma 12 < 20"] },
          { seed: 42, thumbnail: await tile([170, 160, 150], 320, 180), accepted: false, reasons: ["duplicate of seed 40 (distance 3 ≤ 6)"] },
          { seed: 43, thumbnail: await tile(SHOWN.green!, 320, 180), accepted: true, reasons: [] },
        ],
      },
      {
        id: "hero",
        prompt: "Product hero shot on a <b>clean</b> background",
        outputs: [{ path: "public/hero.png", thumbnail: await tile(SHOWN.blue!), seed: 7, width: 1024, height: 1024 }],
        drafts: [
          { seed: 7, thumbnail: await tile(SHOWN.blue!), accepted: true, reasons: [] },
          { seed: 8, thumbnail: await tile(SHOWN.magenta!), accepted: true, reasons: [] },
          { seed: 9, thumbnail: await tile([128, 128, 128]), accepted: false, reasons: ["flat: luma std 1.2 < 8", "judge: score 3 < 7"] },
        ],
      },
      {
        id: "icon",
        prompt: "App icon",
        outputs: [{ path: "public/icon.png", thumbnail: await tile(SHOWN.cyan!, 200, 200), seed: 1, width: 512, height: 512 }],
        drafts: [],
      },
    ],
  };
}

/** Opens `page` in headless Chromium as a real process and returns the screenshot's path. */
async function screenshot(page: string, dir: string, name: string): Promise<string> {
  const png = join(dir, `${name}.png`);
  const profile = await mkdtemp(join(tmpdir(), "seedlock-chromium-"));
  scratch.push(profile);
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
    `--user-data-dir=${profile}`,
    // Tall enough for all three assets now that each output stands beside its draft.
    "--window-size=1280,3600",
    `--screenshot=${png}`,
    pathToFileURL(page).href,
  ];
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(CHROMIUM, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
  if (!existsSync(png)) throw new Error(`chromium wrote no screenshot (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
  return png;
}

/** Pixels of the screenshot within `tolerance` of each colour, per channel. */
async function colourAreas(png: string, colours: Record<string, Rgb>, tolerance = 28): Promise<Record<string, number>> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const counts: Record<string, number> = Object.fromEntries(Object.keys(colours).map((k) => [k, 0]));
  for (let i = 0; i < info.width * info.height; i++) {
    const r = data[i * 3]!;
    const g = data[i * 3 + 1]!;
    const b = data[i * 3 + 2]!;
    for (const [name, [cr, cg, cb]] of Object.entries(colours)) {
      if (Math.abs(r - cr) <= tolerance && Math.abs(g - cg) <= tolerance && Math.abs(b - cb) <= tolerance) counts[name]!++;
    }
  }
  return counts;
}

describe("report.html shows the run's images in a real browser", () => {
  if (!haveChromium) {
    if (process.env.CI) {
      it("opens report.html in headless Chromium", () => {
        throw new Error(`CI must run the gallery screenshot test, but ${MISSING}`);
      });
    } else {
      process.stderr.write(`gallery screenshot test skipped: ${MISSING}\n`);
      it.skip(`opens report.html in headless Chromium — skipped: ${MISSING}`, () => {});
    }
    return;
  }

  it("renders every output and accepted draft as a visible picture, and a page with broken images fails the same check", async () => {
    const dir = await mkdtemp(join(tmpdir(), "seedlock-gallery-"));
    scratch.push(dir);
    const page = await writeReportHtml(dir, await gallery());
    expect(page).toBe(join(dir, "report.html"));

    const shot = await screenshot(page, dir, "gallery");
    if (process.env.SEEDLOCK_KEEP_SCREENSHOT) await writeFile(process.env.SEEDLOCK_KEEP_SCREENSHOT, await readFile(shot));
    const shown = await colourAreas(shot, SHOWN);
    // A thumbnail is drawn at 150 px or more across; a broken-image icon is 16 px.
    for (const [name, area] of Object.entries(shown)) expect({ name, area }).toEqual({ name, area: expect.toSatisfy((n: number) => n > 8000) });

    const html = await readFile(page, "utf8");
    const broken = join(dir, "broken.html");
    await writeFile(broken, html.replace(/base64,[A-Za-z0-9+/=]+/g, "base64,AAAA"));
    const none = await colourAreas(await screenshot(broken, dir, "broken"), SHOWN);
    for (const area of Object.values(none)) expect(area).toBeLessThan(500);
  });
});
