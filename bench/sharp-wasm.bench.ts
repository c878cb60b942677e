// What a macOS or Windows runner pays for screening with sharp's WebAssembly build, which dist/
// ships as their fallback: the same screen timed in two child processes, one whose module
// resolution only finds the native Linux runtime and one that only finds @img/sharp-wasm32.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import sharp from "sharp";
import { sceneRaw } from "../test/screen/scenes.js";
import type { BenchResult, Figure } from "./types.js";

const run = promisify(execFile);

/** The repository root: this file runs bundled under .cache/bench/, so walk up to seedlock's package.json. */
const root = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (dir !== dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "seedlock") return dir;
    dir = dirname(dir);
  }
  throw new Error("cannot find the seedlock repository above this benchmark");
})();

/** Runs inside each child: loads sharp from its own node_modules, times analyzeImage, prints JSON. */
const CHILD = `
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { analyzeImage } from "./src/pipeline/screen.ts";
const loadedMs = performance.now();
const require = createRequire(import.meta.url);
const runtime = Object.keys(require.cache).find((k) => /sharp-(wasm32|linux|darwin|win32)/.test(k)) ?? "unknown";
sharp.concurrency(1);
const [iterations, ...files] = process.argv.slice(2);
const out = { runtime, loadedMs, threads: sharp.concurrency(), perImageMs: {}, firstCallMs: {} };
for (const file of files) {
  const bytes = readFileSync(file);
  let t = performance.now();
  await analyzeImage(bytes);
  out.firstCallMs[file] = performance.now() - t;
  for (let i = 0; i < 3; i++) await analyzeImage(bytes);
  const times = [];
  for (let i = 0; i < Number(iterations); i++) {
    t = performance.now();
    await analyzeImage(bytes);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  out.perImageMs[file] = times[Math.floor(times.length / 2)];
}
process.stdout.write(JSON.stringify(out));
`;

interface ChildResult {
  runtime: string;
  loadedMs: number;
  threads: number;
  perImageMs: Record<string, number>;
  firstCallMs: Record<string, number>;
}

export default async function bench(): Promise<BenchResult> {
  const sharpPkg = JSON.parse(readFileSync(join(root, "node_modules/sharp/package.json"), "utf8"));
  const wasm = firstExisting([
    join(root, "dist/node_modules/@img/sharp-wasm32"),
    join(root, ".cache/sharp-runtimes", `@img__sharp-wasm32-${sharpPkg.version}`, "package"),
    join(root, "node_modules/@img/sharp-wasm32"),
  ]);
  const emnapi = firstExisting([join(root, "dist/node_modules/@emnapi/runtime"), join(root, "node_modules/@emnapi/runtime")]);
  const tslib = firstExisting([join(root, "dist/node_modules/tslib"), join(root, "node_modules/tslib")]);
  const platform = `${process.platform}-${process.arch}`;
  const native = firstExisting([join(root, `node_modules/@img/sharp-${platform}`)]);
  const libvips = firstExisting([join(root, `node_modules/@img/sharp-libvips-${platform}`)]);
  const missing = [!wasm && "@img/sharp-wasm32 (run `npm run bundle` once)", !emnapi && "@emnapi/runtime", !tslib && "tslib", !native && `@img/sharp-${platform}`, !libvips && `@img/sharp-libvips-${platform}`].filter(Boolean);
  const base = { title: "sharp's WebAssembly build (macOS / Windows runners)", description: "Screening one 1024² draft with the native sharp runtime against @img/sharp-wasm32, each in a child process that can only find that runtime; one libvips thread each." };
  const loadAtStart = loadavg()[0] ?? 0;
  if (missing.length) return { ...base, figures: [], notes: [`Not measured: missing ${missing.join(", ")}.`] };

  const work = mkdtempSync(join(tmpdir(), "seedlock-wasm-bench-"));
  try {
    const raw = sceneRaw({ width: 1024, height: 1024, seed: 7, grain: 10 });
    const inputs = { JPEG: join(work, "draft.jpg"), PNG: join(work, "draft.png") };
    writeFileSync(inputs.JPEG, await sharp(raw.data, { raw }).jpeg({ quality: 90 }).toBuffer());
    writeFileSync(inputs.PNG, await sharp(raw.data, { raw }).png().toBuffer());

    const jsDeps = { sharp: join(root, "node_modules/sharp"), "detect-libc": join(root, "node_modules/detect-libc"), semver: join(root, "node_modules/semver"), "@img/colour": join(root, "node_modules/@img/colour") };
    const nativeDir = install(join(work, "native"), { ...jsDeps, [`@img/sharp-${platform}`]: native!, [`@img/sharp-libvips-${platform}`]: libvips! });
    const wasmDir = install(join(work, "wasm"), { ...jsDeps, "@img/sharp-wasm32": wasm!, "@emnapi/runtime": emnapi!, tslib: tslib! });

    // Two alternating rounds per runtime; the quicker round counts, as the one least disturbed by other load.
    const rounds: Record<"native" | "wasm", ChildResult[]> = { native: [], wasm: [] };
    for (let round = 0; round < 2; round++) {
      rounds.native.push(await child(nativeDir, inputs, 40));
      rounds.wasm.push(await child(wasmDir, inputs, 20));
    }
    const results = { native: quickest(rounds.native), wasm: quickest(rounds.wasm) };
    if (!/sharp-wasm32/.test(results.wasm.runtime)) throw new Error(`the wasm child loaded ${results.wasm.runtime}, not @img/sharp-wasm32`);
    if (/wasm32/.test(results.native.runtime)) throw new Error("the native child fell back to wasm32");

    const figures: Figure[] = [];
    for (const [name, file] of Object.entries(inputs)) {
      const n = results.native.perImageMs[file]!;
      const w = results.wasm.perImageMs[file]!;
      figures.push(
        { name: `${name} screen, native`, value: n, unit: "ms/image" },
        { name: `${name} screen, wasm32`, value: w, unit: "ms/image" },
        { name: `${name} wasm32 ÷ native`, value: w / n, unit: "×" },
      );
    }
    figures.push(
      { name: "sharp loaded and ready, native", value: results.native.loadedMs, unit: "ms after process start" },
      { name: "sharp loaded and ready, wasm32", value: results.wasm.loadedMs, unit: "ms after process start" },
      { name: "@img/sharp-wasm32 + @emnapi/runtime + tslib on disk", value: (bytesOf(wasm!) + bytesOf(emnapi!) + bytesOf(tslib!)) / 2 ** 20, unit: "MiB" },
      { name: `native runtime (@img/sharp-${platform} + libvips) on disk`, value: (bytesOf(native!) + bytesOf(libvips!)) / 2 ** 20, unit: "MiB" },
    );
    const first = (r: ChildResult) => Object.values(r.firstCallMs).map((v) => v.toFixed(0)).join(" / ");
    return {
      ...base,
      figures,
      notes: [
        `Runtimes seen by the children: native \`${relativeToWork(results.native.runtime, work)}\`, wasm \`${relativeToWork(results.wasm.runtime, work)}\`. Median of 40 (native) and 20 (wasm) runs after 3 warm-up runs, in two alternating rounds per runtime of which the quicker is kept; sharp.concurrency(1) in both. Load average at start: ${loadAtStart.toFixed(1)} on ${cpus().length} cores.`,
        `First call after start-up (JPEG / PNG): native ${first(results.native)} ms, wasm32 ${first(results.wasm)} ms.`,
        "The wasm32 package is one .wasm file for every OS, so this Linux measurement stands in for macOS and Windows runners up to the difference in their CPUs.",
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A folder whose node_modules holds exactly `packages` (name → source folder). */
function install(dir: string, packages: Record<string, string>): string {
  for (const [name, from] of Object.entries(packages)) cpSync(from, join(dir, "node_modules", name), { recursive: true, dereference: true });
  writeFileSync(join(dir, "package.json"), '{"type":"module","private":true}\n');
  return dir;
}

async function child(dir: string, inputs: Record<string, string>, iterations: number): Promise<ChildResult> {
  const script = join(dir, "screen-child.mjs");
  // esbuild is loaded from the repository at run time: bundled into this benchmark it cannot find its binary.
  const { build } = createRequire(join(root, "package.json"))("esbuild") as typeof import("esbuild");
  await build({
    stdin: { contents: CHILD, resolveDir: root, sourcefile: "screen-child.ts", loader: "ts" },
    outfile: script,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    external: ["sharp"],
    logLevel: "warning",
  });
  // A bare environment: no NODE_PATH or NODE_OPTIONS that could lead resolution back to the repository.
  const { stdout } = await run(process.execPath, [script, String(iterations), ...Object.values(inputs)], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as ChildResult;
}

function quickest(results: ChildResult[]): ChildResult {
  const total = (r: ChildResult) => Object.values(r.perImageMs).reduce((a, b) => a + b, 0);
  return results.reduce((best, r) => (total(r) < total(best) ? r : best));
}

function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => existsSync(join(p, "package.json")));
}

function bytesOf(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

function relativeToWork(path: string, work: string): string {
  return path.startsWith(work) ? path.slice(work.length + 1).replace(/^(native|wasm)\/node_modules\//, "") : path;
}
