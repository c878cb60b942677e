import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";

/** Debian's Chromium, or another build named by SEEDLOCK_CHROMIUM; installed by `npm run setup:chromium`. */
export const CHROMIUM = process.env.SEEDLOCK_CHROMIUM || "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);
export const MISSING = `${CHROMIUM} is not installed (run \`npm run setup:chromium\`, scripts/setup-ci.sh)`;

/** Opens `url` in headless Chromium as a real process and writes a PNG screenshot to `png`. */
export async function screenshot(url: string, png: string, size = { width: 1280, height: 2000 }): Promise<string> {
  const result = await openInChromium(url, size, [`--screenshot=${png}`]);
  if (!existsSync(png)) throw new Error(`chromium wrote no screenshot (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
  return png;
}

/** The page's DOM after its scripts ran, at the same window size, so it lays out as `screenshot` saw it. */
export async function domOf(url: string, size = { width: 1280, height: 2000 }): Promise<string> {
  const result = await openInChromium(url, size, ["--dump-dom"]);
  if (!result.stdout.includes("<html")) throw new Error(`chromium dumped no DOM (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
  return result.stdout;
}

async function openInChromium(url: string, size: { width: number; height: number }, what: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const profile = await mkdtemp(join(tmpdir(), "seedlock-chromium-"));
  try {
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
      "--allow-file-access-from-files",
      // Lets lazy images that become visible (a :target view) load before the shot is taken.
      "--virtual-time-budget=4000",
      `--user-data-dir=${profile}`,
      `--window-size=${size.width},${size.height}`,
      ...what,
      url,
    ];
    return await new Promise((resolve, reject) => {
      const child = spawn(CHROMIUM, args, { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

export interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): [number, number, number];
}

export async function pixelsOf(file: string): Promise<Pixels> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at: (x, y) => {
      const i = (y * info.width + x) * 3;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    },
  };
}

/** Pixels whose channels spread by more than `spread`: picture content, not the page's greys. */
export function colourful(p: Pixels, box = { left: 0, top: 0, width: p.width, height: p.height }, spread = 40): number {
  let n = 0;
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      const [r, g, b] = p.at(x, y);
      if (Math.max(r, g, b) - Math.min(r, g, b) > spread) n++;
    }
  }
  return n;
}
