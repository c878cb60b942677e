import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  startEmulator
} from "./chunk-DCCPGTCU.js";
import {
  runAndPrint
} from "./chunk-X4XOIZ6O.js";
import "./chunk-KOQOTH7V.js";
import "./chunk-TZH53QLO.js";
import "./chunk-MFRKUSXS.js";
import "./chunk-IMHJJ2W7.js";
import "./chunk-5PNXC5KU.js";
import "./chunk-7IEQLHW7.js";
import "./chunk-QZFFVMHD.js";
import "./chunk-6M3LJYRS.js";
import "./chunk-PK654C6K.js";
import "./chunk-YPSSUEOW.js";
import "./chunk-4XIAYHCN.js";
import "./chunk-P5UZNSPX.js";
import {
  InputError
} from "./chunk-CBOTSRC4.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/demo.ts
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
var MARKER = ".seedlock-demo";
var EMULATOR_KEY = "demo-key-for-the-local-emulator";
var demoCommand = {
  summary: "run the example manifest against the built-in emulator in ./seedlock-demo (no key, no network)",
  options: {
    dir: { type: "string", default: "seedlock-demo", value: "DIR", help: "the folder to run in; made afresh (only one this command made is replaced)" },
    "latency-ms": { type: "string", default: "100", value: "MS", help: "time each emulated answer takes" },
    batch: { type: "boolean", help: "draft and render through the emulator's Batch API, collected in the same process" }
  },
  async run(ctx) {
    const dir = resolve(ctx.cwd, String(ctx.values.dir ?? "seedlock-demo"));
    const latencyMs = Number(ctx.values["latency-ms"]);
    if (!Number.isInteger(latencyMs) || latencyMs < 0) {
      throw new InputError([{ message: `--latency-ms must be a whole number \u2265 0, not ${JSON.stringify(ctx.values["latency-ms"])}`, fix: "for example --latency-ms 100" }]);
    }
    await freshFolder(dir);
    const manifest = join(dir, "assets.yaml");
    await writeFile(manifest, await exampleManifest());
    const batch = ctx.values.batch === true;
    const emulator = await startEmulator({ latencyMs, randomSeed: 7, ...batch ? { batchDelayMs: 2e3 } : {} });
    ctx.logger.info(`demo: drafting, screening and rendering ${relative(ctx.cwd, manifest) || manifest} on the emulator at ${emulator.url}`);
    try {
      const demoCtx = {
        ...ctx,
        cwd: dir,
        values: { ...ctx.values, manifest, "base-url": emulator.url, ...batch ? { batch: "all", wait: "10" } : {} },
        env: { ...ctx.env, GEMINI_API_KEY: EMULATOR_KEY }
      };
      const report = await runAndPrint("run", demoCtx, ctx.cwd);
      if (!ctx.values.json) {
        ctx.stdout.write(`
The images, assets.yaml and its assets.lock.yaml are in ${relative(ctx.cwd, dir) || "."}/; open the report to see every draft and its verdict.
`);
        ctx.stdout.write("Run the demo again and it starts over; run `seedlock run` there against an emulator and nothing is paid for twice.\n");
      }
      return report.exitCode;
    } finally {
      await emulator.close();
    }
  }
};
async function freshFolder(dir) {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length && !entries.includes(MARKER)) {
      throw new InputError([{ message: `${dir} exists and was not made by seedlock demo`, fix: "pass another folder with --dir PATH, or empty this one" }]);
    }
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), "Made by `seedlock demo`; the next demo deletes and recreates this folder.\n");
  const initialised = await new Promise((done) => execFile("git", ["init", "-q"], { cwd: dir }, (error) => done(!error)));
  if (!initialised) await mkdir(join(dir, ".git"));
}
async function exampleManifest() {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "..", "examples", "assets.yaml"), join(here, "..", "..", "examples", "assets.yaml")]) {
    const text = await readFile(candidate, "utf8").catch(() => void 0);
    if (text !== void 0) return text;
  }
  return EXAMPLE_MANIFEST;
}
var EXAMPLE_MANIFEST = `# yaml-language-server: $schema=../schema/manifest.v1.json
#
# The demo manifest: \`npm run demo\` drafts, screens and renders it on the built-in emulator.
# Four assets, one of each kind: two wallpaper sets drafted on Lite and rendered on the standard
# model, a hero image made on the standard model alone, and icons kept straight from the drafts.
# Output paths are relative to the repository root. Reference: docs/MANIFEST.md.
version: 1
models:
  draft: gemini-3.1-flash-lite-image # cheap drafts, 1K JPEG
  final: gemini-nano-banana-2.1 # renders the drafts that pass the screen
budget:
  maxUsd: 3 # the run stops before it would spend more
  warnUsd: 2
limits:
  concurrency: 4
defaults:
  aspectRatio: "16:9"
  oversample: 3 # plan three drafts per image kept, until seedlock has measured better
  draftSize: 1K
  finalSize: 2K
  screen:
    minWidth: 512
    minHeight: 512
    brightness: [20, 235] # mean luma outside this range is too dark or washed out
    minContrast: 8 # flat images fail
    maxDuplicateDistance: 6 # near-copies of an accepted draft fail
  output: { format: webp, quality: 85 }
assets:
  - id: dunes
    prompt: Minimal desert dunes at dusk, soft pastel palette, long shadows, no text
    count: 3
    out: wallpapers/dunes-{n}.webp
  - id: tide
    prompt: Calm sea at blue hour seen from a cliff, low mist, muted teal and rose, no text
    count: 2
    out: wallpapers/tide-{n}.webp
  - id: hero
    prompt: Paper-cut illustration of a lighthouse guiding small boats home at night, layered depth, warm light, no text
    tier: final-only # one image that matters: drafted and kept on the standard model, at 2K so it makes 1600\xD7900
    out: public/hero.png
    output: { width: 1600, height: 900, fit: cover }
  - id: seed-icon
    prompt: Flat geometric seed-pod icon, two colours, centred on a plain background, no text
    tier: draft-only # small icons: the Lite draft is good enough
    aspectRatio: "1:1"
    count: 4
    out: public/icons/seed-{n}.webp
    output: { width: 256, height: 256 }
`;
export {
  EXAMPLE_MANIFEST,
  demoCommand
};
