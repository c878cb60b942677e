import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";
import { startEmulator } from "../emulator/emulator.js";
import type { CliContext, Command } from "./command.js";
import { runAndPrint } from "./run.js";

/**
 * `seedlock demo` (what `npm run demo` runs): copies the example manifest into a fresh folder,
 * starts the emulator in this process and runs `seedlock run` against it, so a newcomer sees
 * real images, a lockfile and report.html without a key or a network.
 */

/** Marks a folder this command made, the only kind it deletes before starting again. */
const MARKER = ".seedlock-demo";
/** The emulator needs some key; this one never leaves the machine. */
const EMULATOR_KEY = "demo-key-for-the-local-emulator";

export const demoCommand: Command = {
  summary: "run the example manifest against the built-in emulator in ./seedlock-demo (no key, no network)",
  options: {
    dir: { type: "string", default: "seedlock-demo" },
    "latency-ms": { type: "string", default: "100" },
    // --batch: drafts and renders through the emulator's Batch API, collected in the same process.
    batch: { type: "boolean" },
  },
  async run(ctx) {
    const dir = resolve(ctx.cwd, String(ctx.values.dir ?? "seedlock-demo"));
    const latencyMs = Number(ctx.values["latency-ms"]);
    if (!Number.isInteger(latencyMs) || latencyMs < 0) {
      throw new InputError([{ message: `--latency-ms must be a whole number ≥ 0, not ${JSON.stringify(ctx.values["latency-ms"])}`, fix: "for example --latency-ms 100" }]);
    }
    await freshFolder(dir);
    const manifest = join(dir, "assets.yaml");
    await writeFile(manifest, await exampleManifest());
    const batch = ctx.values.batch === true;
    const emulator = await startEmulator({ latencyMs, randomSeed: 7, ...(batch ? { batchDelayMs: 2000 } : {}) });
    ctx.logger.info(`demo: drafting, screening and rendering ${relative(ctx.cwd, manifest) || manifest} on the emulator at ${emulator.url}`);
    try {
      const demoCtx: CliContext = {
        ...ctx,
        cwd: dir,
        values: { ...ctx.values, manifest, "base-url": emulator.url, ...(batch ? { batch: "all", wait: "10" } : {}) },
        env: { ...ctx.env, GEMINI_API_KEY: EMULATOR_KEY },
      };
      const report = await runAndPrint("run", demoCtx, ctx.cwd);
      if (!ctx.values.json) {
        ctx.stdout.write(`\nThe images, assets.yaml and its assets.lock.yaml are in ${relative(ctx.cwd, dir) || "."}/; open the report to see every draft and its verdict.\n`);
        ctx.stdout.write("Run the demo again and it starts over; run `seedlock run` there against an emulator and nothing is paid for twice.\n");
      }
      return report.exitCode;
    } finally {
      await emulator.close();
    }
  },
};

/**
 * An empty folder that is its own repository root, so the example's output paths land inside it
 * even when it sits in another checkout.
 */
async function freshFolder(dir: string): Promise<void> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length && !entries.includes(MARKER)) {
      throw new InputError([{ message: `${dir} exists and was not made by seedlock demo`, fix: "pass another folder with --dir PATH, or empty this one" }]);
    }
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), "Made by `seedlock demo`; the next demo deletes and recreates this folder.\n");
  const initialised = await new Promise<boolean>((done) => execFile("git", ["init", "-q"], { cwd: dir }, (error) => done(!error)));
  if (!initialised) await mkdir(join(dir, ".git"));
}

/** examples/assets.yaml from the checkout when it is there, else the copy built into the bundle. */
async function exampleManifest(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "..", "examples", "assets.yaml"), join(here, "..", "..", "examples", "assets.yaml")]) {
    const text = await readFile(candidate, "utf8").catch(() => undefined);
    if (text !== undefined) return text;
  }
  return EXAMPLE_MANIFEST;
}

/** A copy of examples/assets.yaml for a dist/ used without the checkout; test/e2e/demo.test.ts keeps it equal. */
export const EXAMPLE_MANIFEST = `# yaml-language-server: $schema=../schema/manifest.v1.json
#
# The demo manifest: \`npm run demo\` drafts, screens and renders it on the built-in emulator.
# Four assets, one of each kind: two wallpaper sets drafted on Lite and rendered on the standard
# model, a hero image made on the standard model alone, and icons kept straight from the drafts.
# Output paths are relative to the repository root. Reference: docs/MANIFEST.md.
version: 1
models:
  draft: gemini-3.1-flash-lite-image # cheap drafts, 1K JPEG
  final: gemini-3.1-flash-image # renders the drafts that pass the screen
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
    tier: final-only # one image that matters: drafted and kept on the standard model
    finalSize: 1K
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
