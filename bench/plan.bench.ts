// `seedlock plan` on a 5,000-asset manifest: wall time and peak memory of the real CLI, in a child
// process, as CI runs it. The manifest is written the way people write YAML (a defaults block,
// block mappings, a few flow maps); the lockfile is what seedlock writes after a finished run.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { lockPathFor, writeLockfile } from "../src/lock/file.js";
import { inputHash } from "../src/lock/hash.js";
import { lockStats } from "../src/lock/stats.js";
import type { AssetLock } from "../src/lock/types.js";
import { loadManifest } from "../src/manifest/load.js";
import { outputPath } from "../src/manifest/out.js";
import type { Bench } from "./types.js";

const ASSETS = 5000;
const RUNS = 5;
const COLD_RUNS = 3;
const GOAL_MS = 1500;
/** Share of assets a previous run finished (their outputs are on disk); the rest are new or edited. */
const LOCKED = 0.8;

const bench: Bench = async () => {
  const root = join(dirname(new URL(import.meta.url).pathname), "..", "..");
  const work = mkdtempSync(join(tmpdir(), "seedlock-bench-plan-"));
  try {
    // The CLI exactly as the tests and dist/ build it, from the current source; inside the
    // repository so that the external sharp resolves from its node_modules.
    const build = join(root, ".cache", "bench", "plan-cli");
    execFileSync(process.execPath, ["--input-type=module", "-e", `import(${JSON.stringify(join(root, "scripts", "entries.mjs"))}).then((m) => m.buildEntries(${JSON.stringify(build)}))`]);
    writeFileSync(join(build, "package.json"), '{"type":"module"}\n');
    const cli = join(build, "cli.js");

    const repo = join(work, "repo");
    mkdirSync(join(repo, ".git"), { recursive: true });
    const manifestFile = join(repo, "assets.yaml");
    writeFileSync(manifestFile, manifestText(ASSETS));
    const manifest = await loadManifest(manifestFile);

    // A finished earlier run for most assets: outputs on disk, seeds and sha256 in the lockfile.
    const assets: Record<string, AssetLock> = {};
    let files = 0;
    for (const asset of manifest.assets.slice(0, Math.floor(ASSETS * LOCKED))) {
      const outputs = [];
      const seeds = [];
      for (let n = 1; n <= asset.count; n++) {
        const seed = asset.seedStart + n * 3;
        const path = outputPath(asset, n, seed);
        const bytes = Buffer.alloc(24 * 1024, `${asset.id}-${n}`);
        mkdirSync(dirname(join(repo, path)), { recursive: true });
        writeFileSync(join(repo, path), bytes);
        files++;
        outputs.push({ path, sha256: createHash("sha256").update(bytes).digest("hex"), seed, model: asset.models.final, width: 1376, height: 768, bytes: bytes.length });
        seeds.push(
          { seed: seed - 2, model: asset.models.draft, status: "rejected" as const, reasons: ["too-dark (mean luma 14 < 20)"], phash: "0f1e2d3c4b5a6978", costUsd: 0.0336 },
          { seed: seed - 1, model: asset.models.draft, status: "rejected" as const, reasons: ["duplicate of seed 12 (distance 3)"], phash: "8f1e2d3c4b5a6978", costUsd: 0.0336 },
          { seed, model: asset.models.draft, status: "rendered" as const, phash: "ff1e2d3c4b5a6978", draft: `.seedlock/drafts/${asset.id}-${seed}.jpg`, costUsd: 0.1346 },
        );
      }
      assets[asset.id] = { inputHash: inputHash(asset, manifest), prompt: asset.prompt, models: asset.models, seeds, outputs, spentUsd: 0.4028 };
    }
    await writeLockfile(lockPathFor(manifestFile), { version: 1, stats: lockStats(assets), assets });
    // A tenth of the finished assets had their prompt edited since.
    const edited = readFileSync(manifestFile, "utf8").replace(/prompt: (.*) variation (\d*0)$/gm, "prompt: $1 variation $2, edited");
    writeFileSync(manifestFile, edited);

    const timed = existsSync("/usr/bin/time");
    const rss: number[] = [];
    const cpu: number[] = [];
    let last = "";
    const plan = (): number => {
      const args = ["plan", "--json", "--manifest", manifestFile];
      const started = performance.now();
      const ran = timed
        ? spawnSync("/usr/bin/time", ["-v", process.execPath, cli, ...args], { encoding: "utf8", maxBuffer: 256 << 20 })
        : spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", maxBuffer: 256 << 20 });
      const wall = performance.now() - started;
      if (ran.status !== 0) throw new Error(`plan exited ${ran.status}: ${ran.stderr}`);
      const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(ran.stderr ?? "");
      if (kb) rss.push(Number(kb[1]) / 1024);
      const user = /User time \(seconds\): ([\d.]+)/.exec(ran.stderr ?? "");
      const system = /System time \(seconds\): ([\d.]+)/.exec(ran.stderr ?? "");
      if (user && system) cpu.push((Number(user[1]) + Number(system[1])) * 1000);
      last = ran.stdout;
      return wall;
    };
    // A fresh checkout (CI): no cache of output hashes, so every output is read and hashed.
    const cache = join(repo, ".seedlock");
    const colds = Array.from({ length: COLD_RUNS }, () => {
      rmSync(cache, { recursive: true, force: true });
      return plan();
    });
    // Then the same checkout again (a developer re-planning): unchanged outputs are not re-read.
    plan();
    const cpuBefore = cpu.length;
    const walls = Array.from({ length: RUNS }, plan);
    const cpuSame = cpu.slice(cpuBefore);
    const report = JSON.parse(last) as { assets: { state: string }[]; estimatedUsd: number };
    const states = new Map<string, number>();
    for (const a of report.assets) states.set(a.state, (states.get(a.state) ?? 0) + 1);

    // Node's own start-up and the bundle's load, for scale.
    const startup = median(
      Array.from({ length: RUNS }, () => {
        const t = performance.now();
        spawnSync(process.execPath, [cli, "--help"]);
        return performance.now() - t;
      }),
    );

    const wall = median(walls);
    const cold = median(colds);
    const peak = rss.length ? Math.max(...rss) : NaN;
    const hashedMb = (files * 24) / 1024;
    const manifestLines = edited.split("\n").length;
    const lockLines = readFileSync(lockPathFor(manifestFile), "utf8").split("\n").length;
    return {
      title: "plan on a 5,000-asset manifest",
      description:
        `\`seedlock plan --json\` as a child process on a generated manifest of ${ASSETS} assets ` +
        `(${manifestLines} lines of ordinary YAML) with a lockfile of ${lockLines} lines from an earlier run and ` +
        `${files} outputs of 24 KiB on disk (${hashedMb.toFixed(0)} MiB) whose sha256 plan checks. "Fresh checkout" ` +
        `deletes plan's cache of output hashes (\`.seedlock/output-hashes.json\`) before each of ${COLD_RUNS} runs, so ` +
        `every output is read; "same checkout" is the median of ${RUNS} runs after one that filled the cache. Peak ` +
        `memory is the largest maximum resident set size \`/usr/bin/time -v\` reported over all runs.`,
      figures: [
        { name: "median wall time, same checkout", value: wall, unit: "ms", goal: `< ${GOAL_MS} ms`, pass: wall < GOAL_MS },
        { name: "median wall time, fresh checkout", value: cold, unit: "ms", goal: `< ${GOAL_MS} ms`, pass: cold < GOAL_MS },
        // CPU time says what wall time would be on an idle machine; a busy one only adds waiting.
        { name: "median CPU time (user + sys), same checkout", value: cpuSame.length ? median(cpuSame) : NaN, unit: "ms" },
        { name: "peak memory", value: peak, unit: "MB" },
        { name: "node start-up + bundle load (seedlock --help)", value: startup, unit: "ms" },
      ],
      notes: [
        `Plan found ${[...states].map(([s, n]) => `${n} ${s}`).join(", ")}; estimate $${report.estimatedUsd.toFixed(2)}.`,
        `Wall times (ms), fresh checkout: ${colds.map((w) => w.toFixed(0)).join(", ")}; same checkout: ${walls.map((w) => w.toFixed(0)).join(", ")}. ` +
          `Load average when the run ended: ${loadavg().map((l) => l.toFixed(1)).join(", ")} on ${cpus().length} cores.`,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
export default bench;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The manifest a large team might keep: shared defaults, then one block per asset. */
function manifestText(count: number): string {
  const subjects = ["dunes at dusk", "a lighthouse at night", "a pine forest in fog", "a city roof garden", "an ice cave", "a tide pool"];
  const lines = [
    "# yaml-language-server: $schema=../schema/manifest.v1.json",
    "version: 1",
    "models:",
    "  draft: gemini-3.1-flash-lite-image",
    "  final: gemini-3.1-flash-image",
    "budget:",
    "  maxUsd: 5000",
    "defaults:",
    '  aspectRatio: "16:9"',
    "  oversample: 3",
    "  finalSize: 2K",
    "  screen:",
    "    minWidth: 512",
    "    minHeight: 512",
    "    brightness: [20, 235]",
    "  output: { format: webp, quality: 85 }",
    "assets:",
  ];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  - id: asset-${i}`,
      `    prompt: Minimal illustration of ${subjects[i % subjects.length]}, soft palette, no text, variation ${i}`,
      "    count: 2",
      `    out: "wallpapers/${Math.floor(i / 100)}/{id}-{n}.webp"`,
    );
    if (i % 10 === 0) lines.push("    output: { width: 1600, height: 900, fit: cover }");
  }
  return `${lines.join("\n")}\n`;
}
