// Scale: the peak memory of a 1,000-draft run (the CLI's and the Action's), and how long the Action
// takes to start and finish a `plan` as the runner starts it. `plan` on 5,000 assets has its own
// bench (plan.bench.ts). SEEDLOCK_BENCH_CASES="action memory;cpu" measures only the parts named
// (cpu, memory, action memory, start-up).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_RATES, startEmulator } from "../src/emulator/emulator.js";
import { buildSeedlock, expectExit, KEY, median, repoRoot, round, runSeedlock, scratchRepo, loadNote } from "./cli-process.js";
import type { Bench, Figure } from "./types.js";

const DRAFTS = 1000;
const ASSETS = 50;
const MEMORY_GOAL_MB = 400;
const STARTS = 7;
const ONLY = (process.env.SEEDLOCK_BENCH_CASES ?? "").split(";").map((part) => part.trim()).filter(Boolean);
/** Whether a part of this bench is to be measured this time. */
const wanted = (part: string) => ONLY.length === 0 || ONLY.some((p) => p === part);

/** Enough two-tier assets that the run drafts about DRAFTS times at the emulator's usual accept rate. */
function bigManifest(countPerAsset: number): string {
  const lines = [
    "version: 1",
    "budget: { maxUsd: 500 }",
    "limits: { concurrency: 8 }",
    "defaults:",
    '  aspectRatio: "1:1"',
    '  finalSize: "1K"',
    "  maxAttempts: 200",
    "  output: { format: webp, quality: 75, width: 128, height: 128 }",
    "assets:",
  ];
  for (let i = 0; i < ASSETS; i++) {
    lines.push(`  - id: asset-${i}`, `    prompt: Scale study ${i}, a wide calm landscape, no text`, `    count: ${countPerAsset}`, `    out: img/asset-${i}-{n}.webp`);
  }
  return `${lines.join("\n")}\n`;
}

/** Process-start settings that bound Node's young generation and glibc's per-thread malloc arenas. */
export const TUNED_ENV = { NODE_OPTIONS: "--max-semi-space-size=4", MALLOC_ARENA_MAX: "2" };

export async function peakMemory(env?: NodeJS.ProcessEnv): Promise<{ peakMb: number; drafts: number; rendered: number; wallMs: number; measuredBy: string }> {
  // About 0.7 of drafts pass the emulator's default flaws: ask for 0.7 × DRAFTS images.
  const emulator = await startEmulator({ ...DEFAULT_RATES, latencyMs: 0, randomSeed: 3 });
  const repo = scratchRepo(bigManifest(Math.round((DRAFTS * 0.7) / ASSETS)));
  try {
    const run = expectExit(await runSeedlock(repo.dir, emulator.url, ["run"], { measureMemory: true, ...(env ? { env } : {}) }), [0, 4], "1,000-draft run");
    return {
      peakMb: run.peakRssMb,
      drafts: run.report!.drafts,
      rendered: run.report!.rendered,
      wallMs: run.wallMs,
      measuredBy: Number.isNaN(run.peakRssMb) ? "unavailable (/usr/bin/time missing)" : "/usr/bin/time -v (maximum resident set size)",
    };
  } finally {
    repo.remove();
    await emulator.close();
  }
}

/**
 * The same run as the Action's main step runs it: the built main.js spawned as the runner does,
 * `command: run` with `commit: false`, under /usr/bin/time -v. Its image work runs in a tuned child
 * (src/pipeline/tuned-process.ts) with no setting from the workflow.
 */
async function actionPeakMemory(main: string): Promise<{ peakMb: number; drafts: number; rendered: number; wallMs: number }> {
  const emulator = await startEmulator({ ...DEFAULT_RATES, latencyMs: 0, randomSeed: 3 });
  const work = mkdtempSync(join(tmpdir(), "seedlock-bench-action-memory-"));
  try {
    const ws = join(work, "ws");
    mkdirSync(join(ws, ".git"), { recursive: true });
    writeFileSync(join(ws, "assets.yaml"), bigManifest(Math.round((DRAFTS * 0.7) / ASSETS)));
    const files = { output: join(work, "output"), summary: join(work, "summary.md"), state: join(work, "state"), event: join(work, "event.json") };
    for (const f of [files.output, files.summary, files.state]) writeFileSync(f, "");
    writeFileSync(files.event, "{}");
    const started = performance.now();
    const ran = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve, reject) => {
      const child = spawn("/usr/bin/time", ["-v", process.execPath, main], {
        cwd: ws,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GITHUB_ACTIONS: "true",
          GITHUB_OUTPUT: files.output,
          GITHUB_STEP_SUMMARY: files.summary,
          GITHUB_STATE: files.state,
          GITHUB_EVENT_PATH: files.event,
          GITHUB_EVENT_NAME: "workflow_dispatch",
          GITHUB_WORKSPACE: ws,
          GITHUB_REPOSITORY: "octo/site",
          RUNNER_TEMP: work,
          INPUT_COMMAND: "run",
          INPUT_MANIFEST: "assets.yaml",
          "INPUT_API-KEY": KEY,
          "INPUT_BASE-URL": emulator.url,
          INPUT_COMMIT: "false",
        },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    const wallMs = performance.now() - started;
    const outputs = fileCommands(readFileSync(files.output, "utf8"));
    if (ran.code !== 0 && ran.code !== 4) throw new Error(`the Action's run exited ${ran.code}: ${ran.stdout.slice(-1500)}${ran.stderr.slice(-1500)}`);
    const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(ran.stderr);
    return { peakMb: kb ? Number(kb[1]) / 1024 : NaN, drafts: Number(outputs.drafts), rendered: Number(outputs.rendered), wallMs };
  } finally {
    rmSync(work, { recursive: true, force: true });
    await emulator.close();
  }
}

/** A runner file-command file (`name<<DELIMITER` heredocs, as @actions/core writes them) as name → value. */
function fileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (!heredoc) continue;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== heredoc[2]) value.push(lines[i]!);
    out[heredoc[1]!] = value.join("\n");
  }
  return out;
}

/** Assets in the small and the large run of the CPU-per-draft figure; each asset wants the same count. */
export const CPU_ASSETS = [10, 1000];
const CPU_COUNT = 2;
const CPU_GOAL = 1.5;

/** Two-tier assets at the smallest sizes the default models make (1K), so that the run's own bookkeeping, not image work, is what grows. */
function cpuManifest(assets: number): string {
  const lines = [
    "version: 1",
    "budget: { maxUsd: 1000 }",
    "defaults:",
    '  aspectRatio: "1:1"',
    '  finalSize: "1K"',
    "  maxAttempts: 50",
    "  output: { format: webp, quality: 60, width: 64, height: 64 }",
    "assets:",
  ];
  for (let i = 0; i < assets; i++) lines.push(`  - id: a${i}`, `    prompt: CPU study ${i}, a field of grass, no text`, `    count: ${CPU_COUNT}`, `    out: img/a${i}-{n}.webp`);
  return `${lines.join("\n")}\n`;
}

/**
 * seedlock's own CPU time (user + system, from /usr/bin/time) per draft, at latency 0, less what a
 * process that starts and plans one asset costs, so the small run is not charged the start-up.
 */
async function cpuPerDraft(assets: number, startMs: number): Promise<{ assets: number; drafts: number; finals: number; cpuMs: number; perDraftMs: number; wallMs: number }> {
  const emulator = await startEmulator({ ...DEFAULT_RATES, latencyMs: 0, randomSeed: 9 });
  const repo = scratchRepo(cpuManifest(assets));
  try {
    const run = expectExit(await runSeedlock(repo.dir, emulator.url, ["run"], { measureMemory: true }), [0, 4], `${assets}-asset CPU run`);
    const drafts = run.report!.drafts;
    return { assets, drafts, finals: run.report!.rendered, cpuMs: run.cpuMs, perDraftMs: (run.cpuMs - startMs) / drafts, wallMs: run.wallMs };
  } finally {
    repo.remove();
    await emulator.close();
  }
}

/** CPU time of `seedlock plan` on one asset: node's start, the bundle, the manifest, no call. */
async function startCpuMs(): Promise<number> {
  const emulator = await startEmulator({ latencyMs: 0 });
  const repo = scratchRepo(cpuManifest(1));
  try {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(expectExit(await runSeedlock(repo.dir, emulator.url, ["plan"], { measureMemory: true }), [0], "plan").cpuMs);
    return median(runs);
  } finally {
    repo.remove();
    await emulator.close();
  }
}

/** The CPU figure alone: `SEEDLOCK_BENCH_CPU_ASSETS=10,100 npm run bench -- scale` for a short version. */
export async function cpuFigure(sizes = CPU_ASSETS): Promise<{ figure: Figure; notes: string[] }> {
  const startMs = await startCpuMs();
  const runs = [];
  for (const n of sizes) runs.push(await cpuPerDraft(n, startMs));
  const small = runs[0]!;
  const large = runs.at(-1)!;
  const ratio = large.perDraftMs / small.perDraftMs;
  return {
    figure: {
      name: `seedlock's CPU time per draft, ${large.assets} assets ÷ ${small.assets} assets (latency 0)`,
      value: round(ratio, 3),
      unit: "×",
      goal: `≤ ${CPU_GOAL}`,
      pass: ratio <= CPU_GOAL,
    },
    notes: [
      `CPU per draft: \`seedlock run\` on N two-tier assets × ${CPU_COUNT} (Lite drafts at 1K, finals at 512, outputs 64² webp) against the emulator with its usual flaws and no latency; ` +
        `user + system time from /usr/bin/time, less ${startMs.toFixed(0)} ms for a process that starts and plans one asset, ÷ drafts.`,
      "",
      "| assets | drafts | finals | CPU | CPU per draft | wall time |",
      "|---:|---:|---:|---:|---:|---:|",
      ...runs.map((r) => `| ${r.assets} | ${r.drafts} | ${r.finals} | ${(r.cpuMs / 1000).toFixed(2)} s | ${r.perDraftMs.toFixed(1)} ms | ${(r.wallMs / 1000).toFixed(1)} s |`),
    ],
  };
}

/** Spawns the Action entry with the runner's variables and `command: plan`; ms from spawn to exit, median of STARTS. */
function actionStartup(main: string): { medianMs: number; all: number[] } {
  const work = mkdtempSync(join(tmpdir(), "seedlock-bench-action-"));
  try {
    writeFileSync(
      join(work, "assets.yaml"),
      "version: 1\nbudget: { maxUsd: 5 }\nassets:\n  - id: dunes\n    prompt: Minimal desert dunes at dusk, no text\n    count: 2\n    out: art/dunes-{n}.webp\n",
    );
    const files = { output: join(work, "output"), summary: join(work, "summary.md"), state: join(work, "state"), event: join(work, "event.json") };
    writeFileSync(files.event, JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "octo/site" } }));
    const all: number[] = [];
    for (let i = 0; i < STARTS; i++) {
      for (const f of [files.output, files.summary, files.state]) writeFileSync(f, "");
      const started = performance.now();
      const ran = spawnSync(process.execPath, [main], {
        cwd: work,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GITHUB_ACTIONS: "true",
          GITHUB_OUTPUT: files.output,
          GITHUB_STEP_SUMMARY: files.summary,
          GITHUB_STATE: files.state,
          GITHUB_EVENT_PATH: files.event,
          GITHUB_EVENT_NAME: "push",
          GITHUB_WORKSPACE: work,
          GITHUB_REPOSITORY: "octo/site",
          GITHUB_REF: "refs/heads/main",
          GITHUB_SHA: "0".repeat(40),
          RUNNER_TEMP: work,
          INPUT_COMMAND: "plan",
          INPUT_MANIFEST: "assets.yaml",
          "INPUT_MAX-BUDGET-USD": "",
          INPUT_COMMIT: "",
          INPUT_COMMENT: "",
          INPUT_SHARD: "",
        },
      });
      all.push(performance.now() - started);
      if (ran.status !== 0) throw new Error(`the Action's plan exited ${ran.status}: ${ran.stdout.slice(-1500)}`);
    }
    return { medianMs: median(all), all };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const bench: Bench = async () => {
  const sizes = process.env.SEEDLOCK_BENCH_CPU_ASSETS?.split(",").map(Number) ?? CPU_ASSETS;
  const cpu = wanted("cpu") ? await cpuFigure(sizes) : undefined;
  const memory = wanted("memory") ? await peakMemory() : undefined;
  const tuned = wanted("memory") ? await peakMemory(TUNED_ENV) : undefined;
  const built = buildSeedlock();
  const action = wanted("action memory") ? await actionPeakMemory(built.main) : undefined;
  const fresh = wanted("start-up") ? actionStartup(built.main) : undefined;
  const shipped = join(repoRoot, "dist", "main.js");
  const dist = wanted("start-up") && existsSync(shipped) ? actionStartup(shipped) : undefined;
  const nodeAlone = median(Array.from({ length: STARTS }, () => {
    const t = performance.now();
    spawnSync(process.execPath, ["-e", "0"]);
    return performance.now() - t;
  }));

  const figures: Figure[] = [];
  if (memory && tuned) {
    figures.push(
      { name: `peak memory of a ${memory.drafts}-draft run`, value: round(memory.peakMb, 1), unit: "MB", goal: `< ${MEMORY_GOAL_MB} MB`, pass: memory.peakMb < MEMORY_GOAL_MB },
      {
        name: `peak memory of a ${tuned.drafts}-draft run with ${Object.entries(TUNED_ENV).map(([k, v]) => `${k}=${v}`).join(" ")}`,
        value: round(tuned.peakMb, 1),
        unit: "MB",
        goal: `< ${MEMORY_GOAL_MB} MB`,
        pass: tuned.peakMb < MEMORY_GOAL_MB,
      },
    );
  }
  if (action) {
    figures.push({ name: `peak memory of a ${action.drafts}-draft run by the Action's main.js, default settings`, value: round(action.peakMb, 1), unit: "MB", goal: `< ${MEMORY_GOAL_MB} MB`, pass: action.peakMb < MEMORY_GOAL_MB });
  }
  if (fresh) figures.push({ name: "Action start-up to exit, command plan (built from source)", value: round(fresh.medianMs, 0), unit: "ms" });
  if (cpu) figures.push(cpu.figure);
  if (dist) figures.push({ name: "Action start-up to exit, command plan (dist/main.js as committed)", value: round(dist.medianMs, 0), unit: "ms" });
  figures.push({ name: "node start-up alone (node -e 0), for scale", value: round(nodeAlone, 0), unit: "ms" });
  return {
    title: "Scale: memory of a 1,000-draft run, CPU per draft at 10 and 1,000 assets, Action start-up",
    description:
      `Peak memory: \`seedlock run\` as a child process over ${ASSETS} two-tier assets (Lite drafts at 1K, finals at 512, outputs 128² webp) against the ` +
      `emulator with its usual flaws and no latency, measured by /usr/bin/time -v (maximum resident set size); the Action's row runs the same manifest ` +
      `through the built main.js as the runner starts it (\`command: run\`, \`commit: false\`), with nothing set in the workflow's \`env:\`. Action start-up: the Action entry spawned as the runner does ` +
      `(INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH for a push) with \`command: plan\` on a two-asset manifest, ` +
      `spawn to exit, median of ${STARTS}. \`plan\` on a 5,000-asset manifest is measured by plan.bench.ts (its own section).` +
      (ONLY.length ? ` Measured this time: ${ONLY.join(", ")} (SEEDLOCK_BENCH_CASES); the other parts were not run.` : ""),
    figures,
    notes: [
      loadNote(),
      "",
      "Where the memory goes (process.memoryUsage sampled every 200 ms on the same run): the V8 heap holds 20–110 MB of live data but " +
        "grows to about 200 MB between major collections (every answer arrives as a base64 string), and the rest is native: libvips and " +
        "glibc's per-thread malloc arenas. Turning off libvips' operation cache, one libvips thread, or a smaller libuv pool changed nothing " +
        "measurable; the two process-start settings above halve it. They cannot be set from inside the running process (v8.setFlagsFromString " +
        "after start-up had no effect, nor did forcing a full collection every 32 MB of heap growth), so the CLI's run, preview, render and demo, " +
        "and the Action's run, preview, render and review, re-execute themselves once in a child started with them (src/pipeline/tuned-process.ts); " +
        "every memory row therefore measures that child. /usr/bin/time reports the larger of the parent and the child, not their sum: the parent " +
        "only relays signals and the exit code (a node process at rest, some 40–50 MB).",
      ...(cpu ? ["", ...cpu.notes] : []),
      "",
      ...(memory ? [`The memory run drafted ${memory.drafts} times and rendered ${memory.rendered} finals in ${(memory.wallMs / 1000).toFixed(1)} s.`] : []),
      ...(action ? [`The Action's run drafted ${action.drafts} times and rendered ${action.rendered} finals in ${(action.wallMs / 1000).toFixed(1)} s.`] : []),
      ...(fresh ? [`Action start-up runs (ms), built from source: ${fresh.all.map((v) => v.toFixed(0)).join(", ")}` + (dist ? `; dist/main.js: ${dist.all.map((v) => v.toFixed(0)).join(", ")}.` : ".")] : []),
    ],
  };
};
export default bench;
